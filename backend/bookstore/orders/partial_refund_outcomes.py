"""Partial refunds after they are asked for: the worker sends each, the gateway's events settle it.

The worker's job (`send_partial_refund`) reads the refund, ends its transaction, and asks the
gateway for the refund's amount under the refund's own idempotency key, so a retry, a second
worker or the owner's command can only ever repeat that one refund. Its errors are classified
once, in the gateway: a passing failure is retried with backoff under the same key; a refusal
(or the shop's own setup) fails the refund, with the reason, for the owner, who asks again if
need be (a new refund, a new key); a payment refunded in full already fails it too.

The gateway's charge.refunded events carry what went back so far in all (`amount_refunded`),
kept on the order (`gateway_refunded_amount`). The refunds the gateway took are settled in the
order they were sent while that amount covers them, whichever comes first, the event or the
worker's note of the gateway's answer: each succeeds once, emails the customer its amount
when asked to, and leaves the order `partially_refunded` (or `refunded`, when the event says
nothing is left). A refund that fails afterwards (refund.failed) no longer counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from bookstore.db import db, lock_for_write, utcnow
from bookstore.jobs.alerts import PAYMENT_SETUP, clear_alert, raise_alert
from bookstore.jobs.queue import GiveUp, JobKind, JobView, RetryLater
from bookstore.money import format_amount
from bookstore.notifications.emails import queue_partial_refund_notice
from bookstore.orders.models import Order, OrderStatus, record, transition
from bookstore.orders.partial_refunds import (
    PARTIAL_REFUND_JOB,
    OrderRefund,
    RefundStatus,
    covers,
    refunds_of,
)
from bookstore.orders.refunds import REFUND_POLICY
from bookstore.payments import current_gateway
from bookstore.payments.gateway import AlreadyRefunded, PaymentError

logger = logging.getLogger(__name__)

ALREADY_REFUNDED_REASON = "the payment was refunded in full already"


@dataclass(frozen=True)
class PartialRefundAttempt:
    """What asking the gateway for one partial refund did."""

    refund_id: int
    gateway_refund_id: str | None  # the gateway's refund, when it took it
    error: str | None = None  # why not, for the owner


def send_partial_refund(refund_id: int) -> PartialRefundAttempt | None:
    """Ask the gateway for the refund, unless it was sent or failed already (then None).

    Nothing is locked while the gateway answers; the outcome is stored in a transaction of its
    own. A passing failure raises RetryLater (the job retries under the same key).
    """
    refund = db.session.get(OrderRefund, refund_id, populate_existing=True)
    order = (
        None if refund is None else db.session.get(Order, refund.order_id, populate_existing=True)
    )
    if refund is None or order is None or refund.status != RefundStatus.REQUESTED:
        db.session.rollback()
        return None
    intent_id, token, paid_by = order.payment_intent_id, order.token, order.gateway
    key, amount = refund.idempotency_key, refund.amount
    db.session.rollback()
    gateway = current_gateway()
    if intent_id is None or key is None or paid_by != gateway.name:
        reason = (
            f"its payment was taken by the {paid_by or 'unknown'} gateway, and this server "
            f"runs {gateway.name}: refund it from a server in that mode"
        )
        return _failed(refund_id, reason)
    try:
        made = gateway.refund_payment_intent(
            intent_id, order_token=token, idempotency_key=key, amount=amount
        )
    except AlreadyRefunded:
        return _failed(refund_id, ALREADY_REFUNDED_REASON)
    except PaymentError as error:
        reason = error.reason or error.message
        if error.kind == "temporary":
            logger.warning("partial refund %s not sent, will retry: %s", refund_id, reason)
            raise RetryLater(reason) from error
        if error.kind == "setup":
            raise_alert(PAYMENT_SETUP, f"The payment provider refused the shop's key: {reason}")
            reason = f"not sent, fix the payment setup: {reason}"
        return _failed(refund_id, reason)
    clear_alert(PAYMENT_SETUP)
    _store_sent(refund_id, made.id)
    logger.info("partial refund %s sent: %s", refund_id, made.id)
    return PartialRefundAttempt(refund_id, made.id)


def run_partial_refund_job(job: JobView) -> None:
    """The worker's handler of a partial refund job: send it (a refusal is stored on it)."""
    refund_id = job.payload.get("refund_id")
    if not isinstance(refund_id, int):
        raise GiveUp("a partial refund job names no refund")
    send_partial_refund(refund_id)


