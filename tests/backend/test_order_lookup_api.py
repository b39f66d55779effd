"""'Find your order': POST /api/order-lookup with the order number and the email.

The right pair shows the order; an unknown number and a wrong email get one and the same 404,
doing the same work (one query, one constant-time comparison); the lookup is rate-limited
per client as checkout is.
"""

from __future__ import annotations

import hmac
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_catalogue_cache import counted_queries

from bookstore import create_app
from bookstore.config import Settings
from bookstore.db import db
from bookstore.orders.models import find_order_by_number, new_number, normalized_number

EMAIL = "Ada.Lovelace@Example.com"
SHIPPING = {
    "name": "Ada Lovelace",
    "address": {
        "line1": "1 Market St",
        "city": "San Francisco",
        "state": "CA",
        "postalCode": "94105",
        "country": "US",
    },
}


def place_order(client: FlaskClient) -> dict[str, Any]:
    """A checkout with contact, address and delivery; its answer."""
    body: dict[str, Any] = {
        "items": [{"id": "boom", "quantity": 2}],
        "cartId": "lookup-cart-000000001",
        "email": EMAIL,
        "shipping": SHIPPING,
        "deliveryMethod": "standard",
    }
    response = client.post("/create-payment-intent", json=body)
    assert response.status_code == 200, response.get_json()
    answer: dict[str, Any] = response.get_json()
    return answer


def lookup(client: FlaskClient, number: str, email: str) -> Any:
    """POST /api/order-lookup."""
    return client.post("/api/order-lookup", json={"number": number, "email": email})


def test_the_right_number_and_email_show_the_order(client: FlaskClient) -> None:
    placed = place_order(client)

    response = lookup(client, placed["orderNumber"], EMAIL)

    assert response.status_code == 200
    order = response.get_json()
    assert order["orderNumber"] == placed["orderNumber"]
    assert order["status"] == "pending"
    assert order["items"] == placed["items"]
    assert (order["subtotal"], order["shippingAmount"], order["taxAmount"], order["amount"]) == (
        placed["subtotal"],
        placed["shippingAmount"],
        placed["taxAmount"],
        placed["amount"],
    )
    assert order["shipping"]["line1"] == "1 Market St"
    assert order["delivery"]["method"] == "standard"


@pytest.mark.parametrize(
    ("typed_number", "typed_email"),
    [
        ("{number}", "ada.lovelace@example.com"),  # the email's case
        ("{lower}", "  Ada.Lovelace@Example.com "),  # the number's case, spaces around
        ("{bare}", EMAIL),  # without the SP- prefix
    ],
)
def test_case_spaces_and_the_prefix_are_forgiven(
    client: FlaskClient, typed_number: str, typed_email: str
) -> None:
    number = place_order(client)["orderNumber"]
    typed = typed_number.format(number=number, lower=number.lower(), bare=number[3:])

    assert lookup(client, typed, typed_email).status_code == 200


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("SP-7K3M9Q", "SP-7K3M9Q"),
        ("sp-7k3m 9q", "SP-7K3M9Q"),
        ("7K3M9Q", "SP-7K3M9Q"),
        ("SP7K3M9Q", "SP-7K3M9Q"),
        (" 7k3-m9q ", "SP-7K3M9Q"),
        ("SPABCD", "SP-SPABCD"),  # six characters that happen to start with SP
        ("sp-abc", "SP-ABC"),  # too short: found by nobody, shown as typed
    ],
)
def test_order_numbers_are_read_as_people_type_them(typed: str, stored: str) -> None:
    assert normalized_number(typed) == stored


def not_found(response: Any) -> dict[str, Any]:
    """The one not-found answer."""
    assert response.status_code == 404
    body: dict[str, Any] = response.get_json()
    return body


def test_a_wrong_email_and_an_unknown_number_get_the_same_answer(client: FlaskClient) -> None:
    number = place_order(client)["orderNumber"]
    unknown = new_number()
    assert unknown != number

    wrong_email = not_found(lookup(client, number, "grace@example.com"))
    unknown_number = not_found(lookup(client, unknown, EMAIL))
    malformed = not_found(lookup(client, "not an order number", EMAIL))

    assert wrong_email == unknown_number == malformed
    assert wrong_email == {
        "error": {
            "code": "not_found",
            "message": "No order matches that order number and email.",
        }
    }


def test_an_order_without_an_email_is_never_found(app: Flask, client: FlaskClient) -> None:
    # Pay refuses one now (missing_details); older orders may have none.
    number = place_order(client)["orderNumber"]
    with app.app_context():
        order = find_order_by_number(number)
        assert order is not None
        order.email = None
        db.session.commit()

    not_found(lookup(client, number, "anyone@example.com"))
    assert lookup(client, number, "").status_code == 400  # an email is required


def test_the_two_misses_do_the_same_work(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same queries and one constant-time comparison each: nothing for a clock to tell apart."""
    number = place_order(client)["orderNumber"]
    comparisons: list[tuple[int, int]] = []
    real_compare = hmac.compare_digest

    def counted(a: bytes, b: bytes) -> bool:
        comparisons.append((len(a), len(b)))
        return real_compare(a, b)

    monkeypatch.setattr("bookstore.orders.models.hmac.compare_digest", counted)
    statements: list[list[str]] = []
    for typed_number, typed_email in ((number, "grace@example.com"), (new_number(), EMAIL)):
        with counted_queries(app) as seen:
            not_found(lookup(client, typed_number, typed_email))
        statements.append(seen)

    assert len(comparisons) == 2
    assert [len(seen) for seen in statements] == [1, 1]
    assert statements[0] == statements[1]  # the same SELECT, only its parameter differs


def test_bad_bodies_are_400s_with_the_field_named(client: FlaskClient) -> None:
    for body, field in (
        ({"email": EMAIL}, "number"),
        ({"number": "SP-ABCDEF"}, "email"),
        ({"number": 123456, "email": EMAIL}, "number"),
        ({"number": "SP-ABCDEF", "email": "x" * 300}, "email"),
    ):
        response = client.post("/api/order-lookup", json=body)
        assert response.status_code == 400, body
        error = response.get_json()["error"]
        assert error["code"] == "validation_error"
        assert [detail["field"] for detail in error["details"]] == [field]


def test_searches_are_rate_limited_per_client(settings: Settings) -> None:
    app = create_app(settings.replace(checkout_rate_limit="3 per minute"))
    client = app.test_client()

    answers = [lookup(client, new_number(), EMAIL) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [404, 404, 404, 429]
    assert answers[-1].get_json()["error"]["code"] == "rate_limited"
    assert int(answers[-1].headers["Retry-After"]) > 0
    # Its own count: a shopper who searched three times can still check out.
    assert place_order(client)["orderNumber"]
