"""Quotes: shipping by destination, the free-shipping threshold, example tax rates, addresses."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from bookstore.addresses import COUNTRIES, ShippingAddress, check_address
from bookstore.checkout.quotes import CheckoutDetails, PricedLine, Quote, check_email, quote
from bookstore.checkout.shipping import FREE_DOMESTIC_STANDARD_FROM, delivery_options
from bookstore.checkout.tax import (
    CACHE_EXPIRY_MARGIN_SECONDS,
    CACHE_MAX_AGE_SECONDS,
    CachedTax,
    RateTableTax,
)
from bookstore.domain_errors import InvalidRequest
from bookstore.payments.gateway import TaxableLine, TaxQuote

SF = ShippingAddress(
    name="Ada Lovelace",
    line1="354 Oyster Point Blvd",
    line2=None,
    city="South San Francisco",
    state="CA",
    postal_code="94080",
    country="US",
)
BERLIN = dataclasses.replace(SF, city="Berlin", state=None, postal_code="10115", country="DE")
TOKYO = dataclasses.replace(SF, city="Tokyo", state=None, postal_code="100-0001", country="JP")
LONDON = dataclasses.replace(SF, city="London", state=None, postal_code="SW1A 1AA", country="GB")


def lines(*amounts: int) -> tuple[PricedLine, ...]:
    """One line per amount, one copy each."""
    return tuple(
        PricedLine(f"book-{n}", f"Book {n}", 1, amount) for n, amount in enumerate(amounts)
    )


def priced(
    amounts: tuple[int, ...], address: ShippingAddress | None, method: str = "standard"
) -> Quote:
    """A quote with the example rate table."""
    details = CheckoutDetails(email="ada@example.com", address=address, delivery_method=method)
    return quote(lines(*amounts), details, "usd", RateTableTax())


def test_without_an_address_the_quote_is_the_lines_alone_and_not_ready() -> None:
    result = priced((2000, 1500), None)

    assert (result.subtotal, result.shipping_amount, result.tax_amount) == (3500, 0, 0)
    assert result.total == 3500
    assert result.delivery is None and result.delivery_options == ()
    assert not result.ready_to_pay


def test_domestic_standard_costs_a_flat_rate_below_the_free_shipping_threshold() -> None:
    result = priced((2000,), SF)

    assert result.delivery is not None
    assert (result.delivery.method, result.delivery.amount) == ("standard", 599)
    # California's example rate, 7.25 %, on the book and the shipping: (2000 + 599) * 0.0725
    assert result.tax_amount == 188
    assert result.total == 2000 + 599 + 188
    assert result.ready_to_pay


def test_domestic_standard_is_free_from_the_threshold_but_express_is_not() -> None:
    options = {o.method: o.amount for o in delivery_options("US", FREE_DOMESTIC_STANDARD_FROM)}
    below = {o.method: o.amount for o in delivery_options("US", FREE_DOMESTIC_STANDARD_FROM - 1)}

    assert options == {"standard": 0, "express": 1499}
    assert below == {"standard": 599, "express": 1499}


@pytest.mark.parametrize(
    ("address", "standard", "express", "tax_rate"),
    [
        pytest.param(BERLIN, 1499, 3499, 700, id="europe-reduced-vat"),
        pytest.param(LONDON, 1499, 3499, 0, id="books-zero-rated"),
        pytest.param(TOKYO, 1999, 4499, 1000, id="rest-of-world"),
    ],
)
def test_international_orders_pay_their_zones_rates_and_taxes(
    address: ShippingAddress, standard: int, express: int, tax_rate: int
) -> None:
    cheap = priced((6000,), address)
    fast = priced((6000,), address, "express")

    assert cheap.shipping_amount == standard and fast.shipping_amount == express
    # No free shipping abroad, whatever the subtotal.
    assert [o.amount for o in cheap.delivery_options] == [standard, express]
    assert fast.tax_amount == ((6000 + express) * tax_rate + 5000) // 10000
    assert fast.delivery is not None and fast.delivery.max_days > fast.delivery.min_days


def test_a_delivery_method_the_table_lacks_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidRequest) as refused:
        priced((2000,), SF, "overnight-by-drone")

    assert refused.value.details == [
        {"field": "deliveryMethod", "message": "Unknown delivery method 'overnight-by-drone'."}
    ]


def test_tax_rounds_half_up_to_the_cent() -> None:
    # 7.25 % of 200 is 14.5 cents: rounds to 15; of 100 is 7.25: rounds to 7.
    assert RateTableTax().calculate([TaxableLine("a", 200)], 0, SF, "usd").amount == 15
    assert RateTableTax().calculate([TaxableLine("a", 100)], 0, SF, "usd").amount == 7


def test_a_us_state_without_an_example_rate_pays_no_tax() -> None:
    oregon = dataclasses.replace(SF, state="OR", city="Portland", postal_code="97201")
    assert priced((2000,), oregon).tax_amount == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"name": " "}, "shipping.name", id="name"),
        pytest.param({"line1": ""}, "shipping.address.line1", id="line1"),
        pytest.param({"city": ""}, "shipping.address.city", id="city"),
        pytest.param({"state": None}, "shipping.address.state", id="us-state"),
        pytest.param({"postal_code": ""}, "shipping.address.postalCode", id="postal-missing"),
        pytest.param({"postal_code": "ABCDE"}, "shipping.address.postalCode", id="postal-format"),
        pytest.param({"country": "ZZ"}, "shipping.address.country", id="unknown-country"),
        pytest.param({"phone": "call me maybe"}, "shipping.phone", id="phone"),
    ],
)
def test_each_wrong_address_field_is_named(change: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        check_address(dataclasses.replace(SF, **change))  # type: ignore[arg-type]

    assert refused.value.code == "invalid_address"
    assert [problem["field"] for problem in refused.value.details] == [field]  # type: ignore[attr-defined]


def test_an_address_is_trimmed_and_normalised() -> None:
    messy = dataclasses.replace(SF, name="  Ada ", postal_code=" 94080 ", country="us", line2=" ")

    clean = check_address(messy)

    assert (clean.name, clean.postal_code, clean.country, clean.line2) == (
        "Ada",
        "94080",
        "US",
        None,
    )


def test_every_country_has_an_example_postal_code_that_passes_its_own_check() -> None:
    for country in COUNTRIES.values():
        assert country.postal_code.fullmatch(country.postal_example), country.code


@pytest.mark.parametrize("email", ["nobody", "a@b", "a b@example.com", "@example.com"])
def test_a_malformed_email_is_refused_naming_the_field(email: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        check_email(email)
    assert refused.value.code == "invalid_email"
    assert refused.value.details == [{"field": "email", "message": "Not an email address."}]


def test_an_email_is_trimmed_and_an_empty_one_is_none() -> None:
    assert check_email("  ada@example.com ") == "ada@example.com"
    assert check_email("   ") is None


# --- a quote's id, and Stripe Tax's answers reused ----------------------------------------


class CountingTax:
    """A tax calculator that says how often it was asked, each answer a new calculation."""

    def __init__(self, expires_in: float = 90 * 24 * 3600) -> None:
        self.calls = 0
        self.expires_in = expires_in
        self.now = 1_900_000_000.0

    def calculate(
        self,
        lines: Sequence[TaxableLine],
        shipping_amount: int,
        address: ShippingAddress,
        currency: str,
    ) -> TaxQuote:
        self.calls += 1
        return TaxQuote(
            amount=100,
            calculation_id=f"taxcalc_{self.calls}",
            expires_at=int(self.now + self.expires_in),
        )


def test_a_quotes_id_is_its_inputs_and_prices_never_a_tax_calculation_id() -> None:
    details = CheckoutDetails(email="ada@example.com", address=SF)
    first = quote(lines(2000), details, "usd", CountingTax())
    second = quote(lines(2000), details, "usd", CountingTax())  # another calculation, same tax
    other_tax = dataclasses.replace(second, tax=TaxQuote(amount=101, calculation_id="taxcalc_1"))

    assert first.tax is not None and second.tax is not None
    assert first.tax.calculation_id == second.tax.calculation_id == "taxcalc_1"
    assert first.quote_id() == second.quote_id()
    assert other_tax.quote_id() != first.quote_id()
    assert quote(lines(2001), details, "usd", CountingTax()).quote_id() != first.quote_id()


def test_cached_tax_asks_once_per_distinct_input_until_the_answer_nears_expiry() -> None:
    provider = CountingTax(expires_in=3600)
    cached = CachedTax(provider, clock=lambda: provider.now)
    taxable = [TaxableLine("book-0", 2000)]
    renamed = dataclasses.replace(SF, name="Grace Hopper", phone="+1 415 555 0199")

    answers = [
        cached.calculate(taxable, 599, SF, "usd"),
        cached.calculate(taxable, 599, SF, "usd"),
        cached.calculate(taxable, 599, renamed, "usd"),  # the recipient does not change tax
    ]
    assert provider.calls == 1 and len(set(answers)) == 1

    cached.calculate(taxable, 0, SF, "usd")
    cached.calculate(taxable, 599, BERLIN, "usd")
    cached.calculate([TaxableLine("book-0", 2001)], 599, SF, "usd")
    assert provider.calls == 4

    # Close to its calculation's expiry an answer is no longer used: one that Pay links to
    # a PaymentIntent a little later must still be valid then.
    provider.now += 3600 - CACHE_EXPIRY_MARGIN_SECONDS
    cached.calculate(taxable, 599, SF, "usd")
    assert provider.calls == 5


def test_cached_tax_keeps_an_answer_for_a_day_at_most() -> None:
    provider = CountingTax()
    cached = CachedTax(provider, clock=lambda: provider.now)
    taxable = [TaxableLine("book-0", 2000)]
    cached.calculate(taxable, 599, SF, "usd")

    provider.now += CACHE_MAX_AGE_SECONDS - 1
    cached.calculate(taxable, 599, SF, "usd")
    provider.now += 1
    cached.calculate(taxable, 599, SF, "usd")

    assert provider.calls == 2
