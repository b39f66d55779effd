"""Turning a cart into a priced order with a PaymentIntent, once per cart however often asked.

The order and its PaymentIntent change together: a new order is written before its
PaymentIntent is created (so the order's token exists before any event can name it), and a
returning cart's new lines are written only after the PaymentIntent accepted their amount.
No database lock is held while the gateway is called.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from bookstore import money
from bookstore.catalogue import prices_by_id
from bookstore.db import db, lock_for_write
from bookstore.domain_errors import Conflict, InvalidRequest
from bookstore.orders import PAID_STATUSES, Order, OrderLine, OrderStatus, new_token
from bookstore.payments import PaymentGateway, current_gateway
from bookstore.payments.gateway import CardError, PaymentError, ProviderUnavailable

# The tables behind the models, for plain INSERTs (typed as Table, which mypy cannot infer).
_ORDERS = cast(Table, Order.__table__)
_ORDER_LINES = cast(Table, OrderLine.__table__)

# Tries at bringing an order in step with its cart while other requests change it too.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class PricedLine:
    """A cart line priced from the catalogue."""

    book_id: str
    title: str
    quantity: int
    unit_amount: int

    @property
    def line_total(self) -> int:
        """Price of the whole line."""
        return money.line_total(self.unit_amount, self.quantity)


@dataclass(frozen=True)
class PreparedPayment:
    """What the browser needs to take payment for an order."""

    order_id: int
    payment_intent_id: str
    client_secret: str
    amount: int
    currency: str
    lines: tuple[PricedLine, ...]


@dataclass(frozen=True)
class _Snapshot:
    """The order as committed before a gateway call: what the call needs of it."""

    order_id: int
    token: str
    revision: int
    amount: int
    intent_id: str | None
    client_secret: str | None
    intent_amount: int | None
    lines_match: bool  # the order's lines are the cart's


def price_cart(quantities: Mapping[str, int]) -> tuple[PricedLine, ...]:
    """Price each book from the catalogue; refuse an empty cart or books we do not sell."""
    if not quantities:
        raise InvalidRequest("The cart is empty.", code="empty_cart")
    books = prices_by_id(list(quantities))
    unknown = [book_id for book_id in quantities if book_id not in books]
    if unknown:
        raise InvalidRequest(
            f"These books are not sold here: {', '.join(unknown)}.",
            code="unknown_books",
            details={"ids": unknown},
        )
    return tuple(
        PricedLine(book_id, books[book_id].title, quantity, books[book_id].price)
        for book_id, quantity in quantities.items()
    )


def prepare_payment(
    quantities: Mapping[str, int], cart_id: str | None, currency: str
) -> PreparedPayment:
    """Price the cart into its order and make sure one PaymentIntent charges that amount."""
    lines = price_cart(quantities)
    amount = money.total(line.line_total for line in lines)
    gateway = current_gateway()
    for _ in range(MAX_ATTEMPTS):
        snapshot = _open_order(cart_id, currency, lines, amount, gateway.name)
        intent_id, client_secret, intent_amount = _ensure_intent(gateway, snapshot, currency)
        if snapshot.lines_match and intent_amount == amount:
            return PreparedPayment(
                snapshot.order_id, intent_id, client_secret, amount, currency, lines
            )
        if intent_amount != amount:
            intent_amount = _update_amount(gateway, snapshot, intent_id, amount)
        if _write_lines(snapshot, lines, amount, intent_amount):
            return PreparedPayment(
                snapshot.order_id, intent_id, client_secret, amount, currency, lines
            )
        # Another request changed the order between our two transactions: start again from
        # what it wrote, so the PaymentIntent ends at the amount of the lines written last.
    raise Conflict(
        "This cart is being changed in another window; please try again.",
        code="cart_busy",
        retry_after=1,
    )


def _open_order(
    cart_id: str | None,
    currency: str,
    lines: tuple[PricedLine, ...],
    amount: int,
    gateway_name: str,
) -> _Snapshot:
    """The cart's order, inserted if new, checked and committed before any gateway call."""
    # A plain read first: a new cart (almost every checkout) goes straight to its INSERT, whose
    # unique cart id settles a race, without taking the write lock any earlier than that.
    snapshot = None
    if not _cart_has_order(cart_id):
        snapshot = _insert_order(cart_id, currency, lines, amount, gateway_name)
    if snapshot is None:
        assert cart_id is not None  # an order without a cart id is always new
        order = _locked_order_for_cart(cart_id)
        if order is None:
            raise RuntimeError("a new order's insert failed, but no order has its cart id")
        snapshot = _returning_order(order, lines, amount, gateway_name)
    db.session.commit()
    return snapshot


