"""Request bodies declared once as pydantic models, and the checkout details read from them.

Requests are validated with them (bookstore.request_bodies.parse_body), and the OpenAPI
document (bookstore.web.openapi) describes them from the same declarations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from bookstore.addresses import ShippingAddress, check_address
from bookstore.checkout.quotes import DEFAULT_DELIVERY_METHOD, CheckoutDetails, check_email

DEFAULT_MAX_QUANTITY = 10
MAX_CART_LINES = 50


# A random id the browser keeps with its cart; it names one order across retries.
CartId = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")]


def _whole_number(value: object) -> object:
    """2.0 is the integer 2 in JSON (and to JSON Schema's "integer"); 2.5 stays a float."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Strict otherwise: true, 1.5 and "2" are refused rather than quietly turned into 1, 1 and 2.
WholeNumber = BeforeValidator(_whole_number)


class CartItem(BaseModel):
    """One line of the cart as the browser sends it: a book id and how many."""

    id: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    quantity: Annotated[StrictInt, Field(ge=1), WholeNumber]

    @field_validator("quantity")
    @classmethod
    def _at_most_max_quantity(cls, quantity: int, info: ValidationInfo) -> int:
        limit = _max_quantity(info)
        if quantity > limit:
            raise PydanticCustomError(
                "less_than_equal", "Input should be less than or equal to {le}", {"le": limit}
            )
        return quantity


Text = Annotated[StrictStr, Field(max_length=200)]


class AddressInput(BaseModel):
    """A postal address as Stripe's Address Element gives it (checked by bookstore.addresses)."""

    model_config = ConfigDict(populate_by_name=True)

    line1: Text
    line2: Text | None = None
    city: Text
    state: Text | None = None
    postal_code: Annotated[StrictStr, Field(max_length=20)] = Field(alias="postalCode")
    country: Annotated[StrictStr, Field(max_length=2, description="ISO 3166-1 alpha-2, e.g. US.")]


class ShippingInput(BaseModel):
    """Who receives the books, and where."""

    name: Text
    phone: Annotated[StrictStr, Field(max_length=30)] | None = None
    address: AddressInput


class QuoteRequest(BaseModel):
    """Body of POST /api/quote; anything else in it (an amount...) is ignored.

    The cart alone prices its lines; with a shipping address, delivery and tax are quoted too.
    """

    model_config = ConfigDict(populate_by_name=True)

    items: Annotated[list[CartItem], Field(max_length=MAX_CART_LINES)]
    cart_id: CartId | None = Field(default=None, alias="cartId")
    email: Annotated[StrictStr, Field(max_length=254)] | None = None
    shipping: ShippingInput | None = None
    delivery_method: Literal["standard", "express"] | None = Field(
        default=None, alias="deliveryMethod"
    )

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


class CreatePaymentIntentRequest(QuoteRequest):
    """Body of POST /create-payment-intent (Pay): the quote's fields, all details required.

    The email and shipping address must be given (400 `missing_details` otherwise).
    """

    quote_id: Annotated[StrictStr, Field(max_length=64)] | None = Field(
        default=None,
        alias="quoteId",
        description="The quoteId the shopper was shown; 409 `quote_changed` if the price "
        "is no longer that.",
    )
    confirmation_token: (
        Annotated[StrictStr, Field(pattern=r"^ctoken_[A-Za-z0-9_]{1,200}$")] | None
    ) = Field(
        default=None,
        alias="confirmationToken",
        description="The ConfirmationToken (ctoken_...) of the payment details the page "
        "collected: the PaymentIntent is confirmed with it on the server.",
    )
    return_url: Annotated[StrictStr, Field(max_length=2000)] | None = Field(
        default=None,
        alias="returnUrl",
        description="Where a redirect (3-D Secure, a bank) sends the shopper back: a page of "
        "this shop. Required with confirmationToken.",
    )


def checkout_details(body: QuoteRequest) -> CheckoutDetails:
    """The shopper's email, address and delivery method, each checked (400 naming the field)."""
    address = None
    if body.shipping is not None:
        # AddressInput's fields are ShippingAddress's (line1 ... country), by their Python names.
        given = body.shipping.address.model_dump()
        address = check_address(
            ShippingAddress(name=body.shipping.name, phone=body.shipping.phone, **given)
        )
    return CheckoutDetails(
        email=check_email(body.email),
        address=address,
        delivery_method=body.delivery_method or DEFAULT_DELIVERY_METHOD,
    )


def _max_quantity(info: ValidationInfo) -> int:
    """The per-book limit passed in the validation context (Settings.max_quantity)."""
    context = info.context if isinstance(info.context, Mapping) else {}
    limit = context.get("max_quantity", DEFAULT_MAX_QUANTITY)
    return int(limit)


class OrderLookupRequest(BaseModel):
    """Body of POST /api/order-lookup: the order number and the email it was placed with."""

    number: Annotated[StrictStr, Field(min_length=1, max_length=40)] = Field(
        description='As printed, e.g. "SP-7K3M9Q"; case, spaces and the prefix are forgiven.'
    )
    email: Annotated[StrictStr, Field(min_length=1, max_length=254)]


class StripeEventData(BaseModel):
    """The event's subject: a PaymentIntent, or a Charge for refunds."""

    object: dict[str, Any]


class StripeEvent(BaseModel):
    """The parts of a Stripe event POST /webhook reads, once its signature is verified.

    Stripe's signature, not this model, decides whether a delivery is accepted; the model
    documents the body for the OpenAPI document.
    """

    id: str = Field(description="evt_...; each id is applied once.")
    type: str = Field(description="e.g. payment_intent.succeeded; other types are ignored.")
    data: StripeEventData
