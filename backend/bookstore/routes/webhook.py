"""The endpoint Stripe (or the Stripe CLI) delivers signed events to."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from bookstore.config import current_settings
from bookstore.errors import ApiError
from bookstore.fulfilment import process_webhook
from bookstore.schemas import request_body

bp = Blueprint("webhook", __name__)


@bp.post("/webhook")
def receive_event() -> Response:
    """Verify the event against the raw body and apply it to its order exactly once."""
    settings = current_settings()
    if settings.mode == "stripe" and not settings.stripe_webhook_secret:
        # Without the signing secret nothing can be verified; a non-2xx makes Stripe retry
        # until the secret is configured, instead of losing the events.
        raise ApiError(
            503, "webhook_not_configured", "STRIPE_WEBHOOK_SECRET is not set on this server."
        )
    outcome = process_webhook(request_body(), request.headers.get("Stripe-Signature"))
    return jsonify(received=True, result=outcome)
