"""Pay against Stripe's API (answered by FakeStripe): the calls it makes, and how often.

FakeStripe keeps Stripe's rules: an idempotency key replays its first answer and refuses other
parameters, a ConfirmationToken is used once, a paid PaymentIntent cannot change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from checkout_requests import EMAIL, RETURN_URL, confirmed, new_cart_id, paid, pay
from database_setup import SqliteDatabases
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from stripe_fakes import FakeStripe, form, server_error

from bookstore import create_app
from bookstore.catalogue.data import BOOKS
from bookstore.config import Settings
from bookstore.db import db
from bookstore.orders.models import Order

PRICES = {book["id"]: book["price"] for book in BOOKS}
BOOM, DREAM = "boom", "the-dream-machine"


def only_order(app: Flask) -> Order:
    """The one order there must be, as stored now."""
    with app.app_context():
        order = db.session.scalars(select(Order)).one()
        _ = order.lines  # loaded before the session ends
        return order


def test_a_new_cart_creates_one_payment_intent_for_the_complete_order(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    body = paid(stripe_client, {BOOM: 2}, new_cart_id())

    [create] = fake_stripe.creates()
    sent = form(create)
    assert sent["amount"] == str(body["amount"])
    assert sent["currency"] == "usd"
    assert (sent["receipt_email"], sent["shipping[address][postal_code]"]) == (EMAIL, "94080")
    order = only_order(stripe_app)
    assert sent["metadata[order_token]"] == order.token
    assert create.headers["Idempotency-Key"] == (
        f"order-{order.token}-create-{order.intent_fingerprint}"
    )
    assert list(fake_stripe.intents) == [body["paymentIntentId"]]
    assert body["clientSecret"] == fake_stripe.intents[body["paymentIntentId"]]["client_secret"]
    assert body["status"] == "requires_payment_method"
    assert fake_stripe.confirms() == []  # no ConfirmationToken: the caller confirms it


def test_pay_with_a_confirmation_token_confirms_on_the_server_with_the_return_url(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    token = fake_stripe.confirmation_token("pm_card_visa")

    body = paid(stripe_client, {BOOM: 1}, new_cart_id(), **confirmed(token))

    assert body["status"] == "succeeded"
    [confirm] = fake_stripe.confirms()
    assert confirm.url.endswith(f"/v1/payment_intents/{body['paymentIntentId']}/confirm")
    assert form(confirm) == {"confirmation_token": token, "return_url": RETURN_URL}
    order = only_order(stripe_app)
    assert confirm.headers["Idempotency-Key"] == f"order-{order.token}-confirm-rev1"
    assert fake_stripe.intents[body["paymentIntentId"]]["amount_received"] == body["amount"]
    assert order.paying_until is None


def test_a_3d_secure_card_answers_requires_action_for_the_page_to_handle(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    token = fake_stripe.confirmation_token("pm_card_authenticationRequired")

    body = paid(stripe_client, {BOOM: 1}, new_cart_id(), **confirmed(token))

    assert body["status"] == "requires_action"
    assert body["clientSecret"]  # for stripe.handleNextAction


def test_a_declined_card_is_a_402_and_another_card_pays_the_same_payment_intent(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart_id()
    declined = pay(
        stripe_client,
        {BOOM: 1},
        cart_id,
        **confirmed(fake_stripe.confirmation_token("pm_card_visa_chargeDeclinedInsufficientFunds")),
    )

    assert declined.status_code == 402
    assert declined.get_json() == {
        "error": {"code": "card_declined", "message": "Your card has insufficient funds."}
    }
    order = only_order(stripe_app)
    assert order.payment_intent_id is not None and order.paying_until is None

    again = paid(
        stripe_client,
        {BOOM: 1},
        cart_id,
        **confirmed(fake_stripe.confirmation_token("pm_card_visa")),
    )

    assert again["paymentIntentId"] == order.payment_intent_id
    assert again["status"] == "succeeded"
    assert len(fake_stripe.creates()) == 1
    assert fake_stripe.updates() == []  # nothing changed: confirmed as it was
    keys = [confirm.headers["Idempotency-Key"] for confirm in fake_stripe.confirms()]
    assert keys == [f"order-{order.token}-confirm-rev1", f"order-{order.token}-confirm-rev2"]


def test_a_used_confirmation_token_is_refused_as_stripe_refuses_it(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    token = fake_stripe.confirmation_token("pm_card_visa_chargeDeclinedInsufficientFunds")
    cart_id = new_cart_id()
    assert pay(stripe_client, {BOOM: 1}, cart_id, **confirmed(token)).status_code == 402

    reused = pay(stripe_client, {BOOM: 1}, cart_id, **confirmed(token))

    assert reused.status_code == 502
    assert reused.get_json()["error"]["code"] == "payment_provider_error"


def test_the_same_cart_again_changes_nothing_at_stripe(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart_id()
    first = paid(stripe_client, {BOOM: 1}, cart_id)

    second = paid(stripe_client, {BOOM: 1}, cart_id)

    assert second["paymentIntentId"] == first["paymentIntentId"]
    assert len(fake_stripe.creates()) == 1
    assert fake_stripe.updates() == []
    assert len(fake_stripe.requests("GET")) == 1  # its status, for the answer


def test_a_changed_cart_updates_the_amount_instead_of_creating_again(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart_id()
    first = paid(stripe_client, {BOOM: 1}, cart_id)
    second = paid(stripe_client, {DREAM: 3}, cart_id)

    assert len(fake_stripe.creates()) == 1
    [update] = fake_stripe.updates()
    assert update.url.endswith(f"/v1/payment_intents/{first['paymentIntentId']}")
    assert form(update)["amount"] == str(second["amount"])
    assert update.headers["Idempotency-Key"].startswith(
        f"order-{only_order(stripe_app).token}-update-rev2-"
    )
    assert second["paymentIntentId"] == first["paymentIntentId"]
    assert fake_stripe.intents[first["paymentIntentId"]]["amount"] == second["amount"]


def test_changing_back_uses_a_fresh_idempotency_key(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart_id()
    answers = [paid(stripe_client, {BOOM: quantity}, cart_id) for quantity in (1, 2, 1, 2)]
    keys = [update.headers["Idempotency-Key"] for update in fake_stripe.updates()]
    assert len(keys) == 3 == len(set(keys))
    [intent] = fake_stripe.intents.values()
    assert intent["amount"] == answers[-1]["amount"]


def test_a_change_while_the_payment_is_processing_at_stripe_is_refused_until_it_is_not(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart_id()
    first = paid(stripe_client, {BOOM: 1}, cart_id)
    intent_id = first["paymentIntentId"]
    fake_stripe.set_status(intent_id, "processing")  # its webhook has not arrived yet

    refused = pay(stripe_client, {BOOM: 2}, cart_id)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "payment_in_progress"
    assert only_order(stripe_app).amount == first["amount"]  # the order keeps what is paid

    fake_stripe.set_status(intent_id, "requires_payment_method")  # the debit failed
    again = paid(stripe_client, {BOOM: 2}, cart_id)

    assert fake_stripe.intents[intent_id]["amount"] == again["amount"]
    assert only_order(stripe_app).amount == again["amount"]


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
        shops.append(create_app(stripe_settings.replace(database_url=url)).test_client())
    mine, theirs = shops

    answers = [
        pay(shop, {BOOM: quantity}, new_cart_id()) for quantity in (1, 2) for shop in (mine, theirs)
    ]

    assert [answer.status_code for answer in answers] == [200] * 4
    intents = [answer.get_json()["paymentIntentId"] for answer in answers]
    assert len(set(intents)) == 4
    assert len(fake_stripe.creates()) == 4


def test_a_cart_started_in_demo_mode_gets_a_stripe_payment_intent_once_keys_are_added(
    settings: Settings, stripe_settings: Settings, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart_id()
    demo = create_app(settings).test_client()
    before = paid(demo, {BOOM: 1}, cart_id)
    assert before["paymentIntentId"].startswith("pi_demo_")
    stripe_app = create_app(stripe_settings)
    old_token = only_order(stripe_app).token

    body = paid(stripe_app.test_client(), {BOOM: 1}, cart_id)

    assert list(fake_stripe.intents) == [body["paymentIntentId"]]
    assert body["clientSecret"] == fake_stripe.intents[body["paymentIntentId"]]["client_secret"]
    order = only_order(stripe_app)
    assert (order.gateway, order.payment_intent_id) == ("stripe_test", body["paymentIntentId"])
    # A new token: the demo PaymentIntent's events (and keys) name an order we no longer have.
    assert order.token != old_token
    assert form(fake_stripe.creates()[0])["metadata[order_token]"] == order.token


def test_a_cart_change_after_the_payment_succeeded_elsewhere_is_a_conflict_and_changes_nothing(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart_id()
    first = paid(stripe_client, {BOOM: 1}, cart_id)
    # Paid in another tab a moment ago; the webhook has not arrived yet.
    fake_stripe.set_status(first["paymentIntentId"], "succeeded")

    refused = pay(stripe_client, {DREAM: 3}, cart_id)

    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "cart_already_paid"
    order = only_order(stripe_app)
    assert [(line.book_id, line.quantity) for line in order.lines] == [(BOOM, 1)]
    assert order.amount == first["amount"]
    assert fake_stripe.intents[first["paymentIntentId"]]["amount"] == first["amount"]
    assert fake_stripe.updates() == []


def test_a_change_stripe_cannot_take_now_is_sent_again_by_the_next_pay(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart_id()
    first = paid(stripe_client, {BOOM: 1}, cart_id)
    fake_stripe.fail("update", server_error(500))

    outage = pay(stripe_client, {DREAM: 3}, cart_id)

    assert outage.status_code == 503
    # The order is the shopper's latest Pay; its PaymentIntent is marked unsure of it.
    order = only_order(stripe_app)
    assert (order.intent_fingerprint, order.paying_until) == (None, None)
    assert fake_stripe.intents[first["paymentIntentId"]]["amount"] == first["amount"]

    again = paid(stripe_client, {DREAM: 3}, cart_id)

    assert fake_stripe.intents[first["paymentIntentId"]]["amount"] == again["amount"]
    assert only_order(stripe_app).amount == again["amount"]


@pytest.mark.parametrize("status", ["succeeded", "processing"])
def test_a_confirmation_stripe_refuses_because_it_was_paid_elsewhere_says_so(
    stripe_client: FlaskClient, fake_stripe: FakeStripe, status: str
) -> None:
    cart_id = new_cart_id()
    first = paid(stripe_client, {BOOM: 1}, cart_id)
    fake_stripe.set_status(first["paymentIntentId"], status)

    response = pay(stripe_client, {BOOM: 1}, cart_id, **confirmed(fake_stripe.confirmation_token()))

    assert response.status_code == 409
    expected = "cart_already_paid" if status == "succeeded" else "payment_in_progress"
    assert response.get_json()["error"]["code"] == expected
