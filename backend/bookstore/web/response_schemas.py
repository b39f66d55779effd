"""Response bodies declared once as pydantic models, and the JSON built through them.

Every JSON answer is built through these models, so the OpenAPI document
(bookstore.web.openapi) describes exactly what is sent.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from bookstore.catalogue.books import Book
from bookstore.delivery import LABELS
from bookstore.orders.models import Order, OrderLine, OrderStatus
from bookstore.orders.shipping import CarrierName, Shipment, shipment_of
from bookstore.payments.gateway import PaymentIntentStatus

if TYPE_CHECKING:
    from bookstore.checkout.pay import Payment
    from bookstore.checkout.quotes import PricedLine, Quote


class ResponseModel(BaseModel):
    """A JSON response: fields named in Python, sent in camelCase."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True, frozen=True
    )


Amount = Annotated[int, Field(ge=0, description="Smallest currency unit (cents for USD).")]
Currency = Annotated[str, Field(pattern=r"^[a-z]{3}$", description="Lower-case ISO code.")]


class CountryResponse(ResponseModel):
    """A country the shop ships to."""

    code: str = Field(description="ISO 3166-1 alpha-2, e.g. US.")
    name: str


class ConfigResponse(ResponseModel):
    """GET /config: what the browser needs before it can take a payment (never a secret)."""

    publishable_key: str | None = Field(description="pk_test_... in Stripe mode; null in demo.")
    mode: Literal["stripe", "demo"]
    currency: Currency
    shipping_countries: list[CountryResponse]


class BookResponse(ResponseModel):
    """A book on sale."""

    id: str
    title: str
    author: str
    description: str
    format: str
    year: int
    price: Amount
    currency: Currency
    color: str = Field(description="Cover colour, #rrggbb.")
    ink_color: str = Field(description="Text colour on the cover, #rrggbb.")
    available: int = Field(
        ge=0,
        description="Copies that can be ordered now: stock less the copies held by checkouts "
        "in progress. 0 means sold out. Checkout checks it again.",
    )


class BookListResponse(ResponseModel):
    """GET /api/books: every book on sale, in shelf order."""

    books: list[BookResponse]


class LineResponse(ResponseModel):
    """An order line priced by the server."""

    id: str
    title: str
    quantity: int = Field(ge=1)
    unit_amount: Amount
    line_total: Amount


class AddressResponse(ResponseModel):
    """A shipping address as the server checked and stored it."""

    name: str
    line1: str
    line2: str | None
    city: str
    state: str | None
    postal_code: str
    country: str
    phone: str | None


class DeliveryOptionResponse(ResponseModel):
    """A delivery method priced for the order's destination."""

    method: Literal["standard", "express"]
    label: str
    amount: Amount
    min_days: int = Field(description="Business days, at the earliest.")
    max_days: int = Field(description="Business days, at the latest.")


class QuoteResponse(ResponseModel):
    """POST /api/quote: the server's price for the cart and the details given so far."""

    amount: Amount = Field(description="The total: subtotal + shipping + tax.")
    currency: Currency
    items: list[LineResponse]
    subtotal: Amount
    shipping_amount: Amount | None = Field(description="Null until there is an address.")
    tax_amount: Amount | None = Field(description="Null until there is an address.")
    email: str | None
    shipping: AddressResponse | None
    delivery_method: Literal["standard", "express"] | None
    delivery_options: list[DeliveryOptionResponse]
    ready_to_pay: bool = Field(description="Email, address and delivery are all given.")
    quote_id: str = Field(
        description="A digest of the inputs and every price: the same for the same quote, "
        "different whenever anything in it changes. Send it with Pay."
    )


class PaymentIntentResponse(QuoteResponse):
    """POST /create-payment-intent: the order's PaymentIntent, which charges the quote."""

    client_secret: str
    payment_intent_id: str
    order_number: str = Field(description='What the shopper quotes, e.g. "SP-7K3M9Q".')
    status: PaymentIntentStatus = Field(
        description="The PaymentIntent's status after this call: `requires_payment_method` "
        "without a confirmationToken; else `succeeded`, `processing` or `requires_action` "
        "(3-D Secure, a bank's page: Stripe.js's handleNextAction)."
    )


class ShipmentResponse(ResponseModel):
    """A shipped order's parcel."""

    carrier: CarrierName = Field(
        description="`Other` is a carrier the shop has no tracking link for."
    )
    tracking_number: str
    tracking_url: str | None = Field(description="The carrier's tracking page; null for Other.")
    shipped_at: str = Field(description="UTC, e.g. 2026-12-16T14:05:00Z.")


class OrderResponse(ResponseModel):
    """GET /api/orders/{paymentIntentId}: the order as the server knows it."""

    order_number: str = Field(description='What the shopper quotes, e.g. "SP-7K3M9Q".')
    payment_intent_id: str
    status: OrderStatus = Field(description="The order's own status, set by webhook events.")
    payment_status: PaymentIntentStatus | None = Field(
        description="The PaymentIntent's status at the gateway; null if it could not be asked."
    )
    amount: Amount
    currency: Currency
    paid_at: str | None = Field(description="UTC, e.g. 2026-11-27T21:03:00Z.")
    failure_message: str | None
    items: list[LineResponse]
    subtotal: Amount
    shipping_amount: Amount
    tax_amount: Amount
    email: str | None
    shipping: AddressResponse | None
    delivery: DeliveryOptionResponse | None
    payment_method: str | None = Field(description='How it was paid, e.g. "Visa •••• 4242".')
    refund_cause: Literal["sold_out", "shop"] | None = Field(
        description="Why the order is `refunding` or `refunded`: `sold_out` when the copies "
        "were gone by the time the payment arrived (refunded automatically), `shop` when the "
        "shop refunded it; null otherwise."
    )
    shipment: ShipmentResponse | None = Field(description="Null until the order has shipped.")


