"""Checkout against Stripe's API (answered by FakeStripe): the calls it makes, and how often."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from database_setup import SqliteDatabases
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from stripe_fakes import FakeStripe, form, server_error

from bookstore import create_app
from bookstore.catalogue_data import BOOKS
from bookstore.config import Settings
from bookstore.db import db
from bookstore.orders import Order

PRICES = {book["id"]: book["price"] for book in BOOKS}
BOOM, DREAM = "boom", "the-dream-machine"


def only_order(app: Flask) -> Order:
    """The one order there must be, as stored now."""
    with app.app_context():
        order = db.session.scalars(select(Order)).one()
        _ = order.lines  # loaded before the session ends
        return order


def cart(book_id: str, quantity: int, cart_id: str) -> dict[str, object]:
    """A create-payment-intent body."""
    return {"items": [{"id": book_id, "quantity": quantity}], "cartId": cart_id}


def test_a_new_cart_creates_one_payment_intent_for_the_server_amount(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    body = stripe_client.post(
        "/create-payment-intent", json=cart(BOOM, 2, uuid.uuid4().hex)
    ).get_json()

    [create] = fake_stripe.creates()
    sent = form(create)
    assert sent["amount"] == str(2 * PRICES[BOOM])
    assert sent["currency"] == "usd"
    token = only_order(stripe_app).token
    assert sent["metadata[order_token]"] == token
    assert create.headers["Idempotency-Key"] == f"order-{token}-create"
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
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = uuid.uuid4().hex
    first = stripe_client.post("/create-payment-intent", json=cart(BOOM, 1, cart_id)).get_json()
    second = stripe_client.post("/create-payment-intent", json=cart(DREAM, 3, cart_id)).get_json()

    assert len(fake_stripe.creates()) == 1
    [update] = fake_stripe.updates()
    assert update.url.endswith(f"/v1/payment_intents/{first['paymentIntentId']}")
    assert form(update) == {"amount": str(3 * PRICES[DREAM])}
    assert update.headers["Idempotency-Key"].startswith(
        f"order-{only_order(stripe_app).token}-update-rev2-"
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
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "payment_in_progress"

    fake_stripe.set_status(intent_id, "requires_payment_method")
    again = stripe_client.post("/create-payment-intent", json=cart(BOOM, 2, cart_id))

    assert again.status_code == 200
    assert fake_stripe.intents[intent_id]["amount"] == 2 * PRICES[BOOM]
    order = only_order(stripe_app)
    assert fake_stripe.intents[intent_id]["amount"] == order.amount == 2 * PRICES[BOOM]


def test_two_databases_on_one_stripe_account_never_get_each_others_payment_intents(
    sqlite_databases: SqliteDatabases,
    stripe_settings: Settings,
    fake_stripe: FakeStripe,
    tmp_path: Path,
) -> None:
    # A teammate's clone, staging on test keys, or a developer who deleted backend/instance/:
    # each database numbers its orders from 1, and FakeStripe keeps Stripe's idempotency rule
    # (a key replays its first answer; the same key with other parameters is a 400).
    shops = []
    for name in ("mine", "theirs"):
        (tmp_path / name).mkdir()
        url = sqlite_databases.fresh(tmp_path / name)
        shops.append(create_app(replace(stripe_settings, database_url=url)).test_client())
    mine, theirs = shops

    answers = [
        shop.post("/create-payment-intent", json=cart(BOOM, quantity, uuid.uuid4().hex))
        for quantity in (1, 2)
        for shop in (mine, theirs)
    ]

    assert [answer.status_code for answer in answers] == [200] * 4
    intents = [answer.get_json()["paymentIntentId"] for answer in answers]
    assert len(set(intents)) == 4
    assert len(fake_stripe.creates()) == 4


def test_a_cart_started_in_demo_mode_gets_a_stripe_payment_intent_once_keys_are_added(
    settings: Settings, stripe_settings: Settings, fake_stripe: FakeStripe
) -> None:
    cart_id = uuid.uuid4().hex
    demo = create_app(settings).test_client()
    before = demo.post("/create-payment-intent", json=cart(BOOM, 1, cart_id)).get_json()
    assert before["paymentIntentId"].startswith("pi_demo_")
    stripe_app = create_app(stripe_settings)
    old_token = only_order(stripe_app).token

    after = stripe_app.test_client().post("/create-payment-intent", json=cart(BOOM, 1, cart_id))

    assert after.status_code == 200
    body = after.get_json()
    assert list(fake_stripe.intents) == [body["paymentIntentId"]]
    assert body["clientSecret"] == fake_stripe.intents[body["paymentIntentId"]]["client_secret"]
    order = only_order(stripe_app)
    assert (order.gateway, order.payment_intent_id) == ("stripe_test", body["paymentIntentId"])
    # A new token: the demo PaymentIntent's events (and keys) name an order we no longer have.
    assert order.token != old_token
    assert form(fake_stripe.creates()[0])["metadata[order_token]"] == order.token


@pytest.mark.parametrize("stripe_status", ["succeeded", "requires_payment_method"])
def test_a_cart_change_stripe_refuses_leaves_the_order_as_it_was(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe, stripe_status: str
) -> None:
    cart_id = uuid.uuid4().hex
    first = stripe_client.post("/create-payment-intent", json=cart(BOOM, 1, cart_id)).get_json()
    if stripe_status == "succeeded":
        # Paid in another tab a moment ago; the webhook has not arrived yet.
        fake_stripe.set_status(first["paymentIntentId"], "succeeded")
    else:
        fake_stripe.fail("update", server_error(500))

    refused = stripe_client.post("/create-payment-intent", json=cart(DREAM, 3, cart_id))

    assert refused.status_code in (409, 503)
    order = only_order(stripe_app)
    assert [(line.book_id, line.quantity) for line in order.lines] == [(BOOM, 1)]
    assert order.amount == PRICES[BOOM]
    assert fake_stripe.intents[first["paymentIntentId"]]["amount"] == PRICES[BOOM]


def test_a_cart_change_after_the_payment_succeeded_elsewhere_is_a_conflict(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = uuid.uuid4().hex
    first = stripe_client.post("/create-payment-intent", json=cart(BOOM, 1, cart_id)).get_json()
    fake_stripe.set_status(first["paymentIntentId"], "succeeded")

    refused = stripe_client.post("/create-payment-intent", json=cart(BOOM, 2, cart_id))

    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "cart_already_paid"
