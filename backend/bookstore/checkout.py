"""Turning a checkout into a priced order with a PaymentIntent, once per cart however often asked.

The order and its PaymentIntent change together: a new order is written before its
PaymentIntent is created (so the order's token exists before any event can name it), and a
returning cart's new lines, address and totals are written only after the PaymentIntent
accepted them. No database lock is held while the gateway is called.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from bookstore.db import db, lock_for_write, utcnow
from bookstore.domain_errors import Conflict
from bookstore.orders import PAID_STATUSES, Order, OrderLine, OrderStatus, new_number, new_token
from bookstore.payments import PaymentGateway, current_gateway
from bookstore.payments.gateway import CardError, PaymentError, ProviderUnavailable
from bookstore.quotes import CheckoutDetails, Quote, intent_fingerprint, price_cart, quote
from bookstore.stock import check_available, copies_in, hold, hold_deadline, hold_rows
from bookstore.tax import current_tax_calculator

# The tables behind the models, for plain INSERTs (typed as Table, which mypy cannot infer).
_ORDERS = cast(Table, Order.__table__)
_ORDER_LINES = cast(Table, OrderLine.__table__)

# Tries at bringing an order in step with its cart while other requests change it too.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class PreparedPayment:
    """What the browser needs to take payment for an order."""

    order_id: int
    order_number: str
    payment_intent_id: str
    client_secret: str
    quote: Quote


@dataclass(frozen=True)
class _Snapshot:
    """The order as committed before a gateway call: what the call needs of it."""

    order_id: int
    number: str
    token: str
    revision: int
    amount: int
    intent_id: str | None
    client_secret: str | None
    # What the PaymentIntent was last told (Quote.intent_fingerprint); None while unsure.
    intent_fingerprint: str | None
    up_to_date: bool  # the order holds this quote already


def prepare_payment(
    quantities: Mapping[str, int],
    cart_id: str | None,
    currency: str,
    details: CheckoutDetails | None = None,
) -> PreparedPayment:
    """Price the checkout into its order and make sure one PaymentIntent charges its total."""
    # Priced (tax included, which Stripe Tax works out over the network) before any database
    # transaction begins.
    priced = quote(
        price_cart(quantities), details or CheckoutDetails(), currency, current_tax_calculator()
    )
    gateway = current_gateway()
    for _ in range(MAX_ATTEMPTS):
        snapshot = _open_order(cart_id, priced, gateway.name)
        intent_id, client_secret, told = _ensure_intent(gateway, snapshot, currency)
        wanted = priced.intent_fingerprint()
        if told != wanted:
            _update_intent(gateway, snapshot, intent_id, priced)
        if (snapshot.up_to_date and told == wanted) or _write_quote(snapshot, priced):
            return PreparedPayment(
                snapshot.order_id, snapshot.number, intent_id, client_secret, priced
            )
        # Another request changed the order between our two transactions: start again from
        # what it wrote, so the PaymentIntent ends as the order written last says.
    raise Conflict(
        "This cart is being changed in another window; please try again.",
        code="cart_busy",
        retry_after=1,
    )


def _open_order(cart_id: str | None, priced: Quote, gateway_name: str) -> _Snapshot:
    """The cart's order, inserted if new, checked and committed before any gateway call."""
    # A plain read first: a new cart (almost every checkout) goes straight to its INSERT, whose
    # unique cart id settles a race, without taking the write lock any earlier than that.
    snapshot = None
    if not _cart_has_order(cart_id):
        snapshot = _insert_order(cart_id, priced, gateway_name)
    if snapshot is None:
        assert cart_id is not None  # an order without a cart id is always new
        order = _locked_order_for_cart(cart_id)
        if order is None:
            raise RuntimeError("a new order's insert failed, but no order has its cart id")
        snapshot = _returning_order(order, priced, gateway_name)
    db.session.commit()
    return snapshot


def _insert_order(cart_id: str | None, priced: Quote, gateway_name: str) -> _Snapshot | None:
    """Insert a new, priced order with its lines; None if its cart's order exists already.

    Plain INSERTs (the order, then its lines in one executemany) rather than ORM objects and a
    flush: a new cart is what almost every checkout is, and the unit of work cost it a third
    of its CPU.
    """
    token = new_token()
    for _ in range(MAX_ATTEMPTS):
        number = new_number()
        # The copies are checked and held in the transaction that writes the order, the books'
        # rows locked: a concurrent checkout for the last copy waits, then finds it held.
        now = utcnow()
        check_available(_quantities(priced), now)
        try:
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
                        held_until=(until := hold_deadline(now)),
                        **quote_columns(priced),
                    )
                ),
            )
            break
        except IntegrityError:
            db.session.rollback()
            if _cart_has_order(cart_id):
                # Two requests for one new cart (React StrictMode sends two) raced to insert
                # it; the unique cart_id let the other one win, so use its order.
                return None
            # Otherwise a random order number that another order has already: draw again.
    else:
        raise RuntimeError("no free order number after several draws")
    primary_key = result.inserted_primary_key
    assert primary_key is not None  # an INSERT of one row always has one
    order_id = int(primary_key[0])
    db.session.execute(
        insert(_ORDER_LINES), [dict(order_id=order_id, **line) for line in line_rows(priced)]
    )
    hold_rows(order_id, _quantities(priced), until, new_order=True)
    return _Snapshot(order_id, number, token, 1, priced.total, None, None, None, up_to_date=True)


