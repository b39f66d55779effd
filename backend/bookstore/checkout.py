"""A cart quoted while the shopper types, and paid for when they press Pay: the order is born there.

A quote only reads: it prices the cart from the catalogue, works out shipping and tax, and
checks the copies without holding them. Pay prices the cart again and then, in one durable
transaction, checks and holds its copies and writes the order, its lines and a short "paying"
lease; with no database lock held it then creates or updates the order's one PaymentIntent and
confirms it with the shopper's payment details; last it stores the PaymentIntent and ends the
lease. The lease serialises the Pays of one cart (two tabs, a double click): a second is told
`payment_in_progress` until the first is answered, so the amount confirmed is always the one
of the quote the first Pay was sent for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from bookstore.config import current_settings
from bookstore.db import db, lock_for_write, lock_name, utcnow
from bookstore.domain_errors import Conflict, InvalidRequest, LimitReached
from bookstore.orders.models import (
    PAID_STATUSES,
    Order,
    OrderLine,
    OrderStatus,
    new_number,
    new_token,
)
from bookstore.payments import PaymentGateway, current_gateway
from bookstore.payments.gateway import CardError, PaymentError, PaymentIntent, ProviderUnavailable
from bookstore.quotes import CheckoutDetails, Quote, price_cart, quote
from bookstore.stock import (
    check_available,
    check_available_now,
    client_held_copies,
    hold,
    hold_deadline,
    hold_rows,
)
from bookstore.tax import current_tax_calculator

# The tables behind the models, for plain INSERTs (typed as Table, which mypy cannot infer).
_ORDERS = cast(Table, Order.__table__)
_ORDER_LINES = cast(Table, OrderLine.__table__)

# Tries at writing a new order (a random order number already taken, a twin's insert).
MAX_ATTEMPTS = 3
# How long a Pay may take before another Pay for the cart is let in: longer than the three
# gateway calls a Pay can make, each given up on within config.STRIPE_WAIT_BUDGET_SECONDS.
PAY_LEASE = timedelta(seconds=60)
# What a shopper is told each missing detail is.
MISSING_MESSAGES = {
    "email": "An email address is needed for the receipt.",
    "shipping": "A shipping address is needed to send the books.",
}


class QuoteChanged(Conflict):
    """The quote the shopper saw is not the price now (409 quote_changed, with the new one)."""

    code = "quote_changed"

    def __init__(self, fresh: Quote) -> None:
        super().__init__("Your order changed. Please check the new total before paying.")
        self.quote = fresh


class HoldLimitReached(LimitReached):
    """The client holds as many copies across its unpaid orders as one client may (429)."""

    code = "hold_limit"


@dataclass(frozen=True)
class Confirmation:
    """The shopper's payment details, as a ConfirmationToken, and where a redirect returns."""

    token: str
    return_url: str


@dataclass(frozen=True)
class Payment:
    """The order's PaymentIntent after Pay, and the quote it charges."""

    order_number: str
    payment_intent_id: str
    client_secret: str
    status: str
    quote: Quote


@dataclass(frozen=True)
class _Snapshot:
    """The order as Pay's transaction committed it: what the gateway calls need of it."""

    order_id: int
    number: str
    token: str
    revision: int  # this Pay's: fences its last write
    intent_id: str | None
    client_secret: str | None
    # What the PaymentIntent was last told (Quote.intent_fingerprint); None while unsure.
    intent_fingerprint: str | None


@dataclass
class _Intent:
    """What Pay learns of the order's PaymentIntent as it goes, to store at the end."""

    id: str | None
    client_secret: str | None
    told: str | None
    status: str | None = None


def quote_cart(
    quantities: Mapping[str, int],
    cart_id: str | None,
    currency: str,
    details: CheckoutDetails,
) -> Quote:
    """Price the cart for the details given so far and check its copies; writes nothing."""
    priced = _priced(quantities, currency, details)
    # The cart's own order's hold is the shopper's already: it does not count against them.
    check_available_now(_quantities(priced), utcnow(), cart_id=cart_id)
    return priced


