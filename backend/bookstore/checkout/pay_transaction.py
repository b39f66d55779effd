"""Pay's one durable transaction: the cart's copies held and its complete order written.

In one commit: the copies checked and held (the books' rows locked), the client's cap on held
copies checked, and the order written with its lines and a short "paying" lease. No gateway
is called here; payment_intent.py does that after the commit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, insert, select
from sqlalchemy.exc import IntegrityError

from bookstore.catalogue.stock import check_available, hold_deadline, hold_rows
from bookstore.checkout.hold_limit import check_client_cap
from bookstore.checkout.quotes import Quote
from bookstore.db import db, lock_for_write, lock_name, utcnow
from bookstore.domain_errors import Conflict
from bookstore.orders.holds import cart_order_id, hold
from bookstore.orders.models import (
    PAID_STATUSES,
    Order,
    OrderLine,
    OrderStatus,
    new_number,
    new_token,
)

# The tables behind the models, for plain INSERTs (typed as Table, which mypy cannot infer).
_ORDERS = cast(Table, Order.__table__)
_ORDER_LINES = cast(Table, OrderLine.__table__)

# Tries at writing a new order (a random order number already taken, a twin's insert).
MAX_ATTEMPTS = 3
# How long a Pay may take before another Pay for the cart is let in: longer than the three
# gateway calls a Pay can make, each given up on within config.STRIPE_WAIT_BUDGET_SECONDS.
PAY_LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class OrderSnapshot:
    """The order as Pay's transaction committed it: what the gateway calls need of it."""

    order_id: int
    number: str
    token: str
    revision: int  # this Pay's: fences its last write
    intent_id: str | None
    client_secret: str | None
    # What the PaymentIntent was last told (Quote.intent_fingerprint); None while unsure.
    intent_fingerprint: str | None


def open_for_payment(
    cart_id: str | None, priced: Quote, gateway_name: str, client: str
) -> OrderSnapshot:
    """Hold the copies and write the order with its lines and lease, in one commit."""
    last: IntegrityError | None = None
    for _ in range(MAX_ATTEMPTS):
        try:
            snapshot = _write_order(cart_id, priced, gateway_name, client)
            db.session.commit()
            return snapshot
        except IntegrityError as error:
            # A random order number another order has, or this cart's twin (from another
            # address) inserted its order first: start again, finding that order.
            db.session.rollback()
            last = error
        except BaseException:
            db.session.rollback()
            raise
    raise RuntimeError("could not write a new order after several tries") from last


def _write_order(
    cart_id: str | None, priced: Quote, gateway_name: str, client: str
) -> OrderSnapshot:
    """The checks and writes of Pay's transaction (the caller commits)."""
    # SQLite: the database's write lock now. PostgreSQL: one client's Pays take turns, so that
    # its held copies are counted with nobody else of its own adding to them meanwhile; twin
    # requests for a new cart, from one client, find the order the first one wrote.
    lock_for_write()
    lock_name(f"client-holds:{client}")
    order = _locked_order_for_cart(cart_id) if cart_id is not None else None
    if order is not None:
        _refuse_unpayable(order)
        _forget_other_gateways(order, gateway_name)
    now = utcnow()
    wanted = priced.quantities()
    # The cart's own hold, whichever request wrote its order, does not count against it.
    own_hold = cart_order_id(cart_id) if cart_id is not None else None
    # The books' rows are locked from here to the commit: checks for the same copies queue.
    check_available(wanted, now, excluding_order=own_hold)
    check_client_cap(client, wanted, now, cart_id)
    until = hold_deadline(now)
    if order is None:
        return _insert_order(cart_id, priced, gateway_name, client, now, until)
    hold(order, wanted, until)
    if order.quote_fingerprint != priced.fingerprint():
        order.lines = [OrderLine(**line) for line in line_rows(priced)]
        for column, value in quote_columns(priced).items():
            setattr(order, column, value)
    if order.payment_intent_id is not None and order.intent_fingerprint != (
        priced.intent_fingerprint()
    ):
        # The PaymentIntent is about to change: until its answer is stored, what it holds is
        # not known for sure (an answer can be lost), so a later Pay sets it again.
        order.intent_fingerprint = None
    order.client_key = client
    order.paying_until = now + PAY_LEASE
    order.revision += 1
    return OrderSnapshot(
        order.id,
        order.number,
        order.token,
        order.revision,
        order.payment_intent_id,
        order.client_secret,
        order.intent_fingerprint,
    )


