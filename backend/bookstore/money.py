"""Money as integers in the smallest currency unit (cents for USD), never floats."""

from __future__ import annotations

from collections.abc import Iterable

# Stripe's currencies without a minor unit: an amount of 500 JPY is ¥500, not ¥5.00.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga"}
    | {"pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)


def line_total(unit_amount: int, quantity: int) -> int:
    """Price of `quantity` copies at `unit_amount` each."""
    if unit_amount < 0 or quantity < 0:
        raise ValueError("amounts and quantities cannot be negative")
    return unit_amount * quantity


def total(amounts: Iterable[int]) -> int:
    """Sum of amounts in the same currency."""
    return sum(amounts, 0)


def format_amount(amount: int, currency: str) -> str:
    """An amount for people reading logs and the CLI, e.g. "30.00 USD" (browsers use Intl)."""
    code = currency.upper()
    if currency.lower() in ZERO_DECIMAL_CURRENCIES:
        return f"{amount} {code}"
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    return f"{sign}{whole}.{cents:02d} {code}"