def _insert_order(
    cart_id: str | None,
    currency: str,
    lines: tuple[PricedLine, ...],
    amount: int,
    gateway_name: str,
) -> _Snapshot | None:
    """Insert a new, priced order with its lines; None if its cart's order exists already.

    Plain INSERTs (the order, then its lines in one executemany) rather than ORM objects and a
    flush: a new cart is what almost every checkout is, and the unit of work cost it a third
    of its CPU.
    """
    token = new_token()
    try:
        result = cast(
            CursorResult[Any],
            db.session.execute(
                insert(_ORDERS).values(
                    token=token,
                    gateway=gateway_name,
                    cart_id=cart_id,
                    status=OrderStatus.PENDING,
                    amount=amount,
                    currency=currency,
                    revision=1,
                    intent_amount=None,
                )
            ),
        )
    except IntegrityError:
        # Two requests for one new cart (React StrictMode sends two) raced to insert it;
        # the unique cart_id let the other one win, so use its order.
        db.session.rollback()
        return None
    primary_key = result.inserted_primary_key
    assert primary_key is not None  # an INSERT of one row always has one
    order_id = int(primary_key[0])
    db.session.execute(
        insert(_ORDER_LINES),
        [
            {
                "order_id": order_id,
                "book_id": line.book_id,
                "title": line.title,
                "quantity": line.quantity,
                "unit_amount": line.unit_amount,
                "line_total": line.line_total,
            }
            for line in lines
        ],
    )
    return _Snapshot(order_id, token, 1, amount, None, None, None, lines_match=True)


def _returning_order(
    order: Order, lines: tuple[PricedLine, ...], amount: int, gateway_name: str
) -> _Snapshot:
    """Check a returning cart's order; forget a PaymentIntent another gateway made."""
    lines_match = _line_keys(order.lines) == _line_keys(lines)
    _refuse_closed_cart(order, lines_match)
    if order.gateway != gateway_name and order.payment_intent_id is not None:
        if order.status == OrderStatus.PROCESSING:
            raise Conflict(
                "A payment for this cart is being processed.", code="payment_in_progress"
            )
        # Made in demo mode and reopened with Stripe keys (or the other way round): that
        # PaymentIntent cannot be paid here. A new token makes the next create a new one, and
        # leaves any event about the old one naming an order we no longer have.
        order.token = new_token()
        order.payment_intent_id = order.client_secret = None
        order.intent_amount = None
        order.status = OrderStatus.PENDING
        order.failure_message = None
    order.gateway = gateway_name
    if order.payment_intent_id is not None and order.intent_amount != amount:
        # The amount is about to change: until its new lines are written, what the
        # PaymentIntent charges is not known for sure (an update's answer can be lost).
        order.intent_amount = None
    return _Snapshot(
        order.id,
        order.token,
        order.revision,
        order.amount,
        order.payment_intent_id,
        order.client_secret,
        order.intent_amount,
        lines_match,
    )


