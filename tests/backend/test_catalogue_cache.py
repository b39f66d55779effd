"""The catalogue endpoints: strong ETags, 304s, gzip, and one query per process per refresh."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from checkout_requests import pay_body
from flask import Flask
from sqlalchemy import event

from bookstore import create_app
from bookstore.catalogue.books import Book
from bookstore.config import Settings
from bookstore.db import db
from bookstore.web.catalogue_cache import EXTENSION_KEY, CatalogueCache


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_app(settings: Settings, cache_seconds: float) -> Flask:
    """The app with the given catalogue cache lifetime."""
    app = create_app(settings.replace(catalogue_cache_seconds=cache_seconds))
    app.config["TESTING"] = True
    return app


def set_price(app: Flask, book_id: str, price: int) -> None:
    """Edit a book as a shop owner would, straight in the database."""
    with app.app_context():
        book = db.session.get(Book, book_id)
        assert book is not None
        book.price = price
        db.session.commit()


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    """Collect every SQL statement the app runs inside the block."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_listing_has_a_strong_etag_of_its_body_and_must_be_revalidated(
    app: Flask,
) -> None:
    response = app.test_client().get("/api/books")
    assert response.status_code == 200
    etag, weak = response.get_etag()
    assert etag and not weak
    assert etag == hashlib.sha256(response.data).hexdigest()[:32]
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.get_json()["books"][0]["id"] == "the-dream-machine"


def test_a_current_etag_gets_304_without_a_body(app: Flask) -> None:
    client = app.test_client()
    first = client.get("/api/books")
    again = client.get("/api/books", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "no-cache"


def test_another_etag_gets_the_full_listing(app: Flask) -> None:
    response = app.test_client().get("/api/books", headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200
    assert response.get_json()["books"]


def test_each_book_has_its_own_etag_and_304(app: Flask) -> None:
    client = app.test_client()
    one = client.get("/api/books/the-dream-machine")
    other = client.get("/api/books/boom")
    assert one.get_json()["title"] == "The Dream Machine"
    assert one.headers["ETag"] != other.headers["ETag"]
    assert one.headers["Cache-Control"] == "no-cache"
    again = client.get(
        "/api/books/the-dream-machine", headers={"If-None-Match": one.headers["ETag"]}
    )
    assert again.status_code == 304


def test_an_unknown_book_is_still_a_json_404(app: Flask) -> None:
    response = app.test_client().get("/api/books/no-such-book")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert "ETag" not in response.headers


def test_gzip_is_sent_to_clients_that_accept_it_with_its_own_etag(app: Flask) -> None:
    client = app.test_client()
    plain = client.get("/api/books")
    zipped = client.get("/api/books", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    refused = client.get("/api/books", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers
    again = client.get(
        "/api/books",
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]},
    )
    assert again.status_code == 304


def test_many_requests_read_the_books_once_while_the_copy_is_fresh(settings: Settings) -> None:
    app = make_app(settings, cache_seconds=60)
    client = app.test_client()
    with counted_queries(app) as statements:
        for _ in range(5):
            assert client.get("/api/books").status_code == 200
            assert client.get("/api/books/boom").status_code == 200
    assert len(statements) == 1
    assert "FROM book" in statements[0]


def test_an_edit_shows_once_the_copy_is_older_than_its_lifetime(settings: Settings) -> None:
    app = make_app(settings, cache_seconds=10)
    clock = FakeClock()
    cache: CatalogueCache = app.extensions[EXTENSION_KEY]
    cache.clock = clock
    client = app.test_client()
    before = client.get("/api/books/boom")

    set_price(app, "boom", 4321)
    clock.now += 9
    assert client.get("/api/books/boom").get_json()["price"] == before.get_json()["price"]

    clock.now += 1
    after = client.get("/api/books/boom", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["price"] == 4321
    assert after.headers["ETag"] != before.headers["ETag"]


def test_with_no_cache_lifetime_every_request_reads_the_database(settings: Settings) -> None:
    app = make_app(settings, cache_seconds=0)
    client = app.test_client()
    before = client.get("/api/books")
    set_price(app, "boom", 4321)
    after = client.get("/api/books", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    prices = {book["id"]: book["price"] for book in after.get_json()["books"]}
    assert prices["boom"] == 4321


def test_checkout_prices_from_the_database_not_from_the_cached_copy(settings: Settings) -> None:
    app = make_app(settings, cache_seconds=60)
    client = app.test_client()
    client.get("/api/books")
    set_price(app, "boom", 4321)
    response = client.post("/create-payment-intent", json=pay_body({"boom": 1}))
    assert response.status_code == 200
    assert response.get_json()["subtotal"] == 4321
