"""Pays racing each other: twins never count each other's hold, and the order ends in step.

Threads on this run's database (SQLite, or PostgreSQL with TEST_DATABASE_URL), each request
from a client of its own, as two tabs or a double click send them.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from checkout_requests import new_cart_id, pay, pay_body
from flask import Flask
from run_summary import add_summary_line
from sqlalchemy import select

from bookstore.catalogue.data import BOOKS
from bookstore.catalogue.stock import held_copies
from bookstore.db import db, utcnow
from bookstore.orders.models import Order
from bookstore.payments import current_gateway
from bookstore.payments.gateway import PaymentIntent, ProviderUnavailable

PRICES = {book["id"]: book["price"] for book in BOOKS}
BOOM = "boom"
SCARCE = "poor-charlies-almanack"  # 3 copies
TWINS = 4


def stored(app: Flask) -> tuple[list[tuple[str, int]], int, int]:
    """The one order's lines and amount, and what its PaymentIntent really charges."""
    with app.app_context():
        order = db.session.scalars(select(Order)).one()
        assert order.payment_intent_id is not None
        actual = current_gateway().retrieve_payment_intent(order.payment_intent_id).amount
        lines = [(line.book_id, line.quantity) for line in order.lines]
        return lines, order.amount, actual


@pytest.mark.parametrize("addresses", ["one client", "two addresses"])
def test_twin_first_pays_for_a_new_cart_on_the_last_copies_never_count_each_others_hold(
    app: Flask, request: pytest.FixtureRequest, addresses: str
) -> None:
    # One new cart for all three copies left, sent TWINS times at once: a double click, or
    # a retry racing the first request; "two addresses": a browser on IPv4 and IPv6 at once.
    body = pay_body({SCARCE: 3}, new_cart_id())
    start = threading.Barrier(TWINS)
    responses: list[Any] = []
    lock = threading.Lock()

    def twin(n: int) -> None:
        address = "127.0.0.1" if addresses == "one client" or n % 2 else "2001:db8::7"
        client = app.test_client()
        start.wait()
        response = client.post(
            "/create-payment-intent", json=body, environ_base={"REMOTE_ADDR": address}
        )
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=twin, args=(n,)) for n in range(TWINS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = [
        "ok" if response.status_code == 200 else response.get_json()["error"]["code"]
        for response in responses
    ]
    assert "insufficient_stock" not in codes
    assert set(codes) <= {"ok", "payment_in_progress"} and "ok" in codes
    intents = {r.get_json()["paymentIntentId"] for r in responses if r.status_code == 200}
    assert len(intents) == 1
    with app.app_context():
        assert len(db.session.scalars(select(Order)).all()) == 1
        assert held_copies([SCARCE], utcnow()) == {SCARCE: 3}
        dialect = db.engine.dialect.name
    add_summary_line(
        request.config,
        f"twins on {dialect} ({addresses}): {TWINS} simultaneous first Pays of one cart for "
        f"the last 3 copies -> {codes.count('ok')} answered its order, "
        f"{codes.count('payment_in_progress')} told payment_in_progress, none insufficient_stock",
    )


def test_an_update_whose_answer_was_lost_is_set_again_by_the_next_pay(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    cart_id = new_cart_id()
    client = app.test_client()
    assert pay(client, {BOOM: 1}, cart_id).status_code == 200
    gateway = app.extensions["payment_gateway"]
    update = gateway.update_payment_intent

    def applied_then_lost(intent_id: str, **changes: Any) -> PaymentIntent:
        update(intent_id, **changes)
        raise ProviderUnavailable("We couldn't reach our payment provider.", retry_after=5)

    monkeypatch.setattr(gateway, "update_payment_intent", applied_then_lost)
    lost = pay(client, {BOOM: 4}, cart_id)
    assert lost.status_code == 503
    monkeypatch.setattr(gateway, "update_payment_intent", update)

    # The shopper went back to one copy: the PaymentIntent's amount was marked unknown when
    # the update was lost, so this Pay sets it again.
    answer = pay(client, {BOOM: 1}, cart_id).get_json()

    assert stored(app) == ([(BOOM, 1)], answer["amount"], answer["amount"])


def test_a_pay_whose_provider_call_failed_lets_the_next_pay_in(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    cart_id = new_cart_id()
    client = app.test_client()
    gateway = app.extensions["payment_gateway"]

    def unreachable(**options: Any) -> PaymentIntent:
        raise ProviderUnavailable("We couldn't reach our payment provider.", retry_after=5)

    monkeypatch.setattr(gateway, "create_payment_intent", unreachable)
    failed = pay(client, {BOOM: 1}, cart_id)
    monkeypatch.undo()

    assert failed.status_code == 503
    assert failed.headers["Retry-After"] == "5"
    with app.app_context():
        order = db.session.scalars(select(Order)).one()
        assert (order.paying_until, order.payment_intent_id) == (None, None)
    assert pay(client, {BOOM: 1}, cart_id).status_code == 200
