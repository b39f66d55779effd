"""Checkout and order lookups are rate-limited per client: 429 in the error shape, Retry-After."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import time_machine
from checkout_requests import pay_body
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bookstore import create_app
from bookstore.config import (
    DEFAULT_CHECKOUT_RATE_LIMIT,
    DEFAULT_ORDER_LOOKUP_RATE_LIMIT,
    ConfigError,
    Settings,
)
from bookstore.db import db
from bookstore.orders.models import Order

CART = pay_body({"the-dream-machine": 1})
SHOPPER, NEIGHBOUR = "203.0.113.7", "203.0.113.8"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Checkouts counted here hold more copies than one client may by default: not this test's."""
    return settings.replace(hold_limit_per_client=1000)


def limited_app(settings: Settings, limit: str) -> Flask:
    """An app whose checkout allows `limit` per client."""
    app = create_app(settings.replace(checkout_rate_limit=limit))
    app.config["TESTING"] = True
    return app


def checkout(client: FlaskClient, address: str = SHOPPER, body: Any = CART) -> Any:
    """A checkout attempt from the client at `address`."""
    return client.post("/create-payment-intent", json=body, environ_base={"REMOTE_ADDR": address})


def orders(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Order)) or 0


def test_past_the_limit_a_client_gets_429_in_the_error_shape_with_retry_after(
    settings: Settings,
) -> None:
    client = limited_app(settings, "3 per minute").test_client()

    allowed = [checkout(client).status_code for _ in range(3)]
    refused = checkout(client)

    assert allowed == [200, 200, 200]
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited"
    assert "try again" in error["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["Cache-Control"] == "no-store"


def test_a_refused_checkout_creates_no_order(settings: Settings) -> None:
    app = limited_app(settings, "1 per minute")
    client = app.test_client()
    checkout(client)

    refused = checkout(client, body=pay_body({"boom": 2}))

    assert refused.status_code == 429
    assert orders(app) == 1


def test_bad_requests_count_too(settings: Settings) -> None:
    # A script probing with invalid carts must not get unlimited attempts.
    client = limited_app(settings, "2 per minute").test_client()

    statuses = [checkout(client, body={"items": "nope"}).status_code for _ in range(3)]

    assert statuses == [400, 400, 429]


def test_each_client_has_its_own_allowance(settings: Settings) -> None:
    client = limited_app(settings, "1 per minute").test_client()

    assert checkout(client, SHOPPER).status_code == 200
    assert checkout(client, SHOPPER).status_code == 429
    assert checkout(client, NEIGHBOUR).status_code == 200


def test_only_checkout_and_order_lookups_are_limited(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_lookup_limit(settings, "1 per minute")
    client = limited_app(settings, "1 per minute").test_client()
    checkout(client)
    look_up(client, "pi_unknown")

    paths = ("/config", "/api/books", "/api/books/boom", "/api/openapi.json", "/healthz")
    others = [client.get(path).status_code for path in paths * 5]
    preflights = [
        client.options(
            "/create-payment-intent",
            headers={
                "Origin": "http://localhost:3000",
                "Access-Control-Request-Method": "POST",
            },
        ).status_code
        for _ in range(3)
    ]

    assert set(others) == {200}
    assert set(preflights) == {200}


def test_the_window_reopens_when_retry_after_says(settings: Settings) -> None:
    client = limited_app(settings, "1 per minute").test_client()
    with time_machine.travel(1_900_000_000, tick=False) as clock:
        checkout(client)
        refused = checkout(client)
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        assert 0 < wait <= 60

        clock.shift(wait - 1)
        assert checkout(client).status_code == 429  # not yet
        clock.shift(1)
        assert checkout(client).status_code == 200


def test_the_default_allows_twenty_checkouts_a_minute(settings: Settings) -> None:
    assert settings.checkout_rate_limit == DEFAULT_CHECKOUT_RATE_LIMIT == "20 per minute"
    client = create_app(settings).test_client()
    cart = pay_body({"the-dream-machine": 1}, "a" * 32)

    statuses = [checkout(client, body=cart).status_code for _ in range(21)]

    assert statuses == [200] * 20 + [429]


def test_limit_and_storage_come_from_the_environment(database_url: str) -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": database_url,
            "DEMO_MODE": "1",
            "CHECKOUT_RATE_LIMIT": "5 per hour",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )

    assert (settings.checkout_rate_limit, settings.ratelimit_storage_uri.get_secret_value()) == (
        "5 per hour",
        "memory://",
    )
    defaults = Settings.from_env({"DATABASE_URL": database_url, "DEMO_MODE": "1"})
    assert (defaults.checkout_rate_limit, defaults.ratelimit_storage_uri.get_secret_value()) == (
        "20 per minute",
        "memory://",
    )


def test_an_unreadable_limit_is_refused_at_start(database_url: str) -> None:
    with pytest.raises(ConfigError, match="CHECKOUT_RATE_LIMIT"):
        Settings.from_env(
            {"DATABASE_URL": database_url, "DEMO_MODE": "1", "CHECKOUT_RATE_LIMIT": "lots"}
        )


def test_an_unusable_storage_is_refused_at_start(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        create_app(settings.replace(ratelimit_storage_uri="carrier-pigeon://loft"))


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance(
    settings: Settings,
) -> None:
    app = create_app(settings.replace(checkout_rate_limit="1 per minute", trusted_proxy_count=1))
    client = app.test_client()
    proxy = "10.0.0.2"  # every request arrives from the load balancer's address

    def via_proxy(shopper: str) -> int:
        return client.post(
            "/create-payment-intent",
            json=CART,
            environ_base={"REMOTE_ADDR": proxy},
            headers={"X-Forwarded-For": shopper},
        ).status_code

    assert [via_proxy(SHOPPER), via_proxy(NEIGHBOUR), via_proxy(SHOPPER)] == [200, 200, 429]


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_dodge_the_limit(
    settings: Settings,
) -> None:
    client = limited_app(settings, "1 per minute").test_client()

    def forged(claimed: str) -> int:
        return client.post(
            "/create-payment-intent",
            json=CART,
            environ_base={"REMOTE_ADDR": SHOPPER},
            headers={"X-Forwarded-For": claimed},
        ).status_code

    assert [forged("198.51.100.1"), forged("198.51.100.2")] == [200, 429]


def test_a_negative_proxy_count_stops_the_server(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_COUNT"):
        settings.replace(trusted_proxy_count=-1)


def test_when_the_shared_store_is_down_the_limit_still_holds_per_process(
    settings: Settings,
) -> None:
    # A store nobody listens on: the first check fails and the counts fall back to memory.
    down = f"redis://127.0.0.1:{_closed_port()}/0"
    app = create_app(
        settings.replace(checkout_rate_limit="2 per minute", ratelimit_storage_uri=down)
    )
    client = app.test_client()

    statuses = [checkout(client).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def _closed_port() -> int:
    """A loopback port that was free a moment ago, so connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The order lookup: GET /api/orders/<payment_intent_id>, polled by the success page.


def with_lookup_limit(settings: Settings, limit: str) -> Settings:
    """`settings` whose order lookups allow `limit` per client."""
    return settings.replace(order_lookup_rate_limit=limit)


def look_up(client: FlaskClient, intent_id: str, secret: str = "", address: str = SHOPPER) -> Any:
    """A poll of the success page for `intent_id`'s order."""
    return client.get(
        f"/api/orders/{intent_id}",
        query_string={"client_secret": secret},
        environ_base={"REMOTE_ADDR": address},
    )


def paid_for(client: FlaskClient) -> tuple[str, str]:
    """A checkout from the shopper: its PaymentIntent id and client secret."""
    payment = checkout(client).get_json()
    return payment["paymentIntentId"], payment["clientSecret"]


def test_past_the_lookup_limit_a_client_gets_429_in_the_error_shape_with_retry_after(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(with_lookup_limit(settings, "3 per minute"))
    client = app.test_client()
    intent_id, secret = paid_for(client)

    allowed = [look_up(client, intent_id, secret).status_code for _ in range(3)]
    refused = look_up(client, intent_id, secret)

    assert allowed == [200, 200, 200]
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited"
    assert "order lookups" in error["message"]
    assert "try again" in error["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["Cache-Control"] == "no-store"


def test_lookups_of_unknown_orders_count_too(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A script guessing PaymentIntent ids or secrets must not get unlimited attempts.
    client = create_app(with_lookup_limit(settings, "2 per minute")).test_client()

    statuses = [look_up(client, f"pi_guess{n}", "pi_guess_secret").status_code for n in range(3)]

    assert statuses == [404, 404, 429]


def test_head_requests_count_as_lookups(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A HEAD's status alone says whether an id and secret match.
    client = create_app(with_lookup_limit(settings, "1 per minute")).test_client()

    first = client.head("/api/orders/pi_guess", environ_base={"REMOTE_ADDR": SHOPPER})
    second = client.head("/api/orders/pi_guess", environ_base={"REMOTE_ADDR": SHOPPER})

    assert (first.status_code, second.status_code) == (404, 429)


def test_each_client_has_its_own_lookup_allowance(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = create_app(with_lookup_limit(settings, "1 per minute")).test_client()

    assert look_up(client, "pi_x", address=SHOPPER).status_code == 404
    assert look_up(client, "pi_x", address=SHOPPER).status_code == 429
    assert look_up(client, "pi_x", address=NEIGHBOUR).status_code == 404


def test_a_shopper_at_the_checkout_limit_can_still_see_their_order(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The two limits count apart: the success page must work after a burst of checkouts.
    app = limited_app(with_lookup_limit(settings, "1 per minute"), "1 per minute")
    client = app.test_client()
    intent_id, secret = paid_for(client)
    assert checkout(client).status_code == 429

    assert look_up(client, intent_id, secret).status_code == 200
    assert look_up(client, intent_id, secret).status_code == 429
    assert checkout(client).status_code == 429


def test_the_default_allows_two_lookups_a_second_for_a_minute(settings: Settings) -> None:
    assert DEFAULT_ORDER_LOOKUP_RATE_LIMIT == settings.order_lookup_rate_limit == "120 per minute"
    client = create_app(settings).test_client()
    intent_id, secret = paid_for(client)

    statuses = [look_up(client, intent_id, secret).status_code for _ in range(121)]

    assert statuses == [200] * 120 + [429]
