"""Only a complete order can be paid: no email or no address, and it never ends `paid`.

Through the API, Pay refuses such an order before any PaymentIntent exists, in both modes. An
order that has a PaymentIntent and still lacks them (made before Pay required them, or edited
since) goes to `review` when its payment arrives, and the owner sees why.
"""

from __future__ import annotations

import pytest
from checkout_requests import PAYS, card, new_cart_id, paid, pay_body
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from stripe_fakes import FakeStripe
from webhook_events import intent_event, post_event

from bookstore.db import db
from bookstore.orders.models import Order, OrderStatus, find_order_by_number
from bookstore.payments.demo.models import DemoPaymentIntent

BOOM = "boom"


@pytest.mark.parametrize("mode", ["demo", "stripe"])
@pytest.mark.parametrize("kept", [(), ("email",), ("shipping",)])
def test_pay_without_email_or_address_makes_no_order_and_no_payment_intent(
    request: pytest.FixtureRequest, mode: str, kept: tuple[str, ...]
) -> None:
    app: Flask = request.getfixturevalue("stripe_app" if mode == "stripe" else "app")
    body = pay_body({BOOM: 1}, new_cart_id())
    for field in ("email", "shipping"):
        if field not in kept:
            del body[field]

    response = app.test_client().post("/create-payment-intent", json=body)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "missing_details"
    assert "clientSecret" not in response.get_json()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 0
        assert db.session.scalar(select(func.count()).select_from(DemoPaymentIntent)) == 0
    if mode == "stripe":
        fake_stripe: FakeStripe = request.getfixturevalue("fake_stripe")
        assert fake_stripe.requests() == []


def strip_details(app: Flask, number: str) -> str:
    """Take the email and address off an order, as an order from before Pay required them."""
    with app.app_context():
        order = find_order_by_number(number)
        assert order is not None
        order.email = None
        order.shipping_address = None
        db.session.commit()
        return order.token


def test_in_demo_mode_an_incomplete_order_paid_with_its_client_secret_goes_to_review(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    payment = paid(client, {BOOM: 1})
    strip_details(app, payment["orderNumber"])

    # Confirmed from the browser (Stripe.js's confirmPayment), not through Pay.
    confirmed = client.post(
        f"/demo/payment_intents/{payment['paymentIntentId']}/confirm",
        json={"client_secret": payment["clientSecret"], "card": card(PAYS)},
    )

    assert confirmed.get_json()["status"] == "succeeded"
    with app.app_context():
        order = find_order_by_number(payment["orderNumber"])
        assert order is not None
        assert order.status == OrderStatus.REVIEW
        assert order.paid_amount == payment["amount"]
    shown = runner.invoke(args=["orders", "show", payment["orderNumber"]]).output
    assert "Status          review" in shown
    assert "Review          paid without an email address or a shipping address" in shown
    assert "incomplete_order" in shown


def test_in_stripe_mode_an_incomplete_orders_payment_event_sends_it_to_review(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = paid(stripe_client, {BOOM: 1})
    token = strip_details(stripe_app, payment["orderNumber"])
    fake_stripe.set_status(payment["paymentIntentId"], "succeeded")

    post_event(
        stripe_client,
        intent_event(
            "payment_intent.succeeded",
            payment["paymentIntentId"],
            amount=payment["amount"],
            order_token=token,
        ),
    )

    shown = stripe_client.get(
        f"/api/orders/{payment['paymentIntentId']}",
        query_string={"client_secret": payment["clientSecret"]},
    ).get_json()
    assert shown["status"] == "review"
    with stripe_app.app_context():
        order = find_order_by_number(payment["orderNumber"])
        assert order is not None
        assert [event.kind for event in order.history] == [
            "payment_intent.succeeded",
            "incomplete_order",
        ]
        # No confirmation can go out without an address to ship to or an email to send to.
        assert order.stock_taken


def test_a_complete_order_paid_the_same_way_is_paid(app: Flask, client: FlaskClient) -> None:
    payment = paid(client, {BOOM: 1})

    client.post(
        f"/demo/payment_intents/{payment['paymentIntentId']}/confirm",
        json={"client_secret": payment["clientSecret"], "card": card(PAYS)},
    )

    with app.app_context():
        order = find_order_by_number(payment["orderNumber"])
        assert order is not None and order.status == OrderStatus.PAID
