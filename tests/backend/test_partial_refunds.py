"""Partial refunds from the dashboard's refund dialog, in Stripe mode (FakeStripe keeps Stripe's
rules: never more than is left, `refunded` only once nothing is left).

An order is paid the real way (Pay, then a signed payment_intent.succeeded); the owner signs in
and POSTs /api/admin/orders/<number>/refunds; the worker's partial refund job sends it (run
here with run_due); Stripe's charge.refunded, as FakeStripe makes it, settles it. Poor Charlie's
Almanack (36.00 USD) starts with 3 copies on the shelf; Boom costs 30.00 USD. The address is in
California: 7.25% tax on books and shipping alike.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from checkout_requests import new_cart_id, paid
from flask import Flask
from flask.testing import FlaskClient
from owner_support import Clock, EnrolledOwner, SignedIn, enrolled_owner, signed_in, use_clock
from sqlalchemy import select
from stripe_fakes import FakeStripe, form
from test_orders_cli import demo_paid, invoke, run_worker
from test_partial_refunds_demo import demo_refunds, emails_of
from webhook_events import delivery, intent_event, post_event
from werkzeug.test import TestResponse

from bookstore import create_app
from bookstore.catalogue.books import Book
from bookstore.config import Settings
from bookstore.db import db
from bookstore.jobs.queue import run_due
from bookstore.notifications.outbox import OutboxMessage
from bookstore.orders.models import Order, OrderStatus, find_order_by_number
from bookstore.orders.partial_refund_outcomes import PARTIAL_REFUND_KIND
from bookstore.orders.partial_refunds import OrderRefund
from bookstore.orders.refunds import REFUND_KIND
from bookstore.owners.models import Activity
from bookstore.payments import current_gateway
from bookstore.payments.gateway import AlreadyRefunded, PaymentError

SCARCE = "poor-charlies-almanack"  # 3 copies, 36.00 USD
BOOM = "boom"  # 30.00 USD


@pytest.fixture
def shop(stripe_settings: Settings, fake_stripe: FakeStripe, tmp_path: Path) -> Iterator[Flask]:
    """Stripe mode, FakeStripe answering; emails as .eml files of the test's own."""
    app = create_app(stripe_settings.replace(mail_dir=tmp_path / "mail"))
    app.config["TESTING"] = True
    yield app


@pytest.fixture
def shopper(shop: Flask) -> FlaskClient:
    return shop.test_client()


@pytest.fixture
def clock(shop: Flask) -> Clock:
    return use_clock(shop)


@pytest.fixture
def owner(shop: Flask, clock: Clock) -> EnrolledOwner:
    return enrolled_owner(shop, clock)


@pytest.fixture
def dashboard(shop: Flask, owner: EnrolledOwner, clock: Clock) -> SignedIn:
    """The owner, signed in to the dashboard."""
    return signed_in(shop, owner, clock)


def paid_order(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, cart: dict[str, int]
) -> Order:
    """A checkout (express delivery: never free) paid at Stripe and told by the webhook; the
    order, detached."""
    payment = paid(shopper, cart, new_cart_id(), deliveryMethod="express")
    fake_stripe.set_status(payment["paymentIntentId"], "succeeded")
    token = order_of(shop, payment["orderNumber"]).token
    paid_event = intent_event(
        "payment_intent.succeeded",
        payment["paymentIntentId"],
        amount=payment["amount"],
        order_token=token,
    )
    assert post_event(shopper, paid_event) == "processed"
    order = order_of(shop, payment["orderNumber"])
    assert order.status == OrderStatus.PAID
    return order


def order_of(shop: Flask, number: str) -> Order:
    """The order as committed, detached, with its lines and history."""
    with shop.app_context():
        order = find_order_by_number(number)
        assert order is not None
        _ = order.lines, order.history
        db.session.expunge(order)
        return order


def ask(dashboard: SignedIn, number: str, **body: Any) -> TestResponse:
    """The refund dialog's POST (restock and notify off unless given)."""
    return dashboard.change(
        "POST", f"/orders/{number}/refunds", {"restock": False, "notify": False, **body}
    )


def asked(dashboard: SignedIn, number: str, **body: Any) -> dict[str, Any]:
    """A refund that must be accepted; the refund's JSON."""
    response = ask(dashboard, number, **body)
    assert response.status_code == 201, response.get_json()
    refund: dict[str, Any] = response.get_json()["refund"]
    return refund


