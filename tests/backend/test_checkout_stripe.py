"""Checkout against Stripe's API (answered by FakeStripe): the calls it makes, and how often."""

from __future__ import annotations

import uuid

from flask import Flask
from flask.testing import FlaskClient
from stripe_fakes import FakeStripe, form

from bookstore.catalogue_data import BOOKS
from bookstore.db import db
from bookstore.orders import Order

PRICES = {book["id"]: book["price"] for book in BOOKS}
BOOM, DREAM = "boom", "the-dream-machine"


def cart(book_id: str, quantity: int, cart_id: str) -> dict[str, object]:
    """A create-payment-intent body."""
    return {"items": [{"id": book_id, "quantity": quantity}], "cartId": cart_id}


def test_a_new_cart_creates_one_payment_intent_for_the_server_amount(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    body = stripe_client.post(
        "/create-payment-intent", json=cart(BOOM, 2, uuid.uuid4().hex)
    ).get_json()

    [create] = fake_stripe.creates()
    sent = form(create)
    assert sent["amount"] == str(2 * PRICES[BOOM])
    assert sent["currency"] == "usd"
    assert sent["metadata[order_id]"] == str(body["orderId"])
    assert create.headers["Idempotency-Key"] == f"order-{body['orderId']}-create"
    assert list(fake_stripe.intents) == [body["paymentIntentId"]]
    assert body["clientSecret"] == fake_stripe.intents[body["paymentIntentId"]]["client_secret"]


def test_the_same_cart_again_makes_no_stripe_call(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    body = cart(BOOM, 1, uuid.uuid4().hex)
    first = stripe_client.post("/create-payment-intent", json=body).get_json()
    calls = len(fake_stripe.requests())

    second = stripe_client.post("/create-payment-intent", json=body).get_json()

    assert second["paymentIntentId"] == first["paymentIntentId"]
    assert len(fake_stripe.requests()) == calls == 1


def test_a_changed_cart_updates_the_amount_instead_of_creating_again(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = uuid.uuid4().hex
    first = stripe_client.post("/create-payment-intent", json=cart(BOOM, 1, cart_id)).get_json()
    second = stripe_client.post("/create-payment-intent", json=cart(DREAM, 3, cart_id)).get_json()

    assert len(fake_stripe.creates()) == 1
    [update] = fake_stripe.updates()
    assert update.url.endswith(f"/v1/payment_intents/{first['paymentIntentId']}")
    assert form(update) == {"amount": str(3 * PRICES[DREAM])}
    assert update.headers["Idempotency-Key"] == (
        f"order-{first['orderId']}-amount-{3 * PRICES[DREAM]}-rev2"
    )
    assert second["paymentIntentId"] == first["paymentIntentId"]
    assert fake_stripe.intents[first["paymentIntentId"]]["amount"] == 3 * PRICES[DREAM]


def test_changing_back_uses_a_fresh_idempotency_key(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = uuid.uuid4().hex
    for quantity in (1, 2, 1, 2):
        stripe_client.post("/create-payment-intent", json=cart(BOOM, quantity, cart_id))
    keys = [update.headers["Idempotency-Key"] for update in fake_stripe.updates()]
    assert len(keys) == 3 == len(set(keys))
    [intent] = fake_stripe.intents.values()
    assert intent["amount"] == 2 * PRICES[BOOM]


def test_a_failed_update_is_retried_on_the_next_call(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = uuid.uuid4().hex
    first = stripe_client.post("/create-payment-intent", json=cart(BOOM, 1, cart_id)).get_json()
    intent_id = first["paymentIntentId"]
    fake_stripe.set_status(intent_id, "processing")  # Stripe refuses amount changes now

    refused = stripe_client.post("/create-payment-intent", json=cart(BOOM, 2, cart_id))
    assert refused.status_code == 502
    assert refused.get_json()["error"]["code"] == "payment_provider_error"

    fake_stripe.set_status(intent_id, "requires_payment_method")
    again = stripe_client.post("/create-payment-intent", json=cart(BOOM, 2, cart_id))

    assert again.status_code == 200
    assert fake_stripe.intents[intent_id]["amount"] == 2 * PRICES[BOOM]
    with stripe_app.app_context():
        order = db.session.get(Order, first["orderId"])
        assert order is not None and order.intent_amount == order.amount == 2 * PRICES[BOOM]
