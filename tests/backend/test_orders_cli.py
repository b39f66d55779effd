"""`flask --app bookstore orders ...`: the owner lists, shows, refunds and resolves orders.

Orders are made the real way: a checkout through the API, paid by a signed webhook delivery
(Stripe mode, FakeStripe) or with a test card through the demo's API (demo mode, whose
charge.refunded is a job for the worker, or a step on a scheduler the test holds). What the
worker does (refunds, the demo's events, emails) runs when the test says: run_worker does all
that is due, in the test's thread; one test runs a real worker's threads beside the command.
Poor Charlie's Almanack starts with 3 copies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
import requests_mock as rm
from click.testing import Result
from demo_timers import hold_timers
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from stripe_fakes import FakeStripe, Fault, error_body, network_error, server_error
from test_checkout_details import ADDRESS
from test_stock_api import emails as emails_of_order
from test_stock_api import on_shelf, paid_after_the_copies_went
from webhook_events import delivery, intent_event, refund_event

from bookstore import create_app
from bookstore.config import Settings
from bookstore.db import db
from bookstore.jobs.claims import QueueStatus
from bookstore.jobs.models import Job
from bookstore.notifications.outbox import OutboxMessage, OutboxStatus
from bookstore.orders import cli as orders_cli
from bookstore.orders.models import Order, OrderStatus, find_order_by_number
from bookstore.payments.demo.delivery import DEMO_EVENT_JOB
from bookstore.worker.lanes import all_lanes, run_everything_due
from bookstore.worker.runner import Worker

SCARCE = "poor-charlies-almanack"  # 3 copies
BOOM = "boom"  # 30.00 USD
EMAIL = "ada@example.com"
PAYS = "4242424242424242"
DECLINED = "4000000000000002"
# Stripe's 400 when the account's balance cannot cover a refund: a refusal, stored on the order.
BALANCE_INSUFFICIENT = Fault(
    status=400,
    body=error_body(
        "invalid_request_error",
        "Insufficient funds in Stripe account. In test mode, you can add funds to your "
        "available balance (bypassing your pending balance) by creating a charge with 4000 "
        "0000 0000 0077 as the card number.",
        code="balance_insufficient",
    ),
)
# Stripe's 401 for a revoked key: the shop's own setup, which the owner must fix.
KEY_REFUSED = Fault(
    status=401,
    body=error_body("invalid_request_error", "Invalid API Key provided: sk_test_***123"),
)


@pytest.fixture
def shop(stripe_settings: Settings, fake_stripe: FakeStripe, tmp_path: Path) -> Iterator[Flask]:
    """Stripe mode, FakeStripe answering; emails as .eml files of the test's own."""
    app = create_app(stripe_settings.replace(mail_dir=tmp_path / "mail"))
    app.config["TESTING"] = True
    yield app


@pytest.fixture
def shopper(shop: Flask) -> FlaskClient:
    """A browser on the Stripe-mode shop."""
    return shop.test_client()


@pytest.fixture
def demo_shop(settings: Settings, tmp_path: Path) -> Iterator[Flask]:
    """Demo mode; emails as .eml files of the test's own."""
    app = create_app(settings.replace(mail_dir=tmp_path / "mail"))
    app.config["TESTING"] = True
    yield app


@pytest.fixture
def no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """`orders refund` looks once for charge.refunded instead of waiting 10 s for it."""
    monkeypatch.setattr(orders_cli, "WAIT_SECONDS", 0.0)


def invoke(app: Flask, *args: str) -> Result:
    """Run `flask --app bookstore <args>` against the app."""
    return app.test_cli_runner().invoke(args=list(args))


def run_worker(app: Flask) -> int:
    """Do everything the worker process would do now (refunds, demo events, emails), here."""
    with app.app_context():
        return run_everything_due()


def all_jobs(app: Flask) -> list[Job]:
    """Every job, oldest first, detached."""
    with app.app_context():
        found = list(db.session.scalars(select(Job).order_by(Job.id)))
        db.session.expunge_all()
        return found


def jobs_of(app: Flask, number: str, kind: str) -> list[Job]:
    """The order's jobs of this kind, oldest first, detached."""
    with app.app_context():
        order_id = order_of(app, number).id
        found = list(
            db.session.scalars(
                select(Job).where(Job.order_id == order_id, Job.kind == kind).order_by(Job.id)
            )
        )
        db.session.expunge_all()
        return found


def refund_keys(requests_mock: rm.Mocker) -> list[str]:
    """The Idempotency-Key of each create-Refund request Stripe received, oldest first."""
    return [
        request.headers["Idempotency-Key"]
        for request in requests_mock.request_history
        if request.method == "POST" and request.path == "/v1/refunds"
    ]


