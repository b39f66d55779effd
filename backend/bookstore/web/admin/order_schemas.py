"""Request and response bodies of /api/admin/orders, declared once (the OpenAPI document reads
them), and the JSON built through them: the orders list and the owner's view of one order.

A module of its own beside schemas.py (the sign-in's), which it borrows from.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, Field, StrictStr, model_validator

from bookstore.db import utcnow
from bookstore.jobs.queue import dead_jobs_for
from bookstore.orders.admin_queries import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, OrderPage
from bookstore.orders.details import review_reason
from bookstore.orders.holds import hold_is_active
from bookstore.orders.models import Order, OrderStatus, RefundCause
from bookstore.orders.notes import MAX_NOTE
from bookstore.orders.shipping import (
    TRACKING_MAX,
    TRACKING_PATTERN,
    CarrierName,
    shipment_of,
    shipped_at_by_order,
)
from bookstore.web.admin.schemas import Timestamp, iso_utc
from bookstore.web.response_schemas import (
    AddressResponse,
    Amount,
    Currency,
    DeliveryOptionResponse,
    LineResponse,
    ResponseModel,
    ShipmentResponse,
    delivery_response,
    line_json,
    shipment_response,
)

MAX_SEARCH = 200
MAX_REASON = 500
# Far past any real list: keeps the offset a small number.
MAX_PAGE = 100_000


# A day as the document says (`format: date`), YYYY-MM-DD: pydantic's lax date would also read
# a whole number as seconds since 1970.
Day = Annotated[date, BeforeValidator(lambda value: _iso_day(value))]


def _iso_day(value: object) -> object:
    if isinstance(value, str) and not ISO_DAY.fullmatch(value):
        raise ValueError("a day such as 2026-12-07")
    return value


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class OrdersQuery(BaseModel):
    """Query of GET /api/admin/orders."""

    q: str | None = Field(default=None, max_length=MAX_SEARCH)
    status: OrderStatus | None = None
    created_from: Day | None = Field(default=None, alias="from")
    created_to: Day | None = Field(default=None, alias="to")
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, alias="pageSize")

    @model_validator(mode="after")
    def _from_before_to(self) -> Self:
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValueError("`from` is after `to`")
        return self


class ShipmentRequest(BaseModel):
    """Body of POST /api/admin/orders/{number}/shipment."""

    carrier: CarrierName = Field(description="`Other`: a carrier with no tracking link.")
    tracking_number: Annotated[
        StrictStr,
        Field(
            max_length=TRACKING_MAX,
            pattern=TRACKING_PATTERN,
            description="4 to 40 letters, digits, spaces and dashes, a letter or digit at "
            "each end; stored in upper case.",
        ),
    ] = Field(alias="trackingNumber")


class NoteRequest(BaseModel):
    """Body of POST /api/admin/orders/{number}/notes."""

    text: Annotated[
        StrictStr,
        Field(
            min_length=1,
            max_length=MAX_NOTE,
            pattern=r"\S",
            description="Shown only to the owners, in the order's timeline.",
        ),
    ]


class ResolveRequest(BaseModel):
    """Body of POST /api/admin/orders/{number}/resolve."""

    outcome: Literal["paid", "refund"] = Field(
        description="`paid`: accept the payment as it is (the copies off the shelf, the "
        "confirmation email). `refund`: refund it in full, the copies back on the shelf."
    )
    reason: Annotated[StrictStr, Field(max_length=MAX_REASON)] | None = Field(
        default=None, description="Why, for the order's history."
    )


class OrderRowResponse(ResponseModel):
    """One order in the list."""

    number: str
    created_at: Timestamp
    email: str | None
    total: Amount
    currency: Currency
    status: OrderStatus
    payment_method: str | None = Field(description='e.g. "Visa •••• 4242".')
    shipped_at: Timestamp | None = Field(description="Null until it has shipped.")


class OrderListResponse(ResponseModel):
    """GET /api/admin/orders: a page of the orders found, newest first."""

    orders: list[OrderRowResponse]
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=MAX_PAGE_SIZE)
    total: int = Field(ge=0, description="Orders found in all pages.")


class OrderRefundResponse(ResponseModel):
    """The order's full refund, once asked for."""

    cause: RefundCause | None = Field(
        description="`sold_out`: the copies were gone when the payment came; `shop`: the "
        "shop refunded it."
    )
    note: str | None
    requested_at: Timestamp | None
    refund_id: str | None = Field(description="The gateway's refund; null while not sent.")
    problem: str | None = Field(
        description="Why the gateway did not refund it (a refusal, or a refund that failed "
        "later): it waits for the owner."
    )


