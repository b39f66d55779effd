"""Stripe unreachable from the start: the server still starts and says what is wrong.

Stripe's API base points at a local port that refuses connections (a socket bound but not
listening, so no other process can take the port during the test); nothing is mocked.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Iterator

import pytest
from checkout_requests import pay_body
from flask import Flask
from stripe_fakes import skip_retry_backoff

from bookstore import create_app
from bookstore.config import Settings

RETRIES = 2


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local TCP port where every connection is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Retries without stripe-python's sleeps; lists each retry's number."""
    return skip_retry_backoff(monkeypatch)


@pytest.fixture
def unreachable_app(stripe_settings: Settings, closed_port: int) -> Flask:
    """The Stripe-mode app with Stripe's API at the closed port, retries on."""
    settings = stripe_settings.replace(
        stripe_api_base=f"http://127.0.0.1:{closed_port}",
        stripe_max_network_retries=RETRIES,
        stripe_timeout_seconds=2.0,
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


def test_the_app_starts_and_config_answers(unreachable_app: Flask) -> None:
    client = unreachable_app.test_client()

    response = client.get("/config")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["publishableKey"], body["mode"], body["currency"]) == (
        "pk_test_123",
        "stripe",
        "usd",
    )
    assert [country["code"] for country in body["shippingCountries"]][:2] == ["US", "CA"]
    assert client.get("/api/books").status_code == 200


def test_checkout_answers_503_with_a_message_to_show(
    unreachable_app: Flask, no_backoff: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    body = pay_body({"boom": 1}, uuid.uuid4().hex)
    caplog.set_level(logging.INFO)

    response = unreachable_app.test_client().post("/create-payment-intent", json=body)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == {
        "error": {
            "code": "payment_provider_unavailable",
            "message": "We couldn't reach our payment provider. Please try again.",
        }
    }
    # The connection really was refused, and retried, before the shopper got the answer.
    assert no_backoff == list(range(1, RETRIES + 1))
    assert "Could not reach Stripe to create a PaymentIntent" in caplog.text
    assert "unhandled error" not in caplog.text
