"""Order numbers: SP- and six random letters and digits, unique, telling nothing about sales."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from checkout_requests import pay_body
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from bookstore.checkout import pay_transaction
from bookstore.config import Settings
from bookstore.orders.models import NUMBER_ALPHABET, new_number

NUMBER = re.compile(r"SP-[ABCDEFGHJKMNPQRSTVWXYZ23456789]{6}")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Twenty orders from one test client: more copies held than one client may by default."""
    return settings.replace(hold_limit_per_client=100)


def new_order(client: FlaskClient) -> dict[str, object]:
    """A checkout for a new cart."""
    response = client.post(
        "/create-payment-intent",
        json=pay_body({"boom": 1}, uuid.uuid4().hex),
    )
    assert response.status_code == 200
    body: dict[str, object] = response.get_json()
    return body


def test_each_order_gets_a_random_number_shown_to_the_shopper(client: FlaskClient) -> None:
    numbers = [str(new_order(client)["orderNumber"]) for _ in range(20)]

    assert all(NUMBER.fullmatch(number) for number in numbers)
    assert len(set(numbers)) == 20
    # Random, not counted: consecutive orders do not have consecutive numbers.
    assert numbers != sorted(numbers)


def test_the_order_page_and_the_cli_show_the_number(
    client: FlaskClient, runner: FlaskCliRunner
) -> None:
    started = new_order(client)
    page = client.get(
        f"/api/orders/{started['paymentIntentId']}",
        query_string={"client_secret": started["clientSecret"]},
    ).get_json()

    assert page["orderNumber"] == started["orderNumber"]
    assert str(started["orderNumber"]) in runner.invoke(args=["orders"]).output


def test_a_number_another_order_has_is_drawn_again(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = str(new_order(client)["orderNumber"])
    draws: Iterator[str] = iter([taken, "SP-FRESH2"])
    monkeypatch.setattr(pay_transaction, "new_number", lambda: next(draws))

    second = new_order(client)

    assert second["orderNumber"] == "SP-FRESH2"


def test_the_alphabet_leaves_out_characters_people_confuse() -> None:
    assert not set("0O1ILU") & set(NUMBER_ALPHABET)
    assert NUMBER.fullmatch(new_number())
