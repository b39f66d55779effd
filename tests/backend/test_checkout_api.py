"""POST /create-payment-intent (Pay): validation, complete details, one order per cart.

The order is born at Pay: priced again from the catalogue, its copies held and the order
written in one transaction, then its one PaymentIntent created (or updated) and, given a
ConfirmationToken, confirmed. Demo mode here; Stripe's calls are test_checkout_stripe.py's.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from checkout_requests import (
    ADDRESS,
    EMAIL,
    confirmed,
    demo_token,
    new_cart_id,
    paid,
    pay,
    pay_body,
    quote,
)
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from bookstore.catalogue.data import BOOKS
from bookstore.catalogue.stock import StockHold
from bookstore.db import db, utcnow
from bookstore.orders.models import Order, OrderStatus, find_order_by_number
from bookstore.payments import current_gateway
from bookstore.payments.demo.models import DemoPaymentIntent
from bookstore.payments.gateway import PaymentIntent

PRICES = {book["id"]: book["price"] for book in BOOKS}
DREAM, BOOM = "the-dream-machine", "boom"
CA_TAX = 725  # the example rate table's California rate, basis points


def tax(amount: int) -> int:
    """California's example tax on an amount."""
    return (amount * CA_TAX + 5000) // 10000


def post(client: FlaskClient, body: Any) -> Any:
    """POST a JSON body to the endpoint."""
    return client.post("/create-payment-intent", json=body)


def error_of(response: Any) -> dict[str, Any]:
    """The `error` object of a failed response."""
    error: dict[str, Any] = response.get_json()["error"]
    return error


def orders_in(app: Flask) -> list[Order]:
    """Every order in the database, oldest first."""
    with app.app_context():
        orders = list(db.session.scalars(select(Order).order_by(Order.id)))
        for order in orders:
            _ = order.lines  # load while the session is open
        return orders