PARTIAL_REFUND_KIND = JobKind(PARTIAL_REFUND_JOB, REFUND_POLICY, run_partial_refund_job)


def settle_partial_refunds(order: Order) -> list[OrderRefund]:
    """Mark succeeded the sent refunds that what went back (`gateway_refunded_amount`) covers,
    in the order they were sent, in the caller's transaction (the order locked); the customer
    is emailed each one's amount if asked, and a paid order is `partially_refunded`. The
    refunds settled now."""
    refunds = refunds_of(order.id)
    total = sum(refund.amount for refund in refunds if refund.status == RefundStatus.SUCCEEDED)
    sent = sorted(
        (refund for refund in refunds if refund.status == RefundStatus.SENT),
        key=lambda refund: (refund.sent_at or refund.created_at, refund.id),
    )
    settled = []
    for refund in sent:
        if total + refund.amount > order.gateway_refunded_amount:
            break
        total += refund.amount
        refund.status = RefundStatus.SUCCEEDED
        refund.settled_at = utcnow()
        settled.append(refund)
        record(
            order,
            "partial_refund_succeeded",
            f"#{refund.id}: {format_amount(refund.amount, refund.currency)} refunded",
        )
        if refund.notify:
            queue_partial_refund_notice(order, refund.id, refund.amount, covers(order, refund))
    if settled and order.status in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
        transition(order, OrderStatus.PARTIALLY_REFUNDED)
    return settled


def partial_refund_failed(order: Order, gateway_refund_id: str | None, reason: str | None) -> bool:
    """A partial refund the gateway took failed afterwards (refund.failed), in the event's
    transaction: it no longer counts, and a partly refunded order left with no refund that
    went through is `paid` again. No email. False if no partial refund of the order is it."""
    if gateway_refund_id is None:
        return False
    query = select(OrderRefund).where(
        OrderRefund.order_id == order.id, OrderRefund.gateway_refund_id == gateway_refund_id
    )
    refund = db.session.scalars(query).one_or_none()
    if refund is None:
        return False
    if refund.status == RefundStatus.FAILED:
        return True
    why = reason or "unknown"
    # What went back no longer includes it (Stripe's amount_refunded goes down too).
    order.gateway_refunded_amount = max(0, order.gateway_refunded_amount - refund.amount)
    refund.status = RefundStatus.FAILED
    refund.error = f"failed afterwards: {why}"[:500]
    refund.settled_at = utcnow()
    record(order, "partial_refund_failed", f"#{refund.id} ({gateway_refund_id}): {why}")
    others = [r for r in refunds_of(order.id) if r.status == RefundStatus.SUCCEEDED]
    if order.status == OrderStatus.PARTIALLY_REFUNDED and not others:
        # Not a move the events' table allows: only this takes an order back to paid.
        order.status = OrderStatus.PAID
    logger.error(
        "partial refund %s of order %s failed afterwards (%s): ask for it again if it is "
        "still owed",
        refund.id,
        order.number,
        why,
    )
    return True


def _failed(refund_id: int, reason: str) -> PartialRefundAttempt:
    """Store why the refund was not made, in a transaction of its own; it no longer counts."""
    refund, order = _locked(refund_id)
    if refund.status == RefundStatus.REQUESTED:
        refund.status = RefundStatus.FAILED
        refund.error = reason[:500]
        refund.settled_at = utcnow()
        record(order, "partial_refund_refused", f"#{refund.id}: {reason}")
        logger.error("partial refund %s of order %s refused: %s", refund_id, order.number, reason)
    db.session.commit()
    return PartialRefundAttempt(refund_id, None, reason)


def _store_sent(refund_id: int, gateway_refund_id: str) -> None:
    """Note the gateway's refund, and settle it if its charge.refunded came first."""
    refund, order = _locked(refund_id)
    if refund.status == RefundStatus.REQUESTED:
        refund.status = RefundStatus.SENT
        refund.gateway_refund_id = gateway_refund_id
        refund.sent_at = utcnow()
        record(order, "partial_refund_sent", f"#{refund.id}: {gateway_refund_id}")
        settle_partial_refunds(order)
    db.session.commit()


def _locked(refund_id: int) -> tuple[OrderRefund, Order]:
    """The refund and its order as committed now, the order's row locked until the commit."""
    lock_for_write()
    refund = db.session.get(OrderRefund, refund_id, populate_existing=True)
    assert refund is not None  # refunds are never deleted but with their order
    order = db.session.scalars(
        select(Order)
        .where(Order.id == refund.order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.refresh(refund)
    return refund, order
