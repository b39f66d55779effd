"""What a client needs to know about this server: payment settings and the API document."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from bookstore.addresses import COUNTRIES
from bookstore.config import current_settings
from bookstore.payments import current_gateway
from bookstore.web.openapi import current_document

bp = Blueprint("meta", __name__)

CONFIG_BODY_KEY = "config_body"


@bp.get("/config")
def get_config() -> Response:
    """Publishable key (never a secret), payment mode and currency."""
    # Fixed for the app's lifetime (settings and gateway are chosen at start), so serialized once.
    body: bytes | None = current_app.extensions.get(CONFIG_BODY_KEY)
    if body is None:
        body = current_app.extensions[CONFIG_BODY_KEY] = _config_body()
    return current_app.response_class(body, mimetype="application/json")


def _config_body() -> bytes:
    """The /config document, serialized compact as jsonify does outside debug mode."""
    gateway = current_gateway()
    config = {
        "publishableKey": gateway.publishable_key if gateway.mode == "stripe" else None,
        "mode": gateway.mode,
        "currency": current_settings().currency,
        # Where the shop ships, in the order the address form offers them.
        "shippingCountries": [
            {"code": country.code, "name": country.name} for country in COUNTRIES.values()
        ],
    }
    return current_app.json.dumps(config, separators=(",", ":")).encode() + b"\n"


@bp.get("/api/openapi.json")
def get_openapi_document() -> Response:
    """The OpenAPI 3.1 document of this server's API (demo paths only in demo mode)."""
    return jsonify(current_document())
