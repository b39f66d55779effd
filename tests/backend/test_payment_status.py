"""The order page asks Stripe as little as it can: never for settled orders, at most every 5 s."""

from __future__ import annotations

from typing import Any

import pytest
from checkout_requests import pay_body
from flask import Flask
from flask.testing import FlaskClient
from stripe_fakes import FakeStripe

from bookstore.db import db
from bookstore.orders.models import OrderStatus, find_order_by_payment_intent
from bookstore.orders.payment_status import EXTENSION_KEY, FRESH_SECONDS, IntentView, RecentAnswers


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(stripe_app: Flask) -> Clock:
    """The Stripe-mode app's cache of recent answers, on a clock the test controls."""
    fake = Clock()
    stripe_app.extensions[EXTENSION_KEY] = RecentAnswers(clock=fake)
    return fake


def start(client: FlaskClient) -> dict[str, Any]:
    """A checkout for one book."""
    response = client.post("/create-payment-intent", json=pay_body({"boom": 1}))
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def poll(client: FlaskClient, started: dict[str, Any]) -> dict[str, Any]:
    """What the success page asks for."""
    response = client.get(
        f"/api/orders/{started['paymentIntentId']}",
        query_string={"client_secret": started["clientSecret"]},
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def set_order(app: Flask, intent_id: str, **values: Any) -> None:
    """Change the stored order, as a webhook or another checkout would."""
    with app.app_context():
        order = find_order_by_payment_intent(intent_id)
        assert order is not None
        for name, value in values.items():
            setattr(order, name, value)
        db.session.commit()


def test_polling_a_pending_order_asks_stripe_once_per_few_seconds(
    stripe_client: FlaskClient, fake_stripe: FakeStripe, clock: Clock
) -> None:
    started = start(stripe_client)

    answers = [poll(stripe_client, started) for _ in range(20)]
    clock.now += FRESH_SECONDS - 0.1
    answers.append(poll(stripe_client, started))

    assert {body["paymentStatus"] for body in answers} == {"requires_payment_method"}
    assert len(fake_stripe.requests("GET")) == 1

    clock.now += 0.2
    fake_stripe.set_status(started["paymentIntentId"], "processing")
    assert poll(stripe_client, started)["paymentStatus"] == "processing"
    assert len(fake_stripe.requests("GET")) == 2


@pytest.mark.parametrize(
    ("status", "payment_status"),
    [
        (OrderStatus.PAID, "succeeded"),
        (OrderStatus.REVIEW, "succeeded"),
        (OrderStatus.REFUNDING, "succeeded"),
        (OrderStatus.REFUNDED, "succeeded"),
        (OrderStatus.CANCELED, "canceled"),
    ],
)
def test_a_settled_order_never_asks_stripe(
    stripe_app: Flask,
    stripe_client: FlaskClient,
    fake_stripe: FakeStripe,
    clock: Clock,
    status: OrderStatus,
    payment_status: str,
) -> None:
    started = start(stripe_client)
    set_order(stripe_app, started["paymentIntentId"], status=status)

    for _ in range(3):
        clock.now += 60
        assert poll(stripe_client, started)["paymentStatus"] == payment_status

    assert fake_stripe.requests("GET") == []


def test_another_gateways_payment_intent_is_not_asked_about(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe, clock: Clock
) -> None:
    started = start(stripe_client)
    set_order(stripe_app, started["paymentIntentId"], gateway="demo")

    body = poll(stripe_client, started)

    assert (body["status"], body["paymentStatus"]) == ("pending", None)
    assert fake_stripe.requests("GET") == []


def test_the_cache_keeps_at_most_its_size_dropping_the_oldest() -> None:
    clock = Clock()
    answers = RecentAnswers(max_entries=2, clock=clock)
    calls: list[str] = []

    def fetch(key: str) -> IntentView:
        calls.append(key)
        return IntentView(key.upper())

    for key in ("a", "b", "c", "a"):
        assert answers.get(key, lambda key=key: fetch(key)) == IntentView(key.upper())

    assert calls == ["a", "b", "c", "a"]  # "a" was dropped when "c" came
