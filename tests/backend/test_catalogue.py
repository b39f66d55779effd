"""The catalogue: real Stripe Press titles, seeded once, served as JSON."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bookstore.catalogue.books import Book, seed_catalogue
from bookstore.catalogue.data import BOOKS
from bookstore.db import db

HEX = re.compile(r"^#[0-9a-f]{6}$")


def test_the_catalogue_holds_at_least_fourteen_distinct_titles() -> None:
    assert len(BOOKS) >= 14
    assert len({book["id"] for book in BOOKS}) == len(BOOKS)
    assert len({book["title"] for book in BOOKS}) == len(BOOKS)


def test_known_titles_carry_their_real_authors() -> None:
    authors = {book["title"]: book["author"] for book in BOOKS}
    assert authors["The Dream Machine"] == "M. Mitchell Waldrop"
    assert authors["Stubborn Attachments"] == "Tyler Cowen"
    assert authors["The Art of Doing Science and Engineering"] == "Richard W. Hamming"
    assert authors["Boom"] == "Byrne Hobart and Tobias Huber"


def test_every_book_has_a_price_in_cents_and_its_own_cover_colours() -> None:
    for book in BOOKS:
        assert isinstance(book["price"], int) and 500 <= book["price"] <= 10_000, book["id"]
        assert book["currency"] == "usd"
        assert HEX.match(book["color"]) and HEX.match(book["ink_color"]), book["id"]
        assert book["color"] != book["ink_color"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", book["id"])
        assert 1900 < book["year"] < 2100
        assert book["description"].strip()
    assert len({book["color"] for book in BOOKS}) == len(BOOKS)


def test_seeding_again_adds_nothing_and_keeps_edits(app: Flask) -> None:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Book))
        assert count == len(BOOKS)
        book = db.session.get(Book, "boom")
        assert book is not None
        book.price = 1234
        db.session.commit()

        assert seed_catalogue() == 0

        assert db.session.scalar(select(func.count()).select_from(Book)) == len(BOOKS)
        assert db.session.get(Book, "boom").price == 1234  # type: ignore[union-attr]


def test_new_titles_in_the_data_are_added_on_the_next_seed(app: Flask) -> None:
    new_title = {**BOOKS[0], "id": "a-new-title", "title": "A New Title"}
    with app.app_context():
        assert seed_catalogue([*BOOKS, new_title]) == 1
        assert db.session.get(Book, "a-new-title") is not None


def test_books_are_listed_in_shelf_order_in_the_documented_shape(client: FlaskClient) -> None:
    response = client.get("/api/books")
    assert response.status_code == 200
    books = response.get_json()["books"]
    assert [book["id"] for book in books] == [book["id"] for book in BOOKS]
    first = BOOKS[0]
    assert books[0] == {
        "id": first["id"],
        "title": first["title"],
        "author": first["author"],
        "description": first["description"],
        "format": first["format"],
        "year": first["year"],
        "price": first["price"],
        "currency": "usd",
        "color": first["color"],
        "inkColor": first["ink_color"],
        "available": first["stock"],
    }


def test_inactive_books_are_neither_listed_nor_found(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        db.session.get(Book, "boom").active = False  # type: ignore[union-attr]
        db.session.commit()
    ids = [book["id"] for book in client.get("/api/books").get_json()["books"]]
    assert "boom" not in ids
    assert len(ids) == len(BOOKS) - 1
    assert client.get("/api/books/boom").status_code == 404


def test_one_book_by_id(client: FlaskClient) -> None:
    response = client.get("/api/books/the-dream-machine")
    assert response.status_code == 200
    assert response.get_json()["title"] == "The Dream Machine"
    assert response.get_json()["inkColor"] == BOOKS[0]["ink_color"]


def test_an_unknown_book_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/api/books/no-such-book")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": "No such book."}}
