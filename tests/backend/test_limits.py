"""Hostile checkout bodies: too big, wrong type, absurd numbers, fields that try to set the price.

Each case is built so that it would succeed if its protection were missing (a valid cart
padded past the size limit, valid JSON sent as text/plain, 51 lines of real books...), and
checks that no order and no PaymentIntent came of it.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from checkout_requests import pay_body
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from stripe_fakes import FakeStripe, form

from bookstore import MAX_CONTENT_LENGTH
from bookstore.catalogue.data import BOOKS
from bookstore.config import Settings
from bookstore.db import db
from bookstore.orders.models import Order, find_order_by_payment_intent
from bookstore.payments.demo.models import DemoPaymentIntent

PRICES = {str(book["id"]): int(str(book["price"])) for book in BOOKS}
DREAM = "the-dream-machine"
CART = pay_body({DREAM: 1})


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """One test client holds fifty copies here: past the default cap on one client's holds."""
    return settings.replace(hold_limit_per_client=1000)


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def nothing_was_created(app: Flask) -> bool:
    """No order and no (demo) PaymentIntent exist."""
    return count(app, Order) == 0 and count(app, DemoPaymentIntent) == 0


def error_code(response: Any) -> str:
    code: str = response.get_json()["error"]["code"]
    return code


# --- size -------------------------------------------------------------------------------------


def test_a_valid_cart_padded_past_the_size_limit_is_413(app: Flask, client: FlaskClient) -> None:
    body = json.dumps({**CART, "note": "x" * MAX_CONTENT_LENGTH}).encode()

    response = client.post("/create-payment-intent", data=body, content_type="application/json")

    assert (response.status_code, error_code(response)) == (413, "payload_too_large")
    assert nothing_was_created(app)


def test_a_chunked_body_without_a_length_is_cut_off_at_the_limit(
    app: Flask, client: FlaskClient
) -> None:
    body = json.dumps({**CART, "note": "x" * MAX_CONTENT_LENGTH}).encode()

    response = client.post(
        "/create-payment-intent",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        # What a server that decodes chunked bodies (werkzeug's, gunicorn) tells the app.
        environ_overrides={"wsgi.input_terminated": True},
    )

    assert response.status_code == 413
    assert nothing_was_created(app)


@pytest.mark.parametrize("path", ["/webhook", "/demo/payment_intents/pi_demo_x/confirm"])
def test_other_bodies_have_the_same_limit(client: FlaskClient, path: str) -> None:
    response = client.post(
        path,
        data=b"{" + b" " * MAX_CONTENT_LENGTH + b"}",
        headers={"Stripe-Signature": "t=1,v1=00"},
        content_type="application/json",
    )

    assert (response.status_code, error_code(response)) == (413, "payload_too_large")


# --- content type -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_valid_json_under_another_content_type_is_415(
    app: Flask, client: FlaskClient, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}

    response = client.post("/create-payment-intent", data=json.dumps(CART), headers=headers)

    assert (response.status_code, error_code(response)) == (415, "unsupported_media_type")
    assert nothing_was_created(app)


# --- absurd numbers and sizes -------------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity", [-1, 10**30, 2**63, 1e300, float("inf"), -0.0, 10.5, "1e3", [1], {"n": 1}]
)
def test_absurd_quantities_are_400_and_create_nothing(
    app: Flask, client: FlaskClient, quantity: Any
) -> None:
    body = json.dumps({**CART, "items": [{"id": DREAM, "quantity": quantity}]}, allow_nan=True)

    response = client.post("/create-payment-intent", data=body, content_type="application/json")

    assert (response.status_code, error_code(response)) == (400, "validation_error")
    assert nothing_was_created(app)


def test_too_many_lines_are_400_even_of_real_books(app: Flask, client: FlaskClient) -> None:
    # 51 lines over the 15 books: no book passes the per-book limit, only the line count does.
    ids = list(PRICES)
    lines = [{"id": ids[n % len(ids)], "quantity": 1} for n in range(51)]

    response = client.post("/create-payment-intent", json={**CART, "items": lines})

    assert (response.status_code, error_code(response)) == (400, "validation_error")
    assert response.get_json()["error"]["details"][0]["field"] == "items"
    assert nothing_was_created(app)


