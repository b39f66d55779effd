"""What a client needs to know about this server: payment settings and the API document."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from bookstore.config import current_settings
from bookstore.openapi import current_document
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


@bp.get("/api/openapi.json")
def get_openapi_document() -> Response:
    """The OpenAPI 3.1 document of this server's API (demo paths only in demo mode)."""
    return jsonify(current_document())
