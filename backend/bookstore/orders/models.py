"""Orders, their lines, and the one table of status changes an order may go through."""

from __future__ import annotations

import enum
import hmac
import logging
import secrets
from collections.abc import Collection
from datetime import datetime
from types import MappingProxyType
from typing import Literal

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bookstore.db import Model, UtcDateTime, db, utcnow

logger = logging.getLogger(__name__)


class OrderStatus(enum.StrEnum):
    """Where an order stands, derived from its PaymentIntent's webhook events."""

    PENDING = "pending"  # waiting for the shopper to pay
    PROCESSING = "processing"  # payment submitted, outcome not known yet (e.g. bank debits)
    PAID = "paid"
    FAILED = "failed"  # the last attempt failed; the shopper may try again
    CANCELED = "canceled"
    # Money arrived but goes back in full: the copies were gone (sold out), or the shop refunds
    # it. Becomes `refunded` with the gateway's charge.refunded event.
    REFUNDING = "refunding"
    REFUNDED = "refunded"
    # Part of the money went back (bookstore.orders.partial_refunds); the rest may follow.
    PARTIALLY_REFUNDED = "partially_refunded"
    REVIEW = "review"  # money arrived but does not match the order: a person must look


S = OrderStatus

# Every allowed move. Events arrive late, twice, or out of order, so anything not listed
# (a late payment_failed after paid, say) is refused rather than downgrading the order.
TRANSITIONS: MappingProxyType[OrderStatus, frozenset[OrderStatus]] = MappingProxyType(
    {
        S.PENDING: frozenset({S.PROCESSING, S.PAID, S.FAILED, S.CANCELED, S.REVIEW, S.REFUNDING}),
        S.PROCESSING: frozenset({S.PAID, S.FAILED, S.CANCELED, S.REVIEW, S.REFUNDING}),
        S.FAILED: frozenset({S.PENDING, S.PROCESSING, S.PAID, S.CANCELED, S.REVIEW, S.REFUNDING}),
        S.PAID: frozenset({S.REFUNDING, S.REFUNDED, S.REVIEW, S.PARTIALLY_REFUNDED}),
        S.REVIEW: frozenset({S.PAID, S.REFUNDING, S.REFUNDED, S.CANCELED}),
        S.REFUNDING: frozenset({S.REFUNDED}),
        # Another part refunded, the rest asked for in full, or the refunds reached the total.
        S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDING, S.REFUNDED}),
        # Final for events; only refunds.refund_failed (a refund that failed after it was
        # made) reopens one, explicitly.
        S.REFUNDED: frozenset(),
        S.CANCELED: frozenset(),
    }
)

# Statuses in which the shopper has paid: the cart behind the order is closed.
PAID_STATUSES = frozenset({S.PAID, S.REVIEW, S.REFUNDING, S.REFUNDED, S.PARTIALLY_REFUNDED})

# Why an order is refunded: the copies were gone when its payment arrived, or the shop chose to.
RefundCause = Literal["sold_out", "shop"]


