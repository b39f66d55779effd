"""Money helpers: integer cents only."""

from __future__ import annotations

import pytest

from bookstore import money


def test_line_total_multiplies_unit_amount_by_quantity() -> None:
    assert money.line_total(3000, 2) == 6000


def test_line_total_refuses_negative_values() -> None:
    with pytest.raises(ValueError):
        money.line_total(-1, 2)
    with pytest.raises(ValueError):
        money.line_total(100, -2)


def test_total_sums_and_is_zero_for_nothing() -> None:
    assert money.total([6000, 2500, 1]) == 8501
    assert money.total([]) == 0


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (3000, "usd", "30.00 USD"),
        (5, "usd", "0.05 USD"),
        (123456, "eur", "1234.56 EUR"),
        (-250, "usd", "-2.50 USD"),
        (500, "jpy", "500 JPY"),
    ],
)
def test_format_amount_for_people(amount: int, currency: str, text: str) -> None:
    assert money.format_amount(amount, currency) == text