def pay(
    quantities: Mapping[str, int],
    cart_id: str | None,
    currency: str,
    details: CheckoutDetails,
    *,
    client: str,
    quote_id: str | None = None,
    confirmation: Confirmation | None = None,
) -> Payment:
    """Turn the cart into a held, complete order and its PaymentIntent; confirm it if asked."""
    missing = details.missing
    if missing:
        raise InvalidRequest(
            "Please fill in the details the order needs.",
            code="missing_details",
            details=[{"field": field, "message": MISSING_MESSAGES[field]} for field in missing],
        )
    # Priced (tax included, which Stripe Tax may work out over the network) before any
    # database transaction begins.
    priced = _priced(quantities, currency, details)
    if quote_id is not None and quote_id != priced.quote_id():
        raise QuoteChanged(priced)
    gateway = current_gateway()
    if cart_id is not None:
        _refuse_if_paid_elsewhere(gateway, cart_id, priced)
    snapshot = _open_for_payment(cart_id, priced, gateway.name, client)
    intent = _Intent(snapshot.intent_id, snapshot.client_secret, snapshot.intent_fingerprint)
    try:
        _settle_intent(gateway, snapshot, priced, intent, confirmation)
    finally:
        _end_lease(snapshot, intent)
    assert intent.id is not None and intent.client_secret is not None and intent.status
    return Payment(snapshot.number, intent.id, intent.client_secret, intent.status, priced)


def _priced(quantities: Mapping[str, int], currency: str, details: CheckoutDetails) -> Quote:
    """The server's quote for the cart and the details given."""
    return quote(price_cart(quantities), details, currency, current_tax_calculator())


def _refuse_if_paid_elsewhere(gateway: PaymentGateway, cart_id: str, priced: Quote) -> None:
    """Before a Pay changes a cart's order, make sure its PaymentIntent can still change.

    The shopper may have paid a moment ago in another tab (or, as an API client, confirmed it
    themselves), before the webhook told the order: the order must then keep the quote that
    was paid, not take this one. Asked only when the PaymentIntent would change.
    """
    query = select(Order.payment_intent_id, Order.gateway, Order.intent_fingerprint).where(
        Order.cart_id == cart_id
    )
    row = db.session.execute(query).one_or_none()
    db.session.rollback()  # a plain read: no transaction kept open across the gateway call
    if row is None or row.payment_intent_id is None or row.gateway != gateway.name:
        return
    if row.intent_fingerprint == priced.intent_fingerprint():
        return
    _refuse_settled(gateway.retrieve_payment_intent(row.payment_intent_id).status, None)


def _refuse_settled(status: str, cause: BaseException | None) -> None:
    """409 for a PaymentIntent that is paid, or being paid: nothing about it may change."""
    if status in ("succeeded", "requires_capture"):
        raise Conflict("This cart has already been paid for.", code="cart_already_paid") from cause
    if status == "processing":
        raise Conflict(
            "A payment for this cart is being processed.", code="payment_in_progress"
        ) from cause


# --- the transaction before the gateway ------------------------------------------------------


def _open_for_payment(
    cart_id: str | None, priced: Quote, gateway_name: str, client: str
) -> _Snapshot:
    """Hold the copies and write the order with its lines and lease, in one commit."""
    for _ in range(MAX_ATTEMPTS):
        try:
            snapshot = _write_order(cart_id, priced, gateway_name, client)
            db.session.commit()
            return snapshot
        except IntegrityError:
            # A random order number another order has, or this cart's twin (from another
            # address) inserted its order first: start again, finding that order.
            db.session.rollback()
        except BaseException:
            db.session.rollback()
            raise
    raise RuntimeError("could not write a new order after several tries")


def _write_order(cart_id: str | None, priced: Quote, gateway_name: str, client: str) -> _Snapshot:
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
    wanted = _quantities(priced)
    # The books' rows are locked from here to the commit: checks for the same copies queue.
    check_available(wanted, now, cart_id=cart_id)
    _check_client_cap(client, wanted, now, cart_id)
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
    return _Snapshot(
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
) -> _Snapshot:
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
    hold_rows(order_id, _quantities(priced), until, new_order=True)
    return _Snapshot(order_id, number, token, 1, None, None, None)


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