def _insert_order(
    cart_id: str | None,
    priced: Quote,
    gateway_name: str,
    client: str,
    now: datetime,
    until: datetime,
) -> OrderSnapshot:
    """A new order with its lines and holds, as plain INSERTs (no unit of work to flush)."""
    token, number = new_token(), new_number()
    result = cast(
        CursorResult[Any],
        db.session.execute(
            insert(_ORDERS).values(
                token=token,
                number=number,
                gateway=gateway_name,
                cart_id=cart_id,
                status=OrderStatus.PENDING,
                currency=priced.currency,
                revision=1,
                held_until=until,
                paying_until=now + PAY_LEASE,
                client_key=client,
                **quote_columns(priced),
            )
        ),
    )
    primary_key = result.inserted_primary_key
    assert primary_key is not None  # an INSERT of one row always has one
    order_id = int(primary_key[0])
    db.session.execute(
        insert(_ORDER_LINES), [dict(order_id=order_id, **line) for line in line_rows(priced)]
    )
    hold_rows(order_id, priced.quantities(), until, new_order=True)
    return OrderSnapshot(order_id, number, token, 1, None, None, None)


def _locked_order_for_cart(cart_id: str) -> Order | None:
    """The cart's order, its row locked until the commit (a webhook about it waits)."""
    query = (
        select(Order)
        .where(Order.cart_id == cart_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(query).one_or_none()


def _refuse_unpayable(order: Order) -> None:
    """A paid or canceled order is final; one being paid right now waits for that payment."""
    if order.status in PAID_STATUSES:
        raise Conflict("This cart has already been paid for.", code="cart_already_paid")
    if order.status == OrderStatus.CANCELED:
        raise Conflict("This cart's payment was canceled; start a new cart.", code="cart_closed")
    if order.status == OrderStatus.PROCESSING or (
        order.paying_until is not None and order.paying_until > utcnow()
    ):
        raise Conflict(
            "A payment for this cart is being processed.",
            code="payment_in_progress",
            retry_after=1,
        )


def _forget_other_gateways(order: Order, gateway_name: str) -> None:
    """Forget a PaymentIntent another gateway made: it cannot be paid here."""
    if order.gateway != gateway_name and order.payment_intent_id is not None:
        # Made in demo mode and reopened with Stripe keys (or the other way round). A new token
        # makes the next create a new one, and leaves any event about the old one naming an
        # order we no longer have.
        order.token = new_token()
        order.payment_intent_id = order.client_secret = None
        order.intent_fingerprint = None
        order.status = OrderStatus.PENDING
        order.failure_message = None
    order.gateway = gateway_name


# --- the order's columns ---------------------------------------------------------------------


def quote_columns(priced: Quote) -> dict[str, Any]:
    """The order's columns that hold a quote (its lines are rows of their own)."""
    address = priced.details.address
    return {
        "email": priced.details.email,
        "shipping_address": asdict(address) if address else None,
        "delivery_method": priced.delivery.method if priced.delivery else None,
        "delivery_min_days": priced.delivery.min_days if priced.delivery else None,
        "delivery_max_days": priced.delivery.max_days if priced.delivery else None,
        "subtotal": priced.subtotal,
        "shipping_amount": priced.shipping_amount,
        "tax_amount": priced.tax_amount,
        "tax_calculation": priced.tax.calculation_id if priced.tax else None,
        "amount": priced.total,
        "quote_fingerprint": priced.fingerprint(),
    }


def line_rows(priced: Quote) -> list[dict[str, Any]]:
    """The order's lines as column values."""
    return [
        {
            "book_id": line.book_id,
            "title": line.title,
            "quantity": line.quantity,
            "unit_amount": line.unit_amount,
            "line_total": line.line_total,
        }
        for line in priced.lines
    ]
