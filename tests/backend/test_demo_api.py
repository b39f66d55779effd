"""The /demo/payment_intents API the browser's Stripe.js stand-in calls, through Flask's client."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from checkout_requests import (
    DECLINED,
    INSUFFICIENT_FUNDS,
    NEEDS_AUTHENTICATION,
    PAYS,
    card,
    pay_body,
)
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bookstore.db import db
from bookstore.domain_errors import DomainError
from bookstore.orders import fulfilment
from bookstore.orders.fulfilment import ProcessedEvent
from bookstore.orders.models import Order
from bookstore.payments import current_gateway
from bookstore.payments.gateway import PaymentEvent

AUTHENTICATION_FAILED = (
    "We are unable to authenticate your payment method. "
    "Please choose a different payment method and try again."
)


def checkout(client: FlaskClient, quantity: int = 2) -> dict[str, Any]:
    """Start paying for the first book of the catalogue, as the checkout page does."""
    book = client.get("/api/books").get_json()["books"][0]
    response = client.post("/create-payment-intent", json=pay_body({book["id"]: quantity}))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    assert body["subtotal"] == book["price"] * quantity
    return body


def confirm(client: FlaskClient, payment: dict[str, Any], number: str = PAYS) -> Any:
    return client.post(
        f"/demo/payment_intents/{payment['paymentIntentId']}/confirm",
        json={"client_secret": payment["clientSecret"], "card": card(number)},
    )


def authenticate(client: FlaskClient, payment: dict[str, Any], approve: Any) -> Any:
    return client.post(
        f"/demo/payment_intents/{payment['paymentIntentId']}/authenticate",
        json={"client_secret": payment["clientSecret"], "approve": approve},
    )


def order(client: FlaskClient, payment: dict[str, Any]) -> dict[str, Any]:
    """What the server's own order record says (updated only by webhook events)."""
    response = client.get(
        f"/api/orders/{payment['paymentIntentId']}",
        query_string={"client_secret": payment["clientSecret"]},
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def processed_event_types(app: Flask) -> list[str]:
    """The types of the events applied so far."""
    with app.app_context():
        return list(db.session.scalars(select(ProcessedEvent.type)))


def processed_events(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0


# --- reading a PaymentIntent -----------------------------------------------------------------


def test_a_payment_intent_is_shown_for_its_client_secret(client: FlaskClient) -> None:
    payment = checkout(client)

    response = client.get(
        f"/demo/payment_intents/{payment['paymentIntentId']}",
        query_string={"client_secret": payment["clientSecret"]},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert {
        key: body[key]
        for key in (
            "id",
            "object",
            "amount",
            "currency",
            "status",
            "client_secret",
            "last_payment_error",
            "next_action",
        )
    } == {
        "id": payment["paymentIntentId"],
        "object": "payment_intent",
        "amount": payment["amount"],
        "currency": "usd",
        "status": "requires_payment_method",
        "client_secret": payment["clientSecret"],
        "last_payment_error": None,
        "next_action": None,
    }


def test_a_checkouts_payment_intent_names_its_order_by_a_random_token(
    app: Flask, client: FlaskClient
) -> None:
    payments = [checkout(client), checkout(client)]

    shown = [
        client.get(
            f"/demo/payment_intents/{payment['paymentIntentId']}",
            query_string={"client_secret": payment["clientSecret"]},
        ).get_json()["metadata"]
        for payment in payments
    ]

    with app.app_context():
        orders = [
            db.session.scalars(
                select(Order).where(Order.payment_intent_id == payment["paymentIntentId"])
            ).one()
            for payment in payments
        ]
        expected = [{"order_token": stored.token} for stored in orders]
        ids = [str(stored.id) for stored in orders]
    # Not the sequential id, which a second database on the same account counts too.
    assert shown == expected
    assert shown[0] != shown[1]
    assert not {metadata["order_token"] for metadata in shown} & set(ids)
    assert all(len(metadata["order_token"]) >= 20 for metadata in shown)


def test_wrong_missing_or_unknown_give_the_same_404(client: FlaskClient) -> None:
    payment = checkout(client)
    other = checkout(client)
    intent_id = payment["paymentIntentId"]

    responses = [
        client.get(f"/demo/payment_intents/{intent_id}", query_string={"client_secret": secret})
        for secret in (other["clientSecret"], payment["clientSecret"][:-1], "")
    ]
    responses.append(client.get(f"/demo/payment_intents/{intent_id}"))
    responses.append(
        client.get(
            "/demo/payment_intents/pi_demo_unknown",
            query_string={"client_secret": payment["clientSecret"]},
        )
    )

    assert {r.status_code for r in responses} == {404}
    assert {r.get_data() for r in responses} == {responses[0].get_data()}
    assert responses[0].get_json()["error"]["code"] == "not_found"


# --- paying ---------------------------------------------------------------------------------


def test_the_4242_card_pays_and_the_webhook_handler_marks_the_order_paid(
    app: Flask, client: FlaskClient
) -> None:
    payment = checkout(client)

    response = confirm(client, payment, PAYS)

    assert response.status_code == 200
    assert response.get_json()["status"] == "succeeded"
    assert response.get_json()["amount_received"] == payment["amount"]
    record = order(client, payment)
    assert (record["status"], record["paymentStatus"]) == ("paid", "succeeded")
    assert record["paidAt"] is not None
    assert record["paymentMethod"] == "Visa •••• 4242"
    # payment_intent.succeeded, then charge.succeeded (how it was paid), as Stripe sends them
    assert processed_events(app) == 2


@pytest.mark.parametrize(
    ("number", "decline_code", "message"),
    [
        (DECLINED, "generic_decline", "Your card was declined."),
        (INSUFFICIENT_FUNDS, "insufficient_funds", "Your card has insufficient funds."),
    ],
)
def test_a_declined_card_leaves_the_order_payable_with_stripes_message(
    app: Flask, client: FlaskClient, number: str, decline_code: str, message: str
) -> None:
    payment = checkout(client)

    response = confirm(client, payment, number)

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "requires_payment_method"
    assert body["last_payment_error"] == {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": decline_code,
        "message": message,
    }
    record = order(client, payment)
    assert (record["status"], record["failureMessage"]) == ("failed", message)
    assert processed_events(app) == 1  # payment_intent.payment_failed went through fulfilment


def test_after_a_decline_another_card_pays(client: FlaskClient) -> None:
    payment = checkout(client)
    confirm(client, payment, DECLINED)

    response = confirm(client, payment, PAYS)

    assert response.get_json()["status"] == "succeeded"
    assert response.get_json()["last_payment_error"] is None
    assert order(client, payment)["status"] == "paid"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"number": "4242424242424241"}, "incorrect_number"),
        ({"exp_month": 1, "exp_year": 2020}, "expired_card"),
        ({"cvc": "1"}, "invalid_cvc"),
    ],
)
def test_card_detail_errors_use_stripes_codes(
    client: FlaskClient, fields: dict[str, Any], code: str
) -> None:
    payment = checkout(client)

    response = client.post(
        f"/demo/payment_intents/{payment['paymentIntentId']}/confirm",
        json={"client_secret": payment["clientSecret"], "card": card(**fields)},
    )

    assert response.status_code == 200
    assert response.get_json()["status"] == "requires_payment_method"
    assert response.get_json()["last_payment_error"]["code"] == code