class DeadJobResponse(ResponseModel):
    """Work for the order the worker gave up on."""

    id: int
    kind: str
    last_error: str | None


class TimelineEntryResponse(ResponseModel):
    """One entry of the order's history."""

    at: Timestamp
    kind: str = Field(
        description="A provider event's type (`payment_intent.succeeded`...), the shop's own "
        "(`refund_requested`...), or an owner's action (`shipped`, `note`, `resolved_paid`)."
    )
    detail: str


class OrderViewResponse(ResponseModel):
    """GET /api/admin/orders/{number}: everything about the order, and its timeline."""

    number: str
    status: OrderStatus
    mode: str | None = Field(
        description="The gateway that took the payment: demo, stripe_test or stripe_live."
    )
    payment_intent_id: str | None
    email: str | None
    created_at: Timestamp
    ship_to: AddressResponse | None
    delivery: DeliveryOptionResponse | None
    lines: list[LineResponse]
    subtotal: Amount
    shipping_amount: Amount
    tax_amount: Amount
    total: Amount
    currency: Currency
    paid_amount: Amount | None = Field(description="What arrived; null until paid.")
    paid_at: Timestamp | None
    payment_method: str | None
    held_until: Timestamp | None = Field(description="Until when its copies are held.")
    hold_active: bool = Field(description="Whether they are held now.")
    stock_taken: bool = Field(description="Whether its copies were taken off the shelf.")
    failure_message: str | None
    refund: OrderRefundResponse | None
    review_reason: str | None = Field(description="Why it is under review; null otherwise.")
    dead_jobs: list[DeadJobResponse]
    shipment: ShipmentResponse | None
    timeline: list[TimelineEntryResponse] = Field(description="Oldest first.")


def order_page_json(page: OrderPage) -> dict[str, object]:
    """A page of the orders list."""
    shipped = shipped_at_by_order([order.id for order in page.orders])
    return OrderListResponse(
        orders=[
            OrderRowResponse(
                number=order.number,
                created_at=iso_utc(order.created_at),
                email=order.email,
                total=order.amount,
                currency=order.currency,
                status=OrderStatus(order.status),
                payment_method=order.payment_method,
                shipped_at=_when(shipped.get(order.id)),
            )
            for order in page.orders
        ],
        page=page.page,
        page_size=page.page_size,
        total=page.total,
    ).model_dump(mode="json")


def order_view_json(order: Order) -> dict[str, object]:
    """The owner's view of one order: what `flask orders show` prints, and its timeline."""
    return OrderViewResponse.model_validate(
        {
            "number": order.number,
            "status": order.status,
            "mode": order.gateway,
            "payment_intent_id": order.payment_intent_id,
            "email": order.email,
            "created_at": iso_utc(order.created_at),
            "ship_to": order.shipping_address,
            "delivery": delivery_response(order),
            "lines": [line_json(line) for line in order.lines],
            "subtotal": order.subtotal,
            "shipping_amount": order.shipping_amount,
            "tax_amount": order.tax_amount,
            "total": order.amount,
            "currency": order.currency,
            "paid_amount": order.paid_amount,
            "paid_at": _when(order.paid_at),
            "payment_method": order.payment_method,
            "held_until": _when(order.held_until),
            "hold_active": hold_is_active(order, utcnow()),
            "stock_taken": order.stock_taken,
            "failure_message": order.failure_message,
            "refund": _refund(order),
            "review_reason": review_reason(order) if order.status == OrderStatus.REVIEW else None,
            "dead_jobs": [
                DeadJobResponse(id=job.id, kind=job.kind, last_error=job.last_error)
                for job in dead_jobs_for(order.id)
            ],
            "shipment": shipment_response(shipment_of(order.id)),
            "timeline": [
                TimelineEntryResponse(at=iso_utc(event.at), kind=event.kind, detail=event.detail)
                for event in order.history
            ],
        }
    ).model_dump(mode="json")


def _refund(order: Order) -> OrderRefundResponse | None:
    """The refund's facts, once one was asked for."""
    if order.refund_cause is None and order.refund_requested_at is None:
        return None
    return OrderRefundResponse.model_validate(
        {
            "cause": order.refund_cause,
            "note": order.refund_note,
            "requested_at": _when(order.refund_requested_at),
            "refund_id": order.refund_id,
            "problem": order.refund_error,
        }
    )


def _when(moment: datetime | None) -> str | None:
    """A timestamp as the API writes it, or None."""
    return None if moment is None else iso_utc(moment)
