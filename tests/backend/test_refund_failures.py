"""Refunds that fail after they were made (Stripe's test card 4000 0000 0000 5126): the order
owes its refund again, the owner sees why and retries or records another way, and the shopper
gets one refund email whatever happens."""

from __future__ import annotations

from typing import Any

import pytest
from checkout_requests import confirmed, demo_token, new_cart_id, paid
from demo_timers import Timers, hold_timers
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from bookstore.db import db
from bookstore.notifications.outbox import OutboxMessage
from bookstore.orders.models import Order, OrderStatus
from bookstore.payments.demo.models import DemoRefund
from bookstore.payments.stripe_events import translate

REFUND_FAILS = "4000000000005126"
BOOM = "boom"


@pytest.fixture
def timers(app: Flask) -> Timers:
    return hold_timers(app)


def paid_order(client: FlaskClient, timers: Timers, card: str = REFUND_FAILS) -> str:
    """A paid demo order's number, paid at Pay with `card`."""
    payment = paid(client, {BOOM: 2}, new_cart_id(), **confirmed(demo_token(client, card)))
    timers.run_all()
    order = client.get(
        f"/api/orders/{payment['paymentIntentId']}", query_string=_secret(payment)
    ).get_json()
    assert order["status"] == "paid"
    number: str = order["orderNumber"]
    return number


def _secret(payment: dict[str, Any]) -> dict[str, str]:
    return {"client_secret": payment["clientSecret"]}


def order_by_number(app: Flask, number: str) -> Order:
    with app.app_context():
        order = db.session.scalars(select(Order).where(Order.number == number)).one()
        _ = order.history  # loaded now, for the test to read after the session ends
        db.session.expunge_all()
        return order


def refund_emails(app: Flask, number: str) -> int:
    with app.app_context():
        order_id = db.session.scalar(select(Order.id).where(Order.number == number))
        rows = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.order_id == order_id, OutboxMessage.kind == "refund"
            )
        ).all()
        return len(rows)


def demo_refunds(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(select(DemoRefund.status, DemoRefund.idempotency_key)).all()
        return [(row.status, row.idempotency_key) for row in rows]


def test_a_refund_of_card_5126_fails_afterwards_and_the_order_owes_it_again(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, timers: Timers
) -> None:
    number = paid_order(client, timers)

    refunded = runner.invoke(args=["orders", "refund", number, "--no-wait"])
    timers.run_all()  # charge.refunded, then the refund fails: refund.failed
    order = order_by_number(app, number)
    shown = runner.invoke(args=["orders", "show", number]).output
    listed = runner.invoke(args=["orders"]).output

    assert refunded.exit_code == 0, refunded.output
    assert order.status == OrderStatus.REFUNDING and order.refund_id is None
    assert order.refund_failed_reason == "expired_or_canceled_card"
    assert "Not refunded" in shown and "expired_or_canceled_card" in shown
    assert f"!! Order {number} is not refunded" in listed
    kinds = [entry.kind for entry in order.history]
    assert kinds[kinds.index("charge.refunded") :] == [
        "charge.refunded",
        "refund.failed",
        "refund_failed",
    ]
    assert refund_emails(app, number) == 1  # told once, when charge.refunded came
    assert demo_refunds(app) == [("failed", f"order-{order.token}-refund")]


def test_the_owner_retries_under_a_new_key_then_records_the_money_went_back_another_way(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, timers: Timers
) -> None:
    number = paid_order(client, timers)
    runner.invoke(args=["orders", "refund", number, "--no-wait"])
    timers.run_all()

    retried = runner.invoke(args=["orders", "refund", number, "--no-wait"])
    timers.run_all()  # the new refund fails too, as at Stripe with this card
    after_retry = order_by_number(app, number)
    settled = runner.invoke(
        args=["orders", "refund", number, "--returned-another-way", "bank transfer"]
    )
    final = order_by_number(app, number)
    again = runner.invoke(args=["orders", "refund", number, "--returned-another-way", "twice"])

    token = final.token
    assert retried.exit_code == 0, retried.output
    assert f"order-{token}-refund-2" in retried.output
    assert demo_refunds(app) == [
        ("failed", f"order-{token}-refund"),
        ("failed", f"order-{token}-refund-2"),
    ]
    assert after_retry.status == OrderStatus.REFUNDING and after_retry.refund_attempt == 2
    assert settled.exit_code == 0, settled.output
    assert final.status == OrderStatus.REFUNDED and final.refund_error is None
    assert "refund_returned_another_way" in [entry.kind for entry in final.history]
    assert refund_emails(app, number) == 1
    assert again.exit_code == 1 and "owes no refund" in again.output


def test_a_refund_of_another_card_stays_made(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, timers: Timers
) -> None:
    number = paid_order(client, timers, card="4242424242424242")

    runner.invoke(args=["orders", "refund", number, "--no-wait"])
    timers.run_all()

    assert order_by_number(app, number).status == OrderStatus.REFUNDED
    assert [status for status, _ in demo_refunds(app)] == ["succeeded"]


@pytest.mark.parametrize("event_type", ["refund.failed", "charge.refund.updated"])
def test_stripes_refund_failure_events_say_which_refund_and_why(event_type: str) -> None:
    refund = {
        "id": "re_123",
        "object": "refund",
        "status": "failed",
        "failure_reason": "expired_or_canceled_card",
        "payment_intent": "pi_123",
        "amount": 1000,
        "currency": "usd",
        "metadata": {"order_token": "tok"},
    }

    event = translate("evt_1", event_type, refund)
    still_pending = translate("evt_2", "charge.refund.updated", {**refund, "status": "pending"})

    assert (event.action, event.refund_id, event.failure_message) == (
        "refund_failed",
        "re_123",
        "expired_or_canceled_card",
    )
    assert (event.payment_intent_id, event.order_token) == ("pi_123", "tok")
    assert still_pending.action is None


def test_no_transaction_is_open_while_the_gateway_is_asked_for_a_refund(
    app: Flask, client: FlaskClient, timers: Timers, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bookstore.orders.refunds import request_refund, send_refund
    from bookstore.payments import current_gateway

    number = paid_order(client, timers, card="4242424242424242")
    open_during_call: list[bool] = []
    with app.app_context():
        gateway = current_gateway()
        refund_payment_intent = gateway.refund_payment_intent

        def watched(*args: Any, **kwargs: Any) -> Any:
            # A transaction open here would hold the order's row (or SQLite's lock) for as
            # long as the provider takes to answer.
            open_during_call.append(db.session().in_transaction())
            return refund_payment_intent(*args, **kwargs)

        monkeypatch.setattr(gateway, "refund_payment_intent", watched)
        order = db.session.scalars(select(Order).where(Order.number == number)).one()
        request_refund(order, "shop")
        order_id = order.id
        db.session.commit()
        attempt = send_refund(order_id)

    assert attempt is not None and attempt.refund_id is not None
    assert open_during_call == [False]
