"""What the server knows about a payment, for the page the shopper returns to."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, jsonify, request

from bookstore.errors import ApiError
from bookstore.orders import find_order_by_payment_intent
from bookstore.payments import current_gateway
from bookstore.payments.gateway import PaymentError
from bookstore.schemas import order_json

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
    try:
        payment_status: str | None = (
            current_gateway().retrieve_payment_intent(payment_intent_id).status
        )
    except PaymentError as error:
        # The order's own status (kept current by webhooks) is still worth showing.
        current_app.logger.warning("could not retrieve %s: %s", payment_intent_id, error.code)
        payment_status = None
    return jsonify(order_json(order, payment_status))
