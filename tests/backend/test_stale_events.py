"""Events out of order: a step back (payment_failed, canceled) the PaymentIntent has moved on
from changes nothing, so a good payment keeps its copies and is never refunded as sold out.

Stripe does not deliver in order: a card attempt's payment_failed can arrive after the bank
debit that followed it is `processing`. The webhook asks the gateway for the PaymentIntent's
status before acting on a step back. Poor Charlie's Almanack starts with 3 copies.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from checkout_requests import DECLINED, confirmed, demo_token, new_cart_id, paid, pay, pay_body
from demo_timers import Timers, hold_timers
from flask import Flask
from flask.testing import FlaskClient
from stripe_fakes import FakeStripe, card_declined_body, network_error
from webhook_events import delivery, intent_event, post_event

from bookstore.catalogue.books import Book
from bookstore.db import db
from bookstore.orders.fulfilment import ProcessedEvent
from bookstore.orders.models import Order, OrderStatus, find_order_by_number
from bookstore.payments.demo.cards import SEPA_FAILS, SEPA_SUCCEEDS
from bookstore.payments.demo.delivery import run_step

SCARCE = "poor-charlies-almanack"  # 3 copies
STALE_EVENT = "stale_event"  # the history entry of an event that changed nothing


@pytest.fixture
def timers(app: Flask) -> Timers:
    """The demo's scheduler, run by hand: each event goes out when the test says."""
    return hold_timers(app)


def run_next(app: Flask, timers: Timers) -> None:
    """Do the oldest step the demo scheduled (one delivery, or a debit settling)."""
    _, step = timers.pending.pop(0)
    with app.app_context():
        run_step(step)


def order_of(app: Flask, number: str) -> Order:
    """The order as stored now, with its history, detached."""
    with app.app_context():
        order = find_order_by_number(number)
        assert order is not None
        _ = order.lines, order.history
        db.session.expunge(order)
        return order


def kinds(order: Order) -> list[str]:
    """The order's history, by kind, oldest first."""
    return [entry.kind for entry in order.history]


def on_shelf(app: Flask) -> int:
    """Copies of SCARCE on the shelf (taken by payments, not by holds)."""
    with app.app_context():
        book = db.session.get(Book, SCARCE)
        assert book is not None
        return book.stock


def processed_events(app: Flask) -> int:
    """Events recorded as applied."""
    with app.app_context():
        return db.session.query(ProcessedEvent).count()


def paid_orders(app: Flask) -> int:
    """How many orders are paid."""
    with app.app_context():
        return db.session.query(Order).filter(Order.status == OrderStatus.PAID).count()


# --- demo mode: the demo gateway's own deliveries, one held back ------------------------------


def test_demo_a_late_card_failure_after_a_debit_is_processing_changes_nothing(
    app: Flask, client: FlaskClient, timers: Timers
) -> None:
    cart_id = new_cart_id()
    declined = pay(client, {SCARCE: 3}, cart_id, **confirmed(demo_token(client, DECLINED)))
    assert declined.status_code == 402
    # The card's payment_failed, made as the PaymentIntent was then: Stripe delivers it late.
    _, late_failure = timers.pending.pop()
    assert late_failure["deliver"]["type"] == "payment_intent.payment_failed"
    debit = paid(
        client,
        {SCARCE: 3},
        cart_id,
        **confirmed(demo_token(client, sepa_debit={"iban": SEPA_SUCCEEDS})),
    )
    assert debit["status"] == "processing"
    run_next(app, timers)  # payment_intent.processing: the copies held while the bank decides
    assert order_of(app, debit["orderNumber"]).status == OrderStatus.PROCESSING

    with app.app_context():
        run_step(late_failure)

    order = order_of(app, debit["orderNumber"])
    assert order.status == OrderStatus.PROCESSING
    assert order.failure_message is None
    assert kinds(order)[-2:] == ["payment_intent.payment_failed", STALE_EVENT]
    assert "older than the PaymentIntent's processing" in order.history[-1].detail
    assert order.history[-2].detail.endswith("processing, unchanged (stale)")
    # The copies are still the debit's: another shopper cannot take them.
    assert pay(client, {SCARCE: 1}, new_cart_id()).status_code == 409

    timers.run_all()  # the bank's answer: payment_intent.succeeded

    order = order_of(app, debit["orderNumber"])
    assert (order.status, order.stock_taken, order.refund_cause) == (OrderStatus.PAID, True, None)
    assert "refund_requested" not in kinds(order) and "stock_short" not in kinds(order)
    assert paid_orders(app) == 1
    assert on_shelf(app) == 0  # 3 copies, taken once


def test_demo_a_debit_that_fails_at_the_bank_still_fails_the_order(
    app: Flask, client: FlaskClient, timers: Timers
) -> None:
    debit = paid(
        client, {SCARCE: 3}, **confirmed(demo_token(client, sepa_debit={"iban": SEPA_FAILS}))
    )

    timers.run_all()  # processing, then the bank's payment_failed, the PaymentIntent agreeing

    order = order_of(app, debit["orderNumber"])
    assert (order.status, order.held_until) == (OrderStatus.FAILED, None)
    assert order.failure_message is not None
    assert STALE_EVENT not in kinds(order)
    assert pay(client, {SCARCE: 3}, new_cart_id()).status_code == 200  # the copies went back
    assert on_shelf(app) == 3


