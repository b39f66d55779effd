"""A PaymentIntent's status and payment method, for the order page, asking the gateway little.

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
from dataclasses import dataclass

from flask import Flask, current_app

from bookstore.orders.models import Order, OrderStatus
from bookstore.payments import current_gateway
from bookstore.payments.gateway import PaymentError

log = logging.getLogger(__name__)

EXTENSION_KEY = "payment_status_cache"
# Seconds an answer from the gateway is reused; the order's own status (set by webhooks) is
# what tells the shopper it is paid, this only adds detail while waiting.
FRESH_SECONDS = 5.0
MAX_ENTRIES = 4096


@dataclass(frozen=True)
class IntentView:
    """What the order page shows of a PaymentIntent."""

    status: str | None  # None: the gateway could not be asked
    payment_method: str | None = None


UNKNOWN = IntentView(None)


# Orders whose PaymentIntent can no longer change in a way the page shows: no need to ask.
_SETTLED: dict[str, IntentView] = {
    OrderStatus.PAID: IntentView("succeeded"),
    OrderStatus.REVIEW: IntentView("succeeded"),  # money arrived, only not the amount expected
    OrderStatus.REFUNDING: IntentView("succeeded"),  # paid; the money is on its way back
    OrderStatus.REFUNDED: IntentView("succeeded"),  # a refunded PaymentIntent stays succeeded
    OrderStatus.PARTIALLY_REFUNDED: IntentView("succeeded"),
    OrderStatus.CANCELED: IntentView("canceled"),
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
        self._answers: OrderedDict[str, tuple[float, IntentView]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, fetch: Callable[[], IntentView]) -> IntentView:
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


def intent_view(order: Order) -> IntentView:
    """The order's PaymentIntent as the page shows it: its status and how it is being paid."""
    settled = _SETTLED.get(order.status)
    if settled is not None:
        return settled
    gateway = current_gateway()
    intent_id = order.payment_intent_id
    if intent_id is None or order.gateway != gateway.name:
        return UNKNOWN  # another gateway's PaymentIntent is not ours to ask about
    answers: RecentAnswers = current_app.extensions[EXTENSION_KEY]
    return answers.get(intent_id, lambda: _ask(intent_id))


def _ask(payment_intent_id: str) -> IntentView:
    """Ask the gateway; UNKNOWN on failure, remembered too, so an outage is not asked every poll."""
    try:
        intent = current_gateway().retrieve_payment_intent(payment_intent_id)
    except PaymentError as error:
        # The order's own status (kept current by webhooks) is still worth showing.
        log.warning("could not retrieve %s: %s", payment_intent_id, error.code)
        return UNKNOWN
    return IntentView(intent.status, intent.payment_method)
