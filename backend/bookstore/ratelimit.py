"""Per-client rate limits with Flask-Limiter: starting a checkout, and looking up an order.

Every checkout request can create an order and a PaymentIntent at Stripe, so a script hammering
it would fill the database and spend our Stripe rate limit. The order lookup is polled by the
success page; unlimited, a script could poll it without end or guess at PaymentIntent ids and
client secrets, so it has a limit of its own, more generous. The counts live in
RATELIMIT_STORAGE_URI: memory:// counts per process; a shared store (redis://...) makes several
servers enforce one limit together.
"""

from __future__ import annotations

import math
import time

from flask import Flask, Response, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits.errors import ConfigurationError

from bookstore.config import ConfigError, Settings
from bookstore.errors import error_response

EXTENSION_KEY = "rate_limiter"
# If the store cannot say when the window ends, ask the client to wait this long.
DEFAULT_RETRY_AFTER = 60


def init_rate_limits(app: Flask, settings: Settings) -> Limiter:
    """Limit checkouts and order lookups per client address."""
    from bookstore.routes import checkout, orders

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
    limiter.limit(
        settings.checkout_rate_limit,
        methods=["POST"],
        error_message="Too many checkout attempts from this connection.",
    )(checkout.bp)
    # HEAD too: its status alone tells a prober whether an id and secret match.
    limiter.limit(
        settings.order_lookup_rate_limit,
        methods=["GET", "HEAD"],
        error_message="Too many order lookups from this connection.",
    )(orders.bp)

    # Flask-Limiter checks every request of the app; its documented request filter lets the
    # others (catalogue, /config, probes) skip resolving limits they do not have.
    limited = frozenset({checkout.bp.name, orders.bp.name})

    @limiter.request_filter
    def has_no_limit() -> bool:
        """Whether the request is outside the limited blueprints."""
        return request.blueprint not in limited

    app.extensions[EXTENSION_KEY] = limiter

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error: RateLimitExceeded) -> tuple[Response, int]:
        """429 in the shop's error shape, with how long to wait in Retry-After."""
        retry_after = _seconds_until_reset(limiter)
        app.logger.info("rate limit (%s) reached by a client", error.limit.limit)
        response, status = error_response(
            429,
            "rate_limited",
            f"{error.description} Please wait {retry_after} seconds and try again.",
        )
        response.headers["Retry-After"] = str(retry_after)
        return response, status

    return limiter


def _seconds_until_reset(limiter: Limiter) -> int:
    """Whole seconds until the breached limit's window lets this client in again."""
    current = limiter.current_limit
    if current is None:
        return DEFAULT_RETRY_AFTER
    # limits' WindowStats: when the window ends, to the fraction of a second (reset_at rounds
    # it up a whole second, which would make a one-minute limit ask for 61).
    return max(1, math.ceil(current.window.reset_time - time.time()))
