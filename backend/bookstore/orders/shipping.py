"""Shipping a paid order: its carrier and tracking number, and the shopper's email with the link.

`mark_shipped` works in the caller's transaction, with the order's row locked (as the webhook
locks it): it stores the shipment, queues the "Your books are on their way" email in the outbox
(once per order) and notes it in the order's history. The dashboard's route and
`flask --app bookstore orders ship` both call it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args
from urllib.parse import quote

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.db import Model, UtcDateTime, db, utcnow
from bookstore.domain_errors import Conflict, InvalidRequest
from bookstore.notifications.emails import queue_shipped_notice
from bookstore.orders.models import Order, OrderStatus, record

SHIPPED_KIND = "shipped"
TRACKING_MIN = 4
TRACKING_MAX = 40
# Letters, digits, spaces and dashes; a letter or digit at both ends.
TRACKING_PATTERN = (
    rf"^[A-Za-z0-9][A-Za-z0-9 -]{{{TRACKING_MIN - 2},{TRACKING_MAX - 2}}}[A-Za-z0-9]$"
)


CarrierName = Literal["UPS", "USPS", "FedEx", "DHL", "Royal Mail", "Other"]
CARRIER_NAMES: tuple[CarrierName, ...] = get_args(CarrierName)
OTHER: CarrierName = "Other"


@dataclass(frozen=True)
class Carrier:
    """A carrier the shop ships with, and where its parcels are tracked."""

    name: CarrierName
    # The tracking page, with {number} for the tracking number; None when there is no link.
    url_template: str | None

    def tracking_url(self, tracking_number: str) -> str | None:
        """The page that tracks this parcel, or None for a carrier without one."""
        if self.url_template is None:
            return None
        compact = tracking_number.replace(" ", "")
        return self.url_template.format(number=quote(compact, safe=""))


CARRIERS: tuple[Carrier, ...] = (
    Carrier("UPS", "https://www.ups.com/track?tracknum={number}"),
    Carrier("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
    Carrier("FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
    Carrier("DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"),
    Carrier("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{number}"),
    Carrier(OTHER, None),
)


class Shipment(Model):
    """A paid order's parcel: who carries it, its tracking number, and when it left."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: an order ships once (its email is sent once too).
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    carrier: Mapped[str] = mapped_column(String(20))
    tracking_number: Mapped[str] = mapped_column(String(TRACKING_MAX))
    shipped_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def tracking_url(self) -> str | None:
        """The carrier's tracking page for the parcel, if the carrier has one."""
        carrier = next((known for known in CARRIERS if known.name == self.carrier), None)
        return None if carrier is None else carrier.tracking_url(self.tracking_number)


class InvalidCarrier(InvalidRequest):
    """Not a carrier the shop knows (400)."""

    code = "invalid_carrier"


class InvalidTrackingNumber(InvalidRequest):
    """Not a tracking number: letters, digits, spaces and dashes, 4 to 40 of them (400)."""

    code = "invalid_tracking_number"


class NotPaid(Conflict):
    """Only a paid order ships (409)."""

    code = "not_paid"


class AlreadyShipped(Conflict):
    """The order has shipped already (409)."""

    code = "already_shipped"


def carrier_named(name: str) -> Carrier:
    """The carrier called `name` (any case: "ups", "royal mail"), or InvalidCarrier."""
    wanted = " ".join(name.split()).casefold()
    for carrier in CARRIERS:
        if carrier.name.casefold() == wanted:
            return carrier
    raise InvalidCarrier(f"The carrier must be one of {', '.join(CARRIER_NAMES)}.")


def normalized_tracking_number(text: str) -> str:
    """A tracking number as stored: upper case, single spaces, none around; or an error."""
    compact = " ".join(text.split()).upper()
    if not re.fullmatch(TRACKING_PATTERN, compact):
        raise InvalidTrackingNumber(
            f"A tracking number is {TRACKING_MIN} to {TRACKING_MAX} letters, digits, spaces "
            "and dashes, starting and ending with a letter or digit."
        )
    return compact


def shipment_of(order_id: int) -> Shipment | None:
    """The order's shipment, or None while it has not shipped."""
    return db.session.scalars(select(Shipment).where(Shipment.order_id == order_id)).one_or_none()


def shipped_at_by_order(order_ids: list[int]) -> dict[int, datetime]:
    """When each of these orders shipped, for those that did."""
    if not order_ids:
        return {}
    rows = db.session.execute(
        select(Shipment.order_id, Shipment.shipped_at).where(Shipment.order_id.in_(order_ids))
    )
    return {row.order_id: row.shipped_at for row in rows}


def mark_shipped(
    order: Order, carrier: str, tracking_number: str, *, by: str | None = None
) -> Shipment:
    """Ship the paid order (its row locked by the caller), in the caller's transaction: the
    shipment, the shopper's email with the tracking link, and the order's history."""
    chosen = carrier_named(carrier)
    number = normalized_tracking_number(tracking_number)
    if order.status != OrderStatus.PAID:
        raise NotPaid(f"Order {order.number} is {order.status}: only a paid order ships.")
    shipped = shipment_of(order.id)
    if shipped is not None:
        raise AlreadyShipped(
            f"Order {order.number} shipped already ({shipped.carrier} {shipped.tracking_number})."
        )
    shipment = Shipment(
        order_id=order.id, carrier=chosen.name, tracking_number=number, shipped_at=utcnow()
    )
    db.session.add(shipment)
    queue_shipped_notice(
        order,
        carrier=None if chosen.name == OTHER else chosen.name,
        tracking_number=number,
        tracking_url=chosen.tracking_url(number),
    )
    record(order, SHIPPED_KIND, f"{chosen.name} {number}" + (f"; by {by}" if by else ""))
    return shipment
