"""Partial refunds in demo mode, and from the command line.

The demo gateway keeps Stripe's rules for refunds in parts: several per PaymentIntent, never
more than is left, `charge_already_refunded` once nothing is, and each charge.refunded tells
what all of them gave back (`refunded` only at the end). From the shell, the worker then does
what it does in production: sends the refund, delivers the demo's charge.refunded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from demo_timers import Timers, hold_timers
from flask import Flask
from sqlalchemy import select
from test_orders_cli import checkout, demo_paid, invoke, order_of, run_worker

from bookstore import create_app
from bookstore.config import Settings
from bookstore.db import db
from bookstore.notifications.outbox import OutboxMessage
from bookstore.orders.models import OrderStatus
from bookstore.orders.partial_refunds import OrderRefund
from bookstore.payments import current_gateway
from bookstore.payments.demo.cards import Card
from bookstore.payments.demo.gateway import DemoGateway
from bookstore.payments.demo.models import DemoRefund
from bookstore.payments.gateway import AlreadyRefunded, PaymentError, PaymentIntent, Refund

BOOM = "boom"  # 30.00 USD, plenty of copies
TOKEN = "tok_order_parts"


@pytest.fixture
def demo_shop(settings: Settings, tmp_path: Path) -> Iterator[Flask]:
    """Demo mode; emails as .eml files of the test's own."""
    app = create_app(settings.replace(mail_dir=tmp_path / "mail"))
    app.config["TESTING"] = True
    yield app


# --- the demo gateway's rules ----------------------------------------------------------------


@pytest.fixture
def timers(app: Flask) -> Timers:
    return hold_timers(app)


@pytest.fixture
def gateway(app: Flask, timers: Timers) -> Iterator[DemoGateway]:
    with app.app_context():
        found = current_gateway()
        assert isinstance(found, DemoGateway)
        yield found


def paid_intent(gateway: DemoGateway, amount: int = 6000) -> PaymentIntent:
    intent = gateway.create_payment_intent(
        amount=amount, currency="usd", order_token=TOKEN, idempotency_key=f"order-{TOKEN}-create"
    )
    card = Card(number="4242424242424242", exp_month=12, exp_year=date.today().year + 3, cvc="123")
    gateway.confirm(intent.id, intent.client_secret, card)
    return intent


def refund(gateway: DemoGateway, intent_id: str, key: str, amount: int | None = None) -> Refund:
    return gateway.refund_payment_intent(
        intent_id, order_token=TOKEN, idempotency_key=key, amount=amount
    )


def refunded_in_events(timers: Timers) -> list[tuple[int, bool]]:
    """(amount_refunded, refunded) of each charge.refunded the demo scheduled."""
    charges = [step["deliver"]["data"]["object"] for _, step in timers.pending]
    return [(charge["amount_refunded"], charge["refunded"]) for charge in charges]


def test_a_payment_is_refunded_in_parts_and_the_rest_by_a_refund_without_an_amount(
    gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway)

    first = refund(gateway, intent.id, "part-1", 1000)
    second = refund(gateway, intent.id, "part-2", 2000)
    rest = refund(gateway, intent.id, "the-rest")

    assert [first.amount, second.amount, rest.amount] == [1000, 2000, 3000]
    assert refunded_in_events(timers) == [(1000, False), (3000, False), (6000, True)]
    with pytest.raises(AlreadyRefunded):
        refund(gateway, intent.id, "one-more", 1)


def test_a_part_over_what_is_left_is_refused_like_stripes_amount_too_large(
    gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway)
    refund(gateway, intent.id, "part-1", 5000)

    with pytest.raises(PaymentError) as caught:
        refund(gateway, intent.id, "part-2", 1001)

    assert type(caught.value) is PaymentError and caught.value.kind == "refused"
    assert caught.value.reason is not None
    assert caught.value.reason.startswith("amount_too_large: Refund amount (10.01 USD)")
    assert refund(gateway, intent.id, "part-3", 1000).amount == 1000


def test_the_same_key_with_another_amount_is_refused_and_with_the_same_replays(
    gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway)
    first = refund(gateway, intent.id, "part-1", 1000)

    assert refund(gateway, intent.id, "part-1", 1000) == first
    with pytest.raises(PaymentError):
        refund(gateway, intent.id, "part-1", 2000)
    assert len(timers.pending) == 1


