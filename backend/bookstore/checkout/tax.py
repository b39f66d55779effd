"""Sales tax and VAT on an order, behind one small interface: a rate table, or Stripe Tax.

The rate table is the default. Its rates are EXAMPLES for a demo shop, not tax advice: a
real shop sets them with its accountant, or turns on Stripe Tax (STRIPE_TAX=1 with Stripe
keys), which knows every jurisdiction and records each sale for filing.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import astuple
from typing import Protocol

from flask import current_app

from bookstore.addresses import ShippingAddress
from bookstore.config import Settings
from bookstore.payments import PaymentGateway, provider_tax_calculator
from bookstore.payments.gateway import TaxableLine, TaxQuote

EXTENSION_KEY = "tax_calculator"


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


# How many answers CachedTax keeps, how long before a calculation expires it stops reusing
# it (a Pay may link it to a PaymentIntent a little later), and how long at most.
CACHE_ENTRIES = 2048
CACHE_EXPIRY_MARGIN_SECONDS = 600
CACHE_MAX_AGE_SECONDS = 24 * 3600

_CacheKey = tuple[object, ...]


class CachedTax:
    """A tax calculator whose answers are reused until they expire: one per distinct input.

    A quote is asked for again and again while the shopper types, and Pay prices it once more;
    with Stripe Tax each answer is a calculation Stripe makes (and counts against the rate
    limit). Reused, the same cart, shipping and address cost one calculation, and the tax and
    total (and so the quote's id) stay the same.

    Its limits: kept in this process's memory, so each server process makes its own first
    calculation; at most CACHE_ENTRIES answers, the least recently used dropped first; an
    answer is reused until CACHE_EXPIRY_MARGIN_SECONDS before its calculation expires, and for
    CACHE_MAX_AGE_SECONDS at most. Two identical requests at the same moment may each ask.
    """

    def __init__(self, calculator: TaxCalculator, clock: Callable[[], float] = time.time) -> None:
        self._calculator = calculator
        self._clock = clock
        self._answers: OrderedDict[_CacheKey, tuple[float, TaxQuote]] = OrderedDict()
        self._lock = threading.Lock()

    def calculate(
        self,
        lines: Sequence[TaxableLine],
        shipping_amount: int,
        address: ShippingAddress,
        currency: str,
    ) -> TaxQuote:
        """The answer for these inputs, from the cache while it is good, else asked for."""
        key = _cache_key(lines, shipping_amount, address, currency)
        now = self._clock()
        with self._lock:
            kept = self._answers.get(key)
            if kept is not None and now < kept[0]:
                self._answers.move_to_end(key)
                return kept[1]
        answer = self._calculator.calculate(lines, shipping_amount, address, currency)
        good_until = now + CACHE_MAX_AGE_SECONDS
        if answer.expires_at is not None:
            good_until = min(good_until, answer.expires_at - CACHE_EXPIRY_MARGIN_SECONDS)
        if good_until > now:
            with self._lock:
                self._answers[key] = (good_until, answer)
                self._answers.move_to_end(key)
                while len(self._answers) > CACHE_ENTRIES:
                    self._answers.popitem(last=False)
        return answer


def _cache_key(
    lines: Sequence[TaxableLine], shipping_amount: int, address: ShippingAddress, currency: str
) -> _CacheKey:
    """What a tax calculation depends on: the lines, shipping, where to, the currency.

    The recipient's name and phone are left out: they do not change the tax.
    """
    place = (
        address.line1,
        address.line2,
        address.city,
        address.state,
        address.postal_code,
        address.country,
    )
    return (tuple(astuple(line) for line in lines), shipping_amount, place, currency)


def build_tax_calculator(settings: Settings, gateway: PaymentGateway) -> TaxCalculator:
    """Stripe Tax when asked for (STRIPE_TAX=1, Stripe mode), else the example rate table.

    Stripe Tax's answers are reused until they expire (CachedTax): asking for the same quote
    again costs Stripe nothing.
    """
    provider = provider_tax_calculator(settings, gateway)
    return CachedTax(provider) if provider is not None else RateTableTax()


def current_tax_calculator() -> TaxCalculator:
    """The calculator create_app chose for this app."""
    calculator: TaxCalculator = current_app.extensions[EXTENSION_KEY]
    return calculator
