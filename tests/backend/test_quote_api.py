"""POST /api/quote: the server's price while the shopper types, read-only in every way.

A quote writes nothing, holds nothing and makes no PaymentIntent: counted here as the INSERT,
UPDATE and DELETE statements the database is sent, and as the rows of the tables a checkout
writes. With STRIPE_TAX=1, one Stripe Tax calculation serves every quote of the same inputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from checkout_requests import (
    ADDRESS,
    EMAIL,
    confirmed,
    new_cart_id,
    paid,
    pay,
    quote,
)
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, func, select
from stripe_fakes import FAKE_TAX_RATE, FakeStripe, form

from bookstore import create_app
from bookstore.catalogue.data import BOOKS
from bookstore.catalogue.stock import StockHold
from bookstore.config import Settings
from bookstore.db import db
from bookstore.orders.models import Order, OrderEvent, OrderLine
from bookstore.payments.demo.models import DemoPaymentIntent

PRICES = {book["id"]: book["price"] for book in BOOKS}
BOOM, SCARCE = "boom", "poor-charlies-almanack"  # 120 copies, 3 copies
CA_TAX = 725  # the example rate table's California rate, basis points
WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def counting_writes(app: Flask) -> Iterator[list[str]]:
    """Every INSERT, UPDATE and DELETE sent to the app's database while the block runs."""
    with app.app_context():
        engine: Engine = db.engine
    writes: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield writes
    finally:
        event.remove(engine, "before_cursor_execute", note)


def rows(app: Flask) -> dict[str, int]:
    """Rows in each table a checkout writes."""
    with app.app_context():
        counts = {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Order, OrderLine, OrderEvent, StockHold, DemoPaymentIntent)
        }
        db.session.rollback()
        return counts


def test_a_quote_prices_the_lines_shipping_and_tax_from_the_server(client: FlaskClient) -> None:
    response = quote(client, {BOOM: 1}, email=EMAIL, shipping=ADDRESS, deliveryMethod="express")

    assert response.status_code == 200
    answer = response.get_json()
    tax = ((PRICES[BOOM] + 1499) * CA_TAX + 5000) // 10000
    assert (answer["subtotal"], answer["shippingAmount"], answer["taxAmount"]) == (
        PRICES[BOOM],
        1499,
        tax,
    )
    assert answer["amount"] == PRICES[BOOM] + 1499 + tax
    assert answer["readyToPay"] is True
    assert answer["deliveryMethod"] == "express"
    assert [option["method"] for option in answer["deliveryOptions"]] == ["standard", "express"]
    assert answer["items"] == [
        {
            "id": BOOM,
            "title": "Boom",
            "quantity": 1,
            "unitAmount": PRICES[BOOM],
            "lineTotal": PRICES[BOOM],
        }
    ]
    # A quote is no payment: nothing to pay with, no order to quote.
    assert not {"clientSecret", "paymentIntentId", "orderNumber", "status"} & set(answer)


def test_a_quote_without_an_address_or_email_is_not_ready_to_pay(client: FlaskClient) -> None:
    cart_alone = quote(client, {BOOM: 2}).get_json()
    no_email = quote(client, {BOOM: 2}, shipping=ADDRESS).get_json()

    assert cart_alone["amount"] == 2 * PRICES[BOOM]
    assert (cart_alone["shippingAmount"], cart_alone["taxAmount"]) == (None, None)
    assert cart_alone["readyToPay"] is False
    assert no_email["readyToPay"] is False and no_email["shippingAmount"] == 0


@pytest.mark.parametrize("mode", ["demo", "stripe"])
def test_a_quote_writes_nothing_holds_nothing_and_makes_no_payment_intent(
    request: pytest.FixtureRequest, mode: str
) -> None:
    if mode == "stripe":
        app: Flask = request.getfixturevalue("stripe_app")
        fake_stripe: FakeStripe | None = request.getfixturevalue("fake_stripe")
    else:
        app, fake_stripe = request.getfixturevalue("app"), None
    client = app.test_client()
    cart_id = new_cart_id()
    before = rows(app)

    with counting_writes(app) as writes:
        answers = [
            quote(client, {SCARCE: 3}, cart_id),
            quote(client, {SCARCE: 3}, cart_id, email=EMAIL),
            quote(client, {SCARCE: 3, BOOM: 1}, cart_id, email=EMAIL, shipping=ADDRESS),
            quote(client, {SCARCE: 3, BOOM: 1}, cart_id, email=EMAIL, shipping=ADDRESS),
        ]

    assert [answer.status_code for answer in answers] == [200] * 4
    assert writes == []
    assert rows(app) == before
    # Nothing held: another cart can still have every copy.
    assert quote(client, {SCARCE: 3}, new_cart_id()).status_code == 200
    assert client.get(f"/api/books/{SCARCE}").get_json()["available"] == 3
    if fake_stripe is not None:
        assert fake_stripe.requests() == []
    # The count sees writes when there are some: Pay's.
    with counting_writes(app) as writes:
        assert pay(client, {SCARCE: 3}, cart_id).status_code == 200
    assert any(statement.lstrip().upper().startswith("INSERT") for statement in writes)


