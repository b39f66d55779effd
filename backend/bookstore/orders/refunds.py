"""Full refunds: asked for in the order's own transaction, sent by the worker after it.

`request_refund` moves an order to `refunding` with why, in the caller's transaction (the
webhook's, when a payment arrives for copies that are gone; the owner's command's), and queues
a refund job there. Nothing is sent in that transaction. The worker then runs the job
(`send_refund`), with no database lock held and with the idempotency key of the order's refund
attempt, so a retry, a second worker or the owner's command can only ever repeat the same
refund. The order becomes `refunded` when the gateway's charge.refunded event arrives, through
the webhook, exactly once, as payments do.

How the gateway answers decides what follows (its errors are classified once, in the gateway):
- a passing failure (Stripe unreachable, rate-limited, 5xx): the job is retried with backoff;
- a refusal (the payment is not refundable, the balance is short): the reason is stored on the
  order (`refund_error`) for the owner, and the next attempt takes a new idempotency key, since
  Stripe answers a key it refused with the same refusal; the owner retries (`orders refund`);
- the shop's own setup (the key was refused): the same, and an alert /readyz reports.
A refund the gateway accepted can still fail later (refund.failed: the card was closed); the
order then owes the refund again, with the reason, under a new key (bookstore.orders.fulfilment).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from bookstore.db import db, utcnow
from bookstore.jobs.alerts import PAYMENT_SETUP, clear_alert, raise_alert
from bookstore.jobs.claims import Policy
from bookstore.jobs.models import Job
from bookstore.jobs.queue import GiveUp, JobKind, JobView, RetryLater, enqueue, supersede_dead
from bookstore.notifications.emails import queue_refund_notice
from bookstore.orders.holds import release, restock
from bookstore.orders.models import Order, OrderStatus, RefundCause, record, transition
from bookstore.orders.partial_refunds import counted_amount, restocked_copies
from bookstore.payments import current_gateway
from bookstore.payments.gateway import AlreadyRefunded, PaymentError

logger = logging.getLogger(__name__)

# Stored as the refund id when the gateway says the payment was refunded already (in the
# Dashboard, say): nothing is left to send, and its charge.refunded event settles the order.
ALREADY_REFUNDED = "already_refunded"
REFUND_JOB = "refund"
# A refund is retried after about 30 s, 1 min, 2 min... up to 30 min, for about a day (a long
# Stripe outage); the lease covers stripe-python's own retries and timeouts many times over.
REFUND_POLICY = Policy(
    first_retry_seconds=30, max_retry_seconds=1800, max_attempts=60, lease_seconds=120
)


@dataclass(frozen=True)
class RefundAttempt:
    """What asking the gateway for one order's refund did."""

    number: str
    refund_id: str | None  # the gateway's refund, when it accepted (or had it already)
    error: str | None = None  # why not, for the owner; the refund stays due


def request_refund(
    order: Order, cause: RefundCause, note: str | None = None, *, put_back: bool = False
) -> bool:
    """Move the order to `refunding` (in the caller's transaction); False if it cannot be.

    `put_back` returns a paid order's copies to the shelf (books that came back unsent).
    Only an order whose money arrived can be refunded: one never paid gives False too, as does
    one whose partial refunds give back all of it already. After partial refunds, the refund
    is of what they leave (the gateway refunds what is left of the payment).
    """
    if order.paid_amount is None or counted_amount(order.id) >= order.paid_amount:
        return False
    if not transition(order, OrderStatus.REFUNDING):
        return False
    order.refund_cause = cause
    order.refund_note = note
    order.refund_requested_at = utcnow()
    release(order)
    detail = f"cause={cause}" + (f"; {note}" if note else "")
    if put_back and restock(order, restocked_copies(order.id)):
        detail += "; copies back on the shelf"
    record(order, "refund_requested", detail)
    queue_refund(order)
    return True


