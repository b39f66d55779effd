"""Request bodies declared once as pydantic models, and the JSON shapes of responses."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from flask import request
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from bookstore.catalogue import Book
from bookstore.errors import ApiError
from bookstore.orders import Order, OrderLine

if TYPE_CHECKING:
    from bookstore.checkout import PreparedPayment, PricedLine

T = TypeVar("T", bound=BaseModel)

DEFAULT_MAX_QUANTITY = 10
MAX_CART_LINES = 50


# A random id the browser keeps with its cart; it names one order across retries.
CartId = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")]


class CartItem(BaseModel):
    """One line of the cart as the browser sends it: a book id and how many."""

    id: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    # Strict: true, 1.5 and "2" are refused rather than quietly turned into 1, 1 and 2.
    quantity: Annotated[StrictInt, Field(ge=1)]

    @field_validator("quantity")
    @classmethod
    def _at_most_max_quantity(cls, quantity: int, info: ValidationInfo) -> int:
        limit = _max_quantity(info)
        if quantity > limit:
            raise PydanticCustomError(
                "less_than_equal", "Input should be less than or equal to {le}", {"le": limit}
            )
        return quantity


class CreatePaymentIntentRequest(BaseModel):
    """Body of POST /create-payment-intent; anything else in it (an amount...) is ignored."""

    model_config = ConfigDict(populate_by_name=True)

    items: Annotated[list[CartItem], Field(max_length=MAX_CART_LINES)]
    cart_id: CartId | None = Field(default=None, alias="cartId")

    @field_validator("items")
    @classmethod
    def _merge_repeated_ids(cls, items: list[CartItem], info: ValidationInfo) -> list[CartItem]:
        merged: dict[str, int] = {}
        for item in items:
            merged[item.id] = merged.get(item.id, 0) + item.quantity
        limit = _max_quantity(info)
        for book_id, quantity in merged.items():
            if quantity > limit:
                raise PydanticCustomError(
                    "too_many_copies",
                    "At most {limit} copies of {book_id} per order",
                    {"limit": limit, "book_id": book_id},
                )
        # Already validated: rebuild without running the validators again.
        return [CartItem.model_construct(id=i, quantity=q) for i, q in merged.items()]


def _max_quantity(info: ValidationInfo) -> int:
    """The per-book limit passed in the validation context (Settings.max_quantity)."""
    context = info.context if isinstance(info.context, Mapping) else {}
    limit = context.get("max_quantity", DEFAULT_MAX_QUANTITY)
    return int(limit)


def parse_body(model: type[T], context: Mapping[str, Any] | None = None) -> T:
    """Read the request's JSON body and validate it with `model`, or raise an ApiError."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    try:
        data = json.loads(request.get_data(cache=True))
    except ValueError:  # also covers bodies that are not UTF-8
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(
            400,
            "validation_error",
            "The request body is not valid.",
            [{"field": "body", "message": "The body must be a JSON object."}],
        )
    try:
        return model.model_validate(data, context=dict(context or {}))
    except ValidationError as error:
        details = [
            {
                "field": ".".join(str(part) for part in issue["loc"]) or "body",
                "message": issue["msg"],
            }
            for issue in error.errors(include_url=False, include_input=False)
        ]
        raise ApiError(400, "validation_error", "The request body is not valid.", details) from None


def book_json(book: Book) -> dict[str, object]:
    """A Book as docs/api.md shows it."""
    return {
        "id": book.id,
        "title": book.title,
        "author": book.author,
        "description": book.description,
        "format": book.format,
        "year": book.year,
        "price": book.price,
        "currency": book.currency,
        "color": book.color,
        "inkColor": book.ink_color,
    }


def line_json(line: OrderLine | PricedLine) -> dict[str, object]:
    """An order line, stored or freshly priced."""
    return {
        "id": line.book_id,
        "title": line.title,
        "quantity": line.quantity,
        "unitAmount": line.unit_amount,
        "lineTotal": line.line_total,
    }


def prepared_payment_json(prepared: PreparedPayment) -> dict[str, object]:
    """Response of POST /create-payment-intent."""
    return {
        "clientSecret": prepared.client_secret,
        "paymentIntentId": prepared.payment_intent_id,
        "orderId": prepared.order_id,
        "amount": prepared.amount,
        "currency": prepared.currency,
        "items": [line_json(line) for line in prepared.lines],
    }


def order_json(order: Order, payment_status: str | None) -> dict[str, object]:
    """Response of GET /api/orders/<payment_intent_id>."""
    return {
        "orderId": order.id,
        "paymentIntentId": order.payment_intent_id,
        "status": order.status,
        "paymentStatus": payment_status,
        "amount": order.amount,
        "currency": order.currency,
        "paidAt": _iso_utc(order.paid_at),
        "failureMessage": order.failure_message,
        "items": [line_json(line) for line in order.lines],
    }


def _iso_utc(moment: datetime | None) -> str | None:
    """2026-11-27T21:03:00Z: UTC to the second, the form the API documents."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