def test_paying_twice_is_refused_and_the_order_stays_paid(client: FlaskClient) -> None:
    payment = checkout(client)
    confirm(client, payment, PAYS)

    response = confirm(client, payment, DECLINED)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "payment_intent_unexpected_state"
    assert order(client, payment)["status"] == "paid"


def test_confirm_with_a_wrong_client_secret_is_a_404_and_pays_nothing(
    client: FlaskClient,
) -> None:
    payment = checkout(client)
    other = checkout(client)

    response = client.post(
        f"/demo/payment_intents/{payment['paymentIntentId']}/confirm",
        json={"client_secret": other["clientSecret"], "card": card(PAYS)},
    )

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert order(client, payment)["paymentStatus"] == "requires_payment_method"


# --- 3D Secure --------------------------------------------------------------------------------


def test_the_3155_card_asks_for_authentication_and_approval_pays(client: FlaskClient) -> None:
    payment = checkout(client)

    pending = confirm(client, payment, NEEDS_AUTHENTICATION).get_json()

    assert pending["status"] == "requires_action"
    assert pending["next_action"] == {"type": "demo_authenticate"}
    assert order(client, payment)["status"] == "pending"

    approved = authenticate(client, payment, True)

    assert approved.status_code == 200
    assert approved.get_json()["status"] == "succeeded"
    assert approved.get_json()["next_action"] is None
    assert order(client, payment)["status"] == "paid"


def test_failed_authentication_does_not_pay(client: FlaskClient) -> None:
    payment = checkout(client)
    confirm(client, payment, NEEDS_AUTHENTICATION)

    failed = authenticate(client, payment, False).get_json()

    assert failed["status"] == "requires_payment_method"
    assert failed["last_payment_error"]["code"] == "payment_intent_authentication_failure"
    assert failed["last_payment_error"]["message"] == AUTHENTICATION_FAILED
    record = order(client, payment)
    assert (record["status"], record["failureMessage"]) == ("failed", AUTHENTICATION_FAILED)


def test_authenticating_without_a_pending_challenge_is_refused(client: FlaskClient) -> None:
    payment = checkout(client)

    response = authenticate(client, payment, True)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "payment_intent_unexpected_state"
    assert order(client, payment)["status"] == "pending"