def queue_refund(order: Order) -> None:
    """Have the worker send the order's refund, once the caller's transaction commits."""
    supersede_dead(REFUND_JOB, order.id)  # the new job replaces any the worker gave up on
    enqueue(REFUND_JOB, order_id=order.id)


def refund_key(order: Order) -> str:
    """The idempotency key of the order's refund attempt: the first is `order-<token>-refund`;
    after a refusal (or a refund that failed later) the next one ends in `-2`, `-3`..."""
    suffix = f"-{order.refund_attempt + 1}" if order.refund_attempt else ""
    return f"order-{order.token}-refund{suffix}"


def send_refund(order_id: int) -> RefundAttempt | None:
    """Ask the gateway for the order's refund, unless sent already; None if none is due.

    Everything needed is read, and the transaction ended, before the gateway is called: no
    transaction (nor lock) is held while it answers. The outcome is stored in a transaction of
    its own. A passing failure raises RetryLater (the job retries); a refusal is stored.
    """
    order = db.session.get(Order, order_id, populate_existing=True)
    if (
        order is None
        or order.status != OrderStatus.REFUNDING
        or order.refund_id is not None
        or order.refund_error is not None
    ):
        db.session.rollback()
        return None
    number, token, intent_id, paid_by = (
        order.number,
        order.token,
        order.payment_intent_id,
        order.gateway,
    )
    key = refund_key(order)
    db.session.rollback()
    gateway = current_gateway()
    if intent_id is None or paid_by != gateway.name:
        reason = (
            f"its payment was taken by the {paid_by or 'unknown'} gateway, and this "
            f"server runs {gateway.name}: refund it from a server in that mode"
        )
        _store_refund_error(order_id, reason, new_key=False)
        return RefundAttempt(number, None, reason)
    try:
        refund_id = gateway.refund_payment_intent(
            intent_id, order_token=token, idempotency_key=key
        ).id
    except AlreadyRefunded:
        refund_id = ALREADY_REFUNDED
    except PaymentError as error:
        return _not_sent(order_id, number, error)
    clear_alert(PAYMENT_SETUP)
    _store_refund_id(order_id, refund_id)
    logger.info("refund of order %s sent: %s", number, refund_id)
    return RefundAttempt(number, refund_id)


def _not_sent(order_id: int, number: str, error: PaymentError) -> RefundAttempt:
    """Act on the class of the gateway's error: retry later, or store why for the owner."""
    reason = error.reason or error.message
    if error.kind == "temporary":
        logger.warning("refund of order %s not sent, will retry: %s", number, reason)
        raise RetryLater(reason)
    if error.kind == "setup":
        logger.error("refund of order %s not sent: the shop's setup is wrong: %s", number, reason)
        raise_alert(PAYMENT_SETUP, f"The payment provider refused the shop's key: {reason}")
        _store_refund_error(order_id, f"not sent, fix the payment setup: {reason}", new_key=False)
    else:
        logger.error("refund of order %s refused: %s", number, reason)
        # Stripe keeps a refusal under its idempotency key: the next try needs a new one.
        _store_refund_error(order_id, reason, new_key=True)
    return RefundAttempt(number, None, reason)


def run_refund_job(job: JobView) -> None:
    """The worker's handler of a refund job: send it; a stored refusal ends the job too.

    A job that died of the order's refusal (or of the shop's setup) and that the owner made
    due again (`outbox retry --job`) is the owner's retry, as `orders refund NUMBER` is: the
    stored refusal no longer holds the refund back.
    """
    if job.order_id is None:
        raise GiveUp("a refund job names no order")
    if _made_due_again_by_the_owner(job):
        _retry_after_refusal(job.order_id, f"job {job.id} made due again")
    attempt = send_refund(job.order_id)
    if attempt is not None and attempt.refund_id is None:
        raise GiveUp(attempt.error or "refused")


