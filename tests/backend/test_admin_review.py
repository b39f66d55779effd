"""POST /api/admin/orders/<number>/resolve: an order under review accepted (paid) or refunded in
full, through the domain functions `flask orders resolve` calls too; and the order's view
against `flask orders show`, line by line.

Stripe mode: an order goes under review when payment_intent.succeeded brings another amount
than its total (a signed webhook delivery, FakeStripe answering the gateway's calls).
Poor Charlie's Almanack starts with 3 copies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from admin_orders_support import (
    activity_count,
    assert_error,
    demo_shop,
    outbox,
    signed_in_owner,
)
from flask import Flask
from flask.testing import FlaskClient
from owner_support import EMAIL as OWNER_EMAIL
from owner_support import SignedIn
from stripe_fakes import FakeStripe
from test_orders_cli import (
    BALANCE_INSUFFICIENT,
    BOOM,
    SCARCE,
    checkout,
    deliver,
    invoke,
    order_of,
    paid_order,
    run_worker,
    stripe_event,
)
from test_stock_api import on_shelf
from webhook_events import refund_event

from bookstore import create_app
from bookstore.config import Settings
from bookstore.orders.models import OrderStatus


@pytest.fixture
def shop(stripe_settings: Settings, fake_stripe: FakeStripe, tmp_path: Path) -> Flask:
    app = create_app(stripe_settings.replace(mail_dir=tmp_path / "mail"))
    app.config["TESTING"] = True
    return app


@pytest.fixture
def shopper(shop: Flask) -> FlaskClient:
    return shop.test_client()


@pytest.fixture
def admin(shop: Flask) -> SignedIn:
    return signed_in_owner(shop)


def under_review(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, off_by: int = 100
) -> dict[str, Any]:
    """Two copies of the scarce book, paid `off_by` cents more than the total; the checkout."""
    payment = checkout(shopper, {SCARCE: 2}, "cart-review")
    wrong = payment["amount"] + off_by
    assert deliver(shopper, stripe_event(shop, fake_stripe, payment, amount=wrong)) == "processed"
    assert order_of(shop, payment["orderNumber"]).status == OrderStatus.REVIEW
    return payment


def resolve(admin: SignedIn, number: str, body: dict[str, Any]) -> Any:
    return admin.change("POST", f"/orders/{number}/resolve", body)


def latest_activity(admin: SignedIn) -> tuple[str, str | None, str]:
    entry = admin.client.get("/api/admin/activity?limit=1").get_json()["entries"][0]
    return entry["action"], entry["email"], entry["detail"]


def test_resolving_paid_accepts_the_payment_and_sends_the_confirmation_once(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, admin: SignedIn
) -> None:
    payment = under_review(shop, shopper, fake_stripe)
    number = payment["orderNumber"]
    view = admin.client.get(f"/api/admin/orders/{number}").get_json()
    received, total = (payment["amount"] + 100) / 100, payment["amount"] / 100
    assert view["reviewReason"] == f"paid {received:.2f} USD for an order of {total:.2f} USD"

    response = resolve(admin, number, {"outcome": "paid", "reason": "  tip, kept "})
    logged = activity_count(shop)
    again = resolve(admin, number, {"outcome": "paid"})

    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    assert (view["status"], view["stockTaken"], view["reviewReason"]) == ("paid", True, None)
    accepted = f"accepted {received:.2f} USD for an order of {total:.2f} USD"
    assert view["timeline"][-1]["kind"] == "resolved_paid"
    assert view["timeline"][-1]["detail"] == f"{accepted}; tip, kept"
    assert on_shelf(shop, SCARCE) == 1  # set aside when the money came; not taken twice
    assert len(outbox(shop, number, "confirmation")) == 1
    assert latest_activity(admin) == ("order_resolved", OWNER_EMAIL, f"{number}: paid; tip, kept")
    error = assert_error(again, 409, "not_under_review")
    assert error["message"] == f"Order {number} is paid: only an order under review is resolved."
    assert activity_count(shop) == logged
    assert len(outbox(shop, number, "confirmation")) == 1


def test_resolving_paid_while_the_copies_are_gone_is_a_409_that_changes_nothing(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, admin: SignedIn
) -> None:
    payment = checkout(shopper, {SCARCE: 2}, "cart-short")
    number = payment["orderNumber"]
    assert invoke(shop, "stock", "set", SCARCE, "1").exit_code == 0
    wrong = payment["amount"] + 1
    deliver(shopper, stripe_event(shop, fake_stripe, payment, amount=wrong))
    before = order_of(shop, number)
    assert (before.status, before.stock_taken) == (OrderStatus.REVIEW, False)
    logged = activity_count(shop)

    error = assert_error(resolve(admin, number, {"outcome": "paid"}), 409, "insufficient_stock")

    assert error["details"] == {
        "items": [
            {"id": SCARCE, "title": "Poor Charlie's Almanack", "requested": 2, "available": 1}
        ]
    }
    after = order_of(shop, number)
    assert (after.status, after.stock_taken, after.updated_at) == (
        OrderStatus.REVIEW,
        False,
        before.updated_at,
    )
    assert len(after.history) == len(before.history)
    assert on_shelf(shop, SCARCE) == 1
    assert outbox(shop, number, "confirmation") == []
    assert activity_count(shop) == logged


def test_resolving_refund_asks_for_a_full_refund_the_worker_sends_once(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, admin: SignedIn
) -> None:
    payment = under_review(shop, shopper, fake_stripe, off_by=-100)
    number = payment["orderNumber"]
    assert on_shelf(shop, SCARCE) == 1

    response = resolve(admin, number, {"outcome": "refund", "reason": "underpaid"})

    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    assert view["status"] == "refunding"
    assert view["refund"] == {
        "cause": "shop",
        "note": "underpaid",
        "requestedAt": view["refund"]["requestedAt"],
        "refundId": None,
        "problem": None,
    }
    assert view["timeline"][-1]["kind"] == "refund_requested"
    assert view["timeline"][-1]["detail"] == "cause=shop; underpaid; copies back on the shelf"
    assert on_shelf(shop, SCARCE) == 3
    assert fake_stripe.refund_requests() == []  # the web process sends nothing: the worker does
    assert latest_activity(admin) == ("order_resolved", OWNER_EMAIL, f"{number}: refund; underpaid")

    run_worker(shop)
    run_worker(shop)
    deliver(shopper, refund_event(payment["paymentIntentId"], amount=payment["amount"]))

    [call] = fake_stripe.refund_requests()
    order = order_of(shop, number)
    assert call.headers["Idempotency-Key"] == f"order-{order.token}-refund"
    assert order.status == OrderStatus.REFUNDED
    assert len(outbox(shop, number, "refund")) == 1
    assert_error(resolve(admin, number, {"outcome": "refund"}), 409, "not_under_review")


def test_only_an_order_under_review_is_resolved(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, admin: SignedIn
) -> None:
    number = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-paid")["orderNumber"]
    logged = activity_count(shop)

    for outcome in ("paid", "refund"):
        assert_error(resolve(admin, number, {"outcome": outcome}), 409, "not_under_review")

    assert order_of(shop, number).status == OrderStatus.PAID
    assert fake_stripe.refund_requests() == []
    assert activity_count(shop) == logged


def test_an_order_paid_through_another_gateway_is_not_refunded_from_here(
    shop: Flask,
    shopper: FlaskClient,
    fake_stripe: FakeStripe,
    settings: Settings,
    tmp_path: Path,
) -> None:
    number = under_review(shop, shopper, fake_stripe)["orderNumber"]
    # A demo-mode server on the same database: it cannot refund a Stripe payment.
    demo_admin = signed_in_owner(demo_shop(settings, tmp_path))

    error = assert_error(resolve(demo_admin, number, {"outcome": "refund"}), 409, "wrong_gateway")

    assert "stripe_test" in error["message"] and "demo" in error["message"]
    order = order_of(shop, number)
    assert (order.status, order.refund_requested_at) == (OrderStatus.REVIEW, None)
    assert on_shelf(shop, SCARCE) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "outcome"),
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "PAID"}, "outcome"),
        ({"outcome": "paid", "reason": "x" * 501}, "reason"),
        ({"outcome": "paid", "reason": 7}, "reason"),
    ],
)
def test_a_bad_resolve_body_is_a_400(
    shop: Flask,
    shopper: FlaskClient,
    fake_stripe: FakeStripe,
    admin: SignedIn,
    body: dict[str, Any],
    field: str,
) -> None:
    number = under_review(shop, shopper, fake_stripe)["orderNumber"]

    error = assert_error(resolve(admin, number, body), 400, "validation_error")

    assert [detail["field"] for detail in error["details"]] == [field]
    assert order_of(shop, number).status == OrderStatus.REVIEW


# --- the view against `orders show` ------------------------------------------------------------


def shown_fields(stdout: str) -> dict[str, str]:
    """`orders show`'s "  Label           value" lines (not the address's next lines, the
    books, the history or the hints)."""
    return {line[2:18].strip(): line[18:] for line in stdout.splitlines() if line[2:3].isupper()}


def as_shown(view: dict[str, Any]) -> dict[str, str]:
    """The view's facts written as `orders show` writes them."""

    def money(amount: int) -> str:
        return f"{amount / 100:.2f} {view['currency'].upper()}"

    def when(at: str | None) -> str:
        return "-" if at is None else at.replace("T", " ").replace("Z", " UTC")

    delivery = view["delivery"]
    paid = f"{money(view['paidAmount'])} at {when(view['paidAt'])}"
    if view["paidAmount"] != view["total"]:
        paid += " (not the order's total)"
    fields = {
        "Status": view["status"],
        "Mode": view["mode"],
        "PaymentIntent": view["paymentIntentId"],
        "Email": view["email"],
        "Created": when(view["createdAt"]),
        "Ship to": view["shipTo"]["name"],
        "Delivery": f"{delivery['label']}, {delivery['minDays']} to {delivery['maxDays']} "
        "business days",
        "Subtotal": money(view["subtotal"]),
        "Shipping": money(view["shippingAmount"]),
        "Tax": money(view["taxAmount"]),
        "Total": money(view["total"]),
        "Paid": paid,
        "Payment method": view["paymentMethod"] or "-",
        "Held until": when(view["heldUntil"]),
        "Stock taken": "yes" if view["stockTaken"] else "no",
    }
    if view["refund"]:
        refund = view["refund"]
        fields |= {
            "Cause": refund["cause"],
            "Note": refund["note"] or "-",
            "Requested": when(refund["requestedAt"]),
            "Refund id": refund["refundId"] or "not sent yet",
        }
        if refund["problem"]:
            fields["Not refunded"] = refund["problem"]
    if view["reviewReason"]:
        fields["Review"] = view["reviewReason"]
    for job in view["deadJobs"]:
        fields["Dead job"] = f"{job['id']} ({job['kind']}): {job['lastError']}"
    return fields