def test_the_same_inputs_give_the_same_quote_id_and_any_change_another(
    client: FlaskClient,
) -> None:
    cart_id = new_cart_id()
    base = {"email": EMAIL, "shipping": ADDRESS}
    first = quote(client, {BOOM: 1}, cart_id, **base).get_json()["quoteId"]
    again = quote(client, {BOOM: 1}, cart_id, **base).get_json()["quoteId"]
    changes = [
        quote(client, {BOOM: 2}, cart_id, **base),
        quote(client, {BOOM: 1}, cart_id, **base, deliveryMethod="express"),
        quote(client, {BOOM: 1}, cart_id, email="grace@example.com", shipping=ADDRESS),
        quote(
            client,
            {BOOM: 1},
            cart_id,
            email=EMAIL,
            shipping={**ADDRESS, "address": {**ADDRESS["address"], "postalCode": "94107"}},
        ),
        quote(client, {BOOM: 1}, cart_id),
    ]

    assert again == first
    ids = [answer.get_json()["quoteId"] for answer in changes]
    assert len({first, *ids}) == len(ids) + 1


def test_more_copies_than_are_free_is_a_409_and_holds_nothing(
    app: Flask, client: FlaskClient
) -> None:
    response = quote(client, {SCARCE: 4})

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["details"]["items"] == [
        {"id": SCARCE, "title": "Poor Charlie's Almanack", "requested": 4, "available": 3}
    ]
    assert rows(app)["stock_holds"] == 0


def test_another_carts_hold_counts_but_the_carts_own_does_not(client: FlaskClient) -> None:
    mine = new_cart_id()
    paid(client, {SCARCE: 2}, mine)  # Pay held two copies for this cart

    own = quote(client, {SCARCE: 3}, mine, email=EMAIL, shipping=ADDRESS)
    other = quote(client, {SCARCE: 2}, new_cart_id())

    assert own.status_code == 200
    assert other.status_code == 409
    assert other.get_json()["error"]["details"]["items"][0]["available"] == 1


@pytest.mark.parametrize(
    ("details", "code", "field"),
    [
        ({"email": "ada.example.com"}, "invalid_email", "email"),
        (
            {"shipping": {**ADDRESS, "address": {**ADDRESS["address"], "postalCode": "9408"}}},
            "invalid_address",
            "shipping.address.postalCode",
        ),
    ],
)
def test_invalid_details_are_a_400_naming_the_field(
    client: FlaskClient, details: dict[str, Any], code: str, field: str
) -> None:
    response = quote(client, {BOOM: 1}, **details)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code
    assert [problem["field"] for problem in error["details"]] == [field]


def test_quotes_are_rate_limited_like_checkout_and_counted_apart(
    settings: Settings,
) -> None:
    client = create_app(settings.replace(checkout_rate_limit="3 per minute"))
    browser = client.test_client()

    statuses = [quote(browser, {BOOM: 1}).status_code for _ in range(4)]
    pay_after = pay(browser, {BOOM: 1})

    assert statuses == [200, 200, 200, 429]
    assert pay_after.status_code == 200  # typing did not use up the shopper's Pays


# --- Stripe Tax ---------------------------------------------------------------------------


@pytest.fixture
def stripe_tax_app(stripe_settings: Settings, fake_stripe: FakeStripe) -> Flask:
    """Stripe mode with Stripe Tax."""
    app = create_app(stripe_settings.replace(stripe_tax=True))
    app.config["TESTING"] = True
    return app


def test_with_stripe_tax_a_quote_asked_twice_makes_one_calculation_and_the_purchase_goes_through(
    stripe_tax_app: Flask, fake_stripe: FakeStripe
) -> None:
    client = stripe_tax_app.test_client()
    cart_id = new_cart_id()
    details = {"email": EMAIL, "shipping": ADDRESS}

    first = quote(client, {BOOM: 2}, cart_id, **details).get_json()
    second = quote(client, {BOOM: 2}, cart_id, **details).get_json()

    assert len(fake_stripe.tax_requests()) == 1
    [calculation_id] = fake_stripe.tax_calculations
    assert second == first
    assert calculation_id[-8:] not in first["quoteId"]
    tax = (2 * PRICES[BOOM] * FAKE_TAX_RATE + 5000) // 10000
    assert first["taxAmount"] == tax

    # Pay with the quote on screen: its id still matches, and the same calculation is linked.
    token = fake_stripe.confirmation_token("pm_card_visa")
    answer = paid(client, {BOOM: 2}, cart_id, quoteId=first["quoteId"], **confirmed(token))

    assert answer["status"] == "succeeded"
    assert answer["amount"] == first["amount"] == 2 * PRICES[BOOM] + tax
    assert len(fake_stripe.tax_requests()) == 1
    [create] = fake_stripe.creates()
    assert form(create)["hooks[inputs][tax][calculation]"] == calculation_id
    assert form(create)["amount"] == str(first["amount"])
    assert fake_stripe.intents[answer["paymentIntentId"]]["status"] == "succeeded"


def test_with_stripe_tax_another_address_is_another_calculation(
    stripe_tax_app: Flask, fake_stripe: FakeStripe
) -> None:
    client = stripe_tax_app.test_client()
    elsewhere = {**ADDRESS, "address": {**ADDRESS["address"], "postalCode": "94107"}}
    renamed = {**ADDRESS, "name": "Grace Hopper"}

    quote(client, {BOOM: 1}, shipping=ADDRESS)
    quote(client, {BOOM: 1}, shipping=renamed)  # the recipient does not change the tax
    quote(client, {BOOM: 1}, shipping=elsewhere)
    quote(client, {BOOM: 2}, shipping=elsewhere)

    assert len(fake_stripe.tax_requests()) == 3
