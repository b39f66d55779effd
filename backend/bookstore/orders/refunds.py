"""Full refunds: asked for in the order's own transaction, sent to the gateway after it.

`request_refund` moves an order to `refunding` with why, in the caller's transaction (the
webhook's, when a payment arrives for copies that are gone; the owner's command's). Nothing
is sent there. `send_refund` then asks the gateway, with no database lock held and with the
idempotency key `order-<token>-refund`, so a retry, a second server or a second command can
only ever repeat the same refund. The order becomes `refunded` when the gateway's
charge.refunded event arrives, through the webhook, exactly once, as payments do.

Refunds still to be sent (the gateway was down, the process stopped) are sent again by each
server's background thread (bookstore.notifications.worker, doing `send_due_work`) and by
`flask --app bookstore orders send-refunds`. A refund the gateway refuses for good (the
payment is not refundable, or was taken in another mode) is noted on the order
(`refund_error`) and left for the owner, instead of being asked again every few seconds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from bookstore.db import db, utcnow
from bookstore.notifications.worker import send_outbox
from bookstore.orders.holds import release, restock
from bookstore.orders.models import Order, OrderStatus, RefundCause, record, transition
from bookstore.payments import current_gateway
from bookstore.payments.gateway import AlreadyRefunded, PaymentError, ProviderUnavailable

logger = logging.getLogger(__name__)

# Stored as the refund id when the gateway says the payment was refunded already (in the
# Dashboard, say): nothing is left to send, and its charge.refunded event settles the order.
ALREADY_REFUNDED = "already_refunded"
# Refunds sent in one pass of the background thread or the command.
BATCH = 20


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
    Only an order whose money arrived can be refunded: one never paid gives False too.
    """
    if order.paid_amount is None or not transition(order, OrderStatus.REFUNDING):
        return False
    order.refund_cause = cause
    order.refund_note = note
    order.refund_requested_at = utcnow()
    release(order)
    detail = f"cause={cause}" + (f"; {note}" if note else "")
    if put_back and restock(order):
        detail += "; copies back on the shelf"
    record(order, "refund_requested", detail)
    return True


def refund_key(order: Order) -> str:
    """The idempotency key of the order's one full refund."""
    return f"order-{order.token}-refund"


def send_refund(order_id: int) -> RefundAttempt | None:
    """Ask the gateway for the order's refund, unless sent already; None if none is due.

    The order is read and the transaction ended before the gateway is called; the refund id
    is then stored in a transaction of its own.
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
    number, token, intent_id = order.number, order.token, order.payment_intent_id
    key = refund_key(order)
    gateway = current_gateway()
    db.session.rollback()  # no transaction (nor lock) is held while the gateway is called
    if intent_id is None or order.gateway != gateway.name:
        reason = (
            f"its payment was taken by the {order.gateway or 'unknown'} gateway, and this "
            f"server runs {gateway.name}: refund it from a server in that mode"
        )
        _store_refund_error(order_id, reason)
        return RefundAttempt(number, None, reason)
    try:
        refund_id = gateway.refund_payment_intent(
            intent_id, order_token=token, idempotency_key=key
        ).id
    except AlreadyRefunded:
        refund_id = ALREADY_REFUNDED
    except ProviderUnavailable as error:
        logger.warning("refund of order %s not sent, will retry: %s", number, error.message)
        return RefundAttempt(number, None, error.message)
    except PaymentError as error:
        logger.error("refund of order %s refused: %s %s", number, error.code, error.message)
        _store_refund_error(order_id, error.message)
        return RefundAttempt(number, None, error.message)
    _store_refund_id(order_id, refund_id)
    logger.info("refund of order %s sent: %s", number, refund_id)
    return RefundAttempt(number, refund_id)


def retry_refund(order: Order) -> bool:
    """Let a refund the gateway refused be sent again (the owner asks); False if none is due."""
    if order.status != OrderStatus.REFUNDING or order.refund_id is not None:
        return False
    if order.refund_error is not None:
        record(order, "refund_retried", f"after: {order.refund_error}")
        order.refund_error = None
    return True


def _store_refund_error(order_id: int, reason: str) -> None:
    """Note on the order why its refund was refused, so it is not asked again by itself."""
    order = _locked(order_id)
    if order.refund_id is None:
        order.refund_error = reason[:500]
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


def due_refunds(limit: int = BATCH) -> list[int]:
    """Orders refunding whose refund has not reached the gateway yet, oldest first."""
    query = (
        select(Order.id)
        .where(
            Order.status == OrderStatus.REFUNDING,
            Order.refund_id.is_(None),
            Order.refund_error.is_(None),
        )
        .order_by(Order.refund_requested_at, Order.id)
        .limit(limit)
    )
    ids = list(db.session.scalars(query))
    db.session.rollback()
    return ids


def send_due_refunds(limit: int = BATCH) -> list[RefundAttempt]:
    """Send every refund still due (up to `limit`); what each attempt did."""
    attempts = []
    for order_id in due_refunds(limit):
        attempt = send_refund(order_id)
        if attempt is not None:
            attempts.append(attempt)
    return attempts


def send_due_work() -> None:
    """What each server's background thread does: refunds still to be sent, then emails due."""
    send_due_refunds()
    send_outbox()