def intents_made(app: Flask) -> int:
    """Demo PaymentIntents made so far."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(DemoPaymentIntent)) or 0


def test_pay_prices_the_cart_shipping_and_tax_from_the_catalogue(client: FlaskClient) -> None:
    response = pay(client, {DREAM: 2, BOOM: 1})

    assert response.status_code == 200
    body = response.get_json()
    subtotal = 2 * PRICES[DREAM] + PRICES[BOOM]
    assert (body["subtotal"], body["shippingAmount"]) == (subtotal, 0)  # free from $50
    assert body["amount"] == subtotal + tax(subtotal) == subtotal + body["taxAmount"]
    assert body["currency"] == "usd"
    assert body["paymentIntentId"]
    assert body["clientSecret"].startswith(body["paymentIntentId"])
    assert body["status"] == "requires_payment_method"  # no ConfirmationToken: unconfirmed
    assert "orderId" not in body  # a counter would tell how much the shop sells
    assert body["orderNumber"].startswith("SP-")
    assert body["readyToPay"] is True
    assert body["items"] == [
        {
            "id": DREAM,
            "title": "The Dream Machine",
            "quantity": 2,
            "unitAmount": PRICES[DREAM],
            "lineTotal": 2 * PRICES[DREAM],
        },
        {
            "id": BOOM,
            "title": "Boom",
            "quantity": 1,
            "unitAmount": PRICES[BOOM],
            "lineTotal": PRICES[BOOM],
        },
    ]


def test_pay_answers_every_field_of_the_quote_with_the_same_quote_id(client: FlaskClient) -> None:
    cart_id = new_cart_id()
    shown = quote(client, {BOOM: 1}, cart_id, email=EMAIL, shipping=ADDRESS).get_json()

    answer = paid(client, {BOOM: 1}, cart_id, quoteId=shown["quoteId"])

    assert {key: answer[key] for key in shown} == shown


def test_an_amount_or_price_in_the_body_is_ignored(client: FlaskClient) -> None:
    honest = paid(client, {DREAM: 1})
    tampered = post(
        client,
        {
            **pay_body({DREAM: 1}),
            "items": [{"id": DREAM, "quantity": 1, "price": 1, "unitAmount": 1}],
            "amount": 1,
            "currency": "jpy",
            "taxAmount": 0,
        },
    )
    assert tampered.status_code == 200
    assert tampered.get_json()["amount"] == honest["amount"]
    assert tampered.get_json()["currency"] == "usd"


def test_the_order_is_written_complete_with_its_lines_and_holds(
    app: Flask, client: FlaskClient
) -> None:
    body = paid(client, {BOOM: 3}, deliveryMethod="express")

    [order] = orders_in(app)
    assert order.number == body["orderNumber"]
    assert order.status == OrderStatus.PENDING
    assert order.amount == body["amount"]
    assert (order.email, order.delivery_method) == (EMAIL, "express")
    assert order.shipping_address is not None and order.shipping_address["postal_code"] == "94080"
    assert order.payment_intent_id == body["paymentIntentId"]
    assert order.client_secret == body["clientSecret"]
    assert order.paying_until is None  # the Pay is over
    assert order.client_key == "127.0.0.1"
    assert [(line.book_id, line.quantity, line.unit_amount) for line in order.lines] == [
        (BOOM, 3, PRICES[BOOM])
    ]
    with app.app_context():
        holds = db.session.execute(select(StockHold.book_id, StockHold.quantity)).all()
        intent = current_gateway().retrieve_payment_intent(body["paymentIntentId"])
    assert [tuple(hold) for hold in holds] == [(BOOM, 3)]
    # The PaymentIntent is made from the complete order: its total, address and email.
    assert (intent.amount, intent.receipt_email) == (body["amount"], EMAIL)
    assert intent.shipping is not None and intent.shipping.postal_code == "94080"


@pytest.mark.parametrize(
    ("missing", "fields"),
    [
        (("email", "shipping"), ["email", "shipping"]),
        (("email",), ["email"]),
        (("shipping",), ["shipping"]),
    ],
)
def test_missing_details_are_a_400_naming_each_and_nothing_is_made(
    app: Flask, client: FlaskClient, missing: tuple[str, ...], fields: list[str]
) -> None:
    body = pay_body({BOOM: 1}, new_cart_id())
    for field in missing:
        del body[field]

    response = post(client, body)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "missing_details"
    assert [detail["field"] for detail in error["details"]] == fields
    assert all(detail["message"] for detail in error["details"])
    assert orders_in(app) == []
    assert intents_made(app) == 0


def test_a_blank_email_counts_as_missing(client: FlaskClient) -> None:
    response = pay(client, {BOOM: 1}, email="  ")
    assert response.status_code == 400
    assert error_of(response)["details"] == [
        {"field": "email", "message": "An email address is needed for the receipt."}
    ]


def test_a_stale_quote_id_is_a_409_carrying_the_quote_now_and_nothing_is_made(
    app: Flask, client: FlaskClient
) -> None:
    cart_id = new_cart_id()
    shown = quote(client, {BOOM: 1}, cart_id, email=EMAIL, shipping=ADDRESS).get_json()

    # The shopper changed the delivery in another tab: the price on screen is not this one.
    response = pay(client, {BOOM: 1}, cart_id, deliveryMethod="express", quoteId=shown["quoteId"])

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "quote_changed"
    fresh = quote(
        client, {BOOM: 1}, cart_id, email=EMAIL, shipping=ADDRESS, deliveryMethod="express"
    ).get_json()
    assert error["details"] == {"quote": fresh}
    assert fresh["quoteId"] != shown["quoteId"]
    assert orders_in(app) == []
    assert intents_made(app) == 0
    # Paying for what is now shown goes through.
    assert pay(
        client, {BOOM: 1}, cart_id, deliveryMethod="express", quoteId=fresh["quoteId"]
    ).status_code == (200)


def test_without_a_cart_id_every_pay_makes_a_new_order(app: Flask, client: FlaskClient) -> None:
    first = paid(client, {BOOM: 1})
    second = paid(client, {BOOM: 1})
    assert first["orderNumber"] != second["orderNumber"]
    assert first["paymentIntentId"] != second["paymentIntentId"]
    assert len(orders_in(app)) == 2


def test_the_same_cart_paid_again_gets_its_order_and_payment_intent_unchanged(
    app: Flask, client: FlaskClient
) -> None:
    cart_id = new_cart_id()
    first = paid(client, {BOOM: 1}, cart_id)
    second = paid(client, {BOOM: 1}, cart_id)
    assert second == first
    assert len(orders_in(app)) == 1
    assert intents_made(app) == 1


def test_a_changed_cart_updates_the_same_order_and_payment_intent(
    app: Flask, client: FlaskClient
) -> None:
    cart_id = new_cart_id()
    first = paid(client, {BOOM: 1}, cart_id)
    second = paid(client, {DREAM: 2}, cart_id)

    assert second["orderNumber"] == first["orderNumber"]
    assert second["paymentIntentId"] == first["paymentIntentId"]
    assert second["amount"] == 2 * PRICES[DREAM] + tax(2 * PRICES[DREAM])
    [order] = orders_in(app)
    assert [(line.book_id, line.quantity) for line in order.lines] == [(DREAM, 2)]
    assert order.amount == intent_amount(app, order) == second["amount"]
    assert order.revision == 2


def intent_amount(app: Flask, order: Order) -> int:
    """What the order's PaymentIntent charges, as its gateway says."""
    assert order.payment_intent_id is not None
    with app.app_context():
        return current_gateway().retrieve_payment_intent(order.payment_intent_id).amount


