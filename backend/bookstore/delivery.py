"""Delivery methods and how people read them: shared by the rates, orders and emails."""

from __future__ import annotations

from typing import Literal, cast

DeliveryMethod = Literal["standard", "express"]
DELIVERY_METHODS: tuple[DeliveryMethod, ...] = ("standard", "express")

LABELS: dict[DeliveryMethod, str] = {"standard": "Standard", "express": "Express"}


def describe_delivery(method: str | None, min_days: int | None, max_days: int | None) -> str | None:
    """'Express, 1 to 2 business days' for a stored delivery; None without a method."""
    if method is None:
        return None
    label = LABELS.get(cast(DeliveryMethod, method), method.title())
    if min_days is None or max_days is None:
        return label
    if min_days == max_days:
        return f"{label}, {min_days} business day{'' if min_days == 1 else 's'}"
    return f"{label}, {min_days} to {max_days} business days"