# --- Stripe mode: FakeStripe holds the PaymentIntent, the test delivers its events ------------


def started(client: FlaskClient, cart: dict[str, int]) -> dict[str, Any]:
    """Pay (no confirmation yet): the order and its PaymentIntent at FakeStripe; the JSON."""
    response = client.post("/create-payment-intent", json=pay_body(cart, new_cart_id()))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def event_for(
    app: Flask, fake: FakeStripe, payment: dict[str, Any], event_type: str
) -> dict[str, Any]:
    """An event about the checkout's PaymentIntent, carrying its state at FakeStripe now."""
    intent = fake.intents[payment["paymentIntentId"]]
    return intent_event(
        event_type,
        intent["id"],
        amount=payment["amount"],
        order_token=order_of(app, payment["orderNumber"]).token,
        status=intent["status"],
        last_payment_error=intent["last_payment_error"],
    )


def declined_attempt(fake: FakeStripe, payment: dict[str, Any]) -> None:
    """A card refused: the PaymentIntent needs another payment method, and says why."""
    intent = fake.set_status(payment["paymentIntentId"], "requires_payment_method")
    intent["last_payment_error"] = card_declined_body()["error"]


@pytest.mark.parametrize(
    ("step_back", "older_attempt"),
    [
        ("payment_intent.payment_failed", "requires_payment_method"),
        ("payment_intent.canceled", "canceled"),
    ],
)
def test_stripe_a_step_back_the_payment_intent_moved_on_from_changes_nothing(
    stripe_app: Flask,
    stripe_client: FlaskClient,
    fake_stripe: FakeStripe,
    step_back: str,
    older_attempt: str,
) -> None:
    payment = started(stripe_client, {SCARCE: 3})
    if step_back == "payment_intent.payment_failed":
        declined_attempt(fake_stripe, payment)  # a card first, refused
    else:
        fake_stripe.set_status(payment["paymentIntentId"], "canceled")
    late = event_for(stripe_app, fake_stripe, payment, step_back)
    assert late["data"]["object"]["status"] == older_attempt
    fake_stripe.set_status(payment["paymentIntentId"], "processing")  # then a SEPA debit
    post_event(
        stripe_client, event_for(stripe_app, fake_stripe, payment, "payment_intent.processing")
    )

    assert post_event(stripe_client, late) == "processed"  # delivered late

    order = order_of(stripe_app, payment["orderNumber"])
    assert order.status == OrderStatus.PROCESSING
    assert kinds(order)[-2:] == [step_back, STALE_EVENT]
    assert order.history[-1].detail == (
        f"{late['id']}: {step_back} is older than the PaymentIntent's processing"
    )
    assert (
        stripe_client.post(
            "/create-payment-intent", json=pay_body({SCARCE: 1}, new_cart_id())
        ).status_code
        == 409
    )  # still held for the debit

    fake_stripe.set_status(payment["paymentIntentId"], "succeeded")
    post_event(
        stripe_client, event_for(stripe_app, fake_stripe, payment, "payment_intent.succeeded")
    )

    order = order_of(stripe_app, payment["orderNumber"])
    assert (order.status, order.stock_taken, order.refund_cause) == (OrderStatus.PAID, True, None)
    assert "refund_requested" not in kinds(order)
    assert paid_orders(stripe_app) == 1
    assert on_shelf(stripe_app) == 0
    assert fake_stripe.refund_requests() == []


def test_stripe_a_debit_that_fails_at_the_bank_still_fails_the_order(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = started(stripe_client, {SCARCE: 3})
    fake_stripe.set_status(payment["paymentIntentId"], "processing")
    post_event(
        stripe_client, event_for(stripe_app, fake_stripe, payment, "payment_intent.processing")
    )
    declined_attempt(fake_stripe, payment)  # the bank said no: Stripe's PaymentIntent agrees

    post_event(
        stripe_client,
        event_for(stripe_app, fake_stripe, payment, "payment_intent.payment_failed"),
    )

    order = order_of(stripe_app, payment["orderNumber"])
    assert (order.status, order.held_until) == (OrderStatus.FAILED, None)
    assert order.failure_message == card_declined_body()["error"]["message"]
    assert STALE_EVENT not in kinds(order)
    retrieved = [r for r in fake_stripe.requests("GET") if payment["paymentIntentId"] in r.url]
    assert len(retrieved) == 1  # asked once, for the step back only


def test_stripe_unreachable_during_a_payment_failed_is_a_503_and_records_nothing(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = started(stripe_client, {SCARCE: 3})
    declined_attempt(fake_stripe, payment)
    failed = event_for(stripe_app, fake_stripe, payment, "payment_intent.payment_failed")
    history_before = kinds(order_of(stripe_app, payment["orderNumber"]))
    fake_stripe.fail("retrieve", network_error(requests.exceptions.ConnectionError("reset")))
    payload, headers = delivery(failed)

    response = stripe_client.post("/webhook", data=payload, headers=headers)

    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "payment_provider_unavailable"
    order = order_of(stripe_app, payment["orderNumber"])
    assert (order.status, kinds(order)) == (OrderStatus.PENDING, history_before)
    assert order.held_until is not None
    assert processed_events(stripe_app) == 0
    # Stripe delivers it again later, and then it is applied.
    assert post_event(stripe_client, failed) == "processed"
    assert order_of(stripe_app, payment["orderNumber"]).status == OrderStatus.FAILED