def checkout(client: FlaskClient, cart: dict[str, int], cart_id: str) -> dict[str, Any]:
    """A full checkout (email, address, express delivery) that must succeed; its answer."""
    response = client.post(
        "/create-payment-intent",
        json={
            "items": [{"id": book, "quantity": n} for book, n in cart.items()],
            "cartId": f"{cart_id:0>16}",  # cart ids are 16 to 64 characters
            "email": EMAIL,
            "shipping": ADDRESS,
            "deliveryMethod": "express",
        },
    )
    assert response.status_code == 200, response.get_json()
    answer: dict[str, Any] = response.get_json()
    return answer


def deliver(client: FlaskClient, event: dict[str, Any]) -> str:
    """A signed webhook delivery; the handler's result."""
    payload, headers = delivery(event)
    response = client.post("/webhook", data=payload, headers=headers)
    assert response.status_code == 200, response.get_json()
    result: str = response.get_json()["result"]
    return result


def order_of(app: Flask, number: str) -> Order:
    """The order as committed, detached, with its lines and history."""
    with app.app_context():
        order = find_order_by_number(number)
        assert order is not None
        _ = order.lines, order.history
        db.session.expunge(order)
        return order


def stripe_event(
    shop: Flask,
    fake_stripe: FakeStripe,
    payment: dict[str, Any],
    event_type: str = "payment_intent.succeeded",
    amount: int | None = None,
) -> dict[str, Any]:
    """An event about the checkout's PaymentIntent, its state set at FakeStripe too."""
    status = {
        "payment_intent.succeeded": "succeeded",
        "payment_intent.canceled": "canceled",
        "payment_intent.payment_failed": "requires_payment_method",
    }[event_type]
    fake_stripe.set_status(payment["paymentIntentId"], status)
    return intent_event(
        event_type,
        payment["paymentIntentId"],
        amount=payment["amount"] if amount is None else amount,
        order_token=order_of(shop, payment["orderNumber"]).token,
    )


def paid_order(
    shop: Flask,
    shopper: FlaskClient,
    fake_stripe: FakeStripe,
    cart: dict[str, int],
    cart_id: str,
    amount: int | None = None,
) -> dict[str, Any]:
    """A checkout paid by payment_intent.succeeded (of `amount`, else the order's); its answer."""
    payment = checkout(shopper, cart, cart_id)
    assert deliver(shopper, stripe_event(shop, fake_stripe, payment, amount=amount)) == "processed"
    return payment