def send_refunds(shop: Flask) -> int:
    """What the worker's refund lanes would do now."""
    with shop.app_context():
        return run_due([PARTIAL_REFUND_KIND, REFUND_KIND])


def settle(shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, order: Order) -> None:
    """Stripe's charge.refunded for the order's charge as its refunds left it."""
    assert order.payment_intent_id is not None
    event = fake_stripe.charge_refunded_event(order.payment_intent_id)
    assert post_event(shopper, event) == "processed"


def tax_share(order: Order, amount: int) -> int:
    """The order's tax pro rata to `amount` of its taxable subtotal plus shipping, rounded down."""
    return order.tax_amount * amount // (order.subtotal + order.shipping_amount)


def on_shelf(shop: Flask, book_id: str) -> int:
    with shop.app_context():
        book = db.session.get(Book, book_id)
        assert book is not None
        return book.stock


def refund_emails(shop: Flask, order: Order) -> list[OutboxMessage]:
    """The order's refund emails, oldest first, detached."""
    with shop.app_context():
        rows = list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.order_id == order.id, OutboxMessage.kind.like("refund%"))
                .order_by(OutboxMessage.id)
            )
        )
        db.session.expunge_all()
        return rows


def refund_rows(shop: Flask, order: Order) -> list[OrderRefund]:
    with shop.app_context():
        rows = list(
            db.session.scalars(
                select(OrderRefund).where(OrderRefund.order_id == order.id).order_by(OrderRefund.id)
            )
        )
        db.session.expunge_all()
        return rows


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d} USD"


# --- by lines ----------------------------------------------------------------------------------


def test_a_line_refunded_with_its_copy_back_on_the_shelf_and_one_email_of_its_amount(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {SCARCE: 2, BOOM: 1})
    assert on_shelf(shop, SCARCE) == 1

    refund = asked(
        dashboard,
        order.number,
        lines=[{"bookId": SCARCE, "quantity": 1}],
        restock=True,
        notify=True,
        reason="arrived damaged",
    )

    expected = 3600 + tax_share(order, 3600)
    assert refund["amount"] == expected
    assert refund["status"] == "requested"
    assert refund["lines"] == [
        {"bookId": SCARCE, "title": "Poor Charlie's Almanack", "quantity": 1}
    ]
    assert (refund["shipping"], refund["restock"], refund["notify"]) == (False, True, True)
    assert refund["reason"] == "arrived damaged"
    assert refund["currency"] == "usd"
    assert on_shelf(shop, SCARCE) == 2  # back at once, with the request
    assert order_of(shop, order.number).status == OrderStatus.PAID
    assert fake_stripe.refund_requests() == []  # sent by the worker, after the commit

    assert send_refunds(shop) == 1
    (sent,) = fake_stripe.refund_requests()
    assert form(sent)["amount"] == str(expected)
    assert sent.headers["Idempotency-Key"] == f"order-{order.token}-refund-part-{refund['id']}"
    assert refund_emails(shop, order) == []  # not before it has gone through

    settle(shop, shopper, fake_stripe, order)

    assert order_of(shop, order.number).status == OrderStatus.PARTIALLY_REFUNDED
    (email,) = refund_emails(shop, order)
    assert email.kind == f"refund-{refund['id']}"
    assert order.number in email.subject and "Part of" in email.subject
    for body in (email.text_body, email.html_body):
        assert money(expected) in body
        assert "Poor Charlie&#39;s Almanack" in body or "Poor Charlie's Almanack" in body
    [row] = refund_rows(shop, order)
    assert row.status == "succeeded"


def test_the_same_charge_refunded_delivered_again_changes_nothing_and_emails_once(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 2})
    asked(dashboard, order.number, lines=[{"bookId": BOOM, "quantity": 1}], notify=True)
    send_refunds(shop)
    assert order.payment_intent_id is not None
    event = fake_stripe.charge_refunded_event(order.payment_intent_id)

    results = [post_event(shopper, event) for _ in range(3)]

    assert results == ["processed", "duplicate", "duplicate"]
    assert len(refund_emails(shop, order)) == 1
    assert order_of(shop, order.number).status == OrderStatus.PARTIALLY_REFUNDED


def test_an_amount_is_refunded_as_given_and_no_email_when_not_asked(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 1})

    refund = asked(dashboard, order.number, amount=500, reason="goodwill")
    send_refunds(shop)
    settle(shop, shopper, fake_stripe, order)

    assert refund["amount"] == 500 and refund["lines"] == []
    (sent,) = fake_stripe.refund_requests()
    assert form(sent)["amount"] == "500"
    assert order_of(shop, order.number).status == OrderStatus.PARTIALLY_REFUNDED
    assert refund_emails(shop, order) == []


