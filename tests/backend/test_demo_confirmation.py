"""Demo mode's Pay, finalised on the server: a ConfirmationToken, then one Pay that confirms.

POST /demo/confirmation_tokens keeps the outcome Stripe's test cards give and a preview of the
payment method, never the card number; Pay confirms the order's PaymentIntent with it exactly
as the /confirm route applies an attempt, and the events Stripe would send follow the call.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from checkout_requests import (
    DECLINED,
    INSUFFICIENT_FUNDS,
    NEEDS_AUTHENTICATION,
    PAYS,
    RETURN_URL,
    card,
    confirmed,
    demo_token,
    new_cart_id,
    paid,
    pay,
)
from demo_timers import Timers, hold_timers
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text, update

from bookstore.catalogue.stock import held_copies
from bookstore.db import db, utcnow
from bookstore.jobs.queue import run_due
from bookstore.payments.demo.cards import SEPA_FAILS, SEPA_SUCCEEDS
from bookstore.payments.demo.delivery import DEMO_EVENT_KIND, SETTLE_AFTER_SECONDS
from bookstore.payments.demo.models import DemoConfirmationToken

BOOM = "boom"


@pytest.fixture
def timers(app: Flask) -> Timers:
    """The app's demo scheduler, run by hand: events go out when the test says."""
    return hold_timers(app)


def order(client: FlaskClient, payment: dict[str, Any]) -> dict[str, Any]:
    """What the success page sees."""
    response = client.get(
        f"/api/orders/{payment['paymentIntentId']}",
        query_string={"client_secret": payment["clientSecret"]},
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def intent(client: FlaskClient, payment: dict[str, Any]) -> dict[str, Any]:
    """The PaymentIntent as Stripe.js's retrievePaymentIntent (handleNextAction) sees it."""
    response = client.get(
        f"/demo/payment_intents/{payment['paymentIntentId']}",
        query_string={"client_secret": payment["clientSecret"]},
    )
    body: dict[str, Any] = response.get_json()
    return body


def test_a_token_is_a_preview_of_the_card_never_the_card(app: Flask, client: FlaskClient) -> None:
    response = client.post("/demo/confirmation_tokens", json={"card": card(PAYS)})

    assert response.status_code == 200
    token = response.get_json()
    assert token["id"].startswith("ctoken_demo_")
    assert token["object"] == "confirmation_token"
    assert token["payment_method_preview"] == {
        "type": "card",
        "card": {"brand": "visa", "last4": "4242"},
    }
    assert token["expires_at"] > token["created"]
    assert token["livemode"] is False
    with app.app_context():
        dumped = db.session.execute(text("SELECT * FROM demo_confirmation_tokens")).all()
    assert PAYS not in repr(dumped) and "123" not in repr([row[1:6] for row in dumped])


def test_the_4242_card_pays_at_pay_and_the_events_follow_the_call(
    client: FlaskClient, timers: Timers
) -> None:
    payment = paid(client, {BOOM: 2}, new_cart_id(), **confirmed(demo_token(client, PAYS)))

    assert payment["status"] == "succeeded"
    assert order(client, payment)["status"] == "pending"  # the webhook has not come yet
    timers.run_all()
    record = order(client, payment)
    assert (record["status"], record["paymentStatus"]) == ("paid", "succeeded")
    assert record["paymentMethod"] == "Visa •••• 4242"


def test_the_events_after_pay_are_jobs_the_worker_delivers_once(
    app: Flask, client: FlaskClient
) -> None:
    # The app's own scheduler: payment_intent.succeeded and charge.succeeded are written as
    # jobs when Pay confirms, due at once, for the worker process.
    payment = paid(client, {BOOM: 2}, new_cart_id(), **confirmed(demo_token(client, PAYS)))
    before = order(client, payment)["status"]

    with app.app_context():
        delivered = run_due([DEMO_EVENT_KIND])
        again = run_due([DEMO_EVENT_KIND])

    assert (payment["status"], before) == ("succeeded", "pending")
    assert (delivered, again) == (2, 0)
    record = order(client, payment)
    assert (record["status"], record["paymentStatus"]) == ("paid", "succeeded")


def test_a_3d_secure_card_waits_for_the_shopper_then_pays(
    client: FlaskClient, timers: Timers
) -> None:
    payment = paid(client, {BOOM: 1}, **confirmed(demo_token(client, NEEDS_AUTHENTICATION)))

    assert payment["status"] == "requires_action"
    assert intent(client, payment)["next_action"] == {"type": "demo_authenticate"}
    timers.run_all()  # nothing to send until it is decided
    assert order(client, payment)["status"] == "pending"

    approved = client.post(
        f"/demo/payment_intents/{payment['paymentIntentId']}/authenticate",
        json={"client_secret": payment["clientSecret"], "approve": True},
    )

    assert approved.get_json()["status"] == "succeeded"
    assert order(client, payment)["status"] == "paid"


def test_a_bank_redirect_sends_the_shopper_to_the_bank_and_back(
    client: FlaskClient, timers: Timers
) -> None:
    token = demo_token(client, bank_redirect={})
    payment = paid(client, {BOOM: 1}, **confirmed(token))

    assert payment["status"] == "requires_action"
    action = intent(client, payment)["next_action"]
    assert action["type"] == "redirect_to_url"
    assert action["redirect_to_url"]["return_url"] == RETURN_URL
    decided = client.post(
        action["redirect_to_url"]["url"].split("?")[0],
        data={"client_secret": payment["clientSecret"], "decision": "approve"},
    )
    assert decided.status_code == 303
    assert decided.headers["Location"].startswith(RETURN_URL)
    assert order(client, payment)["status"] == "paid"


@pytest.mark.parametrize(("iban", "status"), [(SEPA_SUCCEEDS, "paid"), (SEPA_FAILS, "failed")])
def test_a_sepa_debit_is_processing_then_settles(
    client: FlaskClient, timers: Timers, iban: str, status: str
) -> None:
    payment = paid(client, {BOOM: 1}, **confirmed(demo_token(client, sepa_debit={"iban": iban})))

    assert payment["status"] == "processing"
    timers.run_all()  # processing, then the bank's answer SETTLE_AFTER_SECONDS later
    assert order(client, payment)["status"] == status
    assert SETTLE_AFTER_SECONDS > 0


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (DECLINED, "Your card was declined."),
        (INSUFFICIENT_FUNDS, "Your card has insufficient funds."),
    ],
)
def test_a_declined_card_is_a_402_and_another_card_pays_the_same_payment_intent(
    app: Flask, client: FlaskClient, timers: Timers, number: str, message: str
) -> None:
    cart_id = new_cart_id()
    declined = pay(client, {BOOM: 1}, cart_id, **confirmed(demo_token(client, number)))

    assert declined.status_code == 402
    assert declined.get_json()["error"] == {"code": "card_declined", "message": message}
    timers.run_all()  # payment_intent.payment_failed: the copies go back
    with app.app_context():
        assert held_copies([BOOM], utcnow()) == {}

    again = paid(client, {BOOM: 1}, cart_id, **confirmed(demo_token(client, PAYS)))
    timers.run_all()

    assert again["status"] == "succeeded"
    record = order(client, again)
    assert (record["status"], record["failureMessage"]) == ("paid", None)
    with app.app_context():
        assert (
            db.session.scalars(select(DemoConfirmationToken.payment_intent_id)).all()
            == [again["paymentIntentId"]] * 2
        )


