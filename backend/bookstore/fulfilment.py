"""Applying verified payment events to orders, each event exactly once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import ColumnElement, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.db import Model, UtcDateTime, db, utcnow
from bookstore.errors import ApiError
from bookstore.money import format_amount
from bookstore.orders import Order, OrderStatus, transition
from bookstore.payments import current_gateway

logger = logging.getLogger(__name__)

MAX_FAILURE_MESSAGE = 500


class ProcessedEvent(Model):
    """An event already applied; its id as primary key is what makes delivery exactly-once."""

    __tablename__ = "processed_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


EventObject = Mapping[str, object]


def process_webhook(payload: bytes, signature_header: str | None) -> str:
    """Verify a delivery and apply it; "processed", "duplicate" or "ignored".

    Commits or rolls back the session itself: callers commit their own changes first.
    """
    event = current_gateway().construct_event(payload, signature_header)
    apply = _HANDLERS.get(event.type)
    if apply is None:
        logger.info("ignoring %s event %s", event.type, event.id)
        return "ignored"
    if db.session.get(ProcessedEvent, event.id) is not None:
        return "duplicate"
    try:
        # Writing the event first makes a concurrent delivery of the same event fail on the
        # primary key and stop here (on SQLite it also takes the write lock, so the order read
        # below is current; on PostgreSQL the read below locks the order row for that).
        db.session.add(ProcessedEvent(id=event.id, type=event.type))
        db.session.flush()
        order = _order_for(event.type, event.data_object)
        if order is None:
            db.session.rollback()
            return "ignored"
        apply(order, event.data_object)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    except BaseException:
        db.session.rollback()
        raise
    logger.info("applied %s %s to order %s: now %s", event.type, event.id, order.id, order.status)
    return "processed"


def _order_for(event_type: str, obj: EventObject) -> Order | None:
    """The order an event is about; None for another shop's PaymentIntent; 503 if not yet here."""
    # Charge events carry the PaymentIntent id in a field; PaymentIntent events are the intent.
    intent_id = _text(obj, "payment_intent" if event_type.startswith("charge.") else "id")
    order_id = _metadata_order_id(obj)
    if intent_id is None and order_id is None:
        raise ApiError(400, "invalid_event", "The event names no PaymentIntent.")

    if intent_id is not None:
        order = _fresh(Order.payment_intent_id == intent_id)
        if order is not None:
            return order
    if order_id is not None:
        order = _fresh(Order.id == order_id)
        # The webhook can beat the checkout request to storing the new PaymentIntent's id.
        if order is not None and order.payment_intent_id is None:
            return order
        if order is not None:
            logger.warning(
                "event for %s names order %s, which is paid by %s: not ours, ignored",
                intent_id,
                order_id,
                order.payment_intent_id,
            )
            return None
    # Not visible yet (or not committed yet): a non-2xx answer makes Stripe deliver it again.
    raise ApiError(503, "order_not_found", "The order for this event is not known yet.")


def _fresh(criterion: ColumnElement[bool]) -> Order | None:
    """The matching order as committed now, locked until this event's transaction ends.

    FOR UPDATE makes two events for one order (on PostgreSQL, where writers do not queue for
    the whole database as on SQLite) apply one after the other, each seeing the other's result:
    otherwise a payment_failed read before a succeeded committed could overwrite `paid`.
    SQLite ignores it; its single writer lock, taken by the insert above, does the same job.
    """
    query = (
        select(Order).where(criterion).with_for_update().execution_options(populate_existing=True)
    )
    return db.session.scalars(query).one_or_none()


def _metadata_order_id(obj: EventObject) -> int | None:
    """The order id checkout put in the PaymentIntent's metadata, if any."""
    metadata = obj.get("metadata")
    value = metadata.get("order_id") if isinstance(metadata, Mapping) else None
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _succeeded(order: Order, obj: EventObject) -> None:
    """Paid, if the money matches the order; otherwise held for review."""
    received = _number(obj, "amount_received")
    amount = received if received is not None else _number(obj, "amount")
    currency = _text(obj, "currency")
    if amount == order.amount and currency == order.currency:
        moved = transition(order, OrderStatus.PAID)
    else:
        logger.warning(
            "order %s: PaymentIntent paid %s but the order is %s; holding it for review",
            order.id,
            format_amount(amount or 0, currency or "?"),
            format_amount(order.amount, order.currency),
        )
        moved = transition(order, OrderStatus.REVIEW)
    if moved:
        order.paid_amount = amount
        order.paid_at = utcnow()
        order.failure_message = None


def _payment_failed(order: Order, obj: EventObject) -> None:
    """The attempt failed; the order stays payable with another card."""
    if transition(order, OrderStatus.FAILED):
        error = obj.get("last_payment_error")
        message = _text(error, "message") if isinstance(error, Mapping) else None
        order.failure_message = (message or "The payment failed.")[:MAX_FAILURE_MESSAGE]


def _processing(order: Order, obj: EventObject) -> None:
    """Submitted; the outcome comes in a later event."""
    if transition(order, OrderStatus.PROCESSING):
        order.failure_message = None


def _canceled(order: Order, obj: EventObject) -> None:
    """The PaymentIntent was canceled; the order cannot be paid any more."""
    transition(order, OrderStatus.CANCELED)


def _refunded(order: Order, obj: EventObject) -> None:
    """Fully refunded; a partial refund leaves the order paid (and is logged)."""
    if obj.get("refunded") is False:
        logger.info("order %s: partial refund of %s", order.id, _number(obj, "amount_refunded"))
        return
    transition(order, OrderStatus.REFUNDED)


_HANDLERS: Mapping[str, Callable[[Order, EventObject], None]] = {
    "payment_intent.succeeded": _succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "payment_intent.processing": _processing,
    "payment_intent.canceled": _canceled,
    "charge.refunded": _refunded,
}


def _text(obj: Mapping[str, object], key: str) -> str | None:
    """A string field of an event object, or None if absent or of another type."""
    value = obj.get(key)
    return value if isinstance(value, str) else None


def _number(obj: Mapping[str, object], key: str) -> int | None:
    """An integer field of an event object, or None (booleans are not amounts)."""
    value = obj.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
