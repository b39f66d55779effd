"""Checkout with an email, a shipping address and a delivery method: the server's quote."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from stripe_fakes import FAKE_TAX_RATE, FakeStripe, form
from webhook_events import delivery, intent_event

from bookstore import create_app
from bookstore.catalogue_data import BOOKS
from bookstore.config import Settings
from bookstore.db import db
from bookstore.orders import Order
from bookstore.payments import current_gateway

PRICES = {book["id"]: book["price"] for book in BOOKS}
BOOM = "boom"

ADDRESS = {
    "name": "Ada Lovelace",
    "phone": "+1 415 555 0100",
    "address": {
        "line1": "354 Oyster Point Blvd",
        "line2": "Suite 2",
        "city": "South San Francisco",
        "state": "CA",
        "postalCode": "94080",
        "country": "US",
    },
}
CA_TAX = 725  # the example rate table's California rate, basis points


def body(cart_id: str, quantity: int = 1, **details: Any) -> dict[str, Any]:
    """A create-payment-intent body."""
    return {"items": [{"id": BOOM, "quantity": quantity}], "cartId": cart_id, **details}


def post(client: FlaskClient, payload: dict[str, Any]) -> Any:
    """POST /create-payment-intent."""
    return client.post("/create-payment-intent", json=payload)


def only_order(app: Flask) -> Order:
    """The one order, as stored."""
    with app.app_context():
        return db.session.scalars(select(Order)).one()


def test_a_full_checkout_is_quoted_stored_and_sent_to_the_payment_intent(
    app: Flask, client: FlaskClient
) -> None:
    cart_id = uuid.uuid4().hex
    post(client, body(cart_id))  # the checkout page opens with the cart alone

    answer = post(
        client, body(cart_id, email="ada@example.com", shipping=ADDRESS, deliveryMethod="express")
    ).get_json()

    subtotal = PRICES[BOOM]
    tax = ((subtotal + 1499) * CA_TAX + 5000) // 10000
    assert (answer["subtotal"], answer["shippingAmount"], answer["taxAmount"]) == (
        subtotal,
        1499,
        tax,
    )
    assert answer["amount"] == subtotal + 1499 + tax
    assert answer["readyToPay"] is True
    assert answer["deliveryMethod"] == "express"
    assert [o["method"] for o in answer["deliveryOptions"]] == ["standard", "express"]
    assert answer["shipping"]["postalCode"] == "94080"
    order = only_order(app)
    assert (order.email, order.amount, order.delivery_method) == (
        "ada@example.com",
        answer["amount"],
        "express",
    )
    assert order.shipping_address is not None and order.shipping_address["city"] == (
        "South San Francisco"
    )
    with app.app_context():
        intent = current_gateway().retrieve_payment_intent(answer["paymentIntentId"])
    assert (intent.amount, intent.receipt_email) == (answer["amount"], "ada@example.com")
    assert intent.shipping is not None
    assert (intent.shipping.name, intent.shipping.line1, intent.shipping.country) == (
        "Ada Lovelace",
        "354 Oyster Point Blvd",
        "US",
    )


def test_without_email_or_address_the_checkout_is_not_ready_to_pay(client: FlaskClient) -> None:
    cart_id = uuid.uuid4().hex
    no_address = post(client, body(cart_id, email="ada@example.com")).get_json()
    no_email = post(client, body(cart_id, shipping=ADDRESS)).get_json()

    assert no_address["readyToPay"] is False and no_address["shippingAmount"] is None
    assert no_email["readyToPay"] is False and no_email["shippingAmount"] == 599


def test_a_tampered_total_rate_or_tax_in_the_body_is_ignored(client: FlaskClient) -> None:
    tampered = body(
        uuid.uuid4().hex,
        email="ada@example.com",
        shipping=ADDRESS,
        amount=1,
        total=1,
        subtotal=1,
        shippingAmount=0,
        taxAmount=0,
        taxRate=0,
        deliveryOptions=[{"method": "express", "amount": 0}],
    )

    answer = post(client, tampered).get_json()

    honest = post(client, body(uuid.uuid4().hex, email="ada@example.com", shipping=ADDRESS))
    for field in ("amount", "subtotal", "shippingAmount", "taxAmount", "deliveryOptions"):
        assert answer[field] == honest.get_json()[field]
    assert answer["shippingAmount"] == 599


def test_an_address_change_changes_the_total_and_the_payment_intent(
    app: Flask, client: FlaskClient
) -> None:
    cart_id = uuid.uuid4().hex
    home = post(client, body(cart_id, email="ada@example.com", shipping=ADDRESS)).get_json()
    berlin = {
        "name": "Ada Lovelace",
        "address": {
            "line1": "Unter den Linden 1",
            "city": "Berlin",
            "postalCode": "10117",
            "country": "DE",
        },
    }

    abroad = post(client, body(cart_id, email="ada@example.com", shipping=berlin)).get_json()

    assert abroad["paymentIntentId"] == home["paymentIntentId"]
    assert abroad["shippingAmount"] == 1499
    assert abroad["amount"] != home["amount"]
    assert abroad["quoteId"] != home["quoteId"]
    with app.app_context():
        intent = current_gateway().retrieve_payment_intent(abroad["paymentIntentId"])
    assert intent.amount == abroad["amount"] == only_order(app).amount
    assert intent.shipping is not None and intent.shipping.country == "DE"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("name",), "", "shipping.name"),
        (("address", "line1"), "", "shipping.address.line1"),
        (("address", "city"), "", "shipping.address.city"),
        (("address", "state"), None, "shipping.address.state"),
        (("address", "postalCode"), "9408", "shipping.address.postalCode"),
        (("address", "country"), "ZZ", "shipping.address.country"),
        (("phone",), "not a phone", "shipping.phone"),
    ],
)
def test_every_invalid_address_field_is_a_400_naming_it(
    app: Flask, client: FlaskClient, path: tuple[str, ...], value: object, field: str
) -> None:
    shipping = {**ADDRESS, "address": dict(ADDRESS["address"])}
    target: dict[str, Any] = shipping
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    response = post(client, body(uuid.uuid4().hex, email="ada@example.com", shipping=shipping))

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_address"
    assert [problem["field"] for problem in error["details"]] == [field]
    with app.app_context():
        assert db.session.scalars(select(Order)).all() == []


def test_an_invalid_email_is_a_400_naming_it(client: FlaskClient) -> None:
    response = post(client, body(uuid.uuid4().hex, email="ada.example.com", shipping=ADDRESS))

    assert response.status_code == 400
    assert response.get_json()["error"]["details"] == [
        {"field": "email", "message": "Not an email address."}
    ]


def test_in_stripe_mode_the_update_sends_amount_shipping_and_receipt_email(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = uuid.uuid4().hex
    post(stripe_client, body(cart_id))

    answer = post(
        stripe_client, body(cart_id, email="ada@example.com", shipping=ADDRESS)
    ).get_json()

    [update] = fake_stripe.updates()
    assert form(update) == {
        "amount": str(answer["amount"]),
        "receipt_email": "ada@example.com",
        "shipping[name]": "Ada Lovelace",
        "shipping[phone]": "+1 415 555 0100",
        "shipping[address][line1]": "354 Oyster Point Blvd",
        "shipping[address][line2]": "Suite 2",
        "shipping[address][city]": "South San Francisco",
        "shipping[address][state]": "CA",
        "shipping[address][postal_code]": "94080",
        "shipping[address][country]": "US",
    }
    assert fake_stripe.tax_requests() == []  # the example rate table, without STRIPE_TAX


def test_with_stripe_tax_a_calculation_prices_the_tax_and_is_linked_to_the_payment_intent(
    stripe_settings: Settings, fake_stripe: FakeStripe
) -> None:
    client = create_app(dataclasses.replace(stripe_settings, stripe_tax=True)).test_client()
    cart_id = uuid.uuid4().hex
    post(client, body(cart_id))

    answer = post(client, body(cart_id, 2, email="ada@example.com", shipping=ADDRESS)).get_json()

    [calculation] = fake_stripe.tax_requests()
    assert form(calculation) == {
        "currency": "usd",
        "line_items[0][amount]": str(2 * PRICES[BOOM]),
        "line_items[0][reference]": BOOM,
        "line_items[0][tax_behavior]": "exclusive",
        "shipping_cost[amount]": "0",  # free standard shipping from $50
        "shipping_cost[tax_behavior]": "exclusive",
        "customer_details[address][line1]": "354 Oyster Point Blvd",
        "customer_details[address][line2]": "Suite 2",
        "customer_details[address][city]": "South San Francisco",
        "customer_details[address][state]": "CA",
        "customer_details[address][postal_code]": "94080",
        "customer_details[address][country]": "US",
        "customer_details[address_source]": "shipping",
    }
    [calculation_id] = fake_stripe.tax_calculations
    tax = (2 * PRICES[BOOM] * FAKE_TAX_RATE + 5000) // 10000
    assert answer["taxAmount"] == tax
    assert answer["amount"] == 2 * PRICES[BOOM] + tax
    [update] = fake_stripe.updates()
    assert form(update)["hooks[inputs][tax][calculation]"] == calculation_id
    assert form(update)["amount"] == str(answer["amount"])


def test_the_webhook_checks_the_total_with_shipping_and_tax(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = uuid.uuid4().hex
    answer = post(
        stripe_client, body(cart_id, email="ada@example.com", shipping=ADDRESS)
    ).get_json()
    intent_id = answer["paymentIntentId"]

    # Paid only the books' price: not what the order costs with shipping and tax.
    short = intent_event("payment_intent.succeeded", intent_id, amount=answer["subtotal"])
    payload, headers = delivery(short)
    stripe_client.post("/webhook", data=payload, headers=headers)

    assert only_order(stripe_app).status == "review"
