"""Starting a payment for the shopper's cart."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from bookstore.checkout import prepare_payment
from bookstore.config import current_settings
from bookstore.schemas import (
    CreatePaymentIntentRequest,
    checkout_details,
    parse_body,
    prepared_payment_json,
)

bp = Blueprint("checkout", __name__)


@bp.post("/create-payment-intent")
def create_payment_intent() -> Response:
    """Price the cart on the server and return the PaymentIntent that will charge it."""
    settings = current_settings()
    body = parse_body(CreatePaymentIntentRequest, {"max_quantity": settings.max_quantity})
    quantities = {item.id: item.quantity for item in body.items}
    details = checkout_details(body)
    prepared = prepare_payment(quantities, body.cart_id, settings.currency, details)
    return jsonify(prepared_payment_json(prepared))
