"""Request and response bodies of /api/admin/orders/{number}/refunds, declared once (the OpenAPI
document reads them), and the JSON built through them: partial refunds and what is left.

A module of its own beside schemas.py (the sign-in's), which it borrows from.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic.alias_generators import to_camel

from bookstore.orders.models import Order
from bookstore.orders.partial_refunds import OrderRefund, Refundable, RefundStatus
from bookstore.web.admin.schemas import Timestamp, iso_utc
from bookstore.web.request_schemas import WholeNumber
from bookstore.web.response_schemas import Amount, Currency, ResponseModel

MAX_REASON = 500
MAX_REFUND_LINES = 50


class RefundLineRequest(BaseModel):
    """Copies of one book to refund."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True)

    book_id: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    quantity: Annotated[StrictInt, Field(ge=1), WholeNumber]


class RefundRequest(BaseModel):
    """Body of POST /api/admin/orders/{number}/refunds: part of the order, or an amount."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True)

    lines: Annotated[list[RefundLineRequest], Field(max_length=MAX_REFUND_LINES)] = Field(
        default_factory=list,
        description="Copies to refund; their price and share of the tax make the amount.",
    )
    shipping: StrictBool = Field(default=False, description="Refund the shipping too (once).")
    amount: Annotated[StrictInt, Field(ge=1), WholeNumber] | None = Field(
        default=None,
        description="Refund this much (smallest currency unit) instead of what the lines and "
        "shipping come to; the lines then say what it is for.",
    )
    reason: Annotated[StrictStr, Field(max_length=MAX_REASON)] | None = Field(
        default=None, description="Why, for the order's history (the customer is not shown it)."
    )
    restock: StrictBool = Field(description="Put the lines' copies back on the shelf now.")
    notify: StrictBool = Field(
        description="Email the customer the amount once the refund has gone through."
    )


class RefundLineResponse(ResponseModel):
    """Copies of one book: refunded, or left to refund."""

    book_id: str
    title: str
    quantity: int = Field(ge=0)


class RefundResponse(ResponseModel):
    """One partial refund."""

    id: int
    amount: Amount
    currency: Currency
    status: RefundStatus = Field(
        description="`requested` (the worker sends it), `sent` (the gateway took it), "
        "`succeeded` (its charge.refunded came), `failed` (see `error`; it no longer counts)."
    )
    lines: list[RefundLineResponse]
    shipping: bool
    restock: bool = Field(description="Its copies were put back on the shelf.")
    notify: bool
    reason: str | None
    error: str | None = Field(description="Why it failed, for the owner.")
    created_at: Timestamp


class RefundCreatedResponse(ResponseModel):
    """POST /api/admin/orders/{number}/refunds: the refund, asked for (201)."""

    refund: RefundResponse


class RefundableResponse(ResponseModel):
    """What is left to refund of the order."""

    amount: Amount = Field(description="What was paid less every refund not failed.")
    lines: list[RefundLineResponse] = Field(description="Copies of each line left to refund.")
    shipping: Amount = Field(description="The shipping, if not refunded yet; else 0.")


class RefundsResponse(ResponseModel):
    """GET /api/admin/orders/{number}/refunds: the partial refunds, oldest first, and what is
    left (all zero unless the order is paid or partially refunded)."""

    refunds: list[RefundResponse]
    refundable: RefundableResponse


def created_json(order: Order, refund: OrderRefund) -> dict[str, Any]:
    """The answer of POST .../refunds."""
    return RefundCreatedResponse(refund=_refund(order, refund)).model_dump(mode="json")


def refunds_json(order: Order, refunds: list[OrderRefund], left: Refundable) -> dict[str, Any]:
    """The answer of GET .../refunds."""
    return RefundsResponse(
        refunds=[_refund(order, refund) for refund in refunds],
        refundable=RefundableResponse(
            amount=left.amount,
            lines=[
                RefundLineResponse(book_id=line.book_id, title=line.title, quantity=line.quantity)
                for line in left.lines
            ],
            shipping=left.shipping,
        ),
    ).model_dump(mode="json")


def _refund(order: Order, refund: OrderRefund) -> RefundResponse:
    """One refund, as both routes show it."""
    titles = {line.book_id: line.title for line in order.lines}
    return RefundResponse(
        id=refund.id,
        amount=refund.amount,
        currency=refund.currency,
        status=RefundStatus(refund.status),
        lines=[
            RefundLineResponse(
                book_id=line["book_id"],
                title=titles.get(line["book_id"], line["book_id"]),
                quantity=line["quantity"],
            )
            for line in refund.lines
        ],
        shipping=refund.shipping,
        restock=refund.restock,
        notify=refund.notify,
        reason=refund.reason,
        error=refund.error,
        created_at=iso_utc(refund.created_at),
    )
