"""The endpoint Stripe (or the Stripe CLI) delivers signed events to."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from bookstore.orders.fulfilment import process_webhook
from bookstore.request_bodies import request_body

bp = Blueprint("webhook", __name__)


@bp.post("/webhook")
def receive_event() -> Response:
    """Verify the event against the raw body and apply it to its order exactly once."""
    # Without STRIPE_WEBHOOK_SECRET the gateway refuses with 503 webhook_not_configured: a
    # non-2xx makes Stripe retry until the secret is set, instead of losing the events.
    outcome = process_webhook(request_body(), request.headers.get("Stripe-Signature"))
    return jsonify(received=True, result=outcome)
