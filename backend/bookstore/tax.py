"""Sales tax and VAT on an order, behind one small interface: a rate table, or Stripe Tax.

The rate table is the default. Its rates are EXAMPLES for a demo shop, not tax advice: a
real shop sets them with its accountant, or turns on Stripe Tax (STRIPE_TAX=1 with Stripe
keys), which knows every jurisdiction and records each sale for filing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from flask import current_app

from bookstore.addresses import ShippingAddress

EXTENSION_KEY = "tax_calculator"


@dataclass(frozen=True)
class TaxableLine:
    """A priced line, as a tax calculation needs it."""

    reference: str  # the book id
    amount: int  # the line's total


@dataclass(frozen=True)
class TaxQuote:
    """The tax to add, and the provider's record of how it was worked out (if any)."""

    amount: int
    calculation_id: str | None = None


class TaxCalculator(Protocol):
    """Works out the tax on an order's lines and shipping for its destination."""

    def calculate(
        self,
        lines: Sequence[TaxableLine],
        shipping_amount: int,
        address: ShippingAddress,
        currency: str,
    ) -> TaxQuote:
        """The tax for these lines and this shipping, sent to `address`."""
        ...


# Example rates in basis points (1/100 of a percent), on books and shipping alike.
COUNTRY_RATES: dict[str, int] = {
    "GB": 0,  # books are zero-rated
    "IE": 0,  # books are zero-rated
    "DE": 700,  # reduced VAT on books
    "FR": 550,
    "NL": 900,
    "CA": 500,  # GST
    "AU": 1000,  # GST
    "JP": 1000,
}
# In the United States, by state; states not listed here charge none in this example.
US_STATE_RATES: dict[str, int] = {
    "CA": 725,
    "NY": 400,
    "TX": 625,
    "WA": 650,
    "IL": 625,
    "MA": 625,
}


class RateTableTax:
    """Tax from the example rate tables above."""

    def calculate(
        self,
        lines: Sequence[TaxableLine],
        shipping_amount: int,
        address: ShippingAddress,
        currency: str,
    ) -> TaxQuote:
        """Rate x (lines + shipping), rounded half up to the smallest unit."""
        rate = rate_for(address)
        base = sum(line.amount for line in lines) + shipping_amount
        return TaxQuote(amount=(base * rate + 5000) // 10000)


def rate_for(address: ShippingAddress) -> int:
    """The example rate, in basis points, for a destination."""
    if address.country == "US":
        return US_STATE_RATES.get((address.state or "").upper(), 0)
    return COUNTRY_RATES.get(address.country, 0)


def current_tax_calculator() -> TaxCalculator:
    """The calculator create_app chose for this app."""
    calculator: TaxCalculator = current_app.extensions[EXTENSION_KEY]
    return calculator
