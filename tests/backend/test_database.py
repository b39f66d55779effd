"""The database layer behaves the same on SQLite and PostgreSQL (whichever this run uses)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from checkout_requests import confirmed, demo_token, pay_body
from demo_timers import hold_timers
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, event, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import ORMExecuteState, Session
from webhook_events import delivery, intent_event

from bookstore.checkout import pay_transaction
from bookstore.db import db, engine_url, provider_session
from bookstore.jobs.queue import run_due
from bookstore.orders.models import Order
from bookstore.payments.demo.delivery import DEMO_EVENT_KIND
from bookstore.payments.demo.gateway import DemoGateway

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
    response = client.post("/create-payment-intent", json=pay_body({"boom\x00": 1}))

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


def test_pay_locks_the_carts_order_before_changing_it(
    client: FlaskClient, order_reads: list[str]
) -> None:
    cart = pay_body({BOOK_ID: 1}, "cart-locking-0000001")
    assert client.post("/create-payment-intent", json=cart).status_code == 200
    order_reads.clear()

    changed = pay_body({BOOK_ID: 2}, "cart-locking-0000001")
    assert client.post("/create-payment-intent", json=changed).status_code == 200

    # A webhook paying the order must wait for the change, not interleave with it. (The look
    # at its PaymentIntent before any transaction, and the holds' sums, only read.)
    locking = [
        sql
        for sql in order_reads
        if sql.startswith("SELECT orders.")
        and not sql.startswith("SELECT orders.payment_intent_id, orders.gateway")
    ]
    assert any("orders.cart_id =" in sql for sql in locking)
    assert all(sql.endswith("FOR UPDATE") for sql in locking)


def other_writer_is_refused(database: str) -> bool:
    """Whether another connection is refused a write right now (the write lock is held)."""
    other = sqlite3.connect(database, timeout=0)
    try:
        other.execute("UPDATE orders SET status = status")
        other.commit()
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        other.close()
    return False


def sqlite_file(app: Flask) -> str:
    with app.app_context():
        database = db.engine.url.database
    assert database
    return database


@pytest.mark.sqlite_only  # SQLite ignores FOR UPDATE: checkout takes its write lock instead
def test_on_sqlite_checkout_holds_the_write_lock_from_reading_the_order_to_changing_it(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cart = pay_body({BOOK_ID: 1}, "cart-locking-0000002")
    assert client.post("/create-payment-intent", json=cart).status_code == 200
    database = sqlite_file(app)

    other_writer_refused: list[bool] = []
    check = pay_transaction._refuse_unpayable

    def check_while_another_writer_tries(*args: Any, **kwargs: Any) -> Any:
        # Checked after the read of the order that precedes its change: a webhook's write
        # must wait from that read to the commit.
        other_writer_refused.append(other_writer_is_refused(database))
        return check(*args, **kwargs)

    monkeypatch.setattr(pay_transaction, "_refuse_unpayable", check_while_another_writer_tries)
    changed = pay_body({BOOK_ID: 2}, "cart-locking-0000002")
    assert client.post("/create-payment-intent", json=changed).status_code == 200
    assert other_writer_refused == [True]


@pytest.mark.sqlite_only  # on SQLite a held lock would stop the whole database
def test_on_sqlite_checkout_holds_no_write_lock_while_the_gateway_is_called(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = sqlite_file(app)
    refused_during: dict[str, bool] = {}
    create = DemoGateway.create_payment_intent
    update = DemoGateway.update_payment_intent
    confirm = DemoGateway.confirm_payment_intent

    def create_while_another_writer_tries(self: DemoGateway, **kwargs: Any) -> Any:
        refused_during["create"] = other_writer_is_refused(database)
        return create(self, **kwargs)

    def update_while_another_writer_tries(self: DemoGateway, *args: Any, **kwargs: Any) -> Any:
        refused_during["update"] = other_writer_is_refused(database)
        return update(self, *args, **kwargs)

    def confirm_while_another_writer_tries(self: DemoGateway, *args: Any, **kwargs: Any) -> Any:
        refused_during["confirm"] = other_writer_is_refused(database)
        return confirm(self, *args, **kwargs)

    monkeypatch.setattr(DemoGateway, "create_payment_intent", create_while_another_writer_tries)
    monkeypatch.setattr(DemoGateway, "update_payment_intent", update_while_another_writer_tries)
    monkeypatch.setattr(DemoGateway, "confirm_payment_intent", confirm_while_another_writer_tries)
    hold_timers(app)
    cart = pay_body({BOOK_ID: 1}, "cart-locking-0000003")
    assert client.post("/create-payment-intent", json=cart).status_code == 200
    changed = pay_body({BOOK_ID: 3}, "cart-locking-0000003", **confirmed(demo_token(client)))
    assert client.post("/create-payment-intent", json=changed).status_code == 200

    # A payment provider that is slow to answer must not stop every other write meanwhile.
    assert refused_during == {"create": False, "update": False, "confirm": False}


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


# --- the demo gateway's storage (db.provider_session) -----------------------------------------

SQLITE_NORMAL, SQLITE_FULL = 1, 2
YEAR = date.today().year + 3
WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


def synchronous(dbapi_connection: Any) -> int:
    """The SQLite connection's synchronous setting (1 NORMAL, 2 FULL)."""
    level: int = dbapi_connection.execute("PRAGMA synchronous").fetchone()[0]
    return level


