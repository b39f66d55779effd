"""Paying for the shopper's cart: the order, its held copies and its PaymentIntent, at Pay."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from bookstore.api_error import ApiError
from bookstore.checkout.pay import QuoteChanged, pay
from bookstore.checkout.payment_intent import Confirmation
from bookstore.config import current_settings
from bookstore.payments.return_urls import checked_return_url
from bookstore.request_bodies import parse_body
from bookstore.web.clients import client_key
from bookstore.web.request_schemas import CreatePaymentIntentRequest, checkout_details
from bookstore.web.response_schemas import payment_json, quote_json

bp = Blueprint("checkout", __name__)


@bp.post("/create-payment-intent")
def create_payment_intent() -> Response:
    """Pay: hold the cart's copies in a complete order and confirm its one PaymentIntent."""
    settings = current_settings()
    body = parse_body(CreatePaymentIntentRequest, {"max_quantity": settings.max_quantity})
    quantities = {item.id: item.quantity for item in body.items}
    details = checkout_details(body)
    confirmation = None
    if body.confirmation_token is not None:
        return_url = checked_return_url(body.return_url, "returnUrl")
        confirmation = Confirmation(body.confirmation_token, return_url)
    try:
        payment = pay(
            quantities,
            body.cart_id,
            settings.currency,
            details,
            # The client's address (behind TRUSTED_PROXY_COUNT proxies, the forwarded one).
            client=client_key(request.remote_addr),
            quote_id=body.quote_id,
            confirmation=confirmation,
        )
    except QuoteChanged as changed:
        raise ApiError(
            409, changed.code, changed.message, {"quote": quote_json(changed.quote)}
        ) from None
    return jsonify(payment_json(payment))
