"""The app as a whole: /config, CORS, and one JSON error shape for every failure."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bookstore import create_app
from bookstore.config import Settings


def test_config_in_demo_mode_has_no_key(client: FlaskClient) -> None:
    response = client.get("/config")
    assert response.status_code == 200
    body = response.get_json()
    assert {key: body[key] for key in ("publishableKey", "mode", "currency")} == {
        "publishableKey": None,
        "mode": "demo",
        "currency": "usd",
    }
    assert {"code": "US", "name": "United States"} in body["shippingCountries"]


def test_config_in_stripe_mode_gives_the_publishable_key_and_never_a_secret(
    stripe_client: FlaskClient,
) -> None:
    response = stripe_client.get("/config")
    body = response.get_json()
    assert (body["publishableKey"], body["mode"], body["currency"]) == (
        "pk_test_123",
        "stripe",
        "usd",
    )
    assert [country["code"] for country in body["shippingCountries"]][:2] == ["US", "CA"]
    assert b"sk_test" not in response.data
    assert b"whsec" not in response.data


def test_cors_allows_the_frontend_origin_only(client: FlaskClient) -> None:
    allowed = client.get("/api/books", headers={"Origin": "http://localhost:3000"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    other = client.get("/api/books", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_cors_preflight_for_a_json_post(client: FlaskClient) -> None:
    response = client.options(
        "/create-payment-intent",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


def test_unknown_paths_get_the_json_404(client: FlaskClient) -> None:
    response = client.get("/no/such/path")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_a_wrong_method_gets_a_json_405_with_allow(client: FlaskClient) -> None:
    response = client.delete("/api/books")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    assert response.mimetype == "application/json"


def test_a_huge_body_gets_a_json_413(client: FlaskClient) -> None:
    response = client.post(
        "/create-payment-intent",
        data=b'{"items": [' + b" " * 100_000 + b"]}",
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_an_unexpected_exception_is_a_generic_500_logged_with_its_traceback(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("database password is hunter2")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom")

    assert response.status_code == 500
    assert response.get_json() == {
        "error": {"code": "internal_error", "message": "Something went wrong on our side."}
    }
    assert b"hunter2" not in response.data
    assert "hunter2" in caplog.text  # the server log keeps the traceback


def test_creating_the_app_does_not_reseed_or_fail_on_an_existing_database(
    settings: Settings, client: FlaskClient
) -> None:
    second = create_app(settings).test_client()
    assert len(second.get("/api/books").get_json()["books"]) == len(
        client.get("/api/books").get_json()["books"]
    )


def test_stripe_mode_without_a_webhook_secret_warns_loudly_and_refuses_events(
    stripe_settings: Settings, caplog: pytest.LogCaptureFixture, fake_stripe: object
) -> None:
    settings = Settings(
        database_url=stripe_settings.database_url,
        stripe_secret_key="sk_test_123",
        stripe_publishable_key="pk_test_123",
    )
    with caplog.at_level(logging.WARNING):
        app = create_app(settings)
    assert "STRIPE_WEBHOOK_SECRET" in caplog.text

    response = app.test_client().post("/webhook", data=b"{}", headers={"Stripe-Signature": "x"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "webhook_not_configured"


def test_demo_routes_exist_only_in_demo_mode(
    client: FlaskClient, stripe_client: FlaskClient
) -> None:
    assert client.get("/demo/payment_intents/pi_x?client_secret=x").status_code == 404
    assert any(rule.rule.startswith("/demo/") for rule in client.application.url_map.iter_rules())
    assert not any(
        rule.rule.startswith("/demo/") for rule in stripe_client.application.url_map.iter_rules()
    )


@pytest.mark.sqlite_only  # reads SQLite's own files and settings
def test_the_sqlite_database_runs_in_wal_mode(app: Flask) -> None:
    from bookstore.db import db

    with app.app_context():
        assert db.session.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert db.session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
