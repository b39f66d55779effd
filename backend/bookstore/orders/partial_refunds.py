"""Partial refunds: each one the owner asks for is a row, with its own amount and idempotency key.

Asked for in one transaction, the order's row locked (admin_queries.locked_order), as a full
refund is: the row, the copies put back on the shelf and the job that sends it are committed
together; the worker then sends it (partial_refund_outcomes.py), and the gateway's
charge.refunded settles it.

What a refund gives back (integers in the smallest currency unit):
- each line asked for: its unit price times the copies refunded;
- the shipping, if asked for (once per order);
- their share of the order's tax: the tax times (those amounts) over (subtotal + shipping),
  rounded down. Tax is charged on books and shipping alike, so the share follows both;
- a refund that leaves no copy and no shipping unrefunded takes whatever is left of the payment
  instead, so the roundings down end up with the customer;
- or the amount the owner gives (with or without lines, which then only say what it is for).

The caps, all checked under the order's lock: the refunds together (every one not failed) never
exceed what was paid (`paid_amount`); the copies of a book never exceed those bought less those
refunded already; the shipping is refunded once. Only a paid or partly refunded order takes a
partial refund (a full refund under way or done leaves nothing to part).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.db import Model, UtcDateTime, db, utcnow
from bookstore.domain_errors import Conflict, InvalidRequest
from bookstore.jobs.queue import enqueue
from bookstore.money import format_amount
from bookstore.orders.holds import put_back
from bookstore.orders.models import Order, OrderStatus, record
from bookstore.payments import current_gateway

PARTIAL_REFUND_JOB = "partial_refund"
S = OrderStatus
# Orders a part of which can be refunded.
PARTLY_REFUNDABLE = frozenset({S.PAID, S.PARTIALLY_REFUNDED})


class RefundStatus(enum.StrEnum):
    """Where one partial refund stands."""

    REQUESTED = "requested"  # committed; the worker has yet to send it
    SENT = "sent"  # the gateway took it; its charge.refunded settles it
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # refused, or failed afterwards: it no longer counts


class OrderRefund(Model):
    """One partial refund of an order: what it covers, its amount, and how it went."""

    __tablename__ = "order_refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    # The copies it covers: [{"book_id": ..., "quantity": ...}], in the order's line order.
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    shipping: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(String(500))
    # Whether its copies were put back on the shelf when it was asked for.
    restock: Mapped[bool] = mapped_column(default=False)
    # Whether the customer is emailed (with the amount) once it has gone through.
    notify: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default=RefundStatus.REQUESTED)
    # The gateway's refund (re_...), once it took it.
    gateway_refund_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # Why it failed, for the owner.
    error: Mapped[str | None] = mapped_column(String(500))
    # `order-<token>-refund-part-<id>`: set once the row has its id, and never reused.
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    # The owner who asked (their email); None from the command line.
    requested_by: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class PartialRefundAsk:
    """What the owner asks to refund (the dashboard's dialog, or `orders refund --line`)."""

    lines: Mapping[str, int] = field(default_factory=dict)  # book id -> copies
    shipping: bool = False
    amount: int | None = None  # instead of the amount worked out from the lines
    reason: str | None = None
    restock: bool = False
    notify: bool = True
    requested_by: str | None = None


@dataclass(frozen=True)
class RefundableLine:
    """Copies of a book that can still be refunded."""

    book_id: str
    title: str
    quantity: int


@dataclass(frozen=True)
class Refundable:
    """What is left to refund of an order: money, copies, shipping."""

    amount: int
    lines: list[RefundableLine]
    shipping: int  # the shipping amount if it has not been refunded, else 0
    shipping_refunded: bool = False


class InvalidRefund(InvalidRequest):
    """The refund asked for makes no sense for this order (400)."""


class RefundRefused(Conflict):
    """The refund asked for would go past what the order has left (409)."""


def refunds_of(order_id: int) -> list[OrderRefund]:
    """The order's partial refunds, oldest first."""
    query = select(OrderRefund).where(OrderRefund.order_id == order_id).order_by(OrderRefund.id)
    return list(db.session.scalars(query))


def counted(refunds: Sequence[OrderRefund]) -> list[OrderRefund]:
    """The refunds that count against the payment: every one not failed."""
    return [refund for refund in refunds if refund.status != RefundStatus.FAILED]


def counted_amount(order_id: int) -> int:
    """The money the order's partial refunds (not failed) give back, together."""
    return sum(refund.amount for refund in counted(refunds_of(order_id)))


def succeeded_amount(order_id: int) -> int:
    """The money the order's partial refunds have given back (settled by the gateway)."""
    return sum(
        refund.amount for refund in refunds_of(order_id) if refund.status == RefundStatus.SUCCEEDED
    )


def restocked_copies(order_id: int) -> dict[str, int]:
    """Copies partial refunds put back on the shelf already, by book (a full refund's
    restock puts back only the rest)."""
    return _copies([refund for refund in refunds_of(order_id) if refund.restock])


def refundable(order: Order) -> Refundable:
    """What is left to refund of the order, part by part; nothing unless it is paid or
    partly refunded."""
    if order.status not in PARTLY_REFUNDABLE or order.paid_amount is None:
        return Refundable(0, [], 0)
    refunds = counted(refunds_of(order.id))
    refunded = _copies(refunds)
    lines = [
        RefundableLine(line.book_id, line.title, line.quantity - refunded.get(line.book_id, 0))
        for line in order.lines
    ]
    shipping_refunded = any(refund.shipping for refund in refunds)
    return Refundable(
        amount=order.paid_amount - sum(refund.amount for refund in refunds),
        lines=lines,
        shipping=0 if shipping_refunded else order.shipping_amount,
        shipping_refunded=shipping_refunded,
    )


def request_partial_refund(order: Order, ask: PartialRefundAsk) -> OrderRefund:
    """Record the refund, put its copies back if asked, and queue it for the worker, in the
    caller's transaction (the order locked: admin_queries.locked_order). Raises InvalidRefund or
    RefundRefused, changing nothing, when the rules in the module's docstring say no."""
    if ask.amount is None and not ask.lines and not ask.shipping:
        raise InvalidRefund(
            "Say what to refund: lines, the shipping, or an amount.", code="empty_refund"
        )
    _check_order(order)
    _check_gateway(order)
    left = refundable(order)
    copies = _checked_copies(order, ask.lines, left)
    if ask.shipping and left.shipping_refunded:
        raise RefundRefused(
            f"The shipping of order {order.number} was refunded already.",
            code="shipping_already_refunded",
        )
    amount = ask.amount if ask.amount is not None else _priced(order, copies, ask.shipping, left)
    if amount < 1:
        raise InvalidRefund("A refund is at least 1 (in the smallest unit).", code="invalid_amount")
    if amount > left.amount:
        raise RefundRefused(
            f"Order {order.number} has {format_amount(left.amount, order.currency)} left to "
            f"refund: {format_amount(amount, order.currency)} would refund more than was paid.",
            code="refund_exceeds_payment",
            details={"refundable": left.amount, "requested": amount},
        )
    restock = ask.restock and bool(copies) and order.stock_taken
    refund = OrderRefund(
        order_id=order.id,
        amount=amount,
        currency=order.currency,
        lines=[{"book_id": book_id, "quantity": count} for book_id, count in copies.items()],
        shipping=ask.shipping,
        reason=ask.reason[:500] if ask.reason else None,
        restock=restock,
        notify=ask.notify,
        status=RefundStatus.REQUESTED,
        requested_by=ask.requested_by,
    )
    db.session.add(refund)
    db.session.flush()  # its id names its idempotency key
    refund.idempotency_key = f"order-{order.token}-refund-part-{refund.id}"
    if restock:
        put_back(copies)
    record(order, "partial_refund_requested", describe(order, refund))
    enqueue(PARTIAL_REFUND_JOB, {"refund_id": refund.id}, order_id=order.id)
    return refund


def describe(order: Order, refund: OrderRefund) -> str:
    """One line for the order's history and the activity log."""
    parts = [f"#{refund.id}: {format_amount(refund.amount, refund.currency)}"]
    covered = covers(order, refund)
    if covered:
        parts.append("for " + ", ".join(covered))
    if refund.restock:
        parts.append("copies back on the shelf")
    if refund.reason:
        parts.append(refund.reason)
    return "; ".join(parts)


def covers(order: Order, refund: OrderRefund) -> list[str]:
    """What the refund is for, for people: "1 x Boom", "Shipping"."""
    titles = {line.book_id: line.title for line in order.lines}
    covered = [
        f"{line['quantity']} x {titles.get(line['book_id'], line['book_id'])}"
        for line in refund.lines
    ]
    return covered + (["Shipping"] if refund.shipping else [])


def _check_order(order: Order) -> None:
    """Refuse an order whose status takes no partial refund."""
    if order.status in PARTLY_REFUNDABLE and order.paid_amount is not None:
        return
    why = {
        S.REFUNDING: "its full refund is under way",
        S.REFUNDED: "it was refunded in full",
        S.REVIEW: "its payment is under review: resolve it first",
    }.get(OrderStatus(order.status), "nothing was paid")
    raise RefundRefused(
        f"Order {order.number} is {order.status}: {why}.", code="order_not_refundable"
    )


def _check_gateway(order: Order) -> None:
    """Refuse an order paid through another gateway than this server's."""
    gateway = current_gateway()
    if order.gateway != gateway.name:
        raise RefundRefused(
            f"Order {order.number} was paid through the {order.gateway or 'unknown'} gateway, "
            f"and this server runs {gateway.name}: refund it from a server in that mode.",
            code="wrong_gateway",
        )


def _checked_copies(order: Order, asked: Mapping[str, int], left: Refundable) -> dict[str, int]:
    """The copies asked for, in line order, once each is known and not over what is left."""
    remaining = {line.book_id: line.quantity for line in left.lines}
    unknown = sorted(book_id for book_id in asked if book_id not in remaining)
    if unknown:
        raise InvalidRefund(
            f"Order {order.number} has no line for {', '.join(unknown)}.",
            code="unknown_line",
            details={"bookIds": unknown},
        )
    copies: dict[str, int] = {}
    for line in left.lines:
        count = asked.get(line.book_id, 0)
        if count < 0:
            raise InvalidRefund("Quantities are at least 1.", code="invalid_quantity")
        if count > line.quantity:
            raise RefundRefused(
                f"Order {order.number} has {line.quantity} cop"
                f"{'y' if line.quantity == 1 else 'ies'} of {line.title} left to refund, "
                f"not {count}.",
                code="refund_exceeds_quantity",
                details={"bookId": line.book_id, "refundable": line.quantity, "requested": count},
            )
        if count:
            copies[line.book_id] = count
    return copies


def _priced(order: Order, copies: Mapping[str, int], shipping: bool, left: Refundable) -> int:
    """The amount the module's docstring works out for these copies (and the shipping)."""
    empties = all(line.quantity == copies.get(line.book_id, 0) for line in left.lines) and (
        shipping or left.shipping_refunded or order.shipping_amount == 0
    )
    if empties:
        return left.amount
    units = {line.book_id: line.unit_amount for line in order.lines}
    base = sum(units[book_id] * count for book_id, count in copies.items())
    base += order.shipping_amount if shipping else 0
    taxable = order.subtotal + order.shipping_amount
    tax = order.tax_amount * base // taxable if taxable else 0
    return base + tax


def _copies(refunds: Sequence[OrderRefund]) -> dict[str, int]:
    """Copies these refunds cover, by book."""
    copies: dict[str, int] = {}
    for refund in refunds:
        for line in refund.lines:
            copies[line["book_id"]] = copies.get(line["book_id"], 0) + line["quantity"]
    return copies