def test_the_shipping_with_its_tax_share_is_refunded_once(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 1})
    assert order.shipping_amount > 0

    refund = asked(dashboard, order.number, shipping=True)
    again = ask(dashboard, order.number, shipping=True)

    assert refund["amount"] == order.shipping_amount + tax_share(order, order.shipping_amount)
    assert refund["shipping"] is True
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "shipping_already_refunded"


def test_two_partial_refunds_each_under_its_own_key_and_what_is_left(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 3})
    first = asked(dashboard, order.number, lines=[{"bookId": BOOM, "quantity": 1}])
    send_refunds(shop)
    settle(shop, shopper, fake_stripe, order)

    second = asked(dashboard, order.number, lines=[{"bookId": BOOM, "quantity": 1}])
    send_refunds(shop)
    settle(shop, shopper, fake_stripe, order)

    keys = [sent.headers["Idempotency-Key"] for sent in fake_stripe.refund_requests()]
    assert keys == [
        f"order-{order.token}-refund-part-{first['id']}",
        f"order-{order.token}-refund-part-{second['id']}",
    ]
    assert len(fake_stripe.refunds) == 2
    listed = dashboard.client.get(f"/api/admin/orders/{order.number}/refunds").get_json()
    assert [(r["id"], r["status"]) for r in listed["refunds"]] == [
        (first["id"], "succeeded"),
        (second["id"], "succeeded"),
    ]
    assert order.paid_amount is not None
    assert listed["refundable"] == {
        "amount": order.paid_amount - first["amount"] - second["amount"],
        "lines": [{"bookId": BOOM, "title": "Boom", "quantity": 1}],
        "shipping": order.shipping_amount,
    }
    assert order_of(shop, order.number).status == OrderStatus.PARTIALLY_REFUNDED


def test_the_refund_that_empties_the_order_takes_the_remainder_and_the_order_is_refunded(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {SCARCE: 1, BOOM: 1})
    assert order.paid_amount is not None
    first = asked(dashboard, order.number, lines=[{"bookId": SCARCE, "quantity": 1}], notify=True)
    send_refunds(shop)
    settle(shop, shopper, fake_stripe, order)

    last = asked(
        dashboard,
        order.number,
        lines=[{"bookId": BOOM, "quantity": 1}],
        shipping=True,
        notify=True,
    )
    send_refunds(shop)
    settle(shop, shopper, fake_stripe, order)

    # Each tax share is rounded down; the last refund takes what the roundings left.
    assert last["amount"] == order.paid_amount - first["amount"]
    assert order.payment_intent_id is not None
    assert fake_stripe.refunded_amount(order.payment_intent_id) == order.paid_amount
    assert order_of(shop, order.number).status == OrderStatus.REFUNDED
    # One email per refund, each with its own amount; no third for the order as a whole.
    emails = refund_emails(shop, order)
    assert [email.kind for email in emails] == [f"refund-{first['id']}", f"refund-{last['id']}"]
    assert money(last["amount"]) in emails[1].text_body
    listed = dashboard.client.get(f"/api/admin/orders/{order.number}/refunds").get_json()
    assert listed["refundable"]["amount"] == 0


# --- the caps ----------------------------------------------------------------------------------


def test_an_amount_over_what_is_left_is_refused_and_nothing_changes(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 1})
    assert order.paid_amount is not None
    asked(dashboard, order.number, amount=1000)

    response = ask(dashboard, order.number, amount=order.paid_amount - 1000 + 1)

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "refund_exceeds_payment"
    assert error["details"] == {
        "refundable": order.paid_amount - 1000,
        "requested": order.paid_amount - 999,
    }
    assert len(refund_rows(shop, order)) == 1
    assert asked(dashboard, order.number, amount=order.paid_amount - 1000)["amount"] > 0


def test_more_copies_than_are_left_are_refused(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 2})
    asked(dashboard, order.number, lines=[{"bookId": BOOM, "quantity": 1}])

    response = ask(dashboard, order.number, lines=[{"bookId": BOOM, "quantity": 2}])

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "refund_exceeds_quantity"
    assert response.get_json()["error"]["details"] == {
        "bookId": BOOM,
        "refundable": 1,
        "requested": 2,
    }