class Order(Model):
    """One checkout: priced lines, the PaymentIntent paying for them, and its outcome."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random: what the order goes by at its payment provider (idempotency keys, metadata), so
    # another database on the same Stripe account (which counts its ids from 1 too) never
    # collides with it. A new one when the order moves to another gateway.
    token: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: new_token())
    # What the shopper quotes: "SP-7K3M9Q". Random, not counted, so it says nothing of sales.
    number: Mapped[str] = mapped_column(String(16), unique=True, default=lambda: new_number())
    # The gateway whose PaymentIntent this is ("demo", "stripe_test", "stripe_live"); None for
    # orders made before gateways were recorded.
    gateway: Mapped[str | None] = mapped_column(String(20))
    # Unique so that two simultaneous requests for one cart cannot create two orders.
    cart_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.PENDING, index=True)
    # The total: subtotal + shipping + tax, what the PaymentIntent charges.
    amount: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(default=0)
    shipping_amount: Mapped[int] = mapped_column(default=0)
    tax_amount: Mapped[int] = mapped_column(default=0)
    # Stripe Tax's calculation (taxcalc_...), linked to the PaymentIntent; None with the table.
    tax_calculation: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    # addresses.ShippingAddress as a JSON object: name, line1, line2, city, state,
    # postal_code, country, phone.
    shipping_address: Mapped[dict[str, str | None] | None] = mapped_column(JSON)
    delivery_method: Mapped[str | None] = mapped_column(String(20))
    delivery_min_days: Mapped[int | None]
    delivery_max_days: Mapped[int | None]
    # Digest of the quote the order holds, to tell a changed checkout from the same one again.
    quote_fingerprint: Mapped[str | None] = mapped_column(String(16))
    # Bumped by every Pay: names that Pay's PaymentIntent update and confirmation (their
    # idempotency keys), and fences its last write so that a lapsed Pay cannot overwrite a newer.
    revision: Mapped[int] = mapped_column(default=0)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    client_secret: Mapped[str | None] = mapped_column(String(255))
    # Digest of what the PaymentIntent was last told (quotes.Quote.intent_fingerprint); None
    # while a change is under way (or its outcome was lost), so the next checkout sets it again.
    intent_fingerprint: Mapped[str | None] = mapped_column(String(16))
    paid_amount: Mapped[int | None]
    # How it was paid, for people ("Visa •••• 4242"), from the charge.succeeded event.
    payment_method: Mapped[str | None] = mapped_column(String(100))
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failure_message: Mapped[str | None] = mapped_column(String(500))
    # Its copies are held for it until then (bookstore.orders.holds; the rows are the
    # catalogue's StockHold); None when nothing is held.
    held_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # While set and in the future, a Pay for the order is under way (its PaymentIntent being
    # created, updated or confirmed) and another Pay for the cart is refused. A lease rather
    # than a lock: no database lock is held while the gateway is called, and a Pay that died
    # midway leaves one that simply lapses.
    paying_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Who took its holds (bookstore.web.clients.client_key, from the request's address), for the
    # cap on copies one client holds.
    client_key: Mapped[str | None] = mapped_column(String(64), index=True)
    # Whether its copies were taken off the shelf (when it was paid).
    stock_taken: Mapped[bool] = mapped_column(default=False)
    # A full refund: why ("sold_out" or "shop"), the owner's note, when it was asked for, and
    # the gateway's refund id once the gateway accepted it (None while still to be sent).
    refund_cause: Mapped[str | None] = mapped_column(String(20))
    refund_note: Mapped[str | None] = mapped_column(String(500))
    refund_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    refund_id: Mapped[str | None] = mapped_column(String(255))
    # Why the gateway refused the refund for good (not a passing outage): not retried by
    # itself until the owner asks again (`flask orders refund NUMBER`).
    refund_error: Mapped[str | None] = mapped_column(String(500))
    # Which refund attempt's idempotency key the next request goes under (refunds.refund_key):
    # counted up when the gateway refused one, or a refund it took failed later.
    refund_attempt: Mapped[int] = mapped_column(default=0, server_default="0")
    # Why the last refund the gateway took failed afterwards (refund.failed), for the owner.
    refund_failed_reason: Mapped[str | None] = mapped_column(String(500))
    # What the gateway's charge.refunded events say went back so far (their amount_refunded,
    # less refunds that failed afterwards): which partial refunds have gone through.
    gateway_refunded_amount: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order",
        cascade="all, delete-orphan",
        order_by="OrderLine.id",
    )
    history: Mapped[list[OrderEvent]] = relationship(
        back_populates="order",
        cascade="all, delete-orphan",
        order_by="OrderEvent.id",
    )


class OrderLine(Model):
    """A book in an order, with its price at the time of the order."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    book_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]
    unit_amount: Mapped[int]
    line_total: Mapped[int]

    order: Mapped[Order] = relationship(back_populates="lines")


MAX_EVENT_DETAIL = 1000


