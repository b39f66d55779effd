"""Applying verified payment events to orders, each event exactly once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import ColumnElement, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.catalogue.stock import describe
from bookstore.db import Model, UtcDateTime, db, utcnow
from bookstore.money import format_amount
from bookstore.notifications.emails import queue_confirmation, queue_refund_notice
from bookstore.orders.holds import hold_while_processing, release, take_for_paid_order
from bookstore.orders.models import Order, OrderStatus, can_transition, record, transition
from bookstore.orders.partial_refund_outcomes import partial_refund_failed, settle_partial_refunds
from bookstore.orders.partial_refunds import succeeded_amount
from bookstore.orders.refunds import refund_failed, request_refund
from bookstore.payments import current_gateway
from bookstore.payments.gateway import EventAction, PaymentEvent, PaymentIntentStatus

logger = logging.getLogger(__name__)

MAX_FAILURE_MESSAGE = 500
# The history entry of an order paid without the details it needs (it goes to `review`).
INCOMPLETE_ORDER = "incomplete_order"
# The history entry of an event the PaymentIntent has moved on from (it changed nothing).
STALE_EVENT = "stale_event"

# Actions that step an order back (its hold released), with the status the PaymentIntent has
# while the event is still true. Stripe does not deliver in order: a failed card attempt's
# event can arrive after the debit that followed it is `processing`, or has succeeded.
STEP_BACK_STATUS: Mapping[EventAction, PaymentIntentStatus] = {
    "failed": "requires_payment_method",
    "canceled": "canceled",
}


class ProcessedEvent(Model):
    """An event already applied; its id as primary key is what makes delivery exactly-once."""

    __tablename__ = "processed_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


def process_webhook(payload: bytes, signature_header: str | None) -> str:
    """Verify a delivery and apply it; "processed", "duplicate" or "ignored".

    Commits or rolls back the session itself: callers commit their own changes first.
    """
    event = current_gateway().parse_event(payload, signature_header)
    if event.action is None:
        logger.info("ignoring %s event %s", event.type, event.id)
        return "ignored"
    if db.session.get(ProcessedEvent, event.id) is not None:
        return "duplicate"
    # Asked before the event's transaction, so no order row is locked while the gateway
    # answers. A gateway that cannot answer raises: the webhook fails and the event comes again.
    intent_status = _current_intent_status(event)
    try:
        # Writing the event first makes a concurrent delivery of the same event fail on the
        # primary key and stop here (on SQLite it also takes the write lock, so the order read
        # below is current; on PostgreSQL the read below locks the order row for that).
        db.session.add(ProcessedEvent(id=event.id, type=event.type))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    try:
        order = _order_for(event)
        if order is None:
            db.session.rollback()
            return "ignored"
        before = order.status
        entry = record(order, event.type)  # first in the history: what followed came of it
        if intent_status is not None and intent_status != STEP_BACK_STATUS[event.action]:
            _stale(order, event, intent_status)
            entry.detail = _history_detail(event, before, order.status, stale=True)
        else:
            _APPLY[event.action](order, event)
            entry.detail = _history_detail(event, before, order.status)
        db.session.commit()
    except BaseException:
        # Anything else (a constraint the domain should have kept, say) is an error, not a
        # duplicate: nothing is recorded, and Stripe delivers the event again.
        db.session.rollback()
        raise
    logger.info("applied %s %s to order %s: now %s", event.type, event.id, order.id, order.status)
    return "processed"


def _current_intent_status(event: PaymentEvent) -> str | None:
    """The PaymentIntent's status now, for an event that would step an order back; else None.

    Other events are applied without asking: they only move an order forward. The session's
    read (the duplicate check) is ended first, so no transaction stays open during the call.
    """
    if event.action not in STEP_BACK_STATUS or event.payment_intent_id is None:
        return None
    db.session.rollback()
    return current_gateway().retrieve_payment_intent(event.payment_intent_id).status


def _stale(order: Order, event: PaymentEvent, intent_status: str) -> None:
    """Note an event the PaymentIntent has moved on from; the order is left as it is."""
    logger.info(
        "order %s: %s %s is stale, the PaymentIntent is %s now",
        order.id,
        event.type,
        event.id,
        intent_status,
    )
    record(
        order,
        STALE_EVENT,
        f"{event.id}: {event.type} is older than the PaymentIntent's {intent_status}",
    )


def _order_for(event: PaymentEvent) -> Order | None:
    """The order an event is about, or None for a payment this shop did not make.

    Every account receives events for payments made elsewhere: `stripe trigger`, Payment
    Links, Dashboard charges, and other databases (a teammate's clone, staging) sharing the
    account. Those are acknowledged and ignored, or Stripe would retry them for days. An order
    is written before its PaymentIntent is created, so one of ours is always visible by its
    token by the time an event about it can arrive.
    """
    if event.payment_intent_id is not None:
        order = _fresh(Order.payment_intent_id == event.payment_intent_id)
        if order is not None:
            return order
    if event.order_token is None:
        logger.info("%s %s: not a payment of this shop, ignored", event.type, event.id)
        return None
    order = _fresh(Order.token == event.order_token)
    if order is None:
        logger.info(
            "%s %s names an order token this database does not have (another database on "
            "the same Stripe account?): ignored",
            event.type,
            event.id,
        )
        return None
    # The webhook can beat Pay to storing the new PaymentIntent's id: the token says it is ours.
    if order.payment_intent_id is None:
        order.payment_intent_id = event.payment_intent_id
        return order
    logger.warning(
        "%s %s: %s names order %s, which is paid by %s: ignored",
        event.type,
        event.id,
        event.payment_intent_id,
        order.id,
        order.payment_intent_id,
    )
    return None


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


def _succeeded(order: Order, event: PaymentEvent) -> None:
    """Paid, if the money matches a complete order and its copies are there; else review or
    refund.

    The copies leave the shelf in this transaction (the books' rows locked). If its hold had
    expired and others took them, the money goes back in full: `refunding`, sent after the
    commit (bookstore.orders.refunds), and the shopper hears of it on the order page and by email.
    An order without an email or an address cannot be confirmed or shipped: `review`, with the
    reason in its history for the owner (`flask orders show`).
    """
    matches = event.amount == order.amount and event.currency == order.currency
    missing = missing_details(order)
    payable = matches and not missing
    if not can_transition(order.status, OrderStatus.PAID if payable else OrderStatus.REVIEW):
        logger.info("order %s: %s changes nothing (%s)", order.id, event.type, order.status)
        return
    order.paid_amount = event.amount
    order.paid_at = utcnow()
    order.failure_message = None
    shortages = take_for_paid_order(order)
    if not payable:
        if not matches:
            logger.warning(
                "order %s: PaymentIntent paid %s but the order is %s; holding it for review",
                order.id,
                format_amount(event.amount or 0, event.currency or "?"),
                format_amount(order.amount, order.currency),
            )
        if missing:
            logger.warning("order %s paid without %s: holding it for review", order.id, missing)
            record(
                order,
                INCOMPLETE_ORDER,
                f"paid without {' or '.join(missing)}: nothing can be confirmed or shipped "
                "until the shopper is reached; resolve it (--paid) or refund it",
            )
        transition(order, OrderStatus.REVIEW)
        if shortages:
            record(order, "stock_short", describe(shortages))
        return
    if shortages:
        logger.warning("order %s paid for copies that are gone: refunding it", order.id)
        record(order, "stock_short", describe(shortages))
        request_refund(order, "sold_out")
        return
    transition(order, OrderStatus.PAID)
    # In this transaction: the email exists exactly when the payment was recorded.
    queue_confirmation(order)


def missing_details(order: Order) -> list[str]:
    """What a paid order would lack to be confirmed and shipped: an email, an address."""
    missing = [] if order.email else ["an email address"]
    return missing + ([] if order.shipping_address else ["a shipping address"])


def _payment_failed(order: Order, event: PaymentEvent) -> None:
    """The attempt failed; the order stays payable with another card."""
    if transition(order, OrderStatus.FAILED):
        message = event.failure_message or "The payment failed."
        order.failure_message = message[:MAX_FAILURE_MESSAGE]
        # Its copies go back to the shelf; trying again (a checkout) holds them anew.
        release(order)


def _processing(order: Order, event: PaymentEvent) -> None:
    """Submitted; the outcome comes in a later event."""
    if transition(order, OrderStatus.PROCESSING):
        order.failure_message = None
        # Held for as long as the bank takes, if they are still there; else checked on success.
        hold_while_processing(order)


def _canceled(order: Order, event: PaymentEvent) -> None:
    """The PaymentIntent was canceled; the order cannot be paid any more."""
    if transition(order, OrderStatus.CANCELED):
        release(order)


def _refunded(order: Order, event: PaymentEvent) -> None:
    """Part of the money went back (the shop's partial refunds it covers succeed), or all of
    it: `refunded`, with the refund email stating what the last refund gave back.

    A partial refund the shop did not ask for (from the Dashboard, say) is only logged.
    """
    if event.fully_refunded and (
        order.status == OrderStatus.REFUNDING and order.refund_failed_reason and not order.refund_id
    ):
        # Its refund failed afterwards and no new one was made: this is the failed one's
        # event, delivered late. The owner settles the order (`orders refund`).
        record(order, "stale_event", "the refund it tells of failed afterwards")
        return
    # Stripe's amount_refunded is what went back in all; events may come out of order.
    gone_back = event.amount or 0
    if event.fully_refunded:
        gone_back = max(gone_back, order.paid_amount or 0)
    order.gateway_refunded_amount = max(order.gateway_refunded_amount, gone_back)
    settled = settle_partial_refunds(order)
    if not event.fully_refunded:
        if not settled:
            logger.info("order %s: partial refund of %s", order.id, event.amount)
        return
    if transition(order, OrderStatus.REFUNDED):
        # Refunded from the Dashboard, say, without `refunding` first: the shop refunded it.
        order.refund_cause = order.refund_cause or "shop"
        release(order)
        # What the partial refunds gave back was told in their own emails (if at all).
        rest = (order.paid_amount or 0) - succeeded_amount(order.id)
        if rest > 0:
            queue_refund_notice(order, rest)


def _refund_failed(order: Order, event: PaymentEvent) -> None:
    """A refund the gateway made failed afterwards: the order owes it again (no email)."""
    if partial_refund_failed(order, event.refund_id, event.failure_message):
        return
    if not refund_failed(order, event.refund_id, event.failure_message):
        record(order, "stale_event", f"{event.refund_id} is not the order's current refund")


def _paid_with(order: Order, event: PaymentEvent) -> None:
    """Note how the order was paid (the status comes with payment_intent.succeeded)."""
    if event.payment_method is not None:
        order.payment_method = event.payment_method


def _history_detail(event: PaymentEvent, before: str, after: str, *, stale: bool = False) -> str:
    """One line for the order's history: the event's id and what it did to the status."""
    change = f"{before} -> {after}" if before != after else f"{after}, unchanged"
    return f"{event.id}: {change}" + (" (stale)" if stale else "")


_APPLY: Mapping[EventAction, Callable[[Order, PaymentEvent], None]] = {
    "paid_with": _paid_with,
    "succeeded": _succeeded,
    "failed": _payment_failed,
    "processing": _processing,
    "canceled": _canceled,
    "refunded": _refunded,
    "refund_failed": _refund_failed,
}
