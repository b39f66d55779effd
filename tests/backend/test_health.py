"""/healthz (the process is up) and /readyz (database and payment settings ready)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from bookstore import create_app
from bookstore.config import Settings
from bookstore.db import db


def test_healthz_says_ok_and_is_never_cached(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_in_demo_mode_checks_the_database(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "payments": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_in_the_error_shape_when_the_database_does_not_answer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "gone.sqlite3"
    app = create_app(Settings(database_url=f"sqlite:///{path}", demo_mode=True))
    # Put a folder where the database was: SQLite cannot open it, so every query fails, as
    # with a database server that went away.
    with app.app_context():
        db.engine.dispose()
    for leftover in tmp_path.glob("gone.sqlite3*"):
        leftover.unlink()
    path.mkdir()
    client = app.test_client()

    with caplog.at_level(logging.WARNING):
        response = client.get("/readyz")

    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "not_ready"
    assert error["details"] == {"database": "the database did not answer", "payments": "ok"}
    assert str(path).encode() not in response.data  # the driver's message stays in the log
    assert "the database did not answer" in caplog.text
    # Liveness does not depend on the database: the process itself is fine.
    assert client.get("/healthz").status_code == 200


def test_readyz_in_stripe_mode_needs_the_webhook_secret(
    stripe_settings: Settings, fake_stripe: object
) -> None:
    without_secret = stripe_settings.replace(stripe_webhook_secret=None)
    response = create_app(without_secret).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["error"]["details"] == {
        "database": "ok",
        "payments": "STRIPE_WEBHOOK_SECRET is not set",
    }


def test_readyz_in_stripe_mode_with_complete_settings_is_ready_without_calling_stripe(
    stripe_client: FlaskClient, fake_stripe: object
) -> None:
    # fake_stripe fails any request to Stripe it was not told about: none is made here.
    response = stripe_client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "payments": "ok"}
