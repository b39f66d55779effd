"""Fixtures: an app per test with its own SQLite file; demo mode unless a test asks for Stripe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests_mock as rm
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from stripe_fakes import FakeStripe
from webhook_events import STRIPE_WEBHOOK_SECRET

from bookstore import create_app
from bookstore.config import Settings

# Short fake values: secret scanners ignore them, and no test can reach Stripe with them.
STRIPE_SECRET_KEY = "sk_test_123"
STRIPE_PUBLISHABLE_KEY = "pk_test_123"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A throwaway SQLite file (a file, not :memory:, so threads share it as in production)."""
    return f"sqlite:///{tmp_path / 'bookstore.sqlite3'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Demo mode: no Stripe keys."""
    return Settings(database_url=database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    """The app under test, its catalogue seeded."""
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
    """A stateful stand-in for Stripe's PaymentIntents API (any unmocked URL fails the test)."""
    return FakeStripe(requests_mock)


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
