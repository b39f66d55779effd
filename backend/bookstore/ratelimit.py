"""How often one client may start a checkout: Flask-Limiter on POST /create-payment-intent.

Every checkout request can create an order and a PaymentIntent at Stripe, so a script hammering
it would fill the database and spend our Stripe rate limit. The counts live in
RATELIMIT_STORAGE_URI: memory:// counts per process; a shared store (redis://...) makes several
servers enforce one limit together.
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits.errors import ConfigurationError

from bookstore.config import ConfigError, Settings
from bookstore.errors import error_response

EXTENSION_KEY = "checkout_limiter"
# If the store cannot say when the window ends, ask the client to wait this long.
DEFAULT_RETRY_AFTER = 60


def init_rate_limits(app: Flask, settings: Settings) -> Limiter:
    """Limit checkouts per client address (the blueprints must be registered already)."""
    from bookstore.routes import checkout

    try:
        limiter = Limiter(
            get_remote_address,
            app=app,
            storage_uri=settings.ratelimit_storage_uri,
            key_prefix="bookstore",
            # A shared store that goes down degrades to per-process counts, not to 500s.
            in_memory_fallback_enabled=True,
        )
    except ConfigurationError as error:
        raise ConfigError(f"RATELIMIT_STORAGE_URI cannot be used: {error}") from None
    # Only POST counts: CORS preflights (OPTIONS) are not checkout attempts.
    limiter.limit(settings.checkout_rate_limit, methods=["POST"])(checkout.bp)
    app.extensions[EXTENSION_KEY] = limiter

    @app.errorhandler(RateLimitExceeded)
    def too_many_checkouts(error: RateLimitExceeded) -> tuple[Response, int]:
        retry_after = _seconds_until_reset(limiter)
        app.logger.info("checkout rate limit (%s) reached by a client", error.limit.limit)
        response, status = error_response(
            429,
            "rate_limited",
            f"Too many checkout attempts from this connection. "
            f"Please wait {retry_after} seconds and try again.",
        )
        response.headers["Retry-After"] = str(retry_after)
        return response, status

    return limiter


def _seconds_until_reset(limiter: Limiter) -> int:
    """Whole seconds until the breached limit's window lets this client in again."""
    current = limiter.current_limit
    if current is None:
        return DEFAULT_RETRY_AFTER
    reset_time = current.window.reset_time
    return max(1, math.ceil(reset_time - time.time()))
