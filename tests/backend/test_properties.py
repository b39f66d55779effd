"""Hypothesis properties of quotes and Pay, in both modes, over carts good and bad.

- The server accepts exactly the carts the rules allow (known books, whole quantities 1..10
  per book after merging repeated ids, 1..50 lines).
- A quote of any cart writes nothing; one it accepts is the sum of catalogue price x quantity.
- For any cart Pay accepts, the PaymentIntent (at the gateway, not just in the answer) charges
  that subtotal plus shipping and tax, also when a cart id is reused and the amount updated.
- For any cart it refuses, no order and no PaymentIntent is created and none is changed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from checkout_requests import ADDRESS, EMAIL
from flask import Flask
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from stripe_fakes import FakeStripe

from bookstore import create_app
from bookstore.catalogue.books import Book
from bookstore.catalogue.data import BOOKS
from bookstore.catalogue.stock import held_copies
from bookstore.config import Settings
from bookstore.db import db, utcnow
from bookstore.orders.models import Order, find_order_by_payment_intent
from bookstore.payments import current_gateway
from bookstore.payments.demo.models import DemoPaymentIntent

PRICES = {str(book["id"]): int(str(book["price"])) for book in BOOKS}
MAX_QUANTITY, MAX_LINES = 10, 50
# A few carts the examples share, so that accepted carts also update earlier orders.
CART_IDS = [f"property-cart-{n:04d}" for n in range(4)]
EXAMPLES = 60

good_line = st.fixed_dictionaries(
    {
        "id": st.sampled_from(sorted(PRICES)),
        "quantity": st.integers(min_value=1, max_value=4) | st.just(2.0),
    }
)
bad_line = st.fixed_dictionaries(
    {
        "id": st.sampled_from(sorted(PRICES)).map(str.upper) | st.text(min_size=1, max_size=12),
        "quantity": st.integers(min_value=1, max_value=MAX_QUANTITY),
    }
) | st.fixed_dictionaries(
    {
        "id": st.sampled_from(sorted(PRICES)),
        "quantity": st.sampled_from([0, -1, 11, 0.0, 2.5, "2", True, None, 10**20]),
    }
)
good_lines = st.lists(good_line, min_size=1, max_size=6)


@st.composite
def spoiled(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A good cart with one thing wrong: a bad line, no lines, or too many lines."""
    lines = draw(good_lines)
    kind = draw(st.sampled_from(["bad line", "empty", "too many"]))
    if kind == "bad line":
        lines.insert(draw(st.integers(0, len(lines))), draw(bad_line))
        return lines
    if kind == "empty":
        return []
    return (lines * MAX_LINES)[: MAX_LINES + 1]


# Half good carts, half carts with one thing wrong (repeated ids may also pass the limit).
cart = st.fixed_dictionaries(
    {"items": good_lines | spoiled()},
    optional={"cartId": st.sampled_from(CART_IDS), "amount": st.integers(0, 10**6)},
)

PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def expected_amount(body: dict[str, Any]) -> int | None:
    """The amount the rules give this cart, or None if they refuse it."""
    items = body["items"]
    if not 1 <= len(items) <= MAX_LINES:
        return None
    totals: Counter[str] = Counter()
    for item in items:
        count = item["quantity"]
        if isinstance(count, float) and count.is_integer():
            count = int(count)
        if type(count) is not int or not 1 <= count <= MAX_QUANTITY:
            return None
        totals[item["id"]] += count
    if any(book not in PRICES for book in totals) or max(totals.values()) > MAX_QUANTITY:
        return None
    return sum(PRICES[book] * count for book, count in totals.items())


def short_of_copies(app: Flask, body: dict[str, Any]) -> bool:
    """Whether a valid cart asks for more copies than can be ordered now (holds pile up)."""
    totals: Counter[str] = Counter()
    for line in body.get("items", []):
        if isinstance(line, dict) and isinstance(line.get("id"), str):
            quantity = line.get("quantity")
            if isinstance(quantity, int | float) and not isinstance(quantity, bool):
                totals[line["id"]] += int(quantity)
    with app.app_context():
        # A returning cart keeps what its own order holds.
        cart_id = body.get("cartId")
        own = (
            db.session.scalar(select(Order.id).where(Order.cart_id == cart_id)) if cart_id else None
        )
        held = held_copies(None, utcnow(), excluding_order=own)
        stock = {
            book_id: count for book_id, count in db.session.execute(select(Book.id, Book.stock))
        }
        db.session.rollback()
    return any(
        count > stock.get(book_id, 0) - held.get(book_id, 0) for book_id, count in totals.items()
    )


