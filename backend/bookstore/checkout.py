"""Turning a cart into a priced order with a PaymentIntent, once per cart however often asked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from bookstore import money
from bookstore.catalogue import prices_by_id
from bookstore.db import db, lock_for_write, relax_sqlite_commit, relaxed_sqlite_commits
from bookstore.errors import ApiError
from bookstore.orders import PAID_STATUSES, Order, OrderLine, OrderStatus
from bookstore.payments import current_gateway

# The tables behind the models, for plain INSERTs (typed as Table, which mypy cannot infer).
_ORDERS = cast(Table, Order.__table__)
_ORDER_LINES = cast(Table, OrderLine.__table__)


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


def price_cart(quantities: Mapping[str, int]) -> tuple[PricedLine, ...]:
    """Price each book from the catalogue; refuse an empty cart or books we do not sell."""
    if not quantities:
        raise ApiError(400, "empty_cart", "The cart is empty.")
    books = prices_by_id(list(quantities))
    unknown = [book_id for book_id in quantities if book_id not in books]
    if unknown:
        raise ApiError(
            400,
            "unknown_books",
            f"These books are not sold here: {', '.join(unknown)}.",
            {"ids": unknown},
        )
    return tuple(
        PricedLine(book_id, books[book_id].title, quantity, books[book_id].price)
        for book_id, quantity in quantities.items()
    )


@dataclass(frozen=True)
class _OrderState:
    """What the gateway calls need of the order, as committed before them."""

    order_id: int
    revision: int
    intent_id: str | None
    client_secret: str | None
    intent_amount: int | None


def prepare_payment(
    quantities: Mapping[str, int], cart_id: str | None, currency: str
) -> PreparedPayment:
    """Price the cart into its order and make sure one PaymentIntent charges that amount."""
    lines = price_cart(quantities)
    amount = money.total(line.line_total for line in lines)
    # A plain read first: a new cart (almost every checkout) goes straight to its INSERT, whose
    # unique cart id settles a race, without taking the write lock any earlier than that.
    returning = _cart_has_order(cart_id)
    if not returning and current_gateway().mode == "demo":
        # Before the transaction begins (SQLite refuses the pragma inside one): see _insert_order.
        relax_sqlite_commit()
    order = _locked_order_for_cart(cart_id) if returning and cart_id is not None else None
    state = _insert_order(cart_id, currency, lines, amount) if order is None else None
    if state is None:
        if order is None:
            # Two requests for one new cart (React StrictMode sends two) raced to insert it;
            # the unique cart_id let the other one win, so use its order.
            order = _locked_order_for_cart(cart_id) if cart_id is not None else None
            if order is None:
                raise RuntimeError("a new order's insert failed, but no order has its cart id")
        state = _reprice_order(order, lines, amount)
    # Commit before talking to the gateway: a network call must not hold the database lock.
    db.session.commit()

    order_id, revision = state.order_id, state.revision
    intent_id, client_secret, intent_amount = (
        state.intent_id,
        state.client_secret,
        state.intent_amount,
    )
    gateway = current_gateway()
    if intent_id is None or client_secret is None:
        # The demo gateway's write may skip the fsync too: the commit storing the PaymentIntent
        # on the order, below, is a FULL one and makes it durable with everything before it.
        with relaxed_sqlite_commits():
            intent = gateway.create_payment_intent(
                amount=intent_amount if intent_amount is not None else amount,
                currency=currency,
                order_id=order_id,
                idempotency_key=f"order-{order_id}-create",
            )
        recorded_amount = intent_amount
        intent_id, client_secret, intent_amount = intent.id, intent.client_secret, intent.amount
        # A concurrent request for the same cart used the same idempotency key, so it got
        # the same PaymentIntent; whichever stores it first wins and the other changes nothing.
        db.session.execute(
            update(Order)
            .where(Order.id == order_id, Order.payment_intent_id.is_(None))
            .values(payment_intent_id=intent_id, client_secret=client_secret)
            .execution_options(synchronize_session=False)
        )
        if intent_amount != recorded_amount:
            _record_intent_amount(order_id, revision, intent_amount)
    if intent_amount != amount:
        intent = gateway.update_payment_intent_amount(
            intent_id,
            amount=amount,
            idempotency_key=f"order-{order_id}-amount-{amount}-rev{revision}",
        )
        _record_intent_amount(order_id, revision, intent.amount)
    db.session.commit()
    return PreparedPayment(order_id, intent_id, client_secret, amount, currency, lines)


def _insert_order(
    cart_id: str | None, currency: str, lines: tuple[PricedLine, ...], amount: int
) -> _OrderState | None:
    """Insert a new, priced order with its lines; None if its cart's order exists already.

    Plain INSERTs (the order, then its lines in one executemany) rather than ORM objects and a
    flush: a new cart is what almost every checkout is, and the unit of work cost it a third
    of its CPU. Revision 1 for a non-zero amount, as an order created empty and then priced
    has; intent_amount is fixed now, before the first create (see _reprice_order).
    """
    revision = 1 if amount else 0
    # With the demo gateway, a new order is committed without fsync on SQLite
    # (db.relax_sqlite_commit, called by prepare_payment): it stays pending and unpaid until this
    # request's last commit, which stores its PaymentIntent and is a FULL one, so it is durable
    # before its client secret leaves the server. A power cut before that loses only an order
    # nobody can pay yet, together with its demo PaymentIntent (SQLite recovers a prefix of its
    # log, and the PaymentIntent comes after the order in it); the browser's retry with the same
    # cart id creates both again. Not with Stripe: its PaymentIntent outlives our lost order, and
    # SQLite hands the lost order's id (the highest) to the next new order, whose create would
    # then reuse the idempotency key `order-<id>-create` with other parameters and be refused.
    try:
        result = cast(
            CursorResult[Any],
            db.session.execute(
                insert(_ORDERS).values(
                    cart_id=cart_id,
                    status=OrderStatus.PENDING,
                    amount=amount,
                    currency=currency,
                    revision=revision,
                    intent_amount=amount,
                )
            ),
        )
    except IntegrityError:
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
    return _OrderState(order_id, revision, None, None, amount)


def _reprice_order(order: Order, lines: tuple[PricedLine, ...], amount: int) -> _OrderState:
    """Bring a returning cart's order up to date with the cart, unless it is closed."""
    _refuse_closed_cart(order, lines)
    if _line_keys(order.lines) != _line_keys(lines):
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
    if order.amount != amount:
        order.amount = amount
        order.revision += 1
    if order.payment_intent_id is None and order.intent_amount is None:
        # Fixed before the first create: if Stripe made the PaymentIntent but its answer was
        # lost, the retry must repeat the same parameters under the same idempotency key
        # (Stripe refuses a reused key with another amount), whatever the cart is by then.
        order.intent_amount = amount
    return _OrderState(
        order.id, order.revision, order.payment_intent_id, order.client_secret, order.intent_amount
    )


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


