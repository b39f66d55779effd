"""Demo mode: Stripe's webhook deliveries, played by sending signed events to our own handler.

After each demo payment step, the event Stripe would send goes through the same verified
webhook handler as a real delivery: the one the app gives init_demo_delivery, as Stripe is
given the endpoint's URL. A browser's confirmation delivers its events during its request.
What comes later is a job for the worker process, as durable as an order: a debit that is
`processing` settles a few seconds later (a bank's answer takes days on Stripe), and the
events of a payment confirmed on the server (Pay) and of a refund are delivered right after
the call, never inside it, so they reach the shop after (or while) the caller finishes its own
transaction, as on Stripe. A restart loses none of them.

Each event is made (its id and time fixed) when its step happens, and signed anew at each
delivery, as Stripe does: a delivery retried after a failure is the same event, which the
shop applies once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from bookstore.domain_errors import DomainError
from bookstore.jobs.claims import Policy
from bookstore.jobs.queue import GiveUp, JobKind, JobView, RetryLater, enqueue_apart
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
DEMO_EVENT_JOB = "demo_event"
# Seconds between a debit's `processing` and its outcome.
SETTLE_AFTER_SECONDS = 4.0
# Seconds between a refund of card 5126 and its failure (days at a real bank).
REFUND_FAILS_AFTER_SECONDS = 3.0
# A delivery the shop did not take (its database busy, say) is tried again soon, a few times,
# as Stripe retries a webhook; the lease is far longer than applying an event takes.
DEMO_EVENT_POLICY = Policy(
    first_retry_seconds=2, max_retry_seconds=60, max_attempts=10, lease_seconds=60
)

# What a later step is: {"deliver": <event>}, {"settle": <PaymentIntent id>}, or
# {"fail_refund": <refund id>}.
Step = dict[str, Any]
# Has a step done after `delay` seconds: a job, or (tests) whatever holds it.
Scheduler = Callable[[float, Step], None]
# Applies a signed delivery as the shop's /webhook does, and says what it did ("processed"...).
WebhookHandler = Callable[[bytes, str | None], str]


def as_job(delay: float, step: Step) -> None:
    """Queue the step as a demo event job, due after `delay` seconds (the default scheduler)."""
    event = step.get("deliver")
    # One job per event, however often the step is scheduled.
    dedupe_key = f"demo_event:{event['id']}" if isinstance(event, dict) else None
    enqueue_apart(DEMO_EVENT_JOB, step, delay_seconds=delay, dedupe_key=dedupe_key)


def init_demo_delivery(app: Flask, webhook: WebhookHandler, scheduler: Scheduler = as_job) -> None:
    """Deliver the demo's events to `webhook`; later steps go to `scheduler`.

    Tests give their own scheduler, or replace ``app.extensions[SCHEDULER_KEY]`` later. The
    app's demo gateway tells of each new refund, and each payment confirmed on the server,
    here, and their events are scheduled.
    """
    app.extensions[WEBHOOK_KEY] = webhook
    app.extensions[SCHEDULER_KEY] = scheduler
    gateway = app.extensions.get(EXTENSION_KEY)
    if isinstance(gateway, DemoGateway):
        demo = gateway

        def deliver_refund_event(refund: Refund) -> None:
            _schedule(app, 0.0, {"deliver": demo.refund_event(refund)})
            if demo.refund_fails_later(refund):
                _schedule(app, REFUND_FAILS_AFTER_SECONDS, {"fail_refund": refund.id})

        def deliver_attempt_events(intent: DemoPaymentIntent) -> None:
            for step in outcome_steps(demo, intent):
                _schedule(app, SETTLE_AFTER_SECONDS if "settle" in step else 0.0, step)

        demo.after_refund = deliver_refund_event
        demo.after_attempt = deliver_attempt_events


def deliver_outcome(gateway: DemoGateway, intent: DemoPaymentIntent) -> None:
    """Send the events Stripe would send after this step now; settle a processing debit later."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    for step in outcome_steps(gateway, intent):
        if "settle" in step:
            _schedule(app, SETTLE_AFTER_SECONDS, step)
            continue
        try:
            _deliver(gateway, step["deliver"])
        except RetryLater:
            # Not taken now: delivered again later, as Stripe retries a webhook.
            _schedule(app, DEMO_EVENT_POLICY.first_retry_seconds, step)


def outcome_steps(gateway: DemoGateway, intent: DemoPaymentIntent) -> list[Step]:
    """What follows an attempt's outcome: its events, and a debit's settling later."""
    if intent.status == SUCCEEDED:
        event_types = ["payment_intent.succeeded", "charge.succeeded"]
    elif intent.status == PROCESSING:
        event_types = ["payment_intent.processing"]
    elif intent.status == REQUIRES_PAYMENT_METHOD and intent.last_error_code is not None:
        event_types = ["payment_intent.payment_failed"]
    else:
        return []  # requires_action: the outcome comes with authentication
    steps: list[Step] = [{"deliver": gateway.intent_event(kind, intent)} for kind in event_types]
    if intent.status == PROCESSING:
        steps.append({"settle": intent.id})
    return steps


def run_step(step: Step) -> None:
    """Do a later step in the current app: deliver its event, or settle a debit."""
    gateway = current_app.extensions[EXTENSION_KEY]
    if not isinstance(gateway, DemoGateway):
        raise GiveUp("this server does not run the demo gateway")
    if "settle" in step:
        payment_intent_id = str(step["settle"])
        try:
            intent = gateway.settle(payment_intent_id)
        except DomainError as error:
            # Settled already: by this job, whose worker died before the shop heard (so the
            # outcome is told again; applying it twice changes nothing), or the debit is gone.
            settled = gateway.stored_intent(payment_intent_id)
            if settled is None or settled.status == PROCESSING:
                log.info("Demo debit %s did not settle: %s", payment_intent_id, error.message)
                return
            intent = settled
        deliver_outcome(gateway, intent)
        return
    if "fail_refund" in step:
        event = gateway.fail_refund(str(step["fail_refund"]))
        if event is not None:
            _deliver(gateway, event)
        return
    _deliver(gateway, step["deliver"])


def run_demo_event_job(job: JobView) -> None:
    """The worker's handler of a demo event job."""
    run_step(job.payload)


DEMO_EVENT_KIND = JobKind(DEMO_EVENT_JOB, DEMO_EVENT_POLICY, run_demo_event_job)


def _schedule(app: Flask, delay: float, step: Step) -> None:
    scheduler: Scheduler = app.extensions[SCHEDULER_KEY]
    scheduler(delay, step)


def _deliver(gateway: DemoGateway, event: dict[str, Any]) -> None:
    """Sign the event for this delivery and apply it through the webhook handler.

    A delivery the handler refuses for a passing reason raises RetryLater (a job tries again,
    as Stripe retries a webhook); the payment itself stands either way, as on Stripe.
    """
    webhook: WebhookHandler = current_app.extensions[WEBHOOK_KEY]
    payload, header = gateway.sign(event)
    event_type = event["type"]
    about = event["data"]["object"].get("payment_intent") or event["data"]["object"].get("id")
    try:
        result = webhook(payload, header)
    except DomainError as error:
        log.error(
            "Demo %s for %s was not applied: %s %s", event_type, about, error.code, error.message
        )
        raise RetryLater(f"{error.code}: {error.message}") from error
    log.info("Demo %s for %s: %s", event_type, about, result)
