"""`flask --app bookstore stock`: copies on the shelf, held by checkouts, available; `stock set`.

Demo mode: checkouts hold copies through the API as the shop's own page does. Poor Charlie's
Almanack starts with 3 copies, The Big Score with none, Boom with 120.
"""

from __future__ import annotations

import pytest
from checkout_requests import pay_body
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from bookstore.catalogue.books import Book
from bookstore.catalogue.data import BOOKS
from bookstore.db import db

SCARCE = "poor-charlies-almanack"
SOLD_OUT = "the-big-score"
BOOM = "boom"


def hold(client: FlaskClient, book_id: str, quantity: int, cart_id: str) -> None:
    """A checkout for the book, which holds its copies until it is paid or its hold expires."""
    response = client.post(
        "/create-payment-intent",
        json=pay_body({book_id: quantity}, f"{cart_id:0>16}"),
    )
    assert response.status_code == 200, response.get_json()


def on_shelf(app: Flask, book_id: str) -> int:
    """The book's stock in the database."""
    with app.app_context():
        book = db.session.get(Book, book_id)
        assert book is not None
        return book.stock


def rows(output: str) -> dict[str, list[str]]:
    """The table's rows by book id: [on shelf, held, available] and any note after them."""
    table: dict[str, list[str]] = {}
    for line in output.splitlines()[1:]:
        book_id, _, rest = line.partition("  ")
        numbers = rest.split("(not on sale)")[0].split()[-3:]
        table[book_id] = numbers + (["not on sale"] if "(not on sale)" in rest else [])
    return table


def test_the_table_counts_every_titles_copies_and_the_holds_of_checkouts(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    hold(client, SCARCE, 2, "cart-1")
    hold(client, BOOM, 3, "cart-2")
    hold(client, BOOM, 1, "cart-3")

    result = runner.invoke(args=["stock"])

    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0]
    assert header.split() == ["ID", "TITLE", "ON", "SHELF", "HELD", "AVAILABLE"]
    table = rows(result.stdout)
    assert list(table) == [book["id"] for book in BOOKS]  # every title, in shelf order
    assert table[SCARCE] == ["3", "2", "1"]
    assert table[BOOM] == ["120", "4", "116"]
    assert table[SOLD_OUT] == ["0", "0", "0"]
    line = next(line for line in result.stdout.splitlines() if line.startswith(SCARCE))
    assert "Poor Charlie's Almanack" in line
    assert runner.invoke(args=["stock", "list"]).stdout == result.stdout


def test_a_title_not_on_sale_is_listed_and_says_so(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        book = db.session.get(Book, BOOM)
        assert book is not None
        book.active = False
        db.session.commit()

    table = rows(runner.invoke(args=["stock"]).stdout)

    assert table[BOOM] == ["120", "0", "120", "not on sale"]
    assert table[SCARCE] == ["3", "0", "3"]


def test_more_held_than_on_the_shelf_shows_none_available(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    hold(client, SCARCE, 3, "cart-1")

    result = runner.invoke(args=["stock", "set", SCARCE, "1"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"Poor Charlie's Almanack ({SCARCE}): 3 -> 1 on the shelf; 3 held by checkouts, "
        "0 available."
    )
    assert rows(runner.invoke(args=["stock"]).stdout)[SCARCE] == ["1", "3", "0"]


def test_set_counts_the_shelf_anew_and_says_when_the_shop_shows_it(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    hold(client, BOOM, 2, "cart-1")

    result = runner.invoke(args=["stock", "set", BOOM, "7"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Boom ({BOOM}): 120 -> 7 on the shelf; 2 held by checkouts, 5 available.",
        "The shop shows it within 10 s (CATALOGUE_CACHE_SECONDS).",
    ]
    assert on_shelf(app, BOOM) == 7
    assert runner.invoke(args=["stock", "set", SOLD_OUT, "0"]).exit_code == 0
    assert on_shelf(app, SOLD_OUT) == 0


@pytest.mark.parametrize(
    ("book_id", "count", "message"),
    [
        ("no-such-book", "3", "No book has the id 'no-such-book': `flask --app bookstore stock`"),
        (BOOM, "-1", "the count cannot be negative (-1)."),
    ],
)
def test_an_unknown_title_or_a_negative_count_is_refused_and_changes_nothing(
    app: Flask, runner: FlaskCliRunner, book_id: str, count: str, message: str
) -> None:
    result = runner.invoke(args=["stock", "set", book_id, count])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"Error: {message}" in result.stderr
    with app.app_context():
        stocks = {
            book_id: stock for book_id, stock in db.session.execute(select(Book.id, Book.stock))
        }
    assert stocks == {book["id"]: book["stock"] for book in BOOKS}


def test_a_count_that_is_not_a_number_is_a_usage_error(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["stock", "set", BOOM, "many"])

    assert result.exit_code == 2
    assert "'many' is not a valid integer" in result.stderr
    assert on_shelf(app, BOOM) == 120