def _check_client_cap(
    client: str, wanted: Mapping[str, int], now: datetime, cart_id: str | None
) -> None:
    """Refuse to let one client hold more than HOLD_LIMIT_PER_CLIENT copies at once.

    Counted from the database (this client's unpaid orders' active holds, the cart's own
    left out since Pay replaces them), so it holds across processes and servers.
    """
    limit = current_settings().hold_limit_per_client
    held, first_expiry = client_held_copies(client, now, excluding_cart=cart_id)
    asked = sum(wanted.values())
    if held + asked <= limit:
        return
    retry_after = None
    if held and asked <= limit and first_expiry is not None:
        retry_after = max(1, int((first_expiry - now).total_seconds()) + 1)
    raise HoldLimitReached(
        f"At most {limit} copies can be held for unpaid orders from one connection at a time"
        f" (this one holds {held} and asks for {asked} more). Pay for an order or wait for its"
        " hold to end.",
        details={"limit": limit, "held": held, "requested": asked},
        retry_after=retry_after,
    )


# --- the gateway, outside any transaction ----------------------------------------------------


def _settle_intent(
    gateway: PaymentGateway,
    snapshot: _Snapshot,
    priced: Quote,
    intent: _Intent,
    confirmation: Confirmation | None,
) -> None:
    """Make the order's one PaymentIntent charge the quote, then confirm it if asked."""
    wanted = priced.intent_fingerprint()
    answer: PaymentIntent | None = None
    if intent.id is None:
        # The key names the quote: a create whose answer was lost is answered again for the
        # same quote, and a changed quote (after a 503, say) makes one that was never shown.
        answer = gateway.create_payment_intent(
            amount=priced.total,
            currency=priced.currency,
            order_token=snapshot.token,
            idempotency_key=f"order-{snapshot.token}-create-{wanted}",
            shipping=priced.details.address,
            receipt_email=priced.details.email,
            tax_calculation=priced.tax.calculation_id if priced.tax else None,
        )
        intent.id, intent.client_secret = answer.id, answer.client_secret
        intent.told = wanted
    elif intent.told != wanted:
        key = f"order-{snapshot.token}-update-rev{snapshot.revision}-{wanted}"
        with _refusals(gateway, intent.id):
            answer = gateway.update_payment_intent(
                intent.id,
                amount=priced.total,
                shipping=priced.details.address,
                receipt_email=priced.details.email,
                tax_calculation=priced.tax.calculation_id if priced.tax else None,
                idempotency_key=key,
            )
        intent.told = wanted
    if confirmation is not None:
        key = f"order-{snapshot.token}-confirm-rev{snapshot.revision}"
        with _refusals(gateway, intent.id):
            answer = gateway.confirm_payment_intent(
                intent.id,
                confirmation_token=confirmation.token,
                return_url=confirmation.return_url,
                idempotency_key=key,
            )
    elif answer is None:
        answer = gateway.retrieve_payment_intent(intent.id)
    intent.status = answer.status


@contextmanager
def _refusals(gateway: PaymentGateway, intent_id: str) -> Iterator[None]:
    """Turn a provider's refusal to change or confirm a PaymentIntent into the shopper's terms."""
    try:
        yield
    except (ProviderUnavailable, CardError):
        raise
    except PaymentError as refused:
        # Refused: most often because the shopper paid in another tab a moment ago, before its
        # webhook arrived. Say so rather than "payments are failing".
        _refuse_settled(gateway.retrieve_payment_intent(intent_id).status, refused)
        raise


def _end_lease(snapshot: _Snapshot, intent: _Intent) -> None:
    """Store what the PaymentIntent is now and let the next Pay in, in one UPDATE.

    Fenced by the Pay's revision: a Pay whose lease lapsed never overwrites a newer one's.
    """
    values: dict[str, Any] = {"paying_until": None}
    if intent.id is not None:
        values.update(
            payment_intent_id=intent.id,
            client_secret=intent.client_secret,
            intent_fingerprint=intent.told,
        )
    db.session.execute(
        update(Order)
        .where(Order.id == snapshot.order_id, Order.revision == snapshot.revision)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


# --- the order's columns ---------------------------------------------------------------------


def _quantities(priced: Quote) -> dict[str, int]:
    """Copies of each book the quote's lines ask for."""
    return {line.book_id: line.quantity for line in priced.lines}


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
