"""The cap on copies one client may hold at once across its unpaid orders (OAT-021).

A stock hold is something an anonymous client can take; without a cap a script keeps the shop
sold out (denial of inventory). The cap is counted from the database, so it holds across
processes and servers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select

from bookstore.catalogue.stock import StockHold
from bookstore.config import current_settings
from bookstore.db import db
from bookstore.domain_errors import LimitReached
from bookstore.orders.models import Order, OrderStatus

# Orders whose holds are a shopper's, not a payment's: they count against the per-client cap.
UNPAID_STATUSES = (OrderStatus.PENDING, OrderStatus.FAILED)


class HoldLimitReached(LimitReached):
    """The client holds as many copies across its unpaid orders as one client may (429)."""

    code = "hold_limit"


def check_client_cap(
    client: str, wanted: Mapping[str, int], now: datetime, cart_id: str | None
) -> None:
    """Refuse to let one client hold more than HOLD_LIMIT_PER_CLIENT copies at once.

    Counted from the database (this client's unpaid orders' active holds, the cart's own
    left out since Pay replaces them), so it holds across processes and servers.
    """
    limit = current_settings().hold_limit_per_client
    held, first_expiry = client_held_copies(client, now, excluding_cart=cart_id)
    asked = sum(wanted.values())
    if held + asked <= limit:
        return
    retry_after = None
    if held and asked <= limit and first_expiry is not None:
        retry_after = max(1, int((first_expiry - now).total_seconds()) + 1)
    raise HoldLimitReached(
        f"At most {limit} copies can be held for unpaid orders from one connection at a time"
        f" (this one holds {held} and asks for {asked} more). Pay for an order or wait for its"
        " hold to end.",
        details={"limit": limit, "held": held, "requested": asked},
        retry_after=retry_after,
    )


def client_held_copies(
    client: str, now: datetime, *, excluding_cart: str | None = None
) -> tuple[int, datetime | None]:
    """Copies a client holds now across its unpaid orders (not the cart's), and when the
    first of those holds expires."""
    query = (
        select(func.sum(StockHold.quantity), func.min(StockHold.held_until))
        .join(Order, Order.id == StockHold.order_id)
        .where(
            Order.client_key == client,
            Order.status.in_(UNPAID_STATUSES),
            StockHold.held_until > now,
        )
    )
    if excluding_cart is not None:
        query = query.where(Order.cart_id.is_distinct_from(excluding_cart))
    total, first_expiry = db.session.execute(query).one()
    return int(total or 0), first_expiry
