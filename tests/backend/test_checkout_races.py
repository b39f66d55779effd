"""Cart changes racing each other: the order and its PaymentIntent always end in step."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from bookstore.catalogue_data import BOOKS
from bookstore.db import db
from bookstore.orders import Order
from bookstore.payments import current_gateway
from bookstore.payments.gateway import PaymentIntent, ProviderUnavailable

PRICES = {book["id"]: book["price"] for book in BOOKS}
BOOM = "boom"


def checkout(app: Flask, cart_id: str, quantity: int) -> dict[str, Any]:
    """POST /create-payment-intent from a client of its own."""
    body = {"items": [{"id": BOOM, "quantity": quantity}], "cartId": cart_id}
    response = app.test_client().post("/create-payment-intent", json=body)
    assert response.status_code == 200, response.get_json()
    answer: dict[str, Any] = response.get_json()
    return answer


def stored(app: Flask) -> tuple[list[tuple[str, int]], int, int]:
    """The one order's lines and amount, and what its PaymentIntent really charges."""
    with app.app_context():
        order = db.session.scalars(select(Order)).one()
        assert order.payment_intent_id is not None
        actual = current_gateway().retrieve_payment_intent(order.payment_intent_id).amount
        lines = [(line.book_id, line.quantity) for line in order.lines]
        return lines, order.amount, actual


def test_a_change_overtaken_by_another_starts_again_and_ends_in_step(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    cart_id = uuid.uuid4().hex
    checkout(app, cart_id, 1)
    gateway = app.extensions["payment_gateway"]
    update = gateway.update_payment_intent
    keys: list[str] = []

    def overtaken_once(intent_id: str, **changes: Any) -> PaymentIntent:
        keys.append(changes["idempotency_key"])
        result = update(intent_id, **changes)
        if len(keys) == 1:
            # Another window changes the same cart while this request is between its
            # PaymentIntent update and writing its lines.
            with app.app_context():
                checkout(app, cart_id, 3)
        return result

    monkeypatch.setattr(gateway, "update_payment_intent", overtaken_once)

    answer = checkout(app, cart_id, 2)

    assert answer["amount"] == 2 * PRICES[BOOM]
    assert stored(app) == ([(BOOM, 2)], 2 * PRICES[BOOM], 2 * PRICES[BOOM])
    # Ours, the other window's, then ours again on the newer revision: three distinct keys.
    assert len(keys) == 3 == len(set(keys))


def test_an_update_whose_answer_was_lost_is_set_again_by_the_next_checkout(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    cart_id = uuid.uuid4().hex
    checkout(app, cart_id, 1)
    gateway = app.extensions["payment_gateway"]
    update = gateway.update_payment_intent

    def applied_then_lost(intent_id: str, **changes: Any) -> PaymentIntent:
        update(intent_id, **changes)
        raise ProviderUnavailable("We couldn't reach our payment provider.", retry_after=5)

    monkeypatch.setattr(gateway, "update_payment_intent", applied_then_lost)
    lost = app.test_client().post(
        "/create-payment-intent", json={"items": [{"id": BOOM, "quantity": 4}], "cartId": cart_id}
    )
    assert lost.status_code == 503
    monkeypatch.setattr(gateway, "update_payment_intent", update)

    # The shopper went back to one copy: the order never changed, yet the PaymentIntent did;
    # its amount was marked unknown, so this checkout sets it again.
    checkout(app, cart_id, 1)

    assert stored(app) == ([(BOOM, 1)], PRICES[BOOM], PRICES[BOOM])
