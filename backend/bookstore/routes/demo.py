"""Demo mode only: the API the local Stripe.js stand-in calls, as Stripe.js calls Stripe."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from flask import Blueprint, request
from pydantic import BaseModel, Field, StrictBool, StrictInt, StrictStr

from bookstore.domain_errors import DomainError
from bookstore.errors import ApiError
from bookstore.fulfilment import process_webhook
from bookstore.payments import current_gateway
from bookstore.payments.demo_cards import Card
from bookstore.payments.demo_gateway import (
    REQUIRES_PAYMENT_METHOD,
    SUCCEEDED,
    DemoGateway,
    DemoPaymentIntent,
    stripe_object,
)
from bookstore.schemas import PaymentIntentStatus, parse_body

log = logging.getLogger(__name__)

bp = Blueprint("demo", __name__, url_prefix="/demo/payment_intents")

ClientSecret = Annotated[StrictStr, Field(min_length=1, max_length=200)]


class CardBody(BaseModel):
    """Card fields as the stand-in's form sends them; only checked for shape here."""

    number: Annotated[StrictStr, Field(max_length=32)]
    exp_month: StrictInt
    exp_year: StrictInt
    cvc: Annotated[StrictStr, Field(max_length=8)]


class ConfirmBody(BaseModel):
    """Body of POST /demo/payment_intents/<id>/confirm."""

    client_secret: ClientSecret
    card: CardBody


class AuthenticateBody(BaseModel):
    """Body of POST /demo/payment_intents/<id>/authenticate."""

    client_secret: ClientSecret
    approve: StrictBool


class DemoPaymentError(BaseModel):
    """Why the last attempt failed, in Stripe's words."""

    type: Literal["card_error"]
    code: str
    decline_code: str | None
    message: str | None


class DemoNextAction(BaseModel):
    """What the shopper must do next: pass the stand-in's 3D Secure challenge."""

    type: Literal["demo_authenticate"]


class DemoPaymentIntentResponse(BaseModel):
    """A demo PaymentIntent in Stripe's shape, with the client secret its caller proved."""

    id: str
    object: Literal["payment_intent"]
    amount: int = Field(ge=0)
    amount_received: int = Field(ge=0)
    currency: str
    status: PaymentIntentStatus
    metadata: dict[str, str]
    last_payment_error: DemoPaymentError | None
    next_action: DemoNextAction | None
    created: int
    livemode: bool
    client_secret: str


@bp.get("/<intent_id>")
def show(intent_id: str) -> dict[str, Any]:
    """The PaymentIntent for its client secret, as Stripe.js's retrievePaymentIntent sees it."""
    # A missing secret matches no PaymentIntent: the same 404 as a wrong one.
    client_secret = request.args.get("client_secret", "")
    return intent_json(demo_gateway().get(intent_id, client_secret))


@bp.post("/<intent_id>/confirm")
def confirm(intent_id: str) -> dict[str, Any]:
    """Attempt payment with a card; the PaymentIntent after the attempt, paid or not."""
    body = parse_body(ConfirmBody)
    card = Card(**body.card.model_dump())
    gateway = demo_gateway()
    intent = gateway.confirm(intent_id, body.client_secret, card)
    deliver_outcome(gateway, intent)
    return intent_json(intent)


@bp.post("/<intent_id>/authenticate")
def authenticate(intent_id: str) -> dict[str, Any]:
    """Approve or fail the 3D Secure challenge of a requires_action PaymentIntent."""
    body = parse_body(AuthenticateBody)
    gateway = demo_gateway()
    intent = gateway.authenticate(intent_id, body.client_secret, body.approve)
    deliver_outcome(gateway, intent)
    return intent_json(intent)


def demo_gateway() -> DemoGateway:
    """The app's gateway, which must be the demo one for these routes to make sense."""
    gateway = current_gateway()
    if not isinstance(gateway, DemoGateway):
        # create_app mounts this blueprint only in demo mode; answer as if it were not there.
        raise ApiError(404, "not_found", "Not found.")
    return gateway


def intent_json(intent: DemoPaymentIntent) -> dict[str, Any]:
    """The PaymentIntent as docs/api.md shows it to the stand-in, client secret included."""
    body = {**stripe_object(intent), "client_secret": intent.client_secret}
    return DemoPaymentIntentResponse.model_validate(body).model_dump(mode="json")


def deliver_outcome(gateway: DemoGateway, intent: DemoPaymentIntent) -> None:
    """Send the event Stripe would send after this attempt through the real webhook handler."""
    if intent.status == SUCCEEDED:
        event_types = ["payment_intent.succeeded", "charge.succeeded"]
    elif intent.status == REQUIRES_PAYMENT_METHOD and intent.last_error_code is not None:
        event_types = ["payment_intent.payment_failed"]
    else:
        return  # requires_action: the outcome comes with authentication
    for event_type in event_types:
        _deliver(gateway, event_type, intent)


def _deliver(gateway: DemoGateway, event_type: str, intent: DemoPaymentIntent) -> None:
    """Sign one event and apply it through the webhook handler, as Stripe's delivery would."""
    payload, header = gateway.signed_event(event_type, intent)
    try:
        result = process_webhook(payload, header)
    except DomainError as error:
        # The payment itself stands, as on Stripe when a webhook delivery fails; the order
        # page still shows the PaymentIntent's status. Log it for whoever runs the demo.
        log.error(
            "Demo %s for %s was not applied: %s %s",
            event_type,
            intent.id,
            error.code,
            error.message,
        )
        return
    log.info("Demo %s for %s: %s", event_type, intent.id, result)
