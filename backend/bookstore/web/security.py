"""Security headers on every response, and client secrets kept out of verbatim logs."""

from __future__ import annotations

import logging

from flask import Flask, Response, request

from bookstore.redaction import redact_handlers, redact_logger

# What the SPA and Stripe.js need, and nothing broader (Stripe's CSP guidance in its
# integration security guide): Stripe.js loads from js.stripe.com and starts its frames on
# *.js.stripe.com subdomains, 3D Secure and redirects frame hooks.stripe.com, and it calls
# api.stripe.com. Styles allow inline `style` attributes, which React renders.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' https://js.stripe.com https://*.js.stripe.com",
        "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com",
        "connect-src 'self' https://api.stripe.com",
        "img-src 'self' data: https://*.stripe.com",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Stripe needs our origin (not full URLs) on its requests; other sites learn no more.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors 'none' for browsers without CSP 2
}

# HSTS: a browser that reached the shop over HTTPS uses nothing else for a year, so a later
# visit typed as http:// cannot be intercepted before the redirect. A year is the least the
# browsers' preload list accepts as a lasting pin (and RFC 6797's example); shorter lets it
# lapse between two visits. includeSubDomains: nothing under the shop's host may be served
# over plain HTTP, where it could plant cookies for the shop. No `preload`: that pins the whole
# registrable domain into browsers for months, a decision for its owner, not for the app.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

# API answers carry client secrets and order details: no browser or proxy may keep them.
API_CACHE_CONTROL = "no-store"

# Loggers that write what they are given verbatim: request lines, whose query strings hold
# client secrets (GET /api/orders/pi_...?client_secret=...) in Flask's dev server and
# gunicorn's access logs, and SQL parameters and rows (orders keep their client secret) when
# SQLAlchemy's logging is turned up. stripe-python's own log is redacted by its gateway.
# The app's own logger ("bookstore") writes the traceback of an unhandled error.
REDACTED_LOGGERS = ("bookstore", "werkzeug", "gunicorn.access", "sqlalchemy.engine.Engine")


# Built once: every response gets these, so the hook only checks which a view set itself.
_SECURITY_HEADER_ITEMS = tuple(SECURITY_HEADERS.items())
_SECURITY_HEADER_NAMES = frozenset(name.lower() for name in SECURITY_HEADERS)
_JSON_MIMETYPE = "application/json"


def init_security(app: Flask) -> None:
    """Add the headers to every response and redact secrets from verbatim logs."""
    app.after_request(add_security_headers)
    for name in REDACTED_LOGGERS:
        redact_logger(name)
    redact_handlers(app.logger, logging.getLogger())


def add_security_headers(response: Response) -> Response:
    """Set the headers a response has not chosen itself; JSON is never cached by default."""
    headers = response.headers
    # One pass over the response's few headers instead of a scan per header we add: this hook
    # runs on every response, and per-header lookups made it cost as much as a whole /config.
    chosen = {name.lower() for name, _ in headers}
    if chosen.isdisjoint(_SECURITY_HEADER_NAMES):
        headers.extend(_SECURITY_HEADER_ITEMS)
    else:
        headers.extend(item for item in _SECURITY_HEADER_ITEMS if item[0].lower() not in chosen)
    # Static files and index.html set their own Cache-Control (long-lived, or no-cache);
    # so may a JSON view that wants revalidation (the catalogue's ETags).
    if "cache-control" not in chosen and _is_json(headers.get("Content-Type")):
        headers["Cache-Control"] = API_CACHE_CONTROL
    # Only over HTTPS (browsers ignore it over HTTP, and a plain-HTTP deployment must not be
    # pinned): served so directly, or said so by a trusted proxy (ProxyFix sets the scheme only
    # when TRUSTED_PROXY_COUNT > 0, so a client's own X-Forwarded-Proto never counts).
    if request.is_secure and "strict-transport-security" not in chosen:
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return response


def _is_json(content_type: str | None) -> bool:
    """Whether a Content-Type is JSON (`response.mimetype` parses the whole header to say so)."""
    if content_type is None:
        return False
    return content_type.partition(";")[0].strip().lower() == _JSON_MIMETYPE
