"""Stripe mode in Chromium, where js.stripe.com cannot be reached: the shop says so plainly.

The API runs with (fake) Stripe test keys against a local Stripe stand-in (STRIPE_API_BASE),
so the server side of checkout is real: it prices the cart and creates the PaymentIntent.
Stripe.js is blocked, as on any machine without the internet or behind a blocker; the checkout
must explain that and offer to retry instead of showing a pay button that cannot work.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import running_servers
from e2e_servers import Servers
from playwright.sync_api import Page, Route, expect

# The fake Stripe API server is shared with the backend tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))
from fake_stripe_server import FakeStripeServer, fake_stripe_server


@pytest.fixture(scope="module")
def stripe_api() -> Iterator[FakeStripeServer]:
    """A local stand-in for api.stripe.com."""
    with fake_stripe_server() as server:
        yield server


@pytest.fixture(scope="module")
def stripe_servers(
    tmp_path_factory: pytest.TempPathFactory, stripe_api: FakeStripeServer
) -> Iterator[Servers]:
    """The shop with Stripe test keys, its Stripe calls going to the local stand-in."""
    settings = {
        "STRIPE_PUBLISHABLE_KEY": "pk_test_123",
        "STRIPE_SECRET_KEY": "sk_test_123",
        "STRIPE_WEBHOOK_SECRET": "whsec_test",
        "STRIPE_API_BASE": stripe_api.api_base,
        "DEMO_MODE": "0",
    }
    with running_servers(tmp_path_factory.mktemp("e2e-stripe"), settings, "e2e-stripe") as run:
        yield run


def test_checkout_explains_that_stripe_js_cannot_load(
    page: Page, stripe_servers: Servers, stripe_api: FakeStripeServer
) -> None:
    """No demo banner, Stripe.js asked for early, and a clear retryable error at checkout."""
    stripe_js: list[str] = []

    def blocked(route: Route) -> None:
        stripe_js.append(route.request.url)
        route.abort("internetdisconnected")

    page.route("https://js.stripe.com/**", blocked)
    page.goto(stripe_servers.web_url)
    book = stripe_servers.get_json("/api/books")["books"][0]
    page.get_by_role("button", name=f"Add to cart: {book['title']}").click()
    expect(page.get_by_text("Demo mode: no real payments")).to_have_count(0)
    # Stripe advises loading Stripe.js on every page, for its fraud signals.
    assert stripe_js, "the shop page did not ask for Stripe.js"

    page.get_by_role("button", name="Cart (1 item)").click()
    page.get_by_role("dialog", name="Your cart").get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", name="Order summary")).to_be_visible()
    alert = page.get_by_role("alert").filter(has_text="didn't load")
    expect(alert).to_be_visible(timeout=20000)
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    expect(page.get_by_role("button", name="Pay", exact=False)).to_have_count(0)

    # Opening checkout commits nothing: no PaymentIntent exists before the shopper pays.
    with stripe_api.lock:
        assert stripe_api.stripe.creates() == []

    # Trying again asks for Stripe.js once more rather than reusing the failure.
    with page.expect_request(lambda request: request.url.startswith("https://js.stripe.com/")):
        page.get_by_role("button", name="Try again").click()
    expect(alert).to_be_visible()
