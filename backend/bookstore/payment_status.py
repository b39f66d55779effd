"""What a PaymentIntent's status is, for the order page, asking the gateway as little as can be.

The success page polls the order until it is paid; every poll asking Stripe would let one
shopper (or one script holding a client secret) spend the account's API rate limit. So a
settled order's status is known without asking, and a fresh answer is reused for a few seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app

from bookstore.orders import Order, OrderStatus
from bookstore.payments import current_gateway
from bookstore.payments.gateway import PaymentError

log = logging.getLogger(__name__)

EXTENSION_KEY = "payment_status_cache"
# Seconds an answer from the gateway is reused; the order's own status (set by webhooks) is
# what tells the shopper it is paid, this only adds detail while waiting.
FRESH_SECONDS = 5.0
MAX_ENTRIES = 4096

# Orders whose PaymentIntent can no longer change in a way the page shows: no need to ask.
_SETTLED: dict[str, str] = {
    OrderStatus.PAID: "succeeded",
    OrderStatus.REVIEW: "succeeded",  # money arrived, only not the amount expected
    OrderStatus.REFUNDED: "succeeded",  # Stripe keeps a refunded PaymentIntent succeeded
    OrderStatus.CANCELED: "canceled",
}


class RecentAnswers:
    """Answers kept for `fresh_seconds`, the oldest dropped beyond `max_entries`."""

    def __init__(
        self,
        fresh_seconds: float = FRESH_SECONDS,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fresh_seconds = fresh_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._answers: OrderedDict[str, tuple[float, str | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, fetch: Callable[[], str | None]) -> str | None:
        """The recent answer for `key`, else `fetch()`'s (called outside the lock: network)."""
        now = self._clock()
        with self._lock:
            kept = self._answers.get(key)
        if kept is not None and now - kept[0] < self._fresh_seconds:
            return kept[1]
        answer = fetch()
        with self._lock:
            self._answers[key] = (now, answer)
            self._answers.move_to_end(key)
            while len(self._answers) > self._max_entries:
                self._answers.popitem(last=False)
        return answer


def init_payment_status(app: Flask) -> None:
    """Give the app its own cache of recent answers."""
    app.extensions[EXTENSION_KEY] = RecentAnswers()


def payment_status(order: Order) -> str | None:
    """The status of the order's PaymentIntent; None if the gateway could not say."""
    settled = _SETTLED.get(order.status)
    if settled is not None:
        return settled
    gateway = current_gateway()
    intent_id = order.payment_intent_id
    if intent_id is None or order.gateway != gateway.name:
        return None  # another gateway's PaymentIntent is not ours to ask about
    answers: RecentAnswers = current_app.extensions[EXTENSION_KEY]
    return answers.get(intent_id, lambda: _ask(intent_id))


def _ask(payment_intent_id: str) -> str | None:
    """Ask the gateway; None on failure, remembered too, so an outage is not asked every poll."""
    try:
        return current_gateway().retrieve_payment_intent(payment_intent_id).status
    except PaymentError as error:
        # The order's own status (kept current by webhooks) is still worth showing.
        log.warning("could not retrieve %s: %s", payment_intent_id, error.code)
        return None