def test_a_card_detail_error_is_a_402_with_stripes_code(client: FlaskClient) -> None:
    token = demo_token(client, card=card("4242424242424241"))

    response = pay(client, {BOOM: 1}, **confirmed(token))

    assert response.status_code == 402
    assert response.get_json()["error"]["code"] == "incorrect_number"


def test_a_token_is_used_once(client: FlaskClient, timers: Timers) -> None:
    token = demo_token(client, DECLINED)
    cart_id = new_cart_id()
    assert pay(client, {BOOM: 1}, cart_id, **confirmed(token)).status_code == 402

    again = pay(client, {BOOM: 1}, cart_id, **confirmed(token))

    assert again.status_code == 502
    assert again.get_json()["error"]["code"] == "payment_provider_error"


def test_an_expired_token_is_refused(app: Flask, client: FlaskClient) -> None:
    token = demo_token(client, PAYS)
    with app.app_context():
        db.session.execute(
            update(DemoConfirmationToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()

    response = pay(client, {BOOM: 1}, **confirmed(token))

    assert response.status_code == 502


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "validation_error"),
        ({"card": card(), "sepa_debit": {"iban": SEPA_SUCCEEDS}}, "validation_error"),
        ({"bank_redirect": {}}, "validation_error"),
        ({"card": {"number": PAYS}}, "validation_error"),
        ({"bank_redirect": {}, "return_url": "https://evil.example/"}, "invalid_return_url"),
    ],
)
def test_token_bodies_are_checked_as_the_confirm_routes_are(
    client: FlaskClient, body: dict[str, Any], code: str
) -> None:
    response = client.post("/demo/confirmation_tokens", json=body)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
