"""Where the shop ships: its countries, and shipping addresses checked field by field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bookstore.domain_errors import InvalidRequest


@dataclass(frozen=True)
class Country:
    """A country the shop ships to, with what its addresses need."""

    code: str  # ISO 3166-1 alpha-2, as Stripe's Address Element sends it
    name: str
    postal_code: re.Pattern[str]
    postal_example: str
    state_required: bool = False


def _country(code: str, name: str, postal: str, example: str, state: bool = False) -> Country:
    """One row of the table below."""
    return Country(code, name, re.compile(postal, re.IGNORECASE), example, state)


# Edit this table to ship to more countries; checkout/shipping.py and checkout/tax.py price
# each one.
COUNTRIES: dict[str, Country] = {
    country.code: country
    for country in (
        _country("US", "United States", r"\d{5}(-\d{4})?", "94107", state=True),
        _country("CA", "Canada", r"[A-Z]\d[A-Z] ?\d[A-Z]\d", "K1A 0B1", state=True),
        _country("GB", "United Kingdom", r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "SW1A 1AA"),
        _country("IE", "Ireland", r"[A-Z]\d[\dW] ?[A-Z\d]{4}", "D02 X285"),
        _country("DE", "Germany", r"\d{5}", "10115"),
        _country("FR", "France", r"\d{5}", "75001"),
        _country("NL", "Netherlands", r"\d{4} ?[A-Z]{2}", "1012 AB"),
        _country("AU", "Australia", r"\d{4}", "2000", state=True),
        _country("JP", "Japan", r"\d{3}-?\d{4}", "100-0001"),
    )
}


@dataclass(frozen=True)
class ShippingAddress:
    """Who receives the books and where, checked."""

    name: str
    line1: str
    line2: str | None
    city: str
    state: str | None
    postal_code: str
    country: str
    phone: str | None = None


def check_address(address: ShippingAddress) -> ShippingAddress:
    """The address with its fields trimmed, or InvalidRequest naming every field that is wrong."""
    trimmed = ShippingAddress(
        name=address.name.strip(),
        line1=address.line1.strip(),
        line2=(address.line2 or "").strip() or None,
        city=address.city.strip(),
        state=(address.state or "").strip() or None,
        postal_code=address.postal_code.strip().upper(),
        country=address.country.strip().upper(),
        phone=(address.phone or "").strip() or None,
    )
    problems: list[dict[str, str]] = []

    def refuse(field: str, message: str) -> None:
        problems.append({"field": f"shipping.{field}", "message": message})

    for field, value in (
        ("name", trimmed.name),
        ("address.line1", trimmed.line1),
        ("address.city", trimmed.city),
    ):
        if not value:
            refuse(field, "Required.")
    country = COUNTRIES.get(trimmed.country)
    if country is None:
        refuse("address.country", "We don't ship to this country yet.")
    else:
        if country.state_required and not trimmed.state:
            refuse("address.state", "Required.")
        if not trimmed.postal_code:
            refuse("address.postalCode", "Required.")
        elif not country.postal_code.fullmatch(trimmed.postal_code):
            refuse(
                "address.postalCode",
                f"Not a postal code of {country.name} (for example {country.postal_example}).",
            )
    if trimmed.phone is not None and not re.fullmatch(r"\+?[\d ()./-]{6,24}", trimmed.phone):
        refuse("phone", "Not a phone number.")
    if problems:
        raise InvalidRequest(
            "Please check the shipping address.", code="invalid_address", details=problems
        )
    return trimmed


def parcel_lines(address: Mapping[str, str | None]) -> list[str]:
    """A stored address as it is written on a parcel, empty parts left out (no phone)."""
    country = address.get("country") or ""
    place = " ".join(
        part
        for part in (address.get("city"), address.get("state"), address.get("postal_code"))
        if part
    )
    lines = [
        address.get("name"),
        address.get("line1"),
        address.get("line2"),
        place,
        COUNTRIES[country].name if country in COUNTRIES else country,
    ]
    return [line for line in lines if line]