def _returning_order(order: Order, priced: Quote, gateway_name: str) -> _Snapshot:
    """Check a returning cart's order; forget a PaymentIntent another gateway made."""
    up_to_date = order.quote_fingerprint == priced.fingerprint()
    _refuse_closed_cart(order, up_to_date)
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
        order.intent_fingerprint = None
        order.status = OrderStatus.PENDING
        order.failure_message = None
    order.gateway = gateway_name
    if order.status != OrderStatus.PROCESSING:  # a debit under way keeps its longer hold
        # The cart's copies, held again for a fresh STOCK_HOLD_MINUTES (its own hold counts
        # for it): a shopper back after the hold expired, or after a failed attempt released
        # it, is told now if the copies went meanwhile, before paying for books that are gone.
        # The lines held are the order's own until the new ones are written (_write_quote).
        now = utcnow()
        check_available(_quantities(priced), now, order_id=order.id)
        hold(order, copies_in(order), hold_deadline(now))
    if order.payment_intent_id is not None and order.intent_fingerprint != (
        priced.intent_fingerprint()
    ):
        # The PaymentIntent is about to change: until the order is written, what it holds is
        # not known for sure (an update's answer can be lost), so the next checkout sets it.
        order.intent_fingerprint = None
    return _Snapshot(
        order.id,
        order.number,
        order.token,
        order.revision,
        order.amount,
        order.payment_intent_id,
        order.client_secret,
        order.intent_fingerprint,
        up_to_date,
    )


def _ensure_intent(
    gateway: PaymentGateway, snapshot: _Snapshot, currency: str
) -> tuple[str, str, str | None]:
    """The order's PaymentIntent (id, client secret, what it was told), created if it has none."""
    if snapshot.intent_id is not None and snapshot.client_secret is not None:
        return snapshot.intent_id, snapshot.client_secret, snapshot.intent_fingerprint
    # The order's amount cannot change before it has a PaymentIntent, so a create whose answer
    # was lost is repeated with the same parameters under the same key, as Stripe requires.
    intent = gateway.create_payment_intent(
        amount=snapshot.amount,
        currency=currency,
        order_token=snapshot.token,
        idempotency_key=f"order-{snapshot.token}-create",
    )
    # Told its amount alone: an email, address or tax, if any, is sent by an update next.
    told = intent_fingerprint(intent.amount)
    # A concurrent request for the same cart used the same idempotency key, so it got the
    # same PaymentIntent; whichever stores it first wins and the other changes nothing.
    db.session.execute(
        update(Order)
        .where(Order.id == snapshot.order_id, Order.token == snapshot.token)
        .where(Order.payment_intent_id.is_(None))
        .values(
            payment_intent_id=intent.id, client_secret=intent.client_secret, intent_fingerprint=told
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return intent.id, intent.client_secret, told


def _update_intent(
    gateway: PaymentGateway, snapshot: _Snapshot, intent_id: str, priced: Quote
) -> None:
    """Tell the PaymentIntent the quote's total, shipping address, receipt email and tax."""
    fingerprint = priced.intent_fingerprint()
    key = f"order-{snapshot.token}-update-rev{snapshot.revision + 1}-{fingerprint}"
    try:
        gateway.update_payment_intent(
            intent_id,
            amount=priced.total,
            shipping=priced.details.address,
            receipt_email=priced.details.email,
            tax_calculation=priced.tax.calculation_id if priced.tax else None,
            idempotency_key=key,
        )
    except (ProviderUnavailable, CardError):
        raise
    except PaymentError as refused:
        # Refused: most often because the shopper paid in another tab a moment ago, before
        # its webhook arrived. Say so rather than "payments are failing".
        status = gateway.retrieve_payment_intent(intent_id).status
        if status in ("succeeded", "requires_capture"):
            raise Conflict(
                "This cart has already been paid for.", code="cart_already_paid"
            ) from refused
        if status == "processing":
            raise Conflict(
                "A payment for this cart is being processed.", code="payment_in_progress"
            ) from refused
        raise


def _write_quote(snapshot: _Snapshot, priced: Quote) -> bool:
    """Give the order the quote, now that its PaymentIntent holds it.

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
    _refuse_closed_cart(order, up_to_date=False)
    if order.quote_fingerprint != priced.fingerprint():
        # Held in step with the lines: checked again, since others may have taken copies
        # while the PaymentIntent was being changed.
        now = utcnow()
        check_available(_quantities(priced), now, order_id=order.id)
        hold(order, _quantities(priced), hold_deadline(now))
        order.lines = [OrderLine(**line) for line in line_rows(priced)]
        for column, value in quote_columns(priced).items():
            setattr(order, column, value)
    order.intent_fingerprint = priced.intent_fingerprint()
    order.revision += 1
    db.session.commit()
    return True


def _quantities(priced: Quote) -> dict[str, int]:
    """Copies of each book the quote's lines ask for."""
    return {line.book_id: line.quantity for line in priced.lines}


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


def _refuse_closed_cart(order: Order, up_to_date: bool) -> None:
    """A paid or canceled order is final; one being paid right now must not change."""
    if order.status in PAID_STATUSES:
        raise Conflict("This cart has already been paid for.", code="cart_already_paid")
    if order.status == OrderStatus.CANCELED:
        raise Conflict("This cart's payment was canceled; start a new cart.", code="cart_closed")
    if order.status == OrderStatus.PROCESSING and not up_to_date:
        raise Conflict("A payment for this cart is being processed.", code="payment_in_progress")


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