# --- request validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"client_secret": "x"}, "body"),  # no payment method at all
        ({"card": card()}, "client_secret"),
        ({"client_secret": "x", "card": card(exp_month="12")}, "card.exp_month"),
        ({"client_secret": "x", "card": card(exp_year=2030.0)}, "card.exp_year"),
        ({"client_secret": "x", "card": card(number=4242424242424242)}, "card.number"),
        ({"client_secret": "x", "card": card(cvc=123)}, "card.cvc"),
        ({"client_secret": "x", "card": card(number="4" * 40)}, "card.number"),
        ({"client_secret": "", "card": card()}, "client_secret"),
    ],
)
def test_confirm_bodies_are_validated_field_by_field(
    client: FlaskClient, body: dict[str, Any], field: str
) -> None:
    payment = checkout(client)

    response = client.post(f"/demo/payment_intents/{payment['paymentIntentId']}/confirm", json=body)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in [detail["field"] for detail in error["details"]]


@pytest.mark.parametrize("approve", ["yes", 1, None])
def test_approve_must_be_a_boolean(client: FlaskClient, approve: Any) -> None:
    payment = checkout(client)

    response = authenticate(client, payment, approve)

    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["field"] == "approve"


def test_non_json_bodies_get_the_api_errors(client: FlaskClient) -> None:
    payment = checkout(client)
    url = f"/demo/payment_intents/{payment['paymentIntentId']}/confirm"

    form = client.post(url, data={"client_secret": payment["clientSecret"]})
    broken = client.post(url, data="{not json", content_type="application/json")

    assert (form.status_code, form.get_json()["error"]["code"]) == (415, "unsupported_media_type")
    assert (broken.status_code, broken.get_json()["error"]["code"]) == (400, "invalid_json")


# --- card data, delivery problems, Stripe mode ------------------------------------------------


def test_card_details_never_reach_the_logs(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    payment = checkout(client)

    for number in (DECLINED, NEEDS_AUTHENTICATION, PAYS):
        confirm(client, payment, number)
    fresh = checkout(client)
    for cvc in (987, "9871"):  # a refused (not a string) CVC, then one that pays
        response = client.post(
            f"/demo/payment_intents/{fresh['paymentIntentId']}/confirm",
            json={"client_secret": fresh["clientSecret"], "card": card(cvc=cvc)},
        )
    assert response.get_json()["status"] == "succeeded"

    assert caplog.records  # the attempts were logged...
    messages = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (DECLINED, NEEDS_AUTHENTICATION, PAYS, payment["clientSecret"]):
        assert secret not in messages
    assert fresh["clientSecret"] not in messages  # ...without card data or the client secret
    # Ids are random hex and may hold "987" by chance: look for the CVCs as whole tokens.
    assert not re.search(r"(?<![0-9A-Za-z])9871?(?![0-9A-Za-z])", messages)


def test_a_payment_for_an_order_the_shop_never_made_is_acknowledged_as_ignored(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    # A PaymentIntent no order of this database names, as `stripe trigger` makes one.
    with app.app_context():
        intent = current_gateway().create_payment_intent(
            amount=100, currency="usd", order_token="tok_not_this_shops", idempotency_key="orphan"
        )

    response = confirm(
        client, {"paymentIntentId": intent.id, "clientSecret": intent.client_secret}, PAYS
    )

    assert response.status_code == 200
    assert response.get_json()["status"] == "succeeded"
    assert f"Demo payment_intent.succeeded for {intent.id}: ignored" in caplog.messages
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert processed_events(app) == 0


def test_a_payment_whose_event_cannot_be_applied_still_succeeds(
    app: Flask,
    client: FlaskClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    payment = checkout(client)

    def cannot_apply(order: Order, event: PaymentEvent) -> None:
        raise DomainError("The order could not be updated.", code="order_update_failed")

    monkeypatch.setitem(fulfilment._APPLY, "succeeded", cannot_apply)

    response = confirm(client, payment, PAYS)

    # The payment itself stands, as on Stripe when a webhook delivery fails.
    assert response.status_code == 200
    assert response.get_json()["status"] == "succeeded"
    failures = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert [record.name for record in failures] == ["bookstore.payments.demo.delivery"]
    assert "order_update_failed" in failures[0].getMessage()
    # Rolled back, so a later delivery may still apply it; only charge.succeeded (how it was
    # paid, which changes no status) went through.
    assert processed_event_types(app) == ["charge.succeeded"]
    record = order(client, payment)
    assert (record["status"], record["paymentStatus"]) == ("pending", "succeeded")


def test_demo_routes_do_not_exist_in_stripe_mode(stripe_client: FlaskClient) -> None:
    get = stripe_client.get("/demo/payment_intents/pi_123", query_string={"client_secret": "x"})
    post = stripe_client.post(
        "/demo/payment_intents/pi_123/confirm", json={"client_secret": "x", "card": card()}
    )

    assert (get.status_code, post.status_code) == (404, 404)
    assert get.get_json()["error"]["code"] == "not_found"
