"""Pricing the shopper's cart as they type: read-only, nothing written, held or charged."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from bookstore.checkout.pay import quote_cart
from bookstore.config import current_settings
from bookstore.request_bodies import parse_body
from bookstore.web.request_schemas import QuoteRequest, checkout_details
from bookstore.web.response_schemas import quote_json

bp = Blueprint("quote", __name__)


@bp.post("/api/quote")
def quote() -> Response:
    """The server's price for the cart and the details so far, its copies checked."""
    settings = current_settings()
    body = parse_body(QuoteRequest, {"max_quantity": settings.max_quantity})
    quantities = {item.id: item.quantity for item in body.items}
    priced = quote_cart(quantities, body.cart_id, settings.currency, checkout_details(body))
    return jsonify(quote_json(priced))