def test_a_full_refund_after_partials_refunds_only_the_rest_and_its_email_says_how_much(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {SCARCE: 2})
    assert order.paid_amount is not None and order.payment_intent_id is not None
    part = asked(dashboard, order.number, lines=[{"bookId": SCARCE, "quantity": 1}], restock=True)
    send_refunds(shop)
    settle(shop, shopper, fake_stripe, order)
    assert on_shelf(shop, SCARCE) == 2

    result = shop.test_cli_runner().invoke(
        args=["orders", "refund", order.number, "--restock", "--no-wait"]
    )
    assert result.exit_code == 0, result.output
    settle(shop, shopper, fake_stripe, order)

    rest = order.paid_amount - part["amount"]
    assert f"refund of {money(rest)} asked for" in result.output
    full = fake_stripe.refund_requests()[-1]
    assert "amount" not in form(full)  # Stripe refunds what is left
    assert fake_stripe.refunded_amount(order.payment_intent_id) == order.paid_amount
    assert order_of(shop, order.number).status == OrderStatus.REFUNDED
    assert on_shelf(shop, SCARCE) == 3  # the other copy; the first was back already
    (email,) = refund_emails(shop, order)  # the partial one asked for none
    assert email.kind == "refund"
    assert money(rest) in email.text_body
    refused = ask(dashboard, order.number, amount=1)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "order_not_refundable"


def test_two_refunds_asked_at_once_never_pass_what_was_paid(
    shop: Flask,
    shopper: FlaskClient,
    fake_stripe: FakeStripe,
    owner: EnrolledOwner,
    clock: Clock,
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 2})
    assert order.paid_amount is not None
    browsers = [signed_in(shop, owner, clock, f"203.0.113.{n}") for n in (1, 2)]
    amount = order.paid_amount * 6 // 10  # each alone is fine; both would pass the total
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def refund(browser: SignedIn) -> None:
        barrier.wait()
        statuses.append(ask(browser, order.number, amount=amount).status_code)

    threads = [threading.Thread(target=refund, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [201, 409]
    assert [row.amount for row in refund_rows(shop, order)] == [amount]


# --- refused at the gateway, or failed later -------------------------------------------------


def test_a_refund_that_fails_afterwards_no_longer_counts_and_the_order_is_paid_again(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 1})
    assert order.paid_amount is not None
    asked(dashboard, order.number, amount=700, notify=True)
    send_refunds(shop)
    settle(shop, shopper, fake_stripe, order)
    [refund_id] = fake_stripe.refunds

    assert post_event(shopper, fake_stripe.refund_failed_event(refund_id)) == "processed"

    [row] = refund_rows(shop, order)
    assert row.status == "failed" and row.error is not None
    assert "expired_or_canceled_card" in row.error
    assert order_of(shop, order.number).status == OrderStatus.PAID
    listed = dashboard.client.get(f"/api/admin/orders/{order.number}/refunds").get_json()
    assert listed["refundable"]["amount"] == order.paid_amount
    assert len(refund_emails(shop, order)) == 1  # the one that said it went back; no other


def test_a_refund_the_gateway_refuses_fails_with_the_reason_and_frees_its_amount(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 1})
    assert order.paid_amount is not None and order.payment_intent_id is not None
    asked(dashboard, order.number, amount=700)
    # Refunded in the Stripe Dashboard meanwhile: nothing is left at Stripe.
    fake_stripe.refunds["re_dashboard"] = {
        "payment_intent": order.payment_intent_id,
        "amount": order.paid_amount,
        "status": "succeeded",
    }

    send_refunds(shop)

    [row] = refund_rows(shop, order)
    assert (row.status, row.error) == ("failed", "the payment was refunded in full already")
    listed = dashboard.client.get(f"/api/admin/orders/{order.number}/refunds").get_json()
    assert listed["refunds"][0]["error"] == "the payment was refunded in full already"
    assert listed["refundable"]["amount"] == order.paid_amount


# --- what the dialog is told, and what it may send ---------------------------------------------


def test_what_is_left_starts_as_the_whole_order(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {SCARCE: 1, BOOM: 2})

    listed = dashboard.client.get(f"/api/admin/orders/{order.number.lower()}/refunds")

    assert listed.status_code == 200
    assert listed.get_json() == {
        "refunds": [],
        "refundable": {
            "amount": order.paid_amount,
            "lines": [
                {"bookId": line.book_id, "title": line.title, "quantity": line.quantity}
                for line in order.lines
            ],
            "shipping": order.shipping_amount,
        },
    }


