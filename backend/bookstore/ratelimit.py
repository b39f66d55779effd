"""How often one client may start a checkout: Flask-Limiter on POST /create-payment-intent.

Every checkout request can create an order and a PaymentIntent at Stripe, so a script hammering
it would fill the database and spend our Stripe rate limit. The counts live in
RATELIMIT_STORAGE_URI: memory:// counts per process; a shared store (redis://...) makes several
servers enforce one limit together.
"""

from __future__ import annotations

import math
import time
from functools import partial
from typing import Any

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
    _run_hooks_for_blueprint_only(app, limiter, checkout.bp.name)
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


def _run_hooks_for_blueprint_only(app: Flask, limiter: Limiter, blueprint: str) -> None:
    """Move Flask-Limiter's request hooks from every request to `blueprint`'s requests.

    Flask-Limiter checks its limits around every request of the app, even where none apply:
    about 70 microseconds a request, a third of what a catalogue or /config request costs
    (measured with bench/run.py). Only checkout has a limit, so only its requests need them.
    """
    _move_hooks(app.before_request_funcs, limiter, blueprint)
    _move_hooks(app.after_request_funcs, limiter, blueprint)
    _move_hooks(app.teardown_request_funcs, limiter, blueprint)


def _move_hooks(hooks: dict[str | None, list[Any]], limiter: Limiter, blueprint: str) -> None:
    """Move the limiter's hooks in one of Flask's hook tables from the app to `blueprint`."""
    app_wide = hooks.get(None, [])
    for hook in [hook for hook in app_wide if _bound_to(hook, limiter)]:
        app_wide.remove(hook)
        hooks.setdefault(blueprint, []).append(hook)


def _bound_to(hook: object, limiter: Limiter) -> bool:
    """Whether `hook` is one of the limiter's methods (bound, or wrapped in a partial)."""
    owner = getattr(hook, "__self__", None)
    if isinstance(hook, partial):
        owner = hook.args[0] if hook.args else None
    return owner is limiter


def _seconds_until_reset(limiter: Limiter) -> int:
    """Whole seconds until the breached limit's window lets this client in again."""
    current = limiter.current_limit
    if current is None:
        return DEFAULT_RETRY_AFTER
    reset_time = current.window.reset_time
    return max(1, math.ceil(reset_time - time.time()))