def test_the_view_holds_what_orders_show_prints_a_refused_refund_and_a_dead_job_too(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, admin: SignedIn
) -> None:
    number = under_review(shop, shopper, fake_stripe)["orderNumber"]
    reviewed = admin.client.get(f"/api/admin/orders/{number}").get_json()
    assert as_shown(reviewed) == shown_fields(invoke(shop, "orders", "show", number).stdout)
    fake_stripe.fail("refund", BALANCE_INSUFFICIENT)
    assert resolve(admin, number, {"outcome": "refund"}).status_code == 200
    run_worker(shop)  # the worker's refund is refused: stored on the order, its job dead

    view = admin.client.get(f"/api/admin/orders/{number}").get_json()
    shown = invoke(shop, "orders", "show", number).stdout

    assert view["refund"]["problem"].startswith("balance_insufficient: Insufficient funds")
    [dead] = view["deadJobs"]
    assert dead["kind"] == "refund"
    assert as_shown(view) == shown_fields(shown)
    history = shown[shown.index("History (UTC, oldest first)\n") :].splitlines()[1:]
    assert [line.split()[2] for line in history] == [entry["kind"] for entry in view["timeline"]]
    assert [entry["kind"] for entry in view["timeline"]][-2:] == [
        "refund_requested",
        "refund_refused",
    ]