def test_an_unpaid_order_has_nothing_to_refund_and_refuses_a_refund(
    shop: Flask, shopper: FlaskClient, dashboard: SignedIn
) -> None:
    payment = paid(shopper, {BOOM: 1}, new_cart_id())  # Pay, never paid at Stripe

    listed = dashboard.client.get(f"/api/admin/orders/{payment['orderNumber']}/refunds")
    refused = ask(dashboard, payment["orderNumber"], amount=100)

    assert listed.get_json()["refundable"] == {"amount": 0, "lines": [], "shipping": 0}
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "order_not_refundable"


def test_an_unknown_order_is_a_404(dashboard: SignedIn) -> None:
    assert dashboard.client.get("/api/admin/orders/SP-ZZZZZZ/refunds").status_code == 404
    assert ask(dashboard, "SP-ZZZZZZ", amount=100).status_code == 404


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        pytest.param({"amount": 100}, "validation_error", "restock", id="no-restock"),
        pytest.param({"restock": False, "notify": False}, "empty_refund", None, id="nothing"),
        pytest.param(
            {"restock": False, "notify": False, "amount": 0},
            "validation_error",
            "amount",
            id="zero-amount",
        ),
        pytest.param(
            {"restock": False, "notify": False, "amount": "500"},
            "validation_error",
            "amount",
            id="amount-as-text",
        ),
        pytest.param(
            {"restock": False, "notify": False, "lines": [{"bookId": BOOM, "quantity": 0}]},
            "validation_error",
            "lines.0.quantity",
            id="no-copies",
        ),
        pytest.param(
            {"restock": "yes", "notify": False, "amount": 100},
            "validation_error",
            "restock",
            id="restock-not-a-boolean",
        ),
        pytest.param(
            {
                "restock": False,
                "notify": False,
                "lines": [{"bookId": "the-big-score", "quantity": 1}],
            },
            "unknown_line",
            None,
            id="a-book-not-in-the-order",
        ),
    ],
)
def test_a_bad_refund_is_a_400_that_changes_nothing(
    shop: Flask,
    shopper: FlaskClient,
    fake_stripe: FakeStripe,
    dashboard: SignedIn,
    body: dict[str, Any],
    code: str,
    field: str | None,
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 1})
    shelf = on_shelf(shop, BOOM)

    response = dashboard.change("POST", f"/orders/{order.number}/refunds", body)

    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    if field is not None:
        assert field in [detail["field"] for detail in error["details"]]
    assert refund_rows(shop, order) == []
    assert on_shelf(shop, BOOM) == shelf


def test_every_refund_asked_for_is_in_the_activity_log_and_a_refusal_is_not(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, dashboard: SignedIn
) -> None:
    order = paid_order(shop, shopper, fake_stripe, {BOOM: 2})
    first = asked(dashboard, order.number, lines=[{"bookId": BOOM, "quantity": 1}], restock=True)
    second = asked(dashboard, order.number, amount=250, reason="late")
    ask(dashboard, order.number, amount=10**9)  # refused

    with shop.app_context():
        entries = list(
            db.session.scalars(
                select(Activity)
                .where(Activity.action == "order_refund_requested")
                .order_by(Activity.id)
            )
        )
        details = [(entry.email, entry.client_address, entry.detail) for entry in entries]
    assert details == [
        (
            "ada@shop.example",
            "203.0.113.7",
            f"{order.number}: #{first['id']}: {money(first['amount'])}; for 1 x Boom; "
            "copies back on the shelf",
        ),
        ("ada@shop.example", "203.0.113.7", f"{order.number}: #{second['id']}: 2.50 USD; late"),
    ]
    history = [(event.kind, event.detail) for event in order_of(shop, order.number).history]
    assert ("partial_refund_requested", f"#{second['id']}: 2.50 USD; late") in history


def test_without_a_session_the_routes_answer_401(shop: Flask, shopper: FlaskClient) -> None:
    assert shopper.get("/api/admin/orders/SP-ZZZZZZ/refunds").status_code == 401


# --- the Stripe gateway, against FakeStripe's rules ---------------------------------------------


