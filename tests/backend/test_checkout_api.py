"""POST /create-payment-intent: validation, server-side pricing, one order per cart."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bookstore.catalogue_data import BOOKS
from bookstore.db import db
from bookstore.orders import Order, OrderStatus, find_order_by_number
from bookstore.payments import current_gateway

PRICES = {book["id"]: book["price"] for book in BOOKS}
DREAM, BOOM = "the-dream-machine", "boom"


def new_cart_id() -> str:
    """A cart id like the browser makes."""
    return uuid.uuid4().hex


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


def test_the_cart_is_priced_from_the_catalogue(client: FlaskClient) -> None:
    response = post(client, {"items": [{"id": DREAM, "quantity": 2}, {"id": BOOM, "quantity": 1}]})

    assert response.status_code == 200
    body = response.get_json()
    assert body["amount"] == 2 * PRICES[DREAM] + PRICES[BOOM]
    assert body["currency"] == "usd"
    assert body["paymentIntentId"]
    assert body["clientSecret"].startswith(body["paymentIntentId"])
    assert "orderId" not in body  # a counter would tell how much the shop sells
    assert body["orderNumber"].startswith("SP-")
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


def test_an_amount_or_price_in_the_body_is_ignored(client: FlaskClient) -> None:
    response = post(
        client,
        {
            "items": [{"id": DREAM, "quantity": 1, "price": 1, "unitAmount": 1}],
            "amount": 1,
            "currency": "jpy",
        },
    )
    assert response.status_code == 200
    assert response.get_json()["amount"] == PRICES[DREAM]
    assert response.get_json()["currency"] == "usd"


def test_the_order_is_recorded_as_pending_with_its_lines(app: Flask, client: FlaskClient) -> None:
    body = post(client, {"items": [{"id": BOOM, "quantity": 3}]}).get_json()

    [order] = orders_in(app)
    assert order.number == body["orderNumber"]
    assert order.status == OrderStatus.PENDING
    assert order.amount == 3 * PRICES[BOOM]
    assert order.payment_intent_id == body["paymentIntentId"]
    assert order.client_secret == body["clientSecret"]
    assert [(line.book_id, line.quantity, line.unit_amount) for line in order.lines] == [
        (BOOM, 3, PRICES[BOOM])
    ]


def test_repeated_ids_are_merged_into_one_line(client: FlaskClient) -> None:
    body = post(
        client, {"items": [{"id": BOOM, "quantity": 2}, {"id": BOOM, "quantity": 3}]}
    ).get_json()
    assert [(item["id"], item["quantity"]) for item in body["items"]] == [(BOOM, 5)]
    assert body["amount"] == 5 * PRICES[BOOM]


def test_without_a_cart_id_every_call_makes_a_new_order(app: Flask, client: FlaskClient) -> None:
    first = post(client, {"items": [{"id": BOOM, "quantity": 1}]}).get_json()
    second = post(client, {"items": [{"id": BOOM, "quantity": 1}]}).get_json()
    assert first["orderNumber"] != second["orderNumber"]
    assert first["paymentIntentId"] != second["paymentIntentId"]
    assert len(orders_in(app)) == 2


def test_the_same_cart_and_items_return_the_same_payment_intent(
    app: Flask, client: FlaskClient
) -> None:
    body = {"items": [{"id": BOOM, "quantity": 1}], "cartId": new_cart_id()}
    first = post(client, body).get_json()
    second = post(client, body).get_json()
    assert second == first
    assert len(orders_in(app)) == 1


def test_a_changed_cart_updates_the_same_order_and_payment_intent(
    app: Flask, client: FlaskClient
) -> None:
    cart_id = new_cart_id()
    first = post(client, {"items": [{"id": BOOM, "quantity": 1}], "cartId": cart_id}).get_json()
    second = post(client, {"items": [{"id": DREAM, "quantity": 2}], "cartId": cart_id}).get_json()

    assert second["orderNumber"] == first["orderNumber"]
    assert second["paymentIntentId"] == first["paymentIntentId"]
    assert second["amount"] == 2 * PRICES[DREAM]
    [order] = orders_in(app)
    assert [(line.book_id, line.quantity) for line in order.lines] == [(DREAM, 2)]
    assert order.amount == intent_amount(app, order) == 2 * PRICES[DREAM]
    assert order.revision == 2


def test_a_paid_cart_is_closed(app: Flask, client: FlaskClient) -> None:
    body = {"items": [{"id": BOOM, "quantity": 1}], "cartId": new_cart_id()}
    set_status(app, post(client, body).get_json()["orderNumber"], OrderStatus.PAID)

    response = post(client, body)

    assert response.status_code == 409
    assert error_of(response)["code"] == "cart_already_paid"


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


@pytest.mark.parametrize("status", [OrderStatus.REVIEW, OrderStatus.REFUNDED])
def test_a_cart_paid_for_in_any_way_is_closed(
    app: Flask, client: FlaskClient, status: OrderStatus
) -> None:
    body = {"items": [{"id": BOOM, "quantity": 1}], "cartId": new_cart_id()}
    set_status(app, post(client, body).get_json()["orderNumber"], status)
    response = post(client, body)
    assert response.status_code == 409
    assert error_of(response)["code"] == "cart_already_paid"


def test_a_cart_whose_payment_was_canceled_is_closed(app: Flask, client: FlaskClient) -> None:
    body = {"items": [{"id": BOOM, "quantity": 1}], "cartId": new_cart_id()}
    set_status(app, post(client, body).get_json()["orderNumber"], OrderStatus.CANCELED)
    response = post(client, body)
    assert response.status_code == 409
    assert error_of(response)["code"] == "cart_closed"


def test_a_cart_being_paid_cannot_change_but_can_be_asked_again(
    app: Flask, client: FlaskClient
) -> None:
    cart_id = new_cart_id()
    body = {"items": [{"id": BOOM, "quantity": 1}], "cartId": cart_id}
    first = post(client, body).get_json()
    set_status(app, first["orderNumber"], OrderStatus.PROCESSING)

    again = post(client, body)
    changed = post(client, {"items": [{"id": BOOM, "quantity": 2}], "cartId": cart_id})

    assert again.status_code == 200
    assert again.get_json()["paymentIntentId"] == first["paymentIntentId"]
    assert changed.status_code == 409
    assert error_of(changed)["code"] == "payment_in_progress"
    [order] = orders_in(app)
    assert order.amount == PRICES[BOOM]


def test_a_failed_payment_leaves_the_cart_open_for_another_try(
    app: Flask, client: FlaskClient
) -> None:
    cart_id = new_cart_id()
    first = post(client, {"items": [{"id": BOOM, "quantity": 1}], "cartId": cart_id}).get_json()
    set_status(app, first["orderNumber"], OrderStatus.FAILED)
    again = post(client, {"items": [{"id": BOOM, "quantity": 2}], "cartId": cart_id})
    assert again.status_code == 200
    assert again.get_json()["paymentIntentId"] == first["paymentIntentId"]
    assert again.get_json()["amount"] == 2 * PRICES[BOOM]


def test_two_simultaneous_requests_for_a_new_cart_make_one_order(
    app: Flask, client: FlaskClient
) -> None:
    body = {"items": [{"id": BOOM, "quantity": 1}], "cartId": new_cart_id()}
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

    assert [response.status_code for response in responses] == [200] * 4
    assert len({response.get_json()["paymentIntentId"] for response in responses}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_an_empty_cart_is_refused(client: FlaskClient) -> None:
    response = post(client, {"items": []})
    assert response.status_code == 400
    assert error_of(response)["code"] == "empty_cart"


def test_unknown_books_are_listed(app: Flask, client: FlaskClient) -> None:
    response = post(
        client,
        {
            "items": [
                {"id": "nope", "quantity": 1},
                {"id": BOOM, "quantity": 1},
                {"id": "nada", "quantity": 1},
            ]
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
        client, {"items": [{"id": BOOM, "quantity": 1}, {"id": DREAM, "quantity": quantity}]}
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert [detail["field"] for detail in error["details"]] == ["items.1.quantity"]
    assert message in error["details"][0]["message"]


def test_merged_quantities_must_stay_within_the_limit(client: FlaskClient) -> None:
    response = post(client, {"items": [{"id": BOOM, "quantity": 6}, {"id": BOOM, "quantity": 5}]})
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
