"""Demo mode only: the demo bank's page, where a redirect payment method is approved or failed.

Stripe sends a shopper paying by a redirect method (iDEAL, Bancontact...) to their bank, which
sends them back to the shop's return_url. This page plays the bank, on the shop's own origin.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from flask import Blueprint, redirect, render_template, request
from pydantic import BaseModel, Field, ValidationError
from werkzeug.wrappers.response import Response

from bookstore.domain_errors import InvalidRequest
from bookstore.money import format_amount
from bookstore.payments.demo.delivery import deliver_outcome
from bookstore.payments.demo.models import REQUIRES_ACTION, SUCCEEDED
from bookstore.payments.demo.routes import demo_gateway

# Its page is templates/demo_bank.html, beside this module.
bp = Blueprint("demo_bank", __name__, url_prefix="/demo/bank", template_folder="templates")


@bp.get("/<intent_id>")
def page(intent_id: str) -> str:
    """The approval page for a PaymentIntent waiting at the demo bank (its secret required)."""
    client_secret = request.args.get("client_secret", "")
    intent = demo_gateway().get(intent_id, client_secret)
    return render_template(
        "demo_bank.html",
        amount=format_amount(intent.amount, intent.currency),
        intent_id=intent.id,
        client_secret=client_secret,
        action=f"/demo/bank/{intent.id}",
        pending=intent.status == REQUIRES_ACTION,
    )


class BankDecision(BaseModel):
    """The bank page's form: the shopper's choice, with the client secret that opened it."""

    client_secret: Annotated[str, Field(min_length=1, max_length=200)]
    decision: Literal["approve", "fail"]


@bp.post("/<intent_id>")
def decide(intent_id: str) -> Response:
    """Approve or fail, then send the shopper back to the shop as Stripe does."""
    try:
        form = BankDecision.model_validate(request.form.to_dict())
    except ValidationError as error:
        fields = [".".join(str(part) for part in issue["loc"]) for issue in error.errors()]
        raise InvalidRequest(
            "Approve or fail the payment.",
            code="validation_error",
            details=[{"field": field, "message": "Missing or not valid."} for field in fields],
        ) from None
    gateway = demo_gateway()
    approve = form.decision == "approve"
    intent = gateway.authenticate(intent_id, form.client_secret, approve=approve)
    deliver_outcome(gateway, intent)
    query = urlencode(
        {
            "payment_intent": intent.id,
            "payment_intent_client_secret": intent.client_secret,
            "redirect_status": "succeeded" if intent.status == SUCCEEDED else "failed",
        }
    )
    return_url = intent.return_url or "/"
    separator = "&" if "?" in return_url else "?"
    return redirect(f"{return_url}{separator}{query}", code=303)