class OrderEvent(Model):
    """One thing that happened to an order, for the owner (`flask orders show NUMBER`)."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # What happened: a provider event's type ("payment_intent.succeeded"), or the shop's own
    # ("refund_requested", "stock_short", "resolved_paid"...).
    kind: Mapped[str] = mapped_column(String(100))
    # Room for an owner's note of 500 characters after who wrote it (bookstore.orders.notes).
    detail: Mapped[str] = mapped_column(String(MAX_EVENT_DETAIL), default="")

    order: Mapped[Order] = relationship(back_populates="history")


# Order numbers: letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, U).
NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
NUMBER_PREFIX = "SP-"
NUMBER_LENGTH = 6


def new_number() -> str:
    """A random order number such as SP-7K3M9Q (30^6, about 729 million of them)."""
    return NUMBER_PREFIX + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def new_token() -> str:
    """A random order token: 128 bits, URL- and idempotency-key-safe."""
    return secrets.token_urlsafe(16)


def can_transition(current: str, new: str) -> bool:
    """Whether an order in `current` may move to `new` (staying put is not a move)."""
    try:
        return OrderStatus(new) in TRANSITIONS[OrderStatus(current)]
    except ValueError:
        return False


def transition(order: Order, new: OrderStatus) -> bool:
    """Move the order to `new` if the table allows it; return whether it moved."""
    if not can_transition(order.status, new):
        logger.info("order %s: refusing %s -> %s", order.id, order.status, new)
        return False
    order.status = new
    return True


def record(order: Order, kind: str, detail: str = "") -> OrderEvent:
    """Add an entry to the order's history, in the caller's transaction."""
    entry = OrderEvent(order_id=order.id, kind=kind, detail=detail[:MAX_EVENT_DETAIL])
    db.session.add(entry)
    return entry


# Compared against when no order has the number, so that case costs what a wrong email does.
_NO_EMAIL = "\x00no order has this number"


def normalized_number(text: str) -> str:
    """An order number as typed ("sp-7k3m 9q", "7K3M9Q") in its stored form ("SP-7K3M9Q")."""
    compact = "".join(text.split()).upper()
    letters = NUMBER_PREFIX.rstrip("-")  # "SP"
    if compact.startswith(NUMBER_PREFIX):
        compact = compact[len(NUMBER_PREFIX) :]
    elif compact.startswith(letters) and len(compact) == len(letters) + NUMBER_LENGTH:
        compact = compact[len(letters) :]  # "SP7K3M9Q"
    return NUMBER_PREFIX + compact.replace("-", "")


def normalized_email(text: str) -> str:
    """An email address compared as people mean it: no surrounding spaces, any case."""
    return text.strip().casefold()


def find_order_for_shopper(number: str, email: str) -> Order | None:
    """The order with this number placed with this email, else None (one answer for both).

    Same work whether the number is unknown or the email wrong: one query by the unique
    number, then one constant-time comparison, so the time taken tells nothing either.
    """
    query = select(Order).where(Order.number == normalized_number(number))
    order = db.session.scalars(query).one_or_none()
    stored = normalized_email(order.email) if order is not None and order.email else _NO_EMAIL
    matches = hmac.compare_digest(normalized_email(email).encode(), stored.encode())
    if not matches or order is None or order.payment_intent_id is None:
        return None
    return order


def find_order_by_number(number: str) -> Order | None:
    """The order with this number (the owner's commands), forgiving case and spaces."""
    query = select(Order).where(Order.number == normalized_number(number))
    return db.session.scalars(query).one_or_none()


def orders_with_status(status: OrderStatus | None, limit: int) -> list[Order]:
    """The newest orders first, only those in `status` if given."""
    query = select(Order).order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Order.status == status)
    return list(db.session.scalars(query))


def orders_owing_refund(limit: int) -> list[Order]:
    """Refunding orders whose refund the gateway refused or that failed later, oldest first."""
    query = (
        select(Order)
        .where(Order.status == OrderStatus.REFUNDING, Order.refund_error.is_not(None))
        .order_by(Order.refund_requested_at, Order.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def numbers_by_id(order_ids: Collection[int]) -> dict[int, str]:
    """The numbers of these orders, by id (for listings that know orders by id)."""
    if not order_ids:
        return {}
    query = select(Order.id, Order.number).where(Order.id.in_(order_ids))
    return {row.id: row.number for row in db.session.execute(query)}


def find_order_by_payment_intent(payment_intent_id: str) -> Order | None:
    """The order paid by this PaymentIntent, or None."""
    query = select(Order).where(Order.payment_intent_id == payment_intent_id)
    return db.session.scalars(query).one_or_none()