def test_the_gateway_sends_the_amount_and_stripe_refuses_more_than_is_left(
    shop: Flask, fake_stripe: FakeStripe
) -> None:
    with shop.app_context():
        gateway = current_gateway()
        intent = gateway.create_payment_intent(
            amount=6000, currency="usd", order_token="tok", idempotency_key="tok-create"
        )
        fake_stripe.set_status(intent.id, "succeeded")
        part = gateway.refund_payment_intent(
            intent.id, order_token="tok", idempotency_key="tok-part-1", amount=4000
        )
        with pytest.raises(PaymentError) as caught:
            gateway.refund_payment_intent(
                intent.id, order_token="tok", idempotency_key="tok-part-2", amount=2001
            )
        rest = gateway.refund_payment_intent(intent.id, order_token="tok", idempotency_key="rest")
        with pytest.raises(AlreadyRefunded):
            gateway.refund_payment_intent(intent.id, order_token="tok", idempotency_key="more")

    assert (part.amount, rest.amount) == (4000, 2000)
    assert [form(sent).get("amount") for sent in fake_stripe.refund_requests()] == [
        "4000",
        "2001",
        None,
        None,
    ]
    assert (type(caught.value), caught.value.kind) == (PaymentError, "refused")
    assert caught.value.reason == (
        "amount_too_large: Refund amount (20.01 USD) is greater than unrefunded amount on "
        "charge (20.00 USD)"
    )


def test_stripes_charge_refunded_after_a_part_is_not_fully_refunded(
    shop: Flask, fake_stripe: FakeStripe
) -> None:
    with shop.app_context():
        gateway = current_gateway()
        intent = gateway.create_payment_intent(
            amount=6000, currency="usd", order_token="tok", idempotency_key="tok-create"
        )
        fake_stripe.set_status(intent.id, "succeeded")
        gateway.refund_payment_intent(
            intent.id, order_token="tok", idempotency_key="tok-part", amount=1500
        )
        payload, headers = delivery(fake_stripe.charge_refunded_event(intent.id))
        parsed = gateway.parse_event(payload, headers["Stripe-Signature"])

    assert (parsed.action, parsed.amount, parsed.fully_refunded) == ("refunded", 1500, False)
    assert parsed.payment_intent_id == intent.id


# --- demo mode, end to end with the worker --------------------------------------------------


@pytest.fixture
def demo_shop(settings: Settings, tmp_path: Path) -> Iterator[Flask]:
    """Demo mode; emails as .eml files of the test's own."""
    app = create_app(settings.replace(mail_dir=tmp_path / "mail"))
    app.config["TESTING"] = True
    yield app


@pytest.fixture
def demo_dashboard(demo_shop: Flask) -> SignedIn:
    clock: Clock = use_clock(demo_shop)
    return signed_in(demo_shop, enrolled_owner(demo_shop, clock), clock)


def test_a_demo_order_refunded_in_part_from_the_dashboard_then_in_full_from_the_shell(
    demo_shop: Flask, demo_dashboard: SignedIn
) -> None:
    shopper = demo_shop.test_client()
    payment = demo_paid(shopper, {BOOM: 2}, "cart-demo-parts")
    number = payment["orderNumber"]
    order = order_of(demo_shop, number)
    assert order.status == OrderStatus.PAID and order.paid_amount is not None

    response = demo_dashboard.change(
        "POST",
        f"/orders/{number}/refunds",
        {"lines": [{"bookId": BOOM, "quantity": 1}], "restock": True, "notify": True},
    )
    assert response.status_code == 201, response.get_json()
    part = response.get_json()["refund"]
    run_worker(demo_shop)  # sends it, delivers the demo's charge.refunded, sends the email

    assert order_of(demo_shop, number).status == OrderStatus.PARTIALLY_REFUNDED
    assert demo_refunds(demo_shop) == [part["amount"]]
    kinds = [(kind, status) for kind, status, _ in emails_of(demo_shop, order.id)]
    assert kinds == [("confirmation", "sent"), (f"refund-{part['id']}", "sent")]
    amount = part["amount"]
    assert f"{amount // 100}.{amount % 100:02d} USD" in emails_of(demo_shop, order.id)[1][2]

    result = invoke(demo_shop, "orders", "refund", number, "--no-wait")
    assert result.exit_code == 0, result.output
    run_worker(demo_shop)

    assert order_of(demo_shop, number).status == OrderStatus.REFUNDED
    assert sum(demo_refunds(demo_shop)) == order.paid_amount
    assert [kind for kind, _, _ in emails_of(demo_shop, order.id)] == [
        "confirmation",
        f"refund-{part['id']}",
        "refund",
    ]
