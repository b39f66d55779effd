"""CORS: only the configured frontend origin(s) may call the API from a browser."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from bookstore import create_app
from bookstore.config import Settings

SHOP = "http://localhost:3000"  # the default FRONTEND_ORIGIN
ELSEWHERE = "https://evil.example"


def preflight(client: FlaskClient, origin: str) -> object:
    """What a browser asks before POSTing JSON to checkout from `origin`."""
    return client.options(
        "/create-payment-intent",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


@pytest.mark.parametrize("path", ["/config", "/api/books", "/api/openapi.json"])
def test_the_shop_origin_may_read_the_api(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Origin": SHOP})

    assert response.headers["Access-Control-Allow-Origin"] == SHOP


@pytest.mark.parametrize("origin", [ELSEWHERE, "http://localhost:3001", "null"])
def test_any_other_origin_gets_no_allow_header(client: FlaskClient, origin: str) -> None:
    response = client.get("/config", headers={"Origin": origin})

    assert response.status_code == 200  # the server answers; the browser keeps it from the page
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_checkout_preflight_works_for_the_shop(client: FlaskClient) -> None:
    response = preflight(client, SHOP)

    assert response.status_code == 200  # type: ignore[attr-defined]
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["Access-Control-Allow-Origin"] == SHOP
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()


def test_the_checkout_preflight_is_refused_to_other_origins(client: FlaskClient) -> None:
    response = preflight(client, ELSEWHERE)

    assert "Access-Control-Allow-Origin" not in response.headers  # type: ignore[attr-defined]
    assert "Access-Control-Allow-Methods" not in response.headers  # type: ignore[attr-defined]


def test_a_checkout_post_from_another_origin_gets_no_allow_header(client: FlaskClient) -> None:
    response = client.post(
        "/create-payment-intent",
        json={"items": [{"id": "boom", "quantity": 1}]},
        headers={"Origin": ELSEWHERE},
    )

    assert "Access-Control-Allow-Origin" not in response.headers


def test_several_configured_origins_each_get_their_own_allow_header(settings: Settings) -> None:
    second = "https://shop.example"
    app = create_app(settings.replace(frontend_origins=(SHOP, second)))
    client = app.test_client()

    for origin in (SHOP, second):
        response = client.get("/config", headers={"Origin": origin})
        assert response.headers["Access-Control-Allow-Origin"] == origin
        assert "Origin" in response.headers["Vary"]  # so no cache hands one's answer to another
    assert (
        "Access-Control-Allow-Origin"
        not in client.get("/config", headers={"Origin": ELSEWHERE}).headers
    )


def test_origins_come_from_frontend_origin(database_url: str) -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": database_url,
            "DEMO_MODE": "1",
            "FRONTEND_ORIGIN": "https://a.example, https://b.example/",
        }
    )

    assert settings.frontend_origins == ("https://a.example", "https://b.example")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/orders/pi_unknown"), ("GET", "/demo/payment_intents/pi_unknown")],
)
def test_the_success_and_demo_calls_are_open_to_the_shop_too(
    client: FlaskClient, method: str, path: str
) -> None:
    response = client.open(path, method=method, headers={"Origin": SHOP})

    assert response.status_code == 404  # even an error must be readable by the shop's page
    assert response.headers["Access-Control-Allow-Origin"] == SHOP


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/webhook"), ("GET", "/healthz"), ("GET", "/readyz")],
)
def test_server_to_server_paths_are_not_open_to_browsers(
    client: FlaskClient, method: str, path: str
) -> None:
    # Stripe and load balancers call these; no page, not even the shop's, has reason to.
    response = client.open(path, method=method, headers={"Origin": SHOP})

    assert "Access-Control-Allow-Origin" not in response.headers
