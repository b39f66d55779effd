"""Concurrent webhook deliveries on one SQLite file: each order ends where its events say."""

from __future__ import annotations

import random
import threading
from typing import Any

from flask import Flask
from test_webhook import SHIPPING_ADDRESS
from webhook_events import delivery, intent_event, refund_event

from bookstore.db import db
from bookstore.orders.fulfilment import ProcessedEvent
from bookstore.orders.models import Order, OrderStatus

AMOUNT = 2500


def add_orders(app: Flask, count: int) -> dict[str, int]:
    """Complete pending orders, one PaymentIntent each; PaymentIntent id -> order id."""
    with app.app_context():
        orders = [
            Order(
                currency="usd",
                amount=AMOUNT,
                payment_intent_id=f"pi_{n}",
                client_secret="s",
                email="ada@example.com",
                shipping_address=SHIPPING_ADDRESS,
            )
            for n in range(count)
        ]
        db.session.add_all(orders)
        db.session.commit()
        return {order.payment_intent_id: order.id for order in orders}  # type: ignore[misc]


def test_fifty_concurrent_deliveries_leave_each_order_in_the_state_its_events_imply(
    stripe_app: Flask,
) -> None:
    orders = add_orders(stripe_app, 10)
    rng = random.Random(7)
    # For each PaymentIntent, a story of events; each is delivered several times, in any order.
    expected: dict[str, OrderStatus] = {}
    events: list[dict[str, Any]] = []
    for n, intent_id in enumerate(orders):
        story = n % 5
        if story == 0:  # paid, with a late failure that must not undo it
            events += [
                intent_event("payment_intent.succeeded", intent_id, amount=AMOUNT),
                intent_event("payment_intent.payment_failed", intent_id, amount=AMOUNT),
            ]
            expected[intent_id] = OrderStatus.PAID
        elif story == 1:  # processing, then paid (in whichever order they arrive)
            events += [
                intent_event("payment_intent.processing", intent_id, amount=AMOUNT),
                intent_event("payment_intent.succeeded", intent_id, amount=AMOUNT),
            ]
            expected[intent_id] = OrderStatus.PAID
        elif story == 2:  # paid the wrong amount
            events.append(intent_event("payment_intent.succeeded", intent_id, amount=AMOUNT - 1))
            expected[intent_id] = OrderStatus.REVIEW
        elif story == 3:  # failed only
            events.append(intent_event("payment_intent.payment_failed", intent_id, amount=AMOUNT))
            expected[intent_id] = OrderStatus.FAILED
        else:  # canceled, then an event type we ignore
            events += [
                intent_event("payment_intent.canceled", intent_id, amount=AMOUNT),
                intent_event("payment_intent.created", intent_id, amount=AMOUNT),
            ]
            expected[intent_id] = OrderStatus.CANCELED
    deliveries = [events[i % len(events)] for i in range(50)]
    rng.shuffle(deliveries)

    start = threading.Barrier(len(deliveries))
    statuses: list[int] = []
    failures: list[BaseException] = []

    def deliver(event: dict[str, Any]) -> None:
        payload, headers = delivery(event)
        client = stripe_app.test_client()
        start.wait()
        try:
            statuses.append(client.post("/webhook", data=payload, headers=headers).status_code)
        except BaseException as error:  # surfaced below; a thread cannot fail the test itself
            failures.append(error)

    threads = [threading.Thread(target=deliver, args=(event,)) for event in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert statuses == [200] * 50
    with stripe_app.app_context():
        for intent_id, order_id in orders.items():
            order = db.session.get(Order, order_id)
            assert order is not None
            assert order.status == expected[intent_id], intent_id
        handled = {e["id"] for e in events if e["type"] != "payment_intent.created"}
        recorded = {event.id for event in db.session.query(ProcessedEvent)}
        assert recorded == handled


def test_the_same_event_delivered_by_ten_threads_at_once_is_applied_once(
    stripe_app: Flask,
) -> None:
    [intent_id] = add_orders(stripe_app, 1)
    payload, headers = delivery(refund_event(intent_id, amount=AMOUNT))
    succeeded = delivery(intent_event("payment_intent.succeeded", intent_id, amount=AMOUNT))
    stripe_app.test_client().post("/webhook", data=succeeded[0], headers=succeeded[1])

    start = threading.Barrier(10)
    results: list[str] = []

    def deliver() -> None:
        client = stripe_app.test_client()
        start.wait()
        results.append(client.post("/webhook", data=payload, headers=headers).get_json()["result"])

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == ["duplicate"] * 9 + ["processed"]
    with stripe_app.app_context():
        assert db.session.query(ProcessedEvent).count() == 2