def test_simultaneous_parts_never_refund_more_than_was_received(
    app: Flask, gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway)
    results = run_in_threads(app, 6, lambda n: refund(gateway, intent.id, f"part-{n}", 2500))

    made = [r for r in results if isinstance(r, Refund)]
    refused = [r for r in results if isinstance(r, PaymentError)]
    assert (len(made), len(refused)) == (2, 4), results
    with app.app_context():
        stored = [row.amount for row in db.session.scalars(select(DemoRefund))]
    assert stored == [2500, 2500]


def test_a_part_that_failed_later_no_longer_counts(gateway: DemoGateway, timers: Timers) -> None:
    intent = paid_intent(gateway)
    part = refund(gateway, intent.id, "part-1", 4000)
    refund(gateway, intent.id, "part-2", 2000)

    assert gateway.fail_refund(part.id) is not None

    assert refund(gateway, intent.id, "the-rest").amount == 4000


def run_in_threads(app: Flask, count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``count`` threads at once, each in its own app context."""
    barrier = threading.Barrier(count)
    results: list[object] = []

    def target(number: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results.append(work(number))
            except Exception as error:  # collected, so the test can show what failed
                results.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


# --- end to end, with the worker ---------------------------------------------------------------


def emails_of(app: Flask, order_id: int) -> list[tuple[str, str, str]]:
    """(kind, status, text) of the order's emails, oldest first."""
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.order_id == order_id)
            .order_by(OutboxMessage.id)
        )
        return [(row.kind, row.status, row.text_body) for row in rows]


def demo_refunds(app: Flask) -> list[int]:
    with app.app_context():
        return [row.amount for row in db.session.scalars(select(DemoRefund))]


def test_the_command_line_refunds_lines_and_the_shipping(demo_shop: Flask) -> None:
    payment = demo_paid(demo_shop.test_client(), {BOOM: 3}, "cart-cli-parts")
    number = payment["orderNumber"]

    result = invoke(
        demo_shop, "orders", "refund", number, "--line", "boom:2", "--shipping", "--no-notify"
    )
    run_worker(demo_shop)

    assert result.exit_code == 0, result.output
    order = order_of(demo_shop, number)
    with demo_shop.app_context():
        (row,) = db.session.scalars(select(OrderRefund).where(OrderRefund.order_id == order.id))
        detail = (row.lines, row.shipping, row.notify, row.status, row.requested_by)
    assert detail == ([{"book_id": BOOM, "quantity": 2}], True, False, "succeeded", None)
    lines = result.output.splitlines()
    assert lines[0].startswith(f"Order {number}: partial refund #{row.id}: ")
    assert lines[0].endswith("; for 2 x Boom, Shipping; asked for.")
    assert lines[1].startswith("Refund re_demo_")
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert [kind for kind, _, _ in emails_of(demo_shop, order.id)] == ["confirmation"]


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["--line", "boom"], 2, "is not BOOK_ID:QTY"),
        (["--line", "boom:0"], 2, "is not BOOK_ID:QTY"),
        (["--line", "the-big-score:1"], 1, "has no line for the-big-score"),
        (["--line", "boom:2"], 1, "has 1 copy of Boom left to refund, not 2"),
        (["--amount", "0"], 2, "--amount"),
    ],
)
def test_the_command_line_refuses_what_cannot_be_refunded(
    demo_shop: Flask, args: list[str], exit_code: int, message: str
) -> None:
    payment = demo_paid(demo_shop.test_client(), {BOOM: 1}, "cart-cli-refused")

    result = invoke(demo_shop, "orders", "refund", payment["orderNumber"], *args)

    assert result.exit_code == exit_code, result.output
    assert message in result.output
    with demo_shop.app_context():
        assert db.session.scalars(select(OrderRefund)).first() is None


def test_an_unpaid_order_refuses_a_partial_refund_from_the_shell(demo_shop: Flask) -> None:
    payment: Any = checkout(demo_shop.test_client(), {BOOM: 1}, "cart-cli-unpaid")

    result = invoke(demo_shop, "orders", "refund", payment["orderNumber"], "--amount", "100")

    assert result.exit_code == 1
    assert "is pending: nothing was paid" in result.output