def _refuse_closed_cart(order: Order, lines: tuple[PricedLine, ...]) -> None:
    """A paid or canceled order is final; one being paid right now must not change."""
    if order.status in PAID_STATUSES:
        raise ApiError(409, "cart_already_paid", "This cart has already been paid for.")
    if order.status == OrderStatus.CANCELED:
        raise ApiError(409, "cart_closed", "This cart's payment was canceled; start a new cart.")
    if order.status == OrderStatus.PROCESSING and _line_keys(order.lines) != _line_keys(lines):
        raise ApiError(409, "payment_in_progress", "A payment for this cart is being processed.")


def _line_keys(lines: Iterable[OrderLine] | Iterable[PricedLine]) -> list[tuple[str, int, int]]:
    """Lines compared by book, quantity and unit price, stored or freshly priced alike."""
    return [(line.book_id, line.quantity, line.unit_amount) for line in lines]


def _record_intent_amount(order_id: int, revision: int, intent_amount: int) -> None:
    """Note what the PaymentIntent charges, unless a newer cart revision has overtaken us.

    The session's copy of the order is not updated (synchronize_session=False): nothing reads
    it before the commit, which expires it anyway.
    """
    db.session.execute(
        update(Order)
        .where(Order.id == order_id, Order.revision == revision)
        .values(intent_amount=intent_amount)
        .execution_options(synchronize_session=False)
    )
