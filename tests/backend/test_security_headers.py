"""Security headers on every response; API JSON is never cached unless a view chose otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkout_requests import pay_body
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from bookstore import create_app
from bookstore.config import Settings

STRIPE_JS = "https://js.stripe.com"
EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", STRIPE_JS, "https://*.js.stripe.com"],
    "frame-src": [STRIPE_JS, "https://*.js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["'self'", "https://api.stripe.com"],
    "img-src": ["'self'", "data:", "https://*.stripe.com"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response: TestResponse) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: sources}."""
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def responses(client: FlaskClient) -> dict[str, TestResponse]:
    """One response of each kind the API gives: data, errors, the document, a preflight."""
    return {
        "config": client.get("/config"),
        "document": client.get("/api/openapi.json"),
        "not found": client.get("/no/such/page"),
        "wrong method": client.delete("/config"),
        "invalid body": client.post("/create-payment-intent", json={"items": "none"}),
        "wrong content type": client.post("/create-payment-intent", data="items=1"),
        "quote": client.post("/api/quote", json={"items": [{"id": "boom", "quantity": 1}]}),
        "checkout": client.post("/create-payment-intent", json=pay_body({"boom": 1})),
        "bad webhook": client.post("/webhook", data=b"{}", headers={"Stripe-Signature": "x"}),
        "preflight": client.options(
            "/create-payment-intent",
            headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"},
        ),
    }


def test_every_response_carries_the_content_security_policy(client: FlaskClient) -> None:
    for kind, response in responses(client).items():
        assert policy(response) == EXPECTED_POLICY, kind


def test_the_policy_allows_stripe_js_and_nothing_broader(client: FlaskClient) -> None:
    directives = policy(client.get("/config"))

    every_source = {source for sources in directives.values() for source in sources}
    assert "*" not in every_source
    assert not {"'unsafe-eval'", "https:", "http:"} & every_source
    assert "'unsafe-inline'" not in directives["script-src"]
    third_parties = {source for source in every_source if source.startswith("https://")}
    assert all(source.endswith("stripe.com") for source in third_parties)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
    ],
)
def test_every_response_carries_the_header(client: FlaskClient, header: str, value: str) -> None:
    for kind, response in responses(client).items():
        assert response.headers.get(header) == value, kind


def test_api_json_is_never_stored_by_browsers_or_proxies(client: FlaskClient) -> None:
    for kind, response in responses(client).items():
        if response.mimetype == "application/json":
            assert response.headers["Cache-Control"] == "no-store", kind


def test_the_client_secret_answer_is_not_stored(client: FlaskClient) -> None:
    payment = client.post("/create-payment-intent", json=pay_body({"boom": 1})).get_json()

    order = client.get(
        f"/api/orders/{payment['paymentIntentId']}",
        query_string={"client_secret": payment["clientSecret"]},
    )

    assert order.status_code == 200
    assert order.headers["Cache-Control"] == "no-store"


def test_a_json_view_that_asks_for_revalidation_keeps_its_cache_control(
    client: FlaskClient,
) -> None:
    # The catalogue is public and sends ETags: caches may keep it if they revalidate.
    assert client.get("/api/books").headers["Cache-Control"] == "no-cache"


@pytest.fixture
def web(settings: Settings, tmp_path: Path) -> Flask:
    """The app serving a built SPA, as in production."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "index-Ab12Cd34.js").write_text("export {};")
    return create_app(settings.replace(frontend_dist=dist))


def test_pages_and_files_keep_their_own_cache_control_and_get_the_headers(web: Flask) -> None:
    client = web.test_client()
    page = client.get("/checkout")
    script = client.get("/assets/index-Ab12Cd34.js")

    assert page.mimetype == "text/html"
    assert page.headers["Cache-Control"] == "no-cache"
    assert "immutable" in script.headers["Cache-Control"]
    for response in (page, script):
        assert policy(response) == EXPECTED_POLICY
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# Strict-Transport-Security: only on answers the browser received over HTTPS.

HSTS = "Strict-Transport-Security"


def test_https_answers_pin_the_browser_to_https_for_a_year(client: FlaskClient) -> None:
    for path in ("/config", "/api/books", "/no/such/page"):
        response = client.get(path, base_url="https://shop.example")

        assert response.headers[HSTS] == "max-age=31536000; includeSubDomains", path


def test_plain_http_answers_carry_no_hsts(client: FlaskClient) -> None:
    # Browsers ignore it over HTTP anyway; a local or test server must never send it.
    for kind, response in responses(client).items():
        assert HSTS not in response.headers, kind


def test_behind_a_trusted_proxy_its_https_counts(settings: Settings) -> None:
    client = create_app(settings.replace(trusted_proxy_count=1)).test_client()

    via_https = client.get("/config", headers={"X-Forwarded-Proto": "https"})
    via_http = client.get("/config", headers={"X-Forwarded-Proto": "http"})

    assert via_https.headers[HSTS] == "max-age=31536000; includeSubDomains"
    assert HSTS not in via_http.headers


def test_a_client_claiming_https_without_a_trusted_proxy_gets_no_hsts(
    client: FlaskClient,
) -> None:
    # With TRUSTED_PROXY_COUNT=0 the header is the client's own word about plain HTTP.
    response = client.get("/config", headers={"X-Forwarded-Proto": "https"})

    assert HSTS not in response.headers