def set_status(app: Flask, number: str, status: OrderStatus) -> None:
    """Move an order as a webhook would."""
    with app.app_context():
        order = find_order_by_number(number)
        assert order is not None
        order.status = status
        db.session.commit()


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (OrderStatus.PAID, "cart_already_paid"),
        (OrderStatus.REVIEW, "cart_already_paid"),
        (OrderStatus.REFUNDED, "cart_already_paid"),
        (OrderStatus.CANCELED, "cart_closed"),
        (OrderStatus.PROCESSING, "payment_in_progress"),
    ],
)
def test_a_paid_closed_or_processing_cart_cannot_be_paid_again(
    app: Flask, client: FlaskClient, status: OrderStatus, code: str
) -> None:
    cart_id = new_cart_id()
    first = paid(client, {BOOM: 1}, cart_id)
    set_status(app, first["orderNumber"], status)

    response = pay(client, {BOOM: 2}, cart_id)

    assert response.status_code == 409
    assert error_of(response)["code"] == code
    [order] = orders_in(app)
    assert order.amount == first["amount"]


def test_a_failed_payment_leaves_the_cart_open_for_another_try(
    app: Flask, client: FlaskClient
) -> None:
    cart_id = new_cart_id()
    first = paid(client, {BOOM: 1}, cart_id)
    set_status(app, first["orderNumber"], OrderStatus.FAILED)
    again = paid(client, {BOOM: 2}, cart_id)
    assert again["paymentIntentId"] == first["paymentIntentId"]
    assert again["amount"] == 2 * PRICES[BOOM] + tax(2 * PRICES[BOOM])


