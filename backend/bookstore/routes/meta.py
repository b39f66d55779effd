"""What the browser needs to know about this server before it can take a payment."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from bookstore.config import current_settings
from bookstore.payments import current_gateway

bp = Blueprint("meta", __name__)


@bp.get("/config")
def get_config() -> Response:
    """Publishable key (never a secret), payment mode and currency."""
    gateway = current_gateway()
    return jsonify(
        publishableKey=gateway.publishable_key if gateway.mode == "stripe" else None,
        mode=gateway.mode,
        currency=current_settings().currency,
    )
