""" "Find your order": an order shown to whoever gives its number and the email it was placed with.

A blueprint of its own so that it is rate-limited as checkout is (per client, POST), apart
from the success page's polling of GET /api/orders/<id>; a path of its own too, since under
/api/orders/ any name is a PaymentIntent id. POST keeps the email out of URLs and the logs
that record them.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from bookstore.api_error import ApiError
from bookstore.orders.models import find_order_for_shopper
from bookstore.orders.payment_status import intent_view
from bookstore.request_bodies import parse_body
from bookstore.web.request_schemas import OrderLookupRequest
from bookstore.web.response_schemas import order_json

bp = Blueprint("order_lookup", __name__)

NOT_FOUND_MESSAGE = "No order matches that order number and email."


@bp.post("/api/order-lookup")
def lookup_order() -> Response:
    """The order with this number and email; one 404 for an unknown number or a wrong email."""
    body = parse_body(OrderLookupRequest)
    order = find_order_for_shopper(body.number, body.email)
    if order is None:
        raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
    view = intent_view(order)
    return jsonify(order_json(order, view.status, order.payment_method or view.payment_method))