def test_a_pay_for_the_cart_while_another_is_under_way_is_409_payment_in_progress(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cart_id = new_cart_id()
    gateway = app.extensions["payment_gateway"]
    create = gateway.create_payment_intent
    overlapping: list[Any] = []

    def create_while_another_tab_pays(**options: Any) -> PaymentIntent:
        # Between this Pay's commit and its PaymentIntent, a second tab presses Pay.
        overlapping.append(pay(app.test_client(), {BOOM: 2}, cart_id))
        return create(**options)

    monkeypatch.setattr(gateway, "create_payment_intent", create_while_another_tab_pays)
    first = paid(client, {BOOM: 1}, cart_id)
    monkeypatch.undo()

    [second] = overlapping
    assert second.status_code == 409
    assert error_of(second)["code"] == "payment_in_progress"
    assert second.headers["Retry-After"] == "1"
    [order] = orders_in(app)
    assert order.amount == first["amount"] == intent_amount(app, order)
    # Once the first Pay is answered, the next one is let in.
    assert pay(client, {BOOM: 2}, cart_id).status_code == 200


def test_the_lease_of_a_pay_that_died_midway_lapses(app: Flask, client: FlaskClient) -> None:
    cart_id = new_cart_id()
    first = paid(client, {BOOM: 1}, cart_id)
    with app.app_context():
        # As a Pay leaves it when its process is killed between commit and gateway.
        db.session.execute(update(Order).values(paying_until=utcnow() + timedelta(seconds=30)))
        db.session.commit()
    assert pay(client, {BOOM: 1}, cart_id).status_code == 409

    with app.app_context():
        db.session.execute(update(Order).values(paying_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()

    assert paid(client, {BOOM: 1}, cart_id)["paymentIntentId"] == first["paymentIntentId"]


def test_two_simultaneous_pays_for_a_new_cart_make_one_order(
    app: Flask, client: FlaskClient
) -> None:
    body = pay_body({BOOM: 1}, new_cart_id())
    start = threading.Barrier(4)
    responses: list[Any] = []

    def checkout() -> None:
        start.wait()
        responses.append(post(app.test_client(), body))

    threads = [threading.Thread(target=checkout) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    answers = [r.get_json() for r in responses if r.status_code == 200]
    refused = [error_of(r)["code"] for r in responses if r.status_code != 200]
    assert answers and set(refused) <= {"payment_in_progress"}
    assert len({answer["paymentIntentId"] for answer in answers}) == 1
    assert len(orders_in(app)) == 1
    assert intents_made(app) == 1


@pytest.mark.parametrize(
    ("return_url", "message"),
    [
        (None, "Required with a payment to confirm."),
        ("https://evil.example/checkout", "Not a page of this shop."),
        ("javascript:alert(1)", "Not a page of this shop."),
    ],
)
def test_a_confirmation_needs_a_return_url_of_this_shop(
    app: Flask, client: FlaskClient, return_url: str | None, message: str
) -> None:
    extra: dict[str, Any] = {"confirmationToken": demo_token(client)}
    if return_url is not None:
        extra["returnUrl"] = return_url

    response = pay(client, {BOOM: 1}, **extra)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_return_url"
    assert error["details"] == [{"field": "returnUrl", "message": message}]
    assert orders_in(app) == []


def test_a_confirmed_pay_answers_the_payment_intents_status(client: FlaskClient) -> None:
    answer = paid(client, {BOOM: 1}, **confirmed(demo_token(client)))
    assert answer["status"] == "succeeded"


def test_an_empty_cart_is_refused(client: FlaskClient) -> None:
    response = pay(client, {})
    assert response.status_code == 400
    assert error_of(response)["code"] == "empty_cart"


def test_unknown_books_are_listed(app: Flask, client: FlaskClient) -> None:
    response = post(
        client,
        {
            **pay_body({}),
            "items": [
                {"id": "nope", "quantity": 1},
                {"id": BOOM, "quantity": 1},
                {"id": "nada", "quantity": 1},
            ],
        },
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "unknown_books"
    assert error_of(response)["details"] == {"ids": ["nope", "nada"]}
    assert orders_in(app) == []


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (0, "greater than or equal to 1"),
        (11, "less than or equal to 10"),
        (1.5, "valid integer"),
        ("2", "valid integer"),
        (True, "valid integer"),
        (None, "valid integer"),
    ],
)
def test_quantities_must_be_whole_numbers_from_1_to_10(
    client: FlaskClient, quantity: object, message: str
) -> None:
    response = post(
        client,
        {
            **pay_body({}),
            "items": [{"id": BOOM, "quantity": 1}, {"id": DREAM, "quantity": quantity}],
        },
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert [detail["field"] for detail in error["details"]] == ["items.1.quantity"]
    assert message in error["details"][0]["message"]


def test_merged_quantities_must_stay_within_the_limit(client: FlaskClient) -> None:
    response = post(
        client,
        {**pay_body({}), "items": [{"id": BOOM, "quantity": 6}, {"id": BOOM, "quantity": 5}]},
    )
    assert response.status_code == 400
    assert error_of(response)["details"][0]["field"] == "items"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "items"),
        ({"items": "boom"}, "items"),
        ({"items": [{"quantity": 1}]}, "items.0.id"),
        ({"items": [{"id": 7, "quantity": 1}]}, "items.0.id"),
        ({"items": [{"id": BOOM, "quantity": 1}] * 51}, "items"),
        ({"items": [{"id": BOOM, "quantity": 1}], "cartId": "short"}, "cartId"),
        ({"items": [{"id": BOOM, "quantity": 1}], "cartId": "x" * 65}, "cartId"),
        ({"items": [{"id": BOOM, "quantity": 1}], "cartId": "../../etc/passwd-0000"}, "cartId"),
        ({"items": [{"id": BOOM, "quantity": 1}], "quoteId": 7}, "quoteId"),
        (
            {"items": [{"id": BOOM, "quantity": 1}], "confirmationToken": "pm_123"},
            "confirmationToken",
        ),
        ([{"id": BOOM, "quantity": 1}], "body"),
    ],
)
def test_malformed_bodies_name_the_field(client: FlaskClient, body: Any, field: str) -> None:
    response = post(client, body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert field in [detail["field"] for detail in error["details"]]


def test_a_body_that_is_not_json_is_invalid_json(client: FlaskClient) -> None:
    response = client.post(
        "/create-payment-intent", data=b'{"items": [', content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_json"


def test_another_content_type_is_415(client: FlaskClient) -> None:
    response = client.post(
        "/create-payment-intent",
        data={"items": "boom"},
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
