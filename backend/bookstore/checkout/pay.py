"""A cart quoted while the shopper types, and paid for when they press Pay: the order is born there.

A quote only reads: it prices the cart from the catalogue, works out shipping and tax, and
checks the copies without holding them. Pay prices the cart again and then, in one durable
transaction, checks and holds its copies and writes the order, its lines and a short "paying"
lease; with no database lock held it then creates or updates the order's one PaymentIntent and
confirms it with the shopper's payment details; last it stores the PaymentIntent and ends the
lease. The lease serialises the Pays of one cart (two tabs, a double click): a second is told
`payment_in_progress` until the first is answered, so the amount confirmed is always the one
of the quote the first Pay was sent for.

Pay's transaction is in pay_transaction.py, its calls to the gateway in payment_intent.py, and
the cap on copies one client may hold in hold_limit.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bookstore.catalogue.stock import check_available_now
from bookstore.checkout.pay_transaction import open_for_payment
from bookstore.checkout.payment_intent import (
    Confirmation,
    IntentProgress,
    end_lease,
    refuse_if_paid_elsewhere,
    settle_intent,
)
from bookstore.checkout.quotes import CheckoutDetails, Quote, price_cart, quote
from bookstore.checkout.tax import current_tax_calculator
from bookstore.db import utcnow
from bookstore.domain_errors import Conflict, InvalidRequest
from bookstore.orders.holds import cart_order_id
from bookstore.payments import current_gateway

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


@dataclass(frozen=True)
class Payment:
    """The order's PaymentIntent after Pay, and the quote it charges."""

    order_number: str
    payment_intent_id: str
    client_secret: str
    status: str
    quote: Quote


def quote_cart(
    quantities: Mapping[str, int],
    cart_id: str | None,
    currency: str,
    details: CheckoutDetails,
) -> Quote:
    """Price the cart for the details given so far and check its copies; writes nothing."""
    priced = _priced(quantities, currency, details)
    # The cart's own order's hold is the shopper's already: it does not count against them.
    own_hold = cart_order_id(cart_id) if cart_id is not None else None
    check_available_now(priced.quantities(), utcnow(), excluding_order=own_hold)
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
        refuse_if_paid_elsewhere(gateway, cart_id, priced)
    snapshot = open_for_payment(cart_id, priced, gateway.name, client)
    intent = IntentProgress(snapshot.intent_id, snapshot.client_secret, snapshot.intent_fingerprint)
    try:
        settle_intent(gateway, snapshot, priced, intent, confirmation)
    finally:
        end_lease(snapshot, intent)
    assert intent.id is not None and intent.client_secret is not None and intent.status
    return Payment(snapshot.number, intent.id, intent.client_secret, intent.status, priced)


def _priced(quantities: Mapping[str, int], currency: str, details: CheckoutDetails) -> Quote:
    """The server's quote for the cart and the details given."""
    return quote(price_cart(quantities), details, currency, current_tax_calculator())