def demo_paid(client: FlaskClient, cart: dict[str, int], cart_id: str, number: str = PAYS) -> Any:
    """A demo checkout paid (or declined) with a test card; the checkout's answer."""
    payment = checkout(client, cart, cart_id)
    confirmed = client.post(
        f"/demo/payment_intents/{payment['paymentIntentId']}/confirm",
        json={
            "client_secret": payment["clientSecret"],
            "card": {
                "number": number,
                "exp_month": 12,
                "exp_year": date.today().year + 3,
                "cvc": "123",
            },
        },
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    return payment


def emails(app: Flask, number: str) -> dict[str, int]:
    """How many emails of each kind the order has in the outbox."""
    return emails_of_order(app, order_of(app, number))


def history(app: Flask, number: str) -> list[str]:
    """The kinds of the order's history, oldest first."""
    return [event.kind for event in order_of(app, number).history]


# --- orders, orders list -----------------------------------------------------------------------


def test_the_list_shows_the_newest_first_and_each_status_on_its_own(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    paid = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-paid")
    pending = checkout(shopper, {BOOM: 2}, "cart-pending")

    everything = invoke(shop, "orders")
    only_paid = invoke(shop, "orders", "--status", "paid")
    listed = invoke(shop, "orders", "list", "--status", "pending", "--limit", "1")
    none = invoke(shop, "orders", "list", "--status", "refunded")

    assert everything.exit_code == 0, everything.output
    header, first, second = everything.stdout.splitlines()
    assert header.split()[:5] == ["NUMBER", "STATUS", "AMOUNT", "MODE", "PAYMENT"]
    assert first.split()[:6] == [
        pending["orderNumber"],
        "pending",
        f"{pending['amount'] / 100:.2f}",
        "USD",
        "stripe_test",
        pending["paymentIntentId"],
    ]
    assert second.split()[:2] == [paid["orderNumber"], "paid"]
    assert only_paid.stdout.splitlines()[1:] == [second]
    assert listed.stdout.splitlines()[1:] == [first]
    assert none.stdout == "No refunded orders.\n"


def test_an_unknown_status_is_refused_by_the_option(shop: Flask) -> None:
    result = invoke(shop, "orders", "--status", "shipped")

    assert result.exit_code == 2
    assert "'shipped' is not one of" in result.stderr


# --- orders show -------------------------------------------------------------------------------


def test_show_tells_everything_about_an_order_and_its_history_oldest_first(
    demo_shop: Flask, no_wait: None
) -> None:
    timers = hold_timers(demo_shop)
    payment = demo_paid(demo_shop.test_client(), {BOOM: 2}, "cart-show")
    number = payment["orderNumber"]
    refunding = invoke(demo_shop, "orders", "refund", number, "--reason", "lost in the post")
    assert refunding.exit_code == 0, refunding.output
    timers.run_all()  # the demo's charge.refunded, after the command
    order = order_of(demo_shop, number)

    # Typed as a customer might read it out: any case, spaces.
    result = invoke(demo_shop, "orders", "show", " " + number.lower().replace("-", " - "))

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Order {number}"
    # "  Label           value" lines (not the address's next lines, the books, the history).
    fields = {line[2:18].strip(): line[18:] for line in lines if line[2:3].isupper()}
    money = "{:.2f} USD".format
    assert order.paid_at is not None and order.refund_requested_at is not None
    assert fields == {
        "Status": "refunded",
        "Mode": "demo",
        "PaymentIntent": payment["paymentIntentId"],
        "Email": EMAIL,
        "Created": f"{order.created_at:%Y-%m-%d %H:%M:%S} UTC",
        "Ship to": "Ada Lovelace",
        "Delivery": "Express, 1 to 2 business days",
        "Subtotal": money(payment["subtotal"] / 100),
        "Shipping": money(payment["shippingAmount"] / 100),
        "Tax": money(payment["taxAmount"] / 100),
        "Total": money(payment["amount"] / 100),
        "Paid": f"{money(payment['amount'] / 100)} at {order.paid_at:%Y-%m-%d %H:%M:%S} UTC",
        "Payment method": "Visa •••• 4242",
        "Held until": "-",
        "Stock taken": "yes",
        "Cause": "shop",
        "Note": "lost in the post",
        "Requested": f"{order.refund_requested_at:%Y-%m-%d %H:%M:%S} UTC",
        "Refund id": order.refund_id,
    }
    assert order.refund_id is not None and order.refund_id.startswith("re_demo_")
    start = lines.index("  Ship to         Ada Lovelace")
    assert [line.strip() for line in lines[start + 1 : start + 6]] == [
        "354 Oyster Point Blvd",
        "Suite 2",
        "South San Francisco CA 94080",
        "United States",
        "+1 415 555 0100",
    ]
    assert lines[lines.index("Lines") + 1] == "  2 x Boom (boom) at 30.00 USD: 60.00 USD"
    shown = lines[lines.index("History (UTC, oldest first)") + 1 :]
    assert [line.split()[2] for line in shown] == [
        "payment_intent.succeeded",
        "charge.succeeded",
        "refund_requested",
        "refund_sent",
        "charge.refunded",
    ]
    assert shown == [
        f"  {event.at:%Y-%m-%d %H:%M:%S}  {event.kind:<26}  {event.detail}".rstrip()
        for event in order.history
    ]
    assert shown[2].endswith("cause=shop; lost in the post")
    assert shown[3].endswith(order.refund_id)
    assert shown[4].endswith("refunding -> refunded")


def test_show_tells_a_failed_payments_message_and_an_unpaid_orders_hold(
    demo_shop: Flask,
) -> None:
    client = demo_shop.test_client()
    declined = demo_paid(client, {BOOM: 1}, "cart-declined", DECLINED)
    waiting = checkout(client, {BOOM: 1}, "cart-waiting")

    failed = invoke(demo_shop, "orders", "show", declined["orderNumber"]).stdout
    held = invoke(demo_shop, "orders", "show", waiting["orderNumber"]).stdout

    assert "  Status          failed\n" in failed
    assert "  Failure         Your card was declined." in failed
    assert "  Paid            -\n" in failed and "  Held until      -\n" in failed
    assert "  Status          pending\n" in held
    assert re.search(r"  Held until      \S+ \S+ UTC \(holding\)\n", held)
    assert "  Stock taken     no\n" in held
    assert "Refund\n" not in held and "Failure" not in held
    assert held.endswith("History (UTC, oldest first)\n  (none)\n")


def test_an_unknown_number_is_an_error(demo_shop: Flask) -> None:
    result = invoke(demo_shop, "orders", "show", "SP-ZZZZZZ")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No order has the number 'SP-ZZZZZZ'." in result.stderr


# --- orders refund -----------------------------------------------------------------------------


def test_a_refund_goes_to_stripe_once_and_the_order_is_refunded_by_its_event(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, no_wait: None
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {SCARCE: 2}, "cart-1")
    number = payment["orderNumber"]

    first = invoke(shop, "orders", "refund", number, "--reason", "changed their mind")
    again = invoke(shop, "orders", "refund", number)

    assert first.exit_code == 0, first.output
    [call] = fake_stripe.refund_requests()
    order = order_of(shop, number)
    assert call.headers["Idempotency-Key"] == f"order-{order.token}-refund"
    assert (order.status, order.refund_cause, order.refund_note) == (
        OrderStatus.REFUNDING,
        "shop",
        "changed their mind",
    )
    assert order.refund_id is not None and order.refund_id.startswith("re_fake")
    amount = f"{payment['amount'] / 100:.2f} USD"
    assert first.stdout.splitlines() == [
        f"Order {number}: refund of {amount} asked for; it is refunding.",
        f"Refund {order.refund_id} sent to the stripe_test gateway.",
        "Waiting for the gateway's charge.refunded event...",
        f"Order {number} is refunding: it becomes refunded when the gateway's charge.refunded "
        "event arrives (through the webhook: the server, or `stripe listen` in development, "
        "must be running).",
    ]
    assert again.exit_code == 0, again.output
    assert f"Refund {order.refund_id} was sent already." in again.stdout
    assert len(fake_stripe.refund_requests()) == 1  # never a second refund

    refunded = refund_event(payment["paymentIntentId"], amount=payment["amount"])
    assert [deliver(shopper, refunded) for _ in range(2)] == ["processed", "duplicate"]

    assert order_of(shop, number).status == OrderStatus.REFUNDED
    assert emails(shop, number) == {"confirmation": 1, "refund": 1}
    assert on_shelf(shop, SCARCE) == 1  # no --restock: the copies stay sold
    after = invoke(shop, "orders", "refund", number)
    assert after.exit_code == 1
    assert f"Order {number} was refunded already ({order.refund_id})." in after.stderr
    assert len(fake_stripe.refund_requests()) == 1


def test_no_wait_does_not_wait_in_stripe_mode(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-1")
    monkeypatch.setattr(orders_cli, "WAIT_SECONDS", 60.0)  # would time the test out

    result = invoke(shop, "orders", "refund", payment["orderNumber"], "--no-wait")

    assert result.exit_code == 0, result.output
    assert "Waiting" not in result.stdout
    assert "becomes refunded when the gateway's charge.refunded event arrives" in result.stdout


def test_a_demo_refund_is_refunded_by_the_demos_event_from_the_worker_with_one_email(
    demo_shop: Flask, tmp_path: Path
) -> None:
    payment = demo_paid(demo_shop.test_client(), {BOOM: 1}, "cart-demo")
    number = payment["orderNumber"]
    # The worker process, as `./start.sh` runs it beside the servers: its threads deliver the
    # demo's charge.refunded while the command waits for it.
    worker = Worker(demo_shop, all_lanes(), poll_seconds=0.05)
    worker.start()
    try:
        result = invoke(demo_shop, "orders", "refund", number)
        again = invoke(demo_shop, "orders", "refund", number)
    finally:
        worker.stop()
        worker.wait()
    run_worker(demo_shop)  # whatever the stopped worker had not come to yet

    assert result.exit_code == 0, result.output
    order = order_of(demo_shop, number)
    assert order.status == OrderStatus.REFUNDED
    sent = f"Refund {order.refund_id} sent to the demo gateway."
    waiting = "Waiting for the gateway's charge.refunded event..."
    refunded = f"Order {number} is refunded; the customer's refund email is queued for the worker."
    # The worker may deliver the event before the command first looks for it.
    assert result.stdout.splitlines()[1:] in ([sent, waiting, refunded], [sent, refunded])
    assert emails(demo_shop, number) == {"confirmation": 1, "refund": 1}
    assert len(list((tmp_path / "mail").glob(f"*refund.{number}.*.eml"))) == 1
    assert history(demo_shop, number).count("charge.refunded") == 1
    assert again.exit_code == 1 and "was refunded already" in again.stderr


def test_a_demo_refund_whose_event_has_not_come_yet_says_so(
    demo_shop: Flask, tmp_path: Path
) -> None:
    payment = demo_paid(demo_shop.test_client(), {BOOM: 1}, "cart-demo")
    number = payment["orderNumber"]

    result = invoke(demo_shop, "orders", "refund", number, "--no-wait")

    assert result.exit_code == 0, result.output
    assert "Waiting" not in result.stdout
    assert result.stdout.splitlines()[-1] == (
        f"Order {number} is refunding: it becomes refunded when the gateway's charge.refunded "
        "event arrives (the worker, `flask --app bookstore worker`, delivers the demo's events: "
        "`./start.sh` runs it)."
    )
    # The event is a job in the database, as durable as the refund: no process must stay up.
    [event_job] = [
        job
        for job in all_jobs(demo_shop)
        if job.kind == DEMO_EVENT_JOB and job.status == QueueStatus.PENDING
    ]
    assert event_job.payload["deliver"]["type"] == "charge.refunded"
    assert order_of(demo_shop, number).status == OrderStatus.REFUNDING

    run_worker(demo_shop)

    assert order_of(demo_shop, number).status == OrderStatus.REFUNDED
    assert emails(demo_shop, number) == {"confirmation": 1, "refund": 1}
    assert len(list((tmp_path / "mail").glob(f"*refund.{number}.*.eml"))) == 1


def test_restock_puts_the_copies_back_on_the_shelf(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, no_wait: None
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {SCARCE: 2}, "cart-1")
    assert on_shelf(shop, SCARCE) == 1

    result = invoke(shop, "orders", "refund", payment["orderNumber"], "--restock")

    assert result.exit_code == 0, result.output
    assert "Its copies are back on the shelf." in result.stdout
    assert on_shelf(shop, SCARCE) == 3
    order = order_of(shop, payment["orderNumber"])
    assert order.stock_taken is False
    assert order.history[-2].kind == "refund_requested"
    assert order.history[-2].detail == "cause=shop; copies back on the shelf"


@pytest.mark.parametrize(
    ("ending", "status", "message"),
    [
        (None, "pending", "has not been paid (pending): there is nothing to refund."),
        (
            "payment_intent.payment_failed",
            "failed",
            "has not been paid (failed): there is nothing to refund.",
        ),
        ("payment_intent.canceled", "canceled", "was canceled: nothing was paid."),
    ],
)
def test_an_order_that_was_not_paid_is_not_refunded(
    shop: Flask,
    shopper: FlaskClient,
    fake_stripe: FakeStripe,
    ending: str | None,
    status: str,
    message: str,
) -> None:
    payment = checkout(shopper, {BOOM: 1}, "cart-1")
    if ending is not None:
        deliver(shopper, stripe_event(shop, fake_stripe, payment, ending))
    before = order_of(shop, payment["orderNumber"])

    result = invoke(shop, "orders", "refund", payment["orderNumber"], "--restock")

    assert result.exit_code == 1
    assert f"Error: Order {payment['orderNumber']} {message}" in result.stderr
    after = order_of(shop, payment["orderNumber"])
    assert (after.status, after.refund_requested_at, after.updated_at) == (
        status,
        None,
        before.updated_at,
    )
    assert len(after.history) == len(before.history)
    assert fake_stripe.refund_requests() == []


def test_an_order_of_another_gateway_is_refused(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-1")
    with shop.app_context():
        order = find_order_by_number(payment["orderNumber"])
        assert order is not None
        order.gateway = "stripe_live"
        db.session.commit()

    result = invoke(shop, "orders", "refund", payment["orderNumber"])

    assert result.exit_code == 1
    assert "paid through the stripe_live gateway, and this command runs stripe_test" in (
        result.stderr
    )
    assert order_of(shop, payment["orderNumber"]).status == OrderStatus.PAID
    assert fake_stripe.refund_requests() == []


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(network_error(requests.exceptions.ConnectionError("reset")), id="unreachable"),
        pytest.param(server_error(500), id="stripe-failed"),
    ],
)
@pytest.mark.parametrize("retry", [["orders", "send-refunds"], ["orders", "refund"]])
def test_a_refund_stripe_did_not_take_stays_due_and_is_sent_later_under_the_same_key(
    shop: Flask,
    shopper: FlaskClient,
    fake_stripe: FakeStripe,
    requests_mock: rm.Mocker,
    no_wait: None,
    fault: Fault,
    retry: list[str],
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-1")
    number = payment["orderNumber"]
    fake_stripe.fail("refund", fault)

    failed = invoke(shop, "orders", "refund", number)

    assert failed.exit_code == 1
    order = order_of(shop, number)
    assert (order.status, order.refund_id, order.refund_error) == (
        OrderStatus.REFUNDING,
        None,
        None,
    )
    assert failed.stdout == f"Order {number}: refund of {payment['amount'] / 100:.2f} USD " + (
        "asked for; it is refunding.\n"
    )
    assert "Error: the gateway could not be reached: " in failed.stderr
    assert (
        "The refund stays due: the worker (`flask --app bookstore worker`) sends it again under "
        "the same idempotency key, so never twice."
    ) in failed.stderr
    assert "!!" not in invoke(shop, "orders").stdout  # a passing failure: nothing to act on

    sent = invoke(shop, *retry, *([number] if retry[1] == "refund" else []))

    assert sent.exit_code == 0, sent.output
    order = order_of(shop, number)
    assert order.refund_id is not None and order.refund_id.startswith("re_fake")
    # Stripe made nothing under the key: the same one again, so one refund whatever happened.
    assert refund_keys(requests_mock) == [f"order-{order.token}-refund"] * 2
    if retry[1] == "send-refunds":
        assert sent.stdout == (
            "1 refund job(s) run: see `orders` for any refused, and `outbox list` for any to "
            "retry.\n"
        )
    else:
        assert sent.stdout.splitlines()[:2] == [
            f"Order {number}: its refund of {payment['amount'] / 100:.2f} USD was asked for at "
            f"{order.refund_requested_at:%Y-%m-%d %H:%M:%S} UTC.",
            f"Refund {order.refund_id} sent to the stripe_test gateway.",
        ]
    run_worker(shop)  # the refund job the command queued finds the refund sent
    assert [job.status for job in jobs_of(shop, number, "refund")] == [QueueStatus.DONE]
    assert invoke(shop, "orders", "send-refunds").stdout == "No refunds due.\n"
    assert len(refund_keys(requests_mock)) == 2


def test_send_refunds_runs_the_due_refund_jobs_and_a_failed_one_stays_due(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, no_wait: None
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-1")
    number = payment["orderNumber"]
    fake_stripe.fail("refund", server_error(500), server_error(503))
    invoke(shop, "orders", "refund", number)  # Stripe's 500: the refund job stays due

    result = invoke(shop, "orders", "send-refunds")  # Stripe's 503 this time
    again = invoke(shop, "orders", "send-refunds")
    listed = invoke(shop, "outbox", "list", "--status", "pending")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 refund job(s) run: ")
    assert again.stdout == "No refunds due.\n"  # due again after its backoff, not at once
    assert order_of(shop, number).refund_id is None
    [job] = jobs_of(shop, number, "refund")
    assert (job.status, job.attempts) == (QueueStatus.PENDING, 1)
    assert job.last_error is not None and "Something went wrong" in job.last_error
    # The owner sees it waiting, with why, in `outbox list`.
    jobs_listed = listed.stdout.split("\nJobs\n", 1)[1].splitlines()
    [row] = [line for line in jobs_listed if line.split()[:1] == [str(job.id)]]
    assert row.split()[1:5] == [number, "refund", "pending", "1"]
    assert row.endswith(job.last_error)


def test_a_refund_stripe_refused_is_shown_to_the_owner_and_retried_under_a_new_key(
    shop: Flask,
    shopper: FlaskClient,
    fake_stripe: FakeStripe,
    requests_mock: rm.Mocker,
    no_wait: None,
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-1")
    number = payment["orderNumber"]
    fake_stripe.fail("refund", BALANCE_INSUFFICIENT)

    refused = invoke(shop, "orders", "refund", number)
    run_worker(shop)  # the refund job finds the refusal: not asked again by itself
    listed = invoke(shop, "orders")
    shown = invoke(shop, "orders", "show", number)

    assert refused.exit_code == 1
    order = order_of(shop, number)
    assert (order.status, order.refund_id, order.refund_attempt) == (
        OrderStatus.REFUNDING,
        None,
        1,
    )
    why = order.refund_error
    assert why is not None and why.startswith("balance_insufficient: Insufficient funds")
    assert f"the gateway did not take the refund of order {number}: {why}" in refused.stderr
    assert "under a new idempotency key" in refused.stderr
    assert listed.stdout.splitlines()[0] == (
        f"!! Order {number} is not refunded: {why}. See `orders show {number}`."
    )
    assert f"  Not refunded    {why}\n" in shown.stdout
    assert f"Try again: flask --app bookstore orders refund {number}" in shown.stdout
    assert len(refund_keys(requests_mock)) == 1

    retried = invoke(shop, "orders", "refund", number)

    assert retried.exit_code == 0, retried.output
    order = order_of(shop, number)
    assert order.refund_id is not None and order.refund_id.startswith("re_fake")
    assert order.refund_error is None
    assert f"It was not refunded ({why}); trying again under order-{order.token}-refund-2." in (
        retried.stdout
    )
    # Stripe answers a key it refused with the same refusal: the retry went under a new one.
    first, second = refund_keys(requests_mock)
    assert first != second
    assert (first, second) == (f"order-{order.token}-refund", f"order-{order.token}-refund-2")
    assert history(shop, number)[-3:] == ["refund_refused", "refund_retried", "refund_sent"]
    run_worker(shop)
    assert len(refund_keys(requests_mock)) == 2
    assert "!!" not in invoke(shop, "orders").stdout

    deliver(shopper, refund_event(payment["paymentIntentId"], amount=payment["amount"]))
    assert order_of(shop, number).status == OrderStatus.REFUNDED
    assert emails(shop, number) == {"confirmation": 1, "refund": 1}


def refund_emails(app: Flask, number: str) -> list[str]:
    """The statuses of the order's refund emails (outbox_messages rows of kind refund)."""
    with app.app_context():
        order_id = order_of(app, number).id
        return list(
            db.session.scalars(
                select(OutboxMessage.status).where(
                    OutboxMessage.order_id == order_id, OutboxMessage.kind == "refund"
                )
            )
        )


def test_returned_another_way_ends_a_refunding_order_refunded_with_one_refund_email(
    shop: Flask,
    shopper: FlaskClient,
    fake_stripe: FakeStripe,
    requests_mock: rm.Mocker,
    tmp_path: Path,
    no_wait: None,
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-1")
    number = payment["orderNumber"]
    fake_stripe.fail("refund", BALANCE_INSUFFICIENT)
    assert invoke(shop, "orders", "refund", number).exit_code == 1  # refused: still owed

    result = invoke(
        shop, "orders", "refund", number, "--returned-another-way", "bank transfer 2026-12-07"
    )
    again = invoke(shop, "orders", "refund", number, "--returned-another-way", "cash")
    run_worker(shop)

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Order {number} is refunded (bank transfer 2026-12-07); the customer's refund email "
        "is queued for the worker.\n"
    )
    order = order_of(shop, number)
    assert (order.status, order.refund_id, order.refund_error) == (
        OrderStatus.REFUNDED,
        None,
        None,
    )
    assert (order.history[-1].kind, order.history[-1].detail) == (
        "refund_returned_another_way",
        "bank transfer 2026-12-07",
    )
    assert again.exit_code == 1
    assert f"Order {number} owes no refund (refunded)" in again.stderr
    assert refund_emails(shop, number) == [OutboxStatus.SENT]
    assert len(list((tmp_path / "mail").glob(f"*refund.{number}.*.eml"))) == 1
    assert len(refund_keys(requests_mock)) == 1  # the worker sent no refund after it
    assert "!!" not in invoke(shop, "orders").stdout
    # A charge.refunded arriving late changes nothing, and sends no second email.
    deliver(shopper, refund_event(payment["paymentIntentId"], amount=payment["amount"]))
    assert order_of(shop, number).status == OrderStatus.REFUNDED
    assert emails(shop, number) == {"confirmation": 1, "refund": 1}


def test_returned_another_way_is_refused_for_an_order_that_owes_no_refund(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-1")
    number = payment["orderNumber"]
    before = order_of(shop, number)

    result = invoke(shop, "orders", "refund", number, "--returned-another-way", "cash")

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Order {number} owes no refund (paid): only a refunding order whose refund the "
        "gateway has not made can be marked returned another way.\n"
    )
    after = order_of(shop, number)
    assert (after.status, after.updated_at) == (OrderStatus.PAID, before.updated_at)
    assert len(after.history) == len(before.history)
    assert emails(shop, number) == {"confirmation": 1}
    assert fake_stripe.refund_requests() == []


def test_a_refund_job_that_dies_of_the_shops_setup_is_listed_dead_and_retried_by_the_owner(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, requests_mock: rm.Mocker
) -> None:
    # A payment for copies that went: refunding, its refund job queued for the worker.
    late, _ = paid_after_the_copies_went(shop, shopper, fake_stripe)
    number = late["orderNumber"]
    fake_stripe.fail("refund", KEY_REFUSED)

    sent = invoke(shop, "orders", "send-refunds")
    dead = invoke(shop, "outbox", "list", "--status", "dead")
    listed = invoke(shop, "orders")

    assert sent.exit_code == 0, sent.output
    [job] = jobs_of(shop, number, "refund")
    assert job.status == QueueStatus.DEAD and job.last_error is not None
    assert "Invalid API Key" in job.last_error and "sk_test_123" not in job.last_error
    assert dead.exit_code == 0, dead.output
    lines = dead.stdout.splitlines()
    assert lines[0] == "Emails: none."
    assert lines[1] == "Jobs"
    [row] = lines[3:]
    assert row.split(maxsplit=5) == [str(job.id), number, "refund", "dead", "1", job.last_error]
    attention = [line for line in listed.stdout.splitlines() if line.startswith("!! ")]
    assert len(attention) == 3
    assert attention[0].startswith("!! The payment provider refused the shop's key: ")
    assert attention[1].startswith(f"!! Order {number} is not refunded: not sent, fix the ")
    assert attention[2].startswith("!! The worker gave up on 1 job(s) and 0 email(s): ")
    assert len(refund_keys(requests_mock)) == 1

    # The owner fixes the key, then makes the job due again; the worker sends the refund.
    retried = invoke(shop, "outbox", "retry", "--job", str(job.id))
    [due] = jobs_of(shop, number, "refund")
    run_worker(shop)

    assert retried.stdout == "0 failed email(s) and 1 dead job(s) due again.\n"
    assert (due.status, due.attempts) == (QueueStatus.PENDING, 0)
    order = order_of(shop, number)
    assert order.refund_id is not None and order.refund_id.startswith("re_fake")
    assert order.refund_error is None
    assert [job.status for job in jobs_of(shop, number, "refund")] == [QueueStatus.DONE]
    # Stripe kept nothing under the key it refused us for: the same key, one refund.
    assert refund_keys(requests_mock) == [f"order-{order.token}-refund"] * 2
    assert "!!" not in invoke(shop, "orders").stdout  # the alert ended with the refund


# --- orders resolve ----------------------------------------------------------------------------


def test_resolve_paid_accepts_a_review_order_and_sends_its_confirmation_once(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, tmp_path: Path
) -> None:
    payment = checkout(shopper, {SCARCE: 2}, "cart-1")
    number = payment["orderNumber"]
    wrong = payment["amount"] + 100
    deliver(shopper, stripe_event(shop, fake_stripe, payment, amount=wrong))
    assert order_of(shop, number).status == OrderStatus.REVIEW
    assert on_shelf(shop, SCARCE) == 1  # its copies were set aside when the money came
    assert emails(shop, number) == {}

    result = invoke(shop, "orders", "resolve", number, "--paid", "--reason", "tip, kept")
    again = invoke(shop, "orders", "resolve", number, "--paid")
    mail = tmp_path / "mail"
    sent_by_the_command = list(mail.glob("*.eml")) if mail.exists() else []
    run_worker(shop)

    assert result.exit_code == 0, result.output
    order = order_of(shop, number)
    assert (order.status, order.stock_taken) == (OrderStatus.PAID, True)
    assert on_shelf(shop, SCARCE) == 1  # not taken twice
    assert emails(shop, number) == {"confirmation": 1}
    assert sent_by_the_command == []  # queued: the worker sends it
    assert len(list(mail.glob(f"*confirmation.{number}.*.eml"))) == 1
    accepted = f"accepted {wrong / 100:.2f} USD for an order of {payment['amount'] / 100:.2f} USD"
    assert (order.history[-1].kind, order.history[-1].detail) == (
        "resolved_paid",
        f"{accepted}; tip, kept",
    )
    assert result.stdout.splitlines() == [
        f"Order {number} is paid ({accepted}); its copies are off the shelf.",
        "Its confirmation email is queued; the worker sends it.",
    ]
    assert again.exit_code == 1
    assert f"Order {number} is paid: only an order under review is resolved." in again.stderr
    assert emails(shop, number) == {"confirmation": 1}


def test_resolve_paid_takes_the_copies_if_the_payment_found_none(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = checkout(shopper, {SCARCE: 2}, "cart-1")
    assert invoke(shop, "stock", "set", SCARCE, "0").exit_code == 0  # counted: none there
    deliver(shopper, stripe_event(shop, fake_stripe, payment, amount=payment["amount"] + 1))
    order = order_of(shop, payment["orderNumber"])
    assert (order.status, order.stock_taken) == (OrderStatus.REVIEW, False)
    assert invoke(shop, "stock", "set", SCARCE, "5").exit_code == 0  # found some

    result = invoke(shop, "orders", "resolve", payment["orderNumber"], "--paid")

    assert result.exit_code == 0, result.output
    order = order_of(shop, payment["orderNumber"])
    assert (order.status, order.stock_taken) == (OrderStatus.PAID, True)
    assert on_shelf(shop, SCARCE) == 3


def test_resolve_paid_is_refused_while_the_copies_are_gone(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = checkout(shopper, {SCARCE: 2}, "cart-1")
    number = payment["orderNumber"]
    assert invoke(shop, "stock", "set", SCARCE, "1").exit_code == 0
    deliver(shopper, stripe_event(shop, fake_stripe, payment, amount=payment["amount"] + 1))
    before = order_of(shop, number)
    assert (before.status, before.stock_taken) == (OrderStatus.REVIEW, False)

    result = invoke(shop, "orders", "resolve", number, "--paid")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Not enough copies: Poor Charlie's Almanack has only 1 left. Order "
        f"{number} stays under review: refund it with `flask --app bookstore orders resolve "
        f"{number} --refund`.\n"
    )
    after = order_of(shop, number)
    assert (after.status, after.stock_taken, after.updated_at) == (
        OrderStatus.REVIEW,
        False,
        before.updated_at,
    )
    assert len(after.history) == len(before.history)
    assert on_shelf(shop, SCARCE) == 1
    assert emails(shop, number) == {}


def test_resolve_refund_refunds_a_review_order_and_puts_its_copies_back(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, no_wait: None
) -> None:
    payment = checkout(shopper, {SCARCE: 2}, "cart-1")
    number = payment["orderNumber"]
    wrong = payment["amount"] - 100
    deliver(shopper, stripe_event(shop, fake_stripe, payment, amount=wrong))
    assert on_shelf(shop, SCARCE) == 1

    result = invoke(shop, "orders", "resolve", number, "--refund", "--reason", "underpaid")

    assert result.exit_code == 0, result.output
    order = order_of(shop, number)
    assert (order.status, order.refund_cause, order.refund_note) == (
        OrderStatus.REFUNDING,
        "shop",
        "underpaid",
    )
    assert result.stdout.splitlines()[:2] == [
        f"Order {number}: refund of {wrong / 100:.2f} USD asked for; it is refunding.",
        "Its copies are back on the shelf.",
    ]
    assert on_shelf(shop, SCARCE) == 3
    [call] = fake_stripe.refund_requests()
    assert call.headers["Idempotency-Key"] == f"order-{order.token}-refund"

    deliver(shopper, refund_event(payment["paymentIntentId"], amount=payment["amount"]))

    assert order_of(shop, number).status == OrderStatus.REFUNDED
    assert emails(shop, number) == {"refund": 1}


def test_resolve_is_only_for_orders_under_review(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-1")
    number = payment["orderNumber"]

    paid = invoke(shop, "orders", "resolve", number, "--paid")
    refund = invoke(shop, "orders", "resolve", number, "--refund")
    neither = invoke(shop, "orders", "resolve", number)
    unknown = invoke(shop, "orders", "resolve", "SP-ZZZZZZ", "--paid")

    assert (paid.exit_code, refund.exit_code) == (1, 1)
    assert f"Order {number} is paid: only an order under review is resolved." in paid.stderr
    assert f"Order {number} is paid, not under review: see `orders refund`." in refund.stderr
    assert neither.exit_code == 2 and "--paid (accept the payment) or --refund" in neither.stderr
    assert unknown.exit_code == 1 and "No order has the number 'SP-ZZZZZZ'." in unknown.stderr
    assert order_of(shop, number).status == OrderStatus.PAID
    assert fake_stripe.refund_requests() == []
    assert emails(shop, number) == {"confirmation": 1}
