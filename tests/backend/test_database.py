"""The database layer behaves the same on SQLite and PostgreSQL (whichever this run uses)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import ORMExecuteState, Session
from webhook_events import delivery, intent_event

from bookstore import checkout
from bookstore.db import db, engine_url
from bookstore.orders import Order

BOOK_ID = "boom"


@pytest.fixture
def order_reads() -> Iterator[list[str]]:
    """SQL of every ORM query that reads the orders table, as PostgreSQL would receive it."""
    seen: list[str] = []

    def remember(state: ORMExecuteState) -> None:
        if state.is_select:
            sql = str(state.statement.compile(dialect=postgresql.dialect()))
            if "FROM orders" in sql:
                seen.append(" ".join(sql.split()))

    event.listen(Session, "do_orm_execute", remember)
    yield seen
    event.remove(Session, "do_orm_execute", remember)


def test_timestamps_come_back_aware_and_in_utc_whatever_the_session_zone(app: Flask) -> None:
    tokyo = timezone(timedelta(hours=9))
    paid_at = datetime(2026, 11, 27, 9, 30, tzinfo=tokyo)
    with app.app_context():
        order = Order(currency="usd", amount=100, paid_at=paid_at)
        db.session.add(order)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # timestamptz answers in the session's zone: the model must still give UTC.
            db.session.execute(text("SET TIME ZONE 'America/New_York'"))
        stored = db.session.scalars(
            db.select(Order.paid_at)
            .where(Order.id == order.id)
            .execution_options(populate_existing=True)
        ).one()

    assert stored == paid_at
    assert stored.tzinfo == UTC
    assert stored.hour == 0


def test_a_naive_timestamp_is_refused_rather_than_guessed(app: Flask) -> None:
    with app.app_context():
        db.session.add(Order(currency="usd", amount=100, paid_at=datetime(2026, 1, 1)))
        with pytest.raises(StatementError, match="naive datetime"):
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize("path", ["/api/books/a%00b", "/api/orders/pi_%00?client_secret=x%00"])
def test_a_nul_character_in_an_id_is_just_not_found(client: FlaskClient, path: str) -> None:
    # PostgreSQL text cannot hold NUL; the lookup must miss, as on SQLite, not fail with a 500.
    response = client.get(path)

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_nul_character_in_a_cart_line_is_an_unknown_book(client: FlaskClient) -> None:
    response = client.post(
        "/create-payment-intent", json={"items": [{"id": "boom\x00", "quantity": 1}]}
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "unknown_books"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://shop:pw@db.internal/shop", "postgresql+psycopg://shop:pw@db.internal/shop"),
        ("postgresql://shop@db.internal/shop", "postgresql+psycopg://shop@db.internal/shop"),
        ("postgresql+psycopg://shop@db/shop", "postgresql+psycopg://shop@db/shop"),
        ("sqlite:////tmp/shop.sqlite3", "sqlite:////tmp/shop.sqlite3"),
    ],
)
def test_postgresql_urls_without_a_driver_use_psycopg_3(given: str, used: str) -> None:
    assert engine_url(given).render_as_string(hide_password=False) == used


def test_each_database_gets_the_engine_settings_it_needs(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            # A connection the server dropped is noticed before a request uses it.
            assert engine.pool._pre_ping
        else:
            with engine.connect() as connection:
                busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
                assert busy_timeout is not None and busy_timeout > 0


def test_checkout_locks_the_carts_order_before_changing_it(
    client: FlaskClient, order_reads: list[str]
) -> None:
    cart = {"items": [{"id": BOOK_ID, "quantity": 1}], "cartId": "cart-locking-0000001"}
    assert client.post("/create-payment-intent", json=cart).status_code == 200
    order_reads.clear()

    changed = {**cart, "items": [{"id": BOOK_ID, "quantity": 2}]}
    assert client.post("/create-payment-intent", json=changed).status_code == 200

    # A webhook paying the order must wait for the change, not interleave with it.
    # (The demo's plain existence check, before the transaction begins, reads only the id.)
    by_cart = [
        sql
        for sql in order_reads
        if "orders.cart_id =" in sql and not sql.startswith("SELECT orders.id FROM orders WHERE")
    ]
    assert by_cart
    assert all(sql.endswith("FOR UPDATE") for sql in by_cart)


@pytest.mark.sqlite_only  # SQLite ignores FOR UPDATE: checkout takes its write lock instead
def test_on_sqlite_checkout_holds_the_write_lock_from_reading_the_order_to_changing_it(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cart = {"items": [{"id": BOOK_ID, "quantity": 1}], "cartId": "cart-locking-0000002"}
    assert client.post("/create-payment-intent", json=cart).status_code == 200
    with app.app_context():
        database = db.engine.url.database
    assert database

    other_writer_refused: list[bool] = []
    reprice = checkout._reprice_order

    def reprice_while_another_writer_tries(*args: Any) -> Any:
        # Between checkout's read of the order and its change, a webhook's write must wait.
        other = sqlite3.connect(database, timeout=0)
        try:
            other.execute("UPDATE orders SET status = status")
            other_writer_refused.append(False)
        except sqlite3.OperationalError as error:
            other_writer_refused.append("locked" in str(error))
        finally:
            other.close()
        return reprice(*args)

    monkeypatch.setattr(checkout, "_reprice_order", reprice_while_another_writer_tries)
    changed = {**cart, "items": [{"id": BOOK_ID, "quantity": 2}]}
    assert client.post("/create-payment-intent", json=changed).status_code == 200
    assert other_writer_refused == [True]


def test_a_webhook_locks_the_order_it_applies_an_event_to(
    stripe_app: Flask, order_reads: list[str]
) -> None:
    with stripe_app.app_context():
        db.session.add(Order(currency="usd", amount=500, payment_intent_id="pi_lock"))
        db.session.commit()
    payload, headers = delivery(intent_event("payment_intent.succeeded", "pi_lock", amount=500))

    response = stripe_app.test_client().post("/webhook", data=payload, headers=headers)

    assert response.get_json()["result"] == "processed"
    # Two events for one order then apply one after the other, each seeing the other's result.
    by_intent = [sql for sql in order_reads if "orders.payment_intent_id =" in sql]
    assert by_intent
    assert all(sql.endswith("FOR UPDATE") for sql in by_intent)
