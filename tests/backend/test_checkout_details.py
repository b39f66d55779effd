"""Pay with an email, a shipping address and a delivery method: the order and its PaymentIntent.

The quote's own tests (shipping, tax, validation while typing) are test_quote_api.py's; these
check that what Pay stores and tells the PaymentIntent is the complete order, in both modes.
"""

from __future__ import annotations

from typing import Any

import pytest
from checkout_requests import ADDRESS, EMAIL, new_cart_id, paid, pay, pay_body
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from stripe_fakes import FakeStripe, form
from webhook_events import delivery, intent_event

from bookstore.catalogue.data import BOOKS
from bookstore.db import db
from bookstore.orders.models import Order
from bookstore.payments import current_gateway

PRICES = {book["id"]: book["price"] for book in BOOKS}
BOOM = "boom"
CA_TAX = 725  # the example rate table's California rate, basis points
BERLIN = {
    "name": "Ada Lovelace",
    "address": {
        "line1": "Unter den Linden 1",
        "city": "Berlin",
        "postalCode": "10117",
        "country": "DE",
    },
}


def only_order(app: Flask) -> Order:
    """The one order, as stored."""
    with app.app_context():
        return db.session.scalars(select(Order)).one()


def test_a_full_checkout_is_priced_stored_and_sent_to_the_payment_intent(
    app: Flask, client: FlaskClient
) -> None:
    answer = paid(client, {BOOM: 1}, new_cart_id(), deliveryMethod="express")

    subtotal = PRICES[BOOM]
    tax = ((subtotal + 1499) * CA_TAX + 5000) // 10000
    assert (answer["subtotal"], answer["shippingAmount"], answer["taxAmount"]) == (
        subtotal,
        1499,
        tax,
    )
    assert answer["amount"] == subtotal + 1499 + tax
    assert answer["deliveryMethod"] == "express"
    assert answer["shipping"]["postalCode"] == "94080"
    order = only_order(app)
    assert (order.email, order.amount, order.delivery_method) == (
        EMAIL,
        answer["amount"],
        "express",
    )
    assert order.shipping_address is not None
    assert order.shipping_address["city"] == "South San Francisco"
    with app.app_context():
        intent = current_gateway().retrieve_payment_intent(answer["paymentIntentId"])
    assert (intent.amount, intent.receipt_email) == (answer["amount"], EMAIL)
    assert intent.shipping is not None
    assert (intent.shipping.name, intent.shipping.line1, intent.shipping.country) == (
        "Ada Lovelace",
        "354 Oyster Point Blvd",
        "US",
    )


def test_a_tampered_total_rate_or_tax_in_the_body_is_ignored(client: FlaskClient) -> None:
    tampered = pay_body(
        {BOOM: 1},
        new_cart_id(),
        amount=1,
        total=1,
        subtotal=1,
        shippingAmount=0,
        taxAmount=0,
        taxRate=0,
        deliveryOptions=[{"method": "express", "amount": 0}],
    )

    answer = client.post("/create-payment-intent", json=tampered).get_json()

    honest = paid(client, {BOOM: 1}, new_cart_id())
    for field in ("amount", "subtotal", "shippingAmount", "taxAmount", "deliveryOptions"):
        assert answer[field] == honest[field]
    assert answer["shippingAmount"] == 599


def test_an_address_change_between_two_pays_changes_the_total_and_the_payment_intent(
    app: Flask, client: FlaskClient
) -> None:
    cart_id = new_cart_id()
    home = paid(client, {BOOM: 1}, cart_id)

    abroad = paid(client, {BOOM: 1}, cart_id, shipping=BERLIN)

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

    response = pay(client, {BOOM: 1}, new_cart_id(), shipping=shipping)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_address"
    assert [problem["field"] for problem in error["details"]] == [field]
    with app.app_context():
        assert db.session.scalars(select(Order)).all() == []


def test_an_invalid_email_is_a_400_naming_it(client: FlaskClient) -> None:
    response = pay(client, {BOOM: 1}, new_cart_id(), email="ada.example.com")

    assert response.status_code == 400
    assert response.get_json()["error"]["details"] == [
        {"field": "email", "message": "Not an email address."}
    ]


def test_in_stripe_mode_the_create_sends_amount_shipping_and_receipt_email(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    answer = paid(stripe_client, {BOOM: 1}, new_cart_id())

    [create] = fake_stripe.creates()
    sent = form(create)
    assert {key: value for key, value in sent.items() if not key.startswith("metadata")} == {
        "amount": str(answer["amount"]),
        "currency": "usd",
        "automatic_payment_methods[enabled]": "true",
        "receipt_email": EMAIL,
        "shipping[name]": "Ada Lovelace",
        "shipping[phone]": "+1 415 555 0100",
        "shipping[address][line1]": "354 Oyster Point Blvd",
        "shipping[address][line2]": "Suite 2",
        "shipping[address][city]": "South San Francisco",
        "shipping[address][state]": "CA",
        "shipping[address][postal_code]": "94080",
        "shipping[address][country]": "US",
    }
    assert fake_stripe.updates() == []
    assert fake_stripe.tax_requests() == []  # the example rate table, without STRIPE_TAX


def test_in_stripe_mode_an_address_change_updates_amount_shipping_and_receipt_email(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart_id()
    paid(stripe_client, {BOOM: 1}, cart_id)

    answer = paid(stripe_client, {BOOM: 1}, cart_id, email="grace@example.com", shipping=BERLIN)

    [update] = fake_stripe.updates()
    assert form(update) == {
        "amount": str(answer["amount"]),
        "receipt_email": "grace@example.com",
        "shipping[name]": "Ada Lovelace",
        "shipping[address][line1]": "Unter den Linden 1",
        "shipping[address][line2]": "",
        "shipping[address][city]": "Berlin",
        "shipping[address][state]": "",
        "shipping[address][postal_code]": "10117",
        "shipping[address][country]": "DE",
    }


def test_the_webhook_checks_the_total_with_shipping_and_tax(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    answer = paid(stripe_client, {BOOM: 1}, new_cart_id())
    intent_id = answer["paymentIntentId"]

    # Paid only the books' price: not what the order costs with shipping and tax.
    short = intent_event("payment_intent.succeeded", intent_id, amount=answer["subtotal"])
    payload, headers = delivery(short)
    stripe_client.post("/webhook", data=payload, headers=headers)

    assert only_order(stripe_app).status == "review"
