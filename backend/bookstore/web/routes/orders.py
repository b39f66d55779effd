"""What the server knows about a payment, for the page the shopper returns to."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, jsonify, request

from bookstore.api_error import ApiError
from bookstore.orders.models import find_order_by_payment_intent
from bookstore.orders.payment_status import intent_view
from bookstore.web.response_schemas import order_json

bp = Blueprint("orders", __name__, url_prefix="/api/orders")

# Compared against when the order is unknown, so that case takes as long as a wrong secret.
_NO_SECRET = b"no-order-has-this-client-secret"


@bp.get("/<payment_intent_id>")
def get_order(payment_intent_id: str) -> Response:
    """The order paid by this PaymentIntent; only for whoever holds its client secret."""
    given = request.args.get("client_secret", "").encode()
    order = find_order_by_payment_intent(payment_intent_id)
    stored = order.client_secret.encode() if order and order.client_secret else _NO_SECRET
    # Constant-time, and one answer for every failure: nothing tells ids and secrets apart.
    if not hmac.compare_digest(given, stored) or order is None or not given:
        raise ApiError(404, "not_found", "No such order.")
    view = intent_view(order)
    return jsonify(order_json(order, view.status, order.payment_method or view.payment_method))