def test_fifty_lines_are_fine(client: FlaskClient) -> None:
    # Titles with copies enough for four each (the catalogue has a sold-out and a scarce one).
    ids = [book["id"] for book in BOOKS if book["stock"] >= 10]
    lines = [{"id": ids[n % len(ids)], "quantity": 1} for n in range(50)]

    response = client.post("/create-payment-intent", json={**CART, "items": lines})

    assert response.status_code == 200
    assert response.get_json()["subtotal"] == sum(PRICES[line["id"]] for line in lines)


def test_absurdly_deep_json_is_400_not_a_crash(app: Flask, client: FlaskClient) -> None:
    depth = (MAX_CONTENT_LENGTH - 100) // 2
    body = b'{"items": ' + b"[" * depth + b"]" * depth + b"}"

    response = client.post("/create-payment-intent", data=body, content_type="application/json")

    assert (response.status_code, error_code(response)) == (400, "invalid_json")
    assert nothing_was_created(app)


def test_a_whole_number_written_with_a_point_is_that_number(client: FlaskClient) -> None:
    body = json.dumps({**CART, "items": [{"id": DREAM, "quantity": 2.0}]})

    response = client.post("/create-payment-intent", data=body, content_type="application/json")

    assert response.status_code == 200
    assert response.get_json()["subtotal"] == 2 * PRICES[DREAM]


# --- fields that try to set what only the server decides ----------------------------------------

TAMPERING = {
    "amount": 1,
    "price": 1,
    "currency": "jpy",
    "status": "paid",
    "orderId": 1,
    "order_id": 1,
    "paymentIntentId": "pi_somebody_else",
    "clientSecret": "pi_somebody_else_secret_x",
    "paidAt": "2020-01-01T00:00:00Z",
}
TAMPERED_LINE = {"price": 1, "unitAmount": 1, "lineTotal": 1, "amount": 1, "title": "Free"}


def test_fields_that_set_price_amount_currency_or_status_are_ignored(
    app: Flask, client: FlaskClient
) -> None:
    body = {**CART, **TAMPERING, "items": [{"id": DREAM, "quantity": 2, **TAMPERED_LINE}]}

    payment = client.post("/create-payment-intent", json=body).get_json()

    honest = client.post("/api/quote", json=pay_body({DREAM: 2})).get_json()
    assert (payment["amount"], payment["currency"]) == (honest["amount"], "usd")
    assert payment["subtotal"] == 2 * PRICES[DREAM]
    assert payment["items"][0]["unitAmount"] == PRICES[DREAM]
    assert payment["items"][0]["title"] == "The Dream Machine"
    assert payment["paymentIntentId"] != TAMPERING["paymentIntentId"]
    order = client.get(
        f"/api/orders/{payment['paymentIntentId']}",
        query_string={"client_secret": payment["clientSecret"]},
    ).get_json()
    assert (order["status"], order["amount"], order["paidAt"]) == (
        "pending",
        honest["amount"],
        None,
    )


def test_naming_another_shoppers_order_does_not_touch_it(app: Flask, client: FlaskClient) -> None:
    theirs = client.post("/create-payment-intent", json=CART).get_json()

    mine = client.post(
        "/create-payment-intent",
        json={
            **CART,
            "items": [{"id": "boom", "quantity": 3}],
            "orderNumber": theirs["orderNumber"],
            "orderId": 1,
            "order_id": 1,
            "paymentIntentId": theirs["paymentIntentId"],
            "clientSecret": theirs["clientSecret"],
        },
    ).get_json()

    assert mine["orderNumber"] != theirs["orderNumber"]
    assert mine["paymentIntentId"] != theirs["paymentIntentId"]
    their_order = client.get(
        f"/api/orders/{theirs['paymentIntentId']}",
        query_string={"client_secret": theirs["clientSecret"]},
    ).get_json()
    assert their_order["amount"] == theirs["amount"]
    assert [line["id"] for line in their_order["items"]] == [DREAM]


def test_in_stripe_mode_stripe_is_asked_for_the_servers_amount_only(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    body = {**CART, **TAMPERING, "items": [{"id": DREAM, "quantity": 2, **TAMPERED_LINE}]}

    payment = stripe_client.post("/create-payment-intent", json=body).get_json()

    [create] = fake_stripe.creates()
    sent = form(create)
    assert payment["subtotal"] == 2 * PRICES[DREAM]
    assert (sent["amount"], sent["currency"]) == (str(payment["amount"]), "usd")
    with stripe_app.app_context():
        order = find_order_by_payment_intent(payment["paymentIntentId"])
        assert order is not None
        assert sent["metadata[order_token]"] == order.token
    assert not {key for key in sent if "status" in key or "price" in key}
