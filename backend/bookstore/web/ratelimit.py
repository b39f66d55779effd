"""Per-client rate limits on quotes, checkouts and order lookups, with `limits`.

Every Pay can create an order and a PaymentIntent at Stripe, and a quote can ask Stripe Tax,
so a script hammering either would fill the database or spend our Stripe rate limit; quotes
are limited as checkouts are, counted apart. The order lookup is polled by the
success page; unlimited, a script could poll it without end or guess at PaymentIntent ids and
client secrets, so it has a limit of its own, more generous. The counts live in
RATELIMIT_STORAGE_URI: memory:// counts per process; a shared store (redis://...) makes several
servers enforce one limit together.

The `limits` library (the storage layer Flask-Limiter is built on) is used through its
documented API: a storage from its URI, a fixed-window strategy, `hit` and `get_window_stats`.
One before_request hook looks up the request's blueprint and counts only the limited ones, so
the routes without a limit (the catalogue, /config) do no limiter work.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from flask import Flask, Response, request
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError, StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from bookstore.config import ConfigError, Settings
from bookstore.web.errors import error_response

log = logging.getLogger(__name__)

EXTENSION_KEY = "rate_limiter"
KEY_PREFIX = "bookstore"
# After the shared store fails, count in this process's memory this long before trying it again.
FALLBACK_SECONDS = 30.0


class RateLimited(Exception):
    """A client went past a limit: tell it when to try again."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class Counter:
    """Fixed-window counts in the configured store, in memory while the store is down."""

    def __init__(self, storage_uri: str, clock: Callable[[], float] = time.monotonic) -> None:
        try:
            storage = storage_from_string(storage_uri, wrap_exceptions=True)
        except ConfigurationError as error:
            raise ConfigError(f"RATELIMIT_STORAGE_URI cannot be used: {error}") from None
        self._shared = FixedWindowRateLimiter(storage)
        self._memory = FixedWindowRateLimiter(MemoryStorage())
        self._clock = clock
        self._shared_down_until = 0.0
        self._lock = threading.Lock()

    def hit(self, items: Sequence[RateLimitItem], key: str) -> float | None:
        """Count one request against every limit; None if all allow it, else when to retry."""
        strategy = self._strategy()
        try:
            return _hit(strategy, items, key)
        except StorageError as error:
            # A shared store that goes down degrades to per-process counts, not to 500s.
            log.warning("rate limit store unavailable, counting in memory for now: %s", error)
            with self._lock:
                self._shared_down_until = self._clock() + FALLBACK_SECONDS
            return _hit(self._memory, items, key)

    def _strategy(self) -> FixedWindowRateLimiter:
        """The shared store, unless it failed a moment ago."""
        with self._lock:
            down = self._clock() < self._shared_down_until
        return self._memory if down else self._shared


def _hit(
    strategy: FixedWindowRateLimiter, items: Sequence[RateLimitItem], key: str
) -> float | None:
    """Hit each limit; the reset time (epoch seconds) of the first one that is exceeded."""
    for item in items:
        if not strategy.hit(item, KEY_PREFIX, key):
            return strategy.get_window_stats(item, KEY_PREFIX, key).reset_time
    return None


@dataclass(frozen=True)
class Limit:
    """A limit on one blueprint's requests of some methods, per client."""

    items: tuple[RateLimitItem, ...]
    text: str
    methods: frozenset[str]
    message: str


def limit(text: str, methods: Collection[str], message: str) -> Limit:
    """A Limit from its text ("20 per minute", "5/second;100/hour")."""
    return Limit(tuple(parse_many(text)), text, frozenset(methods), message)


def init_rate_limits(app: Flask, settings: Settings) -> Counter:
    """Limit quotes, checkouts, order lookups and order searches per client address."""
    from bookstore.web.routes import checkout, order_lookup, orders, quote

    counter = Counter(settings.ratelimit_storage_uri.get_secret_value())
    limits_by_blueprint = {
        # Only POST counts: CORS preflights (OPTIONS) are not checkout attempts.
        checkout.bp.name: limit(
            settings.checkout_rate_limit,
            {"POST"},
            "Too many checkout attempts from this connection.",
        ),
        # Quotes as checkouts, counted apart: a shopper typing does not use up their Pays.
        quote.bp.name: limit(
            settings.checkout_rate_limit,
            {"POST"},
            "Too many price checks from this connection.",
        ),
        # HEAD too: its status alone tells a prober whether an id and secret match.
        orders.bp.name: limit(
            settings.order_lookup_rate_limit,
            {"GET", "HEAD"},
            "Too many order lookups from this connection.",
        ),
        # "Find your order" guesses numbers and emails: limited as checkout is.
        order_lookup.bp.name: limit(
            settings.checkout_rate_limit,
            {"POST"},
            "Too many order searches from this connection.",
        ),
    }

    @app.before_request
    def check_rate_limit() -> None:
        """Count a limited request per client; 429 (through RateLimited) past its limit."""
        wanted = limits_by_blueprint.get(request.blueprint or "")
        if wanted is None or request.method not in wanted.methods:
            return  # everything else (catalogue, /config, probes) costs one dict lookup
        # The client's address (behind TRUSTED_PROXY_COUNT proxies, the forwarded one).
        reset_at = counter.hit(wanted.items, f"{request.blueprint}/{request.remote_addr}")
        if reset_at is not None:
            log.info("rate limit (%s) on %s reached by a client", wanted.text, request.blueprint)
            raise RateLimited(wanted.message, max(1, math.ceil(reset_at - time.time())))

    app.extensions[EXTENSION_KEY] = counter

    @app.errorhandler(RateLimited)
    def too_many_requests(error: RateLimited) -> tuple[Response, int]:
        """429 in the shop's error shape, with how long to wait in Retry-After."""
        response, status = error_response(
            429,
            "rate_limited",
            f"{error.message} Please wait {error.retry_after} seconds and try again.",
        )
        response.headers["Retry-After"] = str(error.retry_after)
        return response, status

    return counter
