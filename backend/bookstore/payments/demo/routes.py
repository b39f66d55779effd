"""Demo mode only: the API the local Stripe.js stand-in calls, as Stripe.js calls Stripe."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from flask import Blueprint, request
from pydantic import BaseModel, Field, StrictBool, StrictInt, StrictStr, model_validator

from bookstore.api_error import ApiError
from bookstore.db import utcnow
from bookstore.payments import current_gateway
from bookstore.payments.demo.cards import (
    NEEDS_AUTHENTICATION,
    Card,
    card_details,
    card_outcome,
    sepa_details,
    sepa_outcome,
)
from bookstore.payments.demo.delivery import deliver_outcome
from bookstore.payments.demo.gateway import DemoGateway
from bookstore.payments.demo.models import BANK_REDIRECT, DemoPaymentIntent
from bookstore.payments.demo.stripe_objects import confirmation_token_object, stripe_object
from bookstore.payments.gateway import PaymentIntentStatus
from bookstore.payments.return_urls import checked_return_url
from bookstore.request_bodies import parse_body

log = logging.getLogger(__name__)

bp = Blueprint("demo", __name__, url_prefix="/demo")

ClientSecret = Annotated[StrictStr, Field(min_length=1, max_length=200)]


class CardBody(BaseModel):
    """Card fields as the stand-in's form sends them; only checked for shape here."""

    number: Annotated[StrictStr, Field(max_length=32)]
    exp_month: StrictInt
    exp_year: StrictInt
    cvc: Annotated[StrictStr, Field(max_length=8)]


class SepaDebitBody(BaseModel):
    """A SEPA Direct Debit as the stand-in's form sends it."""

    iban: Annotated[StrictStr, Field(max_length=40)]


class BankRedirectBody(BaseModel):
    """The demo bank's redirect method: nothing to fill in, the bank's page asks."""


class PaymentMethodBody(BaseModel):
    """Payment details as the stand-in's form collects them: exactly one payment method."""

    card: CardBody | None = None
    bank_redirect: BankRedirectBody | None = None
    sepa_debit: SepaDebitBody | None = None
    return_url: Annotated[StrictStr, Field(max_length=2000)] | None = None

    @model_validator(mode="after")
    def _one_method(self) -> PaymentMethodBody:
        given = [m for m in (self.card, self.bank_redirect, self.sepa_debit) if m is not None]
        if len(given) != 1:
            raise ValueError("Give exactly one of card, bank_redirect and sepa_debit.")
        if self.bank_redirect is not None and self.return_url is None:
            raise ValueError("A redirect payment needs a return_url.")
        return self


class ConfirmBody(PaymentMethodBody):
    """Body of POST /demo/payment_intents/<id>/confirm: exactly one payment method."""

    client_secret: ClientSecret


class ConfirmationTokenBody(PaymentMethodBody):
    """Body of POST /demo/confirmation_tokens (Stripe.js's createConfirmationToken)."""


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


class DemoRedirect(BaseModel):
    """Where a redirect payment method sends the shopper, and where it sends them back."""

    url: str
    return_url: str | None


class DemoAuthenticate(BaseModel):
    """Next: pass the stand-in's 3D Secure challenge."""

    type: Literal["demo_authenticate"]


class DemoRedirectToUrl(BaseModel):
    """Next: go to the demo bank's page (Stripe.js's redirect_to_url)."""

    type: Literal["redirect_to_url"]
    redirect_to_url: DemoRedirect


DemoNextAction = Annotated[DemoAuthenticate | DemoRedirectToUrl, Field(discriminator="type")]


class DemoCardPreview(BaseModel):
    """A card as a payment method preview shows it."""

    brand: str
    last4: str


class DemoDebitPreview(BaseModel):
    """A bank account as a payment method preview shows it."""

    last4: str


class DemoPaymentMethodPreview(BaseModel):
    """What a ConfirmationToken will pay with, never the card number."""

    type: Literal["card", "sepa_debit", "bank_redirect"]
    card: DemoCardPreview | None = None
    sepa_debit: DemoDebitPreview | None = None


class DemoConfirmationTokenResponse(BaseModel):
    """A demo ConfirmationToken in Stripe's shape: send its id with Pay."""

    id: str = Field(description="ctoken_demo_...; used once.")
    object: Literal["confirmation_token"]
    payment_method_preview: DemoPaymentMethodPreview
    return_url: str | None = None
    created: int
    expires_at: int
    livemode: bool


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


@bp.post("/confirmation_tokens")
def create_confirmation_token() -> dict[str, Any]:
    """Keep the form's payment details as a single-use token, as Stripe.js's
    createConfirmationToken does: the outcome and a preview, never the card number."""
    body = parse_body(ConfirmationTokenBody)
    return_url = (
        None if body.return_url is None else checked_return_url(body.return_url, "return_url")
    )
    if body.card is not None:
        card = Card(**body.card.model_dump())
        outcome, method = card_outcome(card, utcnow().date()), card_details(card)
    elif body.sepa_debit is not None:
        iban = body.sepa_debit.iban
        outcome, method = sepa_outcome(iban), sepa_details(iban)
    else:
        outcome, method = NEEDS_AUTHENTICATION, {"type": BANK_REDIRECT}
    token = demo_gateway().create_confirmation_token(outcome, method, return_url)
    return DemoConfirmationTokenResponse.model_validate(
        confirmation_token_object(token)
    ).model_dump(mode="json", exclude_none=True)


@bp.get("/payment_intents/<intent_id>")
def show(intent_id: str) -> dict[str, Any]:
    """The PaymentIntent for its client secret, as Stripe.js's retrievePaymentIntent sees it."""
    # A missing secret matches no PaymentIntent: the same 404 as a wrong one.
    client_secret = request.args.get("client_secret", "")
    return intent_json(demo_gateway().get(intent_id, client_secret))


@bp.post("/payment_intents/<intent_id>/confirm")
def confirm(intent_id: str) -> dict[str, Any]:
    """Attempt payment; the PaymentIntent after the attempt: paid, refused, or a next step."""
    body = parse_body(ConfirmBody)
    gateway = demo_gateway()
    if body.card is not None:
        card = Card(**body.card.model_dump())
        intent = gateway.confirm(intent_id, body.client_secret, card)
    elif body.sepa_debit is not None:
        intent = gateway.confirm_sepa_debit(intent_id, body.client_secret, body.sepa_debit.iban)
    else:
        return_url = checked_return_url(body.return_url, "return_url")
        intent = gateway.confirm_bank_redirect(intent_id, body.client_secret, return_url)
    deliver_outcome(gateway, intent)
    return intent_json(intent)


@bp.post("/payment_intents/<intent_id>/authenticate")
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
    redirect = (body["next_action"] or {}).get("redirect_to_url")
    if redirect is not None:
        # Only its holder may open the bank's page for it, as with Stripe's redirect URLs.
        query = urlencode({"client_secret": intent.client_secret})
        body["next_action"] = {
            **body["next_action"],
            "redirect_to_url": {**redirect, "url": f"{redirect['url']}?{query}"},
        }
    return DemoPaymentIntentResponse.model_validate(body).model_dump(mode="json")