class WebhookResponse(ResponseModel):
    """POST /webhook: the event was verified; what applying it did."""

    received: Literal[True]
    result: Literal["processed", "duplicate", "ignored"]


class LivenessResponse(ResponseModel):
    """GET /healthz: the process answers HTTP."""

    status: Literal["ok"]


class ReadinessChecks(ResponseModel):
    """What /readyz checked: "ok", or why not."""

    database: str
    payments: str


class ReadinessResponse(ResponseModel):
    """GET /readyz: the database answers and the payment settings are complete."""

    status: Literal["ready"]
    checks: ReadinessChecks


def book_json(book: Book, available: int) -> dict[str, Any]:
    """A Book as docs/api.md shows it, with the copies that can be ordered now."""
    return BookResponse(
        id=book.id,
        title=book.title,
        author=book.author,
        description=book.description,
        format=book.format,
        year=book.year,
        price=book.price,
        currency=book.currency,
        color=book.color,
        ink_color=book.ink_color,
        available=available,
    ).model_dump(mode="json")


def _line(line: OrderLine | PricedLine) -> LineResponse:
    """An order line, stored or freshly priced."""
    return LineResponse(
        id=line.book_id,
        title=line.title,
        quantity=line.quantity,
        unit_amount=line.unit_amount,
        line_total=line.line_total,
    )


def line_json(line: OrderLine | PricedLine) -> dict[str, Any]:
    """An order line as JSON."""
    return _line(line).model_dump(mode="json")


def _quote_fields(quote: Quote) -> dict[str, Any]:
    """The fields of QuoteResponse, by their Python names."""
    address = quote.details.address
    return {
        "amount": quote.total,
        "currency": quote.currency,
        "items": [_line(line) for line in quote.lines],
        "subtotal": quote.subtotal,
        "shipping_amount": quote.delivery.amount if quote.delivery else None,
        "tax_amount": quote.tax.amount if quote.tax else None,
        "email": quote.details.email,
        "shipping": AddressResponse.model_validate(asdict(address)) if address else None,
        "delivery_method": quote.delivery.method if quote.delivery else None,
        "delivery_options": [
            DeliveryOptionResponse.model_validate(asdict(option))
            for option in quote.delivery_options
        ],
        "ready_to_pay": quote.ready_to_pay,
        "quote_id": quote.quote_id(),
    }


def quote_json(quote: Quote) -> dict[str, Any]:
    """Response of POST /api/quote (and the quote of a 409 quote_changed)."""
    return QuoteResponse(**_quote_fields(quote)).model_dump(mode="json")


def payment_json(payment: Payment) -> dict[str, Any]:
    """Response of POST /create-payment-intent."""
    return PaymentIntentResponse(
        **_quote_fields(payment.quote),
        client_secret=payment.client_secret,
        payment_intent_id=payment.payment_intent_id,
        order_number=payment.order_number,
        status=payment.status,  # type: ignore[arg-type]  # one of Stripe's statuses
    ).model_dump(mode="json")


def order_json(
    order: Order, payment_status: str | None, payment_method: str | None = None
) -> dict[str, Any]:
    """Response of GET /api/orders/<payment_intent_id>."""
    return OrderResponse.model_validate(
        {
            "order_number": order.number,
            "payment_intent_id": order.payment_intent_id,
            "status": order.status,
            "payment_status": payment_status,
            "amount": order.amount,
            "currency": order.currency,
            "paid_at": _iso_utc(order.paid_at),
            "failure_message": order.failure_message,
            "items": [_line(line) for line in order.lines],
            "subtotal": order.subtotal,
            "shipping_amount": order.shipping_amount,
            "tax_amount": order.tax_amount,
            "email": order.email,
            "shipping": order.shipping_address,
            "delivery": delivery_response(order),
            "payment_method": payment_method,
            "refund_cause": order.refund_cause,
            "shipment": shipment_response(shipment_of(order.id)),
        }
    ).model_dump(mode="json")


def shipment_response(shipment: Shipment | None) -> ShipmentResponse | None:
    """The order's parcel, once shipped."""
    if shipment is None:
        return None
    return ShipmentResponse.model_validate(
        {
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "tracking_url": shipment.tracking_url,
            "shipped_at": _iso_utc(shipment.shipped_at),
        }
    )


def delivery_response(order: Order) -> DeliveryOptionResponse | None:
    """The order's delivery method with its price and window, once chosen."""
    if order.delivery_method is None:
        return None
    return DeliveryOptionResponse(
        method=order.delivery_method,  # type: ignore[arg-type]  # checked when stored
        label=LABELS.get(order.delivery_method, order.delivery_method),  # type: ignore[call-overload]
        amount=order.shipping_amount,
        min_days=order.delivery_min_days or 0,
        max_days=order.delivery_max_days or 0,
    )


def _iso_utc(moment: datetime | None) -> str | None:
    """2026-11-27T21:03:00Z: UTC to the second, the form the API documents."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
