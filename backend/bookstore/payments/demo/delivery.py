"""Demo mode: Stripe's webhook deliveries, played by sending signed events to our own handler.

After each demo payment step, the event Stripe would send goes through the same verified
webhook handler as a real delivery: the one the app gives init_demo_delivery, as Stripe is
given the endpoint's URL. A debit that is `processing` settles a few seconds later,
on a timer, as a bank's answer comes days later on Stripe. The events of a payment confirmed on
the server (Pay) and a refund's `charge.refunded` are sent from the same timer, right after the
call, never inside it: as on Stripe, they reach the shop after (or while) the caller finishes
its own transaction.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask, current_app

from bookstore.domain_errors import DomainError
from bookstore.payments import EXTENSION_KEY
from bookstore.payments.demo.gateway import DemoGateway
from bookstore.payments.demo.models import (
    PROCESSING,
    REQUIRES_PAYMENT_METHOD,
    SUCCEEDED,
    DemoPaymentIntent,
)
from bookstore.payments.gateway import Refund

log = logging.getLogger(__name__)

SCHEDULER_KEY = "demo_scheduler"
WEBHOOK_KEY = "demo_webhook"
# Seconds between a debit's `processing` and its outcome.
SETTLE_AFTER_SECONDS = 4.0
# Seconds between a refund, or a confirmation on the server, and its events: none, but never
# within the call.
REFUND_EVENT_AFTER_SECONDS = 0.0
ATTEMPT_EVENTS_AFTER_SECONDS = 0.0

Scheduler = Callable[[float, Callable[[], None]], None]
# Applies a signed delivery as the shop's /webhook does, and says what it did ("processed"...).
WebhookHandler = Callable[[bytes, str | None], str]


def run_later(delay: float, work: Callable[[], None]) -> None:
    """Run `work` on a daemon timer thread after `delay` seconds."""
    timer = threading.Timer(delay, work)
    timer.daemon = True
    timer.start()


def init_demo_delivery(
    app: Flask, webhook: WebhookHandler, scheduler: Scheduler = run_later
) -> None:
    """Deliver the demo's events to `webhook`, on the timer its debits settle on.

    Tests give their own timer, or replace ``app.extensions[SCHEDULER_KEY]`` later. The app's
    demo gateway tells of each new refund, and each payment confirmed on the server, here, and
    their events are sent on that timer.
    """
    app.extensions[WEBHOOK_KEY] = webhook
    app.extensions[SCHEDULER_KEY] = scheduler
    gateway = app.extensions.get(EXTENSION_KEY)
    if isinstance(gateway, DemoGateway):
        demo = gateway

        def deliver_refund_event(refund: Refund) -> None:
            _deliver_refund_later(app, demo, refund)

        def deliver_attempt_events(intent: DemoPaymentIntent) -> None:
            _deliver_outcome_later(app, demo, intent)

        demo.after_refund = deliver_refund_event
        demo.after_attempt = deliver_attempt_events


def deliver_outcome(gateway: DemoGateway, intent: DemoPaymentIntent) -> None:
    """Send the events Stripe would send after this step; settle a processing debit later."""
    if intent.status == SUCCEEDED:
        event_types = ["payment_intent.succeeded", "charge.succeeded"]
    elif intent.status == PROCESSING:
        event_types = ["payment_intent.processing"]
        _settle_later(gateway, intent.id)
    elif intent.status == REQUIRES_PAYMENT_METHOD and intent.last_error_code is not None:
        event_types = ["payment_intent.payment_failed"]
    else:
        return  # requires_action: the outcome comes with authentication
    for event_type in event_types:
        _deliver(gateway, event_type, intent)


def _settle_later(gateway: DemoGateway, payment_intent_id: str) -> None:
    """Have the debit's bank answer after SETTLE_AFTER_SECONDS, in this app's context."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduler: Scheduler = app.extensions[SCHEDULER_KEY]

    def settle() -> None:
        with app.app_context():
            try:
                intent = gateway.settle(payment_intent_id)
            except DomainError as error:
                log.error("Demo debit %s did not settle: %s", payment_intent_id, error.message)
                return
            deliver_outcome(gateway, intent)

    scheduler(SETTLE_AFTER_SECONDS, settle)


def _deliver_outcome_later(app: Flask, gateway: DemoGateway, intent: DemoPaymentIntent) -> None:
    """Send an attempt's events on the app's timer, once the confirming call is over."""
    scheduler: Scheduler = app.extensions[SCHEDULER_KEY]

    def deliver() -> None:
        with app.app_context():
            deliver_outcome(gateway, intent)

    scheduler(ATTEMPT_EVENTS_AFTER_SECONDS, deliver)


def _deliver_refund_later(app: Flask, gateway: DemoGateway, refund: Refund) -> None:
    """Send the refund's charge.refunded on the app's timer, once the refunding call is over."""
    scheduler: Scheduler = app.extensions[SCHEDULER_KEY]

    def deliver() -> None:
        with app.app_context():
            try:
                payload, header = gateway.signed_refund_event(refund)
            except DomainError as error:
                log.error("Demo refund %s sent no event: %s", refund.id, error.message)
                return
            _apply("charge.refunded", refund.payment_intent_id, payload, header)

    scheduler(REFUND_EVENT_AFTER_SECONDS, deliver)


def _deliver(gateway: DemoGateway, event_type: str, intent: DemoPaymentIntent) -> None:
    """Sign one event about a PaymentIntent and apply it, as Stripe's delivery would."""
    payload, header = gateway.signed_event(event_type, intent)
    _apply(event_type, intent.id, payload, header)


def _apply(event_type: str, payment_intent_id: str, payload: bytes, header: str) -> None:
    """Apply one signed event through the webhook handler, as Stripe's delivery would."""
    webhook: WebhookHandler = current_app.extensions[WEBHOOK_KEY]
    try:
        result = webhook(payload, header)
    except DomainError as error:
        # The payment itself stands, as on Stripe when a webhook delivery fails; the order
        # page still shows the PaymentIntent's status. Log it for whoever runs the demo.
        log.error(
            "Demo %s for %s was not applied: %s %s",
            event_type,
            payment_intent_id,
            error.code,
            error.message,
        )
        return
    log.info("Demo %s for %s: %s", event_type, payment_intent_id, result)
