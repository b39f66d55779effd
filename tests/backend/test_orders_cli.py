"""`flask --app bookstore orders ...`: the owner lists, shows, refunds and resolves orders.

Orders are made the real way: a checkout through the API, paid by a signed webhook delivery
(Stripe mode, FakeStripe) or with a test card through the demo's API (demo mode, whose
charge.refunded goes out on a scheduler the test holds or runs at once: no sleeps).
Poor Charlie's Almanack starts with 3 copies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from demo_timers import hold_timers
from flask import Flask
from flask.testing import FlaskClient
from stripe_fakes import FakeStripe, server_error
from test_checkout_details import ADDRESS
from test_stock_api import emails as emails_of_order
from test_stock_api import on_shelf
from webhook_events import delivery, intent_event, refund_event

from bookstore import create_app
from bookstore.config import Settings
from bookstore.db import db
from bookstore.orders import cli as orders_cli
from bookstore.orders.models import Order, OrderStatus, find_order_by_number
from bookstore.payments.demo.delivery import SCHEDULER_KEY

SCARCE = "poor-charlies-almanack"  # 3 copies
BOOM = "boom"  # 30.00 USD
EMAIL = "ada@example.com"
PAYS = "4242424242424242"
DECLINED = "4000000000000002"


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


def run_at_once(delay: float, work: Callable[[], None]) -> None:
    """A demo scheduler that runs its work at once, as if the delay had passed."""
    work()


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


def test_a_demo_refund_is_refunded_by_the_demos_event_with_one_email(
    demo_shop: Flask, tmp_path: Path
) -> None:
    demo_shop.extensions[SCHEDULER_KEY] = run_at_once
    payment = demo_paid(demo_shop.test_client(), {BOOM: 1}, "cart-demo")
    number = payment["orderNumber"]

    result = invoke(demo_shop, "orders", "refund", number)
    again = invoke(demo_shop, "orders", "refund", number)

    assert result.exit_code == 0, result.output
    order = order_of(demo_shop, number)
    assert order.status == OrderStatus.REFUNDED
    assert result.stdout.splitlines()[1:] == [
        f"Refund {order.refund_id} sent to the demo gateway.",
        f"Order {number} is refunded; the customer's refund email is queued.",
        f"Emails: 2 sent through the folder {tmp_path / 'mail'} (.eml files; set SMTP_URL to "
        "send them); 0 to retry later, 0 given up.",
    ]
    assert emails(demo_shop, number) == {"confirmation": 1, "refund": 1}
    assert len(list((tmp_path / "mail").glob(f"*refund.{number}.*.eml"))) == 1
    assert history(demo_shop, number).count("charge.refunded") == 1
    assert again.exit_code == 1 and "was refunded already" in again.stderr


def test_a_demo_refund_whose_event_has_not_come_yet_says_so(
    demo_shop: Flask, no_wait: None
) -> None:
    timers = hold_timers(demo_shop)
    payment = demo_paid(demo_shop.test_client(), {BOOM: 1}, "cart-demo")
    number = payment["orderNumber"]

    result = invoke(demo_shop, "orders", "refund", number, "--no-wait")

    assert result.exit_code == 0, result.output
    # The demo sends its event from this process: the command waits for it even so.
    assert "Waiting for the gateway's charge.refunded event..." in result.stdout
    assert result.stdout.splitlines()[-1] == (
        f"Order {number} is refunding: it becomes refunded when the gateway's charge.refunded "
        "event arrives."
    )
    assert len(timers.pending) == 1
    timers.run_all()
    assert order_of(demo_shop, number).status == OrderStatus.REFUNDED
    assert emails(demo_shop, number) == {"confirmation": 1, "refund": 1}


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


@pytest.mark.parametrize("retry", [["orders", "send-refunds"], ["orders", "refund"]])
def test_a_refund_stripe_did_not_take_stays_due_and_is_sent_later_under_the_same_key(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, no_wait: None, retry: list[str]
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-1")
    number = payment["orderNumber"]
    fake_stripe.fail("refund", server_error(500))

    failed = invoke(shop, "orders", "refund", number)

    assert failed.exit_code == 1
    order = order_of(shop, number)
    assert (order.status, order.refund_id) == (OrderStatus.REFUNDING, None)
    assert failed.stdout == f"Order {number}: refund of {payment['amount'] / 100:.2f} USD " + (
        "asked for; it is refunding.\n"
    )
    assert f"the gateway did not take the refund of order {number}" in failed.stderr
    assert "It stays due: `flask --app bookstore orders send-refunds`" in failed.stderr

    sent = invoke(shop, *retry, *([number] if retry[1] == "refund" else []))

    assert sent.exit_code == 0, sent.output
    order = order_of(shop, number)
    assert order.refund_id is not None and order.refund_id.startswith("re_fake")
    calls = fake_stripe.refund_requests()
    assert len(calls) == 2
    assert {call.headers["Idempotency-Key"] for call in calls} == {f"order-{order.token}-refund"}
    if retry[1] == "send-refunds":
        assert sent.stdout.splitlines() == [
            f"{number}  sent: {order.refund_id}",
            "1 refund(s) sent, 0 still due.",
        ]
    else:
        assert sent.stdout.splitlines()[:2] == [
            f"Order {number}: its refund of {payment['amount'] / 100:.2f} USD was asked for at "
            f"{order.refund_requested_at:%Y-%m-%d %H:%M:%S} UTC.",
            f"Refund {order.refund_id} sent to the stripe_test gateway.",
        ]
    assert invoke(shop, "orders", "send-refunds").stdout == "No refunds due.\n"
    assert len(fake_stripe.refund_requests()) == 2


def test_send_refunds_shows_a_failed_attempt_and_keeps_it_due(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, no_wait: None
) -> None:
    payment = paid_order(shop, shopper, fake_stripe, {BOOM: 1}, "cart-1")
    fake_stripe.fail("refund", server_error(500), server_error(503))
    invoke(shop, "orders", "refund", payment["orderNumber"])

    result = invoke(shop, "orders", "send-refunds")

    assert result.exit_code == 0, result.output
    first, summary = result.stdout.splitlines()
    assert first.startswith(f"{payment['orderNumber']}  not sent, still due: ")
    assert summary == "0 refund(s) sent, 1 still due."
    assert order_of(shop, payment["orderNumber"]).refund_id is None


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

    assert result.exit_code == 0, result.output
    order = order_of(shop, number)
    assert (order.status, order.stock_taken) == (OrderStatus.PAID, True)
    assert on_shelf(shop, SCARCE) == 1  # not taken twice
    assert emails(shop, number) == {"confirmation": 1}
    assert len(list((tmp_path / "mail").glob(f"*confirmation.{number}.*.eml"))) == 1
    accepted = f"accepted {wrong / 100:.2f} USD for an order of {payment['amount'] / 100:.2f} USD"
    assert (order.history[-1].kind, order.history[-1].detail) == (
        "resolved_paid",
        f"{accepted}; tip, kept",
    )
    assert result.stdout.splitlines()[:2] == [
        f"Order {number} is paid ({accepted}); its copies are off the shelf.",
        "Its confirmation email is queued.",
    ]
    assert result.stdout.splitlines()[2].startswith("Emails: 1 sent through the folder")
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
