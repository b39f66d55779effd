"""What delivery costs and how long it takes, by destination: the one table to edit."""

from __future__ import annotations

from dataclasses import dataclass

from bookstore.delivery import DELIVERY_METHODS, LABELS, DeliveryMethod
from bookstore.domain_errors import InvalidRequest

# Standard delivery in the United States is free from this subtotal (smallest unit: $50.00).
FREE_DOMESTIC_STANDARD_FROM = 5000
DOMESTIC = "US"


@dataclass(frozen=True)
class Rate:
    """The price and delivery window of one method to one zone."""

    amount: int
    min_days: int
    max_days: int


# Zone -> method -> rate. Prices in cents (USD), windows in business days.
RATES: dict[str, dict[DeliveryMethod, Rate]] = {
    "domestic": {"standard": Rate(599, 3, 5), "express": Rate(1499, 1, 2)},
    "north_america": {"standard": Rate(1299, 5, 9), "express": Rate(2999, 2, 4)},
    "europe": {"standard": Rate(1499, 6, 10), "express": Rate(3499, 2, 5)},
    "rest_of_world": {"standard": Rate(1999, 8, 15), "express": Rate(4499, 3, 6)},
}

ZONES: dict[str, str] = {
    "US": "domestic",
    "CA": "north_america",
    "GB": "europe",
    "IE": "europe",
    "DE": "europe",
    "FR": "europe",
    "NL": "europe",
}


@dataclass(frozen=True)
class DeliveryOption:
    """A way to ship this order, priced for its destination and subtotal."""

    method: DeliveryMethod
    label: str
    amount: int
    min_days: int
    max_days: int


def delivery_options(country: str, subtotal: int) -> tuple[DeliveryOption, ...]:
    """Every method to `country` for an order of `subtotal`, cheapest first."""
    rates = RATES[ZONES.get(country, "rest_of_world")]
    options = []
    for method in DELIVERY_METHODS:
        rate = rates[method]
        amount = rate.amount
        if country == DOMESTIC and method == "standard" and subtotal >= FREE_DOMESTIC_STANDARD_FROM:
            amount = 0
        options.append(DeliveryOption(method, LABELS[method], amount, rate.min_days, rate.max_days))
    return tuple(options)


def delivery_option(country: str, subtotal: int, method: str) -> DeliveryOption:
    """The option for `method`, or InvalidRequest naming the field."""
    for option in delivery_options(country, subtotal):
        if option.method == method:
            return option
    raise InvalidRequest(
        "Choose a delivery method.",
        code="invalid_delivery_method",
        details=[{"field": "deliveryMethod", "message": f"Unknown delivery method {method!r}."}],
    )