@pytest.fixture
def sqlite_commits(app: Flask) -> Iterator[list[tuple[frozenset[str], int]]]:
    """Each commit on the app's engine: the tables its transaction wrote, and its synchronous."""
    with app.app_context():
        engine = db.engine
    written: dict[Connection, set[str]] = {}
    commits: list[tuple[frozenset[str], int]] = []

    def remember_write(connection: Connection, cursor: Any, statement: str, *args: Any) -> None:
        match = WRITE.match(statement)
        if match:
            written.setdefault(connection, set()).add(match.group(1))

    def remember_commit(connection: Connection) -> None:
        tables = frozenset(written.pop(connection, set()))
        commits.append((tables, synchronous(connection.connection.dbapi_connection)))

    event.listen(engine, "before_cursor_execute", remember_write)
    event.listen(engine, "commit", remember_commit)
    yield commits
    event.remove(engine, "before_cursor_execute", remember_write)
    event.remove(engine, "commit", remember_commit)


@pytest.mark.sqlite_only  # a SQLite setting
def test_a_provider_session_runs_its_transaction_with_synchronous_normal(app: Flask) -> None:
    with app.app_context():
        with provider_session() as session, session.begin():
            inside = session.execute(text("PRAGMA synchronous")).scalar()
            # Meanwhile, on a connection of its own:
            shops = db.session.execute(text("PRAGMA synchronous")).scalar()
        db.session.rollback()

    assert inside == SQLITE_NORMAL  # the demo provider's commits skip the fsync...
    assert shops == SQLITE_FULL  # ...the shop's own session keeps every commit durable


@pytest.mark.sqlite_only  # a SQLite setting
def test_a_pooled_connection_is_back_to_full_once_a_provider_session_returns_it(
    app: Flask,
) -> None:
    with app.app_context():
        with provider_session() as session, session.begin():
            session.execute(text("SELECT 1"))
            relaxed = session.connection().connection.dbapi_connection
            assert relaxed is not None and synchronous(relaxed) == SQLITE_NORMAL
        # Back in the pool: FULL again, for whoever checks it out next.
        assert synchronous(relaxed) == SQLITE_FULL

        db.session.execute(text("SELECT 1"))
        reused = db.session.connection().connection.dbapi_connection
        level = db.session.execute(text("PRAGMA synchronous")).scalar()
        db.session.rollback()

    assert reused is relaxed  # the pool handed the shop the very connection the provider used
    assert level == SQLITE_FULL


@pytest.mark.sqlite_only  # a SQLite setting
def test_only_the_demo_providers_commits_skip_the_fsync_in_a_demo_payment(
    app: Flask, client: FlaskClient, sqlite_commits: list[tuple[frozenset[str], int]]
) -> None:
    cart = pay_body({BOOK_ID: 1}, "cart-durability-00001")
    assert client.post("/create-payment-intent", json=cart).status_code == 200
    token = demo_token(client)
    changed = pay_body({BOOK_ID: 2}, "cart-durability-00001", **confirmed(token))
    answer = client.post("/create-payment-intent", json=changed).get_json()
    assert answer["status"] == "succeeded"
    with app.app_context():
        # The webhook events the demo sends after the confirmation: jobs, run as the worker
        # runs them.
        assert run_due([DEMO_EVENT_KIND]) == 2

    writes = [(tables, level) for tables, level in sqlite_commits if tables]
    provider_tables = {"demo_payment_intents", "demo_confirmation_tokens"}
    demo = [level for tables, level in writes if tables <= provider_tables]
    shop = [level for tables, level in writes if not tables & provider_tables]
    # Created; a token made; amount changed; the token used; paid: the provider's writes,
    # each in a transaction of its own.
    assert demo == [SQLITE_NORMAL] * 5
    # Each Pay's order and its end (PaymentIntent stored, lease ended), the events queued as
    # jobs, each claimed and done, the webhook paying it: all durable.
    assert len(shop) >= 5 and set(shop) == {SQLITE_FULL}
    assert {table for tables, _ in writes for table in tables} >= {
        "orders",
        "order_lines",
        "processed_events",
        "jobs",
    }