def _ensure_intent(
    gateway: PaymentGateway, snapshot: _Snapshot, currency: str
) -> tuple[str, str, int | None]:
    """The order's PaymentIntent (id, client secret, known amount), created if it has none."""
    if snapshot.intent_id is not None and snapshot.client_secret is not None:
        return snapshot.intent_id, snapshot.client_secret, snapshot.intent_amount
    # The order's amount cannot change before it has a PaymentIntent, so a create whose answer
    # was lost is repeated with the same parameters under the same key, as Stripe requires.
    intent = gateway.create_payment_intent(
        amount=snapshot.amount,
        currency=currency,
        order_token=snapshot.token,
        idempotency_key=f"order-{snapshot.token}-create",
    )
    # A concurrent request for the same cart used the same idempotency key, so it got the
    # same PaymentIntent; whichever stores it first wins and the other changes nothing.
    db.session.execute(
        update(Order)
        .where(Order.id == snapshot.order_id, Order.token == snapshot.token)
        .where(Order.payment_intent_id.is_(None))
        .values(
            payment_intent_id=intent.id,
            client_secret=intent.client_secret,
            intent_amount=intent.amount,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return intent.id, intent.client_secret, intent.amount


def _update_amount(
    gateway: PaymentGateway, snapshot: _Snapshot, intent_id: str, amount: int
) -> int:
    """Ask the gateway to charge `amount`; what the PaymentIntent charges now."""
    key = f"order-{snapshot.token}-amount-{amount}-rev{snapshot.revision + 1}"
    try:
        intent = gateway.update_payment_intent_amount(intent_id, amount=amount, idempotency_key=key)
    except (ProviderUnavailable, CardError):
        raise
    except PaymentError:
        # Refused: most often because the shopper paid in another tab a moment ago, before
        # its webhook arrived. Say so rather than "payments are failing".
        status = gateway.retrieve_payment_intent(intent_id).status
        if status in ("succeeded", "requires_capture"):
            raise Conflict("This cart has already been paid for.", code="cart_already_paid")
        if status == "processing":
            raise Conflict(
                "A payment for this cart is being processed.", code="payment_in_progress"
            )
        raise
    return intent.amount


def _write_lines(
    snapshot: _Snapshot, lines: tuple[PricedLine, ...], amount: int, intent_amount: int
) -> bool:
    """Give the order the cart's lines, now that its PaymentIntent charges their amount.

    False, writing nothing, if another request changed the order since the snapshot.
    """
    lock_for_write()
    order = db.session.scalars(
        select(Order)
        .where(Order.id == snapshot.order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if order.revision != snapshot.revision or order.token != snapshot.token:
        db.session.rollback()
        return False
    _refuse_closed_cart(order, lines_match=False)
    order.lines = [
        OrderLine(
            book_id=line.book_id,
            title=line.title,
            quantity=line.quantity,
            unit_amount=line.unit_amount,
            line_total=line.line_total,
        )
        for line in lines
    ]
    order.amount = amount
    order.intent_amount = intent_amount
    order.revision += 1
    db.session.commit()
    return True


def _cart_has_order(cart_id: str | None) -> bool:
    """Whether this cart already has an order (a plain read: no lock, no transaction)."""
    if cart_id is None:
        return False
    return db.session.scalar(select(Order.id).where(Order.cart_id == cart_id)) is not None


def _locked_order_for_cart(cart_id: str) -> Order | None:
    """The cart's order, its row locked until the commit before the gateway call.

    A webhook marking the order paid, or another request for the same cart, then waits
    instead of interleaving with this read-check-write: on PostgreSQL for the row (FOR
    UPDATE), on SQLite for the database's write lock (which ignores FOR UPDATE).
    """
    lock_for_write()
    query = (
        select(Order)
        .where(Order.cart_id == cart_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(query).one_or_none()


def _refuse_closed_cart(order: Order, lines_match: bool) -> None:
    """A paid or canceled order is final; one being paid right now must not change."""
    if order.status in PAID_STATUSES:
        raise Conflict("This cart has already been paid for.", code="cart_already_paid")
    if order.status == OrderStatus.CANCELED:
        raise Conflict("This cart's payment was canceled; start a new cart.", code="cart_closed")
    if order.status == OrderStatus.PROCESSING and not lines_match:
        raise Conflict("A payment for this cart is being processed.", code="payment_in_progress")


def _line_keys(lines: Iterable[OrderLine] | Iterable[PricedLine]) -> list[tuple[str, int, int]]:
    """Lines compared by book, quantity and unit price, stored or freshly priced alike."""
    return [(line.book_id, line.quantity, line.unit_amount) for line in lines]
