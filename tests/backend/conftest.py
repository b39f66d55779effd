"""Fixtures: an app per test with its own clean database; demo mode unless a test asks for Stripe.

The database is SQLite, or PostgreSQL when TEST_DATABASE_URL is set (see database_setup.py);
either way its schema was built by the migrations, as `flask db upgrade` builds it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests_mock as rm
from database_setup import Databases, SqliteDatabases, describe_databases, open_databases
from fake_stripe_server import FakeStripeServer, fake_stripe_server
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from run_summary import SUMMARY_LINES
from sqlalchemy import Connection, Engine, event
from stripe_fakes import FakeStripe, answer_as_delivered
from webhook_events import STRIPE_WEBHOOK_SECRET

from bookstore import create_app
from bookstore.config import Settings

# Short fake values: secret scanners ignore them, and no test can reach Stripe with them.
STRIPE_SECRET_KEY = "sk_test_123"
STRIPE_PUBLISHABLE_KEY = "pk_test_123"


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers this folder uses."""
    config.addinivalue_line(
        "markers", "sqlite_only: checks SQLite itself, so it runs on SQLite in every run"
    )


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database the run uses, first thing in the output."""
    return f"database: {describe_databases()}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show the counts tests recorded with run_summary.add_summary_line."""
    lines = terminalreporter.config.stash.get(SUMMARY_LINES, [])
    if lines:
        terminalreporter.section("summary")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """This run's databases, migrated once."""
    databases = open_databases(tmp_path_factory.mktemp("databases"))
    yield databases
    databases.close()


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    """SQLite databases, for the tests of SQLite itself during a PostgreSQL run too."""
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite-databases"))


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A clean, migrated, seeded database for this test (SQLite: a file threads share)."""
    if request.node.get_closest_marker("sqlite_only"):
        databases: Databases = request.getfixturevalue("sqlite_databases")
    else:
        databases = request.getfixturevalue("databases")
    return databases.fresh(tmp_path)


@pytest.fixture
def empty_database_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    """A database of this run's kind with no tables yet, for the migration tests."""
    with databases.empty(tmp_path) as url:
        yield url


@pytest.fixture(autouse=True)
def _close_database_connections() -> Iterator[None]:
    """Close the pooled connections of every engine the test made once it ends.

    Each app has its own engine; left open, their idle connections would add up over a run
    to PostgreSQL's connection limit, and could hold locks the next test's cleanup needs.
    Nothing else is left to stop: the web process keeps no background thread, and the demo's
    later steps are jobs in the test's own database, done only by a worker the test runs.
    """
    engines: weakref.WeakSet[Engine] = weakref.WeakSet()

    def remember(connection: Connection) -> None:
        engines.add(connection.engine)

    event.listen(Engine, "engine_connect", remember)
    yield
    event.remove(Engine, "engine_connect", remember)
    for engine in list(engines):
        engine.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Demo mode: no Stripe keys."""
    return Settings(database_url=database_url, demo_mode=True)


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    """The app under test, on a database with the seeded catalogue."""
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """HTTP client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs the app's `flask` commands."""
    return app.test_cli_runner()


@pytest.fixture
def stripe_settings(database_url: str) -> Settings:
    """Stripe mode with fake test keys; requests to Stripe are answered by FakeStripe."""
    return Settings(
        database_url=database_url,
        stripe_secret_key=STRIPE_SECRET_KEY,
        stripe_publishable_key=STRIPE_PUBLISHABLE_KEY,
        stripe_webhook_secret=STRIPE_WEBHOOK_SECRET,
        stripe_max_network_retries=0,
    )


@pytest.fixture
def fake_stripe(requests_mock: rm.Mocker) -> FakeStripe:
    """A stateful stand-in for Stripe's PaymentIntents API (any unmocked URL fails the test).

    A PaymentIntent it never made is retrieved, during a webhook delivery, as the event shows it.
    """
    fake = FakeStripe(requests_mock)
    answer_as_delivered(requests_mock, fake)
    return fake


@pytest.fixture
def stripe_server() -> Iterator[FakeStripeServer]:
    """A fake Stripe over HTTP on loopback, for app servers in other processes to call."""
    with fake_stripe_server() as server:
        yield server


@pytest.fixture
def stripe_app(stripe_settings: Settings, fake_stripe: FakeStripe) -> Flask:
    """The app in Stripe mode."""
    app = create_app(stripe_settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def stripe_client(stripe_app: Flask) -> FlaskClient:
    """HTTP client for the Stripe-mode app."""
    return stripe_app.test_client()