def _made_due_again_by_the_owner(job: JobView) -> bool:
    """Whether the job failed before and this is its first attempt since: a dead job's
    attempts start again from none only when the owner retries it (jobs.claims.requeue_dead)."""
    failed_before = db.session.scalar(select(Job.last_error).where(Job.id == job.id)) is not None
    db.session.rollback()
    return job.attempts == 1 and failed_before


def _retry_after_refusal(order_id: int, why: str) -> None:
    """Clear the order's stored refusal, if it still owes the refund, in a transaction of its
    own (its history says the owner retried)."""
    order = _locked(order_id)
    if (
        order.status == OrderStatus.REFUNDING
        and order.refund_id is None
        and order.refund_error is not None
    ):
        record(order, "refund_retried", f"{why}, after: {order.refund_error}")
        order.refund_error = None
        order.refund_failed_reason = None
    db.session.commit()


REFUND_KIND = JobKind(REFUND_JOB, REFUND_POLICY, run_refund_job)


def retry_refund(order: Order) -> bool:
    """Send a refund the gateway refused (or that failed later) again, when the owner asks, in
    the caller's transaction; False if none is due."""
    if order.status != OrderStatus.REFUNDING or order.refund_id is not None:
        return False
    if order.refund_error is not None:
        record(order, "refund_retried", f"after: {order.refund_error}")
        order.refund_error = None
    # A new refund is on its way: a charge.refunded from now on may well be its (history keeps
    # why the last one failed).
    order.refund_failed_reason = None
    queue_refund(order)
    return True


def returned_another_way(order: Order, how: str) -> bool:
    """The owner says the money went back outside the gateway (a bank transfer, say), in the
    caller's transaction: the order is refunded, and the shopper gets the one refund email.
    False if the order owes no refund."""
    if order.status != OrderStatus.REFUNDING or order.refund_id is not None:
        return False
    transition(order, OrderStatus.REFUNDED)
    order.refund_error = None
    record(order, "refund_returned_another_way", how)
    queue_refund_notice(order, (order.paid_amount or 0) - counted_amount(order.id))
    return True


def refund_failed(order: Order, refund_id: str | None, reason: str | None) -> bool:
    """A refund the gateway took failed afterwards (refund.failed: the card was closed, say),
    in the event's transaction: the order owes the refund again, for the owner to retry or
    settle another way. No email: the shopper was told of this money once, and is not told
    again until it really goes back. False if the refund is not the order's current one."""
    if refund_id is None or order.refund_id != refund_id:
        return False
    why = reason or "unknown"
    # Not a move the events' table allows (refunded is final for them): only this reopens it.
    order.status = OrderStatus.REFUNDING
    order.refund_id = None
    order.refund_failed_reason = why[:500]
    order.refund_error = f"refund {refund_id} failed afterwards: {why}"[:500]
    # Stripe keeps the failed refund under its key: the next one needs a new key.
    order.refund_attempt += 1
    record(order, "refund_failed", f"{refund_id}: {why}")
    logger.error(
        "refund %s of order %s failed afterwards (%s): the order owes its refund again; "
        "see `flask --app bookstore orders show %s`",
        refund_id,
        order.number,
        why,
        order.number,
    )
    return True


def _store_refund_error(order_id: int, reason: str, *, new_key: bool) -> None:
    """Note on the order why its refund was not sent, so it is not asked again by itself."""
    order = _locked(order_id)
    if order.refund_id is None:
        order.refund_error = reason[:500]
        if new_key:
            order.refund_attempt += 1
        record(order, "refund_refused", reason)
    db.session.commit()


def _locked(order_id: int) -> Order:
    """The order as committed now, its row locked until the commit."""
    return db.session.scalars(
        select(Order)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _store_refund_id(order_id: int, refund_id: str) -> None:
    """Note the gateway's refund on the order (the webhook may have settled it already)."""
    order = _locked(order_id)
    if order.refund_id is None:
        order.refund_id = refund_id
        record(order, "refund_sent", refund_id)
    db.session.commit()