def snapshot(app: Flask) -> tuple[int, int, dict[str, tuple[int, str | None]]]:
    """Orders, demo PaymentIntents, and each cart's (amount, what its PaymentIntent was told)."""
    with app.app_context():
        orders = db.session.scalar(select(func.count()).select_from(Order)) or 0
        intents = db.session.scalar(select(func.count()).select_from(DemoPaymentIntent)) or 0
        carts = {
            str(order.cart_id): (order.amount, order.intent_fingerprint)
            for order in db.session.scalars(select(Order).where(Order.cart_id.is_not(None)))
        }
    return orders, intents, carts


def unthrottled(settings: Settings) -> Flask:
    app = create_app(
        settings.replace(checkout_rate_limit="100000 per minute", hold_limit_per_client=10**9)
    )
    app.config["TESTING"] = True
    return app


@pytest.fixture
def demo_app(settings: Settings) -> Flask:
    return unthrottled(settings)


@pytest.fixture
def stripe_mode_app(stripe_settings: Settings, fake_stripe: FakeStripe) -> Flask:
    return unthrottled(stripe_settings)


def complete(body: dict[str, Any]) -> dict[str, Any]:
    """The cart with the details Pay needs."""
    return {**body, "email": EMAIL, "shipping": ADDRESS}


def charged(payment: dict[str, Any]) -> int:
    """What the answer says the total is made of."""
    total: int = payment["subtotal"] + payment["shippingAmount"] + payment["taxAmount"]
    return total


@PROPERTY
@given(body=cart)
def test_a_quote_of_any_cart_is_the_catalogue_price_and_writes_nothing(
    demo_app: Flask, body: dict[str, Any]
) -> None:
    before, short = snapshot(demo_app), short_of_copies(demo_app, body)

    response = demo_app.test_client().post("/api/quote", json=body)

    expected = expected_amount(body)
    event("accepted" if expected is not None else "refused")
    assert snapshot(demo_app) == before
    if expected is None:
        assert response.status_code == 400, response.get_json()
    elif short:
        assert response.status_code == 409, response.get_json()
    else:
        assert response.status_code == 200, (body, response.get_json())
        assert response.get_json()["amount"] == response.get_json()["subtotal"] == expected


@PROPERTY
@given(body=cart)
def test_demo_checkout_charges_the_catalogue_price_or_creates_nothing(
    demo_app: Flask, body: dict[str, Any]
) -> None:
    before, short = snapshot(demo_app), short_of_copies(demo_app, body)

    response = demo_app.test_client().post("/create-payment-intent", json=complete(body))

    expected = expected_amount(body)
    event("accepted" if expected is not None else "refused")
    if expected is None:
        assert response.status_code == 400, response.get_json()
        assert snapshot(demo_app) == before
        return
    if short:
        event("not enough copies")
        assert response.status_code == 409, response.get_json()
        assert response.get_json()["error"]["code"] == "insufficient_stock"
        assert snapshot(demo_app) == before
        return
    assert response.status_code == 200, (body, response.get_json())
    payment = response.get_json()
    assert payment["subtotal"] == expected
    assert payment["amount"] == charged(payment)
    with demo_app.app_context():
        intent = current_gateway().retrieve_payment_intent(payment["paymentIntentId"])
    assert (intent.amount, intent.currency) == (payment["amount"], "usd")


@PROPERTY
@given(body=cart)
def test_stripe_checkout_charges_the_catalogue_price_or_changes_nothing_at_stripe(
    stripe_mode_app: Flask, fake_stripe: FakeStripe, body: dict[str, Any]
) -> None:
    before, calls = snapshot(stripe_mode_app), len(fake_stripe.requests("POST"))
    short = short_of_copies(stripe_mode_app, body)

    response = stripe_mode_app.test_client().post("/create-payment-intent", json=complete(body))

    expected = expected_amount(body)
    event("accepted" if expected is not None else "refused")
    if expected is not None and short:
        event("not enough copies")
        assert response.status_code == 409, response.get_json()
        assert response.get_json()["error"]["code"] == "insufficient_stock"
    elif expected is None:
        assert response.status_code == 400, response.get_json()
    if expected is None or short:
        assert snapshot(stripe_mode_app) == before
        assert len(fake_stripe.requests("POST")) == calls
        return
    assert response.status_code == 200, (body, response.get_json())
    payment = response.get_json()
    assert payment["subtotal"] == expected
    assert payment["amount"] == charged(payment)
    intent = fake_stripe.intents[payment["paymentIntentId"]]
    assert (intent["amount"], intent["currency"]) == (payment["amount"], "usd")
    with stripe_mode_app.app_context():
        order = find_order_by_payment_intent(payment["paymentIntentId"])
        assert order is not None
        assert intent["metadata"] == {"order_token": order.token}
