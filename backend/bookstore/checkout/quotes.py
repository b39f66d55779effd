"""Pricing a checkout: the cart's lines from the catalogue, then shipping and tax for its address.

Everything here is the server's own: the browser sends books, quantities, an email, an address
and a delivery method, never a price.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from bookstore import money
from bookstore.addresses import ShippingAddress
from bookstore.catalogue.books import prices_by_id
from bookstore.checkout.shipping import DeliveryOption, delivery_option, delivery_options
from bookstore.checkout.tax import TaxCalculator
from bookstore.domain_errors import InvalidRequest
from bookstore.payments.gateway import TaxableLine, TaxQuote

DEFAULT_DELIVERY_METHOD = "standard"
# Enough to catch typos; the mail server has the last word.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
MAX_EMAIL = 254


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
class CheckoutDetails:
    """What the shopper filled in so far: each part may still be missing."""

    email: str | None = None
    address: ShippingAddress | None = None
    delivery_method: str = DEFAULT_DELIVERY_METHOD

    @property
    def missing(self) -> tuple[str, ...]:
        """What the shopper has still to give before paying: "email", "shipping"."""
        missing = ("email",) if self.email is None else ()
        return missing + (("shipping",) if self.address is None else ())


@dataclass(frozen=True)
class Quote:
    """Subtotal, shipping, tax and total of a checkout, as the server prices it."""

    lines: tuple[PricedLine, ...]
    details: CheckoutDetails
    currency: str
    subtotal: int
    delivery: DeliveryOption | None  # None until there is an address to ship to
    delivery_options: tuple[DeliveryOption, ...]
    tax: TaxQuote | None

    @property
    def shipping_amount(self) -> int:
        """What delivery costs (0 until it is known)."""
        return self.delivery.amount if self.delivery else 0

    @property
    def tax_amount(self) -> int:
        """The tax (0 until it is known)."""
        return self.tax.amount if self.tax else 0

    @property
    def total(self) -> int:
        """What the PaymentIntent charges."""
        return money.total((self.subtotal, self.shipping_amount, self.tax_amount))

    @property
    def ready_to_pay(self) -> bool:
        """Whether the shopper has given all a bookshop needs to ship and confirm."""
        return self.details.email is not None and self.delivery is not None

    def quantities(self) -> dict[str, int]:
        """Copies of each book the quote's lines ask for."""
        return {line.book_id: line.quantity for line in self.lines}

    def quote_id(self) -> str:
        """What the shopper was shown, as a digest: the inputs and every price, never an id a
        provider made up (a new tax calculation for the same inputs keeps the same id)."""
        return _digest(
            [(line.book_id, line.quantity, line.unit_amount) for line in self.lines],
            asdict(self.details),
            self.currency,
            self.subtotal,
            asdict(self.delivery) if self.delivery else None,
            self.tax_amount,
            self.total,
        )

    def fingerprint(self) -> str:
        """A short digest of everything the order stores of this quote."""
        return _digest(
            [(line.book_id, line.quantity, line.unit_amount) for line in self.lines],
            asdict(self.details),
            self.subtotal,
            self.shipping_amount,
            self.tax_amount,
            self.tax.calculation_id if self.tax else None,
        )

    def intent_fingerprint(self) -> str:
        """A short digest of what the PaymentIntent is told: amount, shipping, email, tax."""
        return intent_fingerprint(
            self.total,
            self.details.address,
            self.details.email,
            self.tax.calculation_id if self.tax else None,
        )


def intent_fingerprint(
    amount: int,
    address: ShippingAddress | None = None,
    email: str | None = None,
    tax_calculation: str | None = None,
) -> str:
    """A short digest of what a PaymentIntent was told (a new one: its amount alone)."""
    return _digest(amount, asdict(address) if address else None, email, tax_calculation)


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


def check_email(email: str | None) -> str | None:
    """The email, trimmed, or InvalidRequest naming the field; None stays None."""
    if email is None or not email.strip():
        return None
    email = email.strip()
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        raise InvalidRequest(
            "Please check the email address.",
            code="invalid_email",
            details=[{"field": "email", "message": "Not an email address."}],
        )
    return email


def quote(
    lines: tuple[PricedLine, ...],
    details: CheckoutDetails,
    currency: str,
    tax_calculator: TaxCalculator,
) -> Quote:
    """Price shipping and tax for the details given; without an address, the lines alone."""
    subtotal = money.total(line.line_total for line in lines)
    address = details.address
    if address is None:
        return Quote(lines, details, currency, subtotal, None, (), None)
    options = delivery_options(address.country, subtotal)
    delivery = delivery_option(address.country, subtotal, details.delivery_method)
    taxable = [TaxableLine(line.book_id, line.line_total) for line in lines]
    tax = tax_calculator.calculate(taxable, delivery.amount, address, currency)
    return Quote(lines, details, currency, subtotal, delivery, options, tax)


def _digest(*parts: object) -> str:
    """16 hex characters of SHA-256 over the parts as canonical JSON."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
