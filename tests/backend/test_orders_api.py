"""GET /api/orders/<payment_intent_id>: only for the holder of the client secret."""

from __future__ import annotations

from typing import Any

import pytest
from checkout_requests import pay_body
from flask import Flask
from flask.testing import FlaskClient
from stripe_fakes import FakeStripe

from bookstore.catalogue.data import BOOKS
from bookstore.db import db
from bookstore.orders.models import find_order_by_number

PRICES = {book["id"]: book["price"] for book in BOOKS}


def start_checkout(client: FlaskClient) -> dict[str, Any]:
    """Create an order for two copies of Boom."""
    response = client.post("/create-payment-intent", json=pay_body({"boom": 2}))
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def test_the_right_secret_shows_the_order_and_the_payment_status(client: FlaskClient) -> None:
    started = start_checkout(client)

    response = client.get(
        f"/api/orders/{started['paymentIntentId']}",
        query_string={"client_secret": started["clientSecret"]},
    )

    assert response.status_code == 200
    assert response.get_json() == {
        "orderNumber": started["orderNumber"],
        "paymentIntentId": started["paymentIntentId"],
        "status": "pending",
        "paymentStatus": "requires_payment_method",
        "amount": started["amount"],
        "currency": "usd",
        "paidAt": None,
        "failureMessage": None,
        "items": started["items"],
        "subtotal": 2 * PRICES["boom"],
        "shippingAmount": 0,
        "taxAmount": started["taxAmount"],
        "email": started["email"],
        "shipping": started["shipping"],
        "delivery": {
            "method": "standard",
            "label": "Standard",
            "amount": 0,
            "minDays": 3,
            "maxDays": 5,
        },
        "paymentMethod": None,
        "refundCause": None,
        "shipment": None,
    }


def test_paid_at_is_utc_in_the_documented_form(app: Flask, client: FlaskClient) -> None:
    from datetime import datetime, timedelta, timezone

    started = start_checkout(client)
    with app.app_context():
        order = find_order_by_number(started["orderNumber"])
        assert order is not None
        order.status = "paid"
        paris = timezone(timedelta(hours=1))
        order.paid_at = datetime(2026, 11, 27, 22, 3, 0, 500, tzinfo=paris)
        db.session.commit()

    body = client.get(
        f"/api/orders/{started['paymentIntentId']}",
        query_string={"client_secret": started["clientSecret"]},
    ).get_json()

    assert body["status"] == "paid"
    assert body["paidAt"] == "2026-11-27T21:03:00Z"


@pytest.mark.parametrize("secret", ["wrong", "", None, "SECRET"])
def test_a_missing_or_wrong_secret_looks_exactly_like_an_unknown_order(
    client: FlaskClient, secret: str | None
) -> None:
    started = start_checkout(client)
    query = {} if secret is None else {"client_secret": secret}
    if secret == "SECRET":  # another order's valid secret
        query = {"client_secret": start_checkout(client)["clientSecret"]}

    refused = client.get(f"/api/orders/{started['paymentIntentId']}", query_string=query)
    unknown = client.get("/api/orders/pi_unknown", query_string={"client_secret": "x"})

    assert refused.status_code == unknown.status_code == 404
    assert refused.data == unknown.data
    assert refused.get_json()["error"]["code"] == "not_found"


def test_when_the_gateway_fails_the_order_is_still_shown(
    stripe_client: FlaskClient, fake_stripe: FakeStripe, requests_mock: Any
) -> None:
    started = start_checkout(stripe_client)
    requests_mock.get(
        f"https://api.stripe.com/v1/payment_intents/{started['paymentIntentId']}",
        status_code=500,
        json={"error": {"type": "api_error", "message": "boom"}},
    )

    response = stripe_client.get(
        f"/api/orders/{started['paymentIntentId']}",
        query_string={"client_secret": started["clientSecret"]},
    )

    assert response.status_code == 200
    assert response.get_json()["status"] == "pending"
    assert response.get_json()["paymentStatus"] is None


def test_stripe_mode_reports_stripes_current_status(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    started = start_checkout(stripe_client)
    fake_stripe.set_status(started["paymentIntentId"], "processing")

    body = stripe_client.get(
        f"/api/orders/{started['paymentIntentId']}",
        query_string={"client_secret": started["clientSecret"]},
    ).get_json()

    assert body["paymentStatus"] == "processing"
    assert body["status"] == "pending"  # only a verified webhook moves the order itself
