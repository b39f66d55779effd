"""Full refunds in demo mode: the demo gateway keeps Stripe's rules and sends its charge.refunded.

A refund's event is a later step: a job for the worker, delivered after the refunding call has
returned, as Stripe's webhook arrives. Most tests hold the demo's scheduler instead and run its
steps by hand (no sleeps, no worker); one lets the event be the job it is in production.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from checkout_requests import pay_body
from database_setup import server_url
from demo_timers import Timers, hold_timers
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bookstore.db import db
from bookstore.jobs.claims import QueueStatus
from bookstore.jobs.models import Job
from bookstore.jobs.queue import run_due
from bookstore.notifications.outbox import OutboxMessage
from bookstore.orders.fulfilment import ProcessedEvent
from bookstore.orders.models import Order
from bookstore.payments import current_gateway
from bookstore.payments.demo.cards import Card
from bookstore.payments.demo.delivery import DEMO_EVENT_JOB, DEMO_EVENT_KIND
from bookstore.payments.demo.gateway import DemoGateway
from bookstore.payments.demo.models import DemoRefund
from bookstore.payments.gateway import (
    AlreadyRefunded,
    NotRefundable,
    PaymentError,
    PaymentEvent,
    PaymentIntent,
    Refund,
)
from bookstore.web.errors import domain_status

PAYS = "4242424242424242"
DECLINED = "4000000000000002"
NEEDS_AUTHENTICATION = "4000002500003155"
TOKEN = "tok_order_seven"
KEY = f"order-{TOKEN}-refund"


@pytest.fixture
def timers(app: Flask) -> Timers:
    """The app's demo scheduler, replaced by one the test runs by hand."""
    return hold_timers(app)


@pytest.fixture
def gateway(app: Flask, timers: Timers) -> Iterator[DemoGateway]:
    """The app's demo gateway, inside an app context."""
    with app.app_context():
        found = current_gateway()
        assert isinstance(found, DemoGateway)
        yield found


def card(number: str = PAYS) -> Card:
    return Card(number=number, exp_month=12, exp_year=date.today().year + 3, cvc="123")


def paid_intent(gateway: DemoGateway, token: str = TOKEN, amount: int = 6000) -> PaymentIntent:
    """A demo PaymentIntent for the order with this token, paid with 4242."""
    intent = gateway.create_payment_intent(
        amount=amount, currency="usd", order_token=token, idempotency_key=f"order-{token}-create"
    )
    gateway.confirm(intent.id, intent.client_secret, card(PAYS))
    return intent


def refund(
    gateway: DemoGateway,
    intent_id: str,
    *,
    token: str = TOKEN,
    key: str = KEY,
    requested_by_customer: bool = False,
) -> Refund:
    """Refund as the shop does, with the order's refund key by default."""
    return gateway.refund_payment_intent(
        intent_id,
        order_token=token,
        idempotency_key=key,
        requested_by_customer=requested_by_customer,
    )


def stored_refunds() -> list[dict[str, Any]]:
    """The demo's refunds as committed, read on a connection of its own (not db.session's)."""
    table = DemoRefund.__table__
    with db.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(table))]


def processed_event_types(app: Flask) -> list[str]:
    """The types of the webhook events the shop applied so far."""
    with app.app_context():
        types = list(db.session.scalars(select(ProcessedEvent.type)))
        db.session.remove()
    return types


# --- Stripe's rules ----------------------------------------------------------------------------


def test_a_succeeded_payment_intent_is_refunded_in_full(
    gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway, amount=4200)

    made = refund(gateway, intent.id)

    assert re.fullmatch(r"re_demo_[0-9a-f]{24}", made.id)
    assert made == Refund(
        id=made.id, payment_intent_id=intent.id, amount=4200, currency="usd", status="succeeded"
    )
    (stored,) = stored_refunds()
    assert (stored["id"], stored["payment_intent_id"], stored["amount"]) == (
        made.id,
        intent.id,
        4200,
    )
    assert stored["idempotency_key"] == KEY
    assert re.fullmatch(r"[0-9a-f]{64}", stored["request_fingerprint"])
    # On Stripe the PaymentIntent stays succeeded; its charge is what is refunded.
    assert gateway.retrieve_payment_intent(intent.id).status == "succeeded"
    # Its event is a later step, Stripe's charge.refunded, due at once: none was applied inside
    # the call.
    assert [(delay, step["deliver"]["type"]) for delay, step in timers.pending] == [
        (0.0, "charge.refunded")
    ]


@pytest.mark.parametrize(
    "number",
    [
        pytest.param(None, id="never-confirmed"),
        pytest.param(DECLINED, id="declined"),
        pytest.param(NEEDS_AUTHENTICATION, id="waiting-for-3d-secure"),
    ],
)
def test_a_payment_intent_not_paid_is_not_refundable(
    gateway: DemoGateway, timers: Timers, number: str | None
) -> None:
    intent = gateway.create_payment_intent(
        amount=6000, currency="usd", order_token=TOKEN, idempotency_key=f"order-{TOKEN}-create"
    )
    if number is not None:
        gateway.confirm(intent.id, intent.client_secret, card(number))

    with pytest.raises(NotRefundable) as caught:
        refund(gateway, intent.id)

    assert isinstance(caught.value, PaymentError)
    assert caught.value.code == "payment_not_refundable"
    assert stored_refunds() == []
    assert timers.pending == []


def test_a_payment_intent_the_demo_never_made_is_a_provider_error(
    gateway: DemoGateway, timers: Timers
) -> None:
    with pytest.raises(PaymentError) as caught:
        refund(gateway, "pi_demo_nope")

    assert (type(caught.value), caught.value.code) == (PaymentError, "payment_provider_error")
    assert domain_status(caught.value) == 502
    assert stored_refunds() == []


def test_the_same_key_replays_the_first_refund_and_sends_one_event(
    gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway)

    first = refund(gateway, intent.id)
    again = refund(gateway, intent.id)
    events = len(timers.pending)
    timers.run_all()
    after_the_event = refund(gateway, intent.id)

    assert again == first
    assert after_the_event == first
    assert len(stored_refunds()) == 1
    assert events == 1
    assert timers.pending == []


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"intent": "other"}, id="another-payment-intent"),
        pytest.param({"token": "tok_another_order"}, id="another-order-token"),
        pytest.param({"requested_by_customer": True}, id="another-reason"),
    ],
)
def test_the_same_key_with_other_parameters_is_refused_like_stripes_400(
    gateway: DemoGateway, timers: Timers, change: dict[str, Any]
) -> None:
    intent = paid_intent(gateway)
    other = paid_intent(gateway, token="tok_order_eight")
    first = refund(gateway, intent.id)
    timers.pending.clear()

    with pytest.raises(PaymentError) as caught:
        refund(
            gateway,
            other.id if change.get("intent") else intent.id,
            token=change.get("token", TOKEN),
            requested_by_customer=change.get("requested_by_customer", False),
        )

    # The demo's idempotency mismatch: a bug on our side, not "already refunded".
    assert (type(caught.value), caught.value.code) == (PaymentError, "payment_provider_error")
    assert domain_status(caught.value) == 502
    assert [row["id"] for row in stored_refunds()] == [first.id]
    assert timers.pending == []


def test_a_new_key_after_a_full_refund_is_already_refunded(
    gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway)
    refund(gateway, intent.id)
    timers.pending.clear()

    with pytest.raises(AlreadyRefunded) as caught:
        refund(gateway, intent.id, key="refunded-by-another-key")

    assert isinstance(caught.value, PaymentError)
    assert caught.value.code == "charge_already_refunded"
    assert len(stored_refunds()) == 1
    assert timers.pending == []


def test_a_refund_the_customer_asked_for_is_made_the_same_way(
    gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway)

    made = refund(gateway, intent.id, requested_by_customer=True)
    again = refund(gateway, intent.id, requested_by_customer=True)

    assert again == made
    assert made.amount == 6000


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


def test_simultaneous_refunds_with_other_keys_refund_once(
    app: Flask, gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway)

    results = run_in_threads(app, 6, lambda n: refund(gateway, intent.id, key=f"key-{n}"))

    made = [r for r in results if isinstance(r, Refund)]
    refused = [r for r in results if isinstance(r, AlreadyRefunded)]
    assert (len(made), len(refused)) == (1, 5), results
    assert len(stored_refunds()) == 1
    assert len(timers.pending) == 1


def test_simultaneous_refunds_with_one_key_all_get_the_one_refund(
    app: Flask, gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway)

    results = run_in_threads(app, 6, lambda n: refund(gateway, intent.id))

    assert all(isinstance(r, Refund) for r in results), results
    assert len({r.id for r in results if isinstance(r, Refund)}) == 1
    assert len(stored_refunds()) == 1
    assert len(timers.pending) == 1


# --- owning no transaction of the caller ------------------------------------------------------


# A caller holding a flushed write: only on a database server, since SQLite has one writer and
# the refund (on its own connection) would wait for the caller, as the docstring of
# DemoGateway says callers must not do. The SQLite run checks the pending case alone.
CALLER_STATES = [pytest.param(False, id="pending")] + (
    [pytest.param(True, id="flushed")] if server_url() is not None else []
)


@pytest.mark.parametrize("flushed", CALLER_STATES)
def test_a_refund_neither_commits_nor_rolls_back_the_callers_work(
    gateway: DemoGateway, timers: Timers, flushed: bool
) -> None:
    intent = paid_intent(gateway)
    db.session.scalar(select(func.count()).select_from(Order))  # the caller's transaction
    callers_transaction = db.session().get_transaction()
    callers_order = Order(currency="usd", amount=100, cart_id="the-callers-own-cart")
    db.session.add(callers_order)
    if flushed:
        db.session.flush()

    made = refund(gateway, intent.id)

    assert db.session().get_transaction() is callers_transaction
    assert callers_transaction is not None and callers_transaction.is_active
    assert (callers_order in db.session.new) is not flushed
    db.session.rollback()
    assert (
        db.session.scalar(select(func.count()).where(Order.cart_id == "the-callers-own-cart")) == 0
    )
    assert [row["id"] for row in stored_refunds()] == [made.id]  # the refund outlives it


# --- the charge.refunded event ---------------------------------------------------------------


def test_the_refund_event_is_stripes_charge_refunded_for_the_whole_charge(
    gateway: DemoGateway, timers: Timers
) -> None:
    intent = paid_intent(gateway, amount=4200)
    made = refund(gateway, intent.id)

    payload, header = gateway.sign(gateway.refund_event(made))

    event = json.loads(payload)
    assert (event["object"], event["type"]) == ("event", "charge.refunded")
    assert event["id"].startswith("evt_demo_")
    charge = event["data"]["object"]
    assert {
        key: charge[key]
        for key in (
            "object",
            "payment_intent",
            "amount",
            "amount_refunded",
            "refunded",
            "currency",
            "metadata",
        )
    } == {
        "object": "charge",
        "payment_intent": intent.id,
        "amount": 4200,
        "amount_refunded": 4200,
        "refunded": True,
        "currency": "usd",
        "metadata": {"order_token": TOKEN},
    }
    assert gateway.parse_event(payload, header) == PaymentEvent(
        id=event["id"],
        type="charge.refunded",
        action="refunded",
        payment_intent_id=intent.id,
        order_token=TOKEN,
        amount=4200,
        currency="usd",
        fully_refunded=True,
    )


def paid_order(client: FlaskClient) -> dict[str, Any]:
    """A demo checkout paid with 4242 in the browser (its events applied during the request)."""
    response = client.post("/create-payment-intent", json=pay_body({"boom": 2}))
    payment: dict[str, Any] = response.get_json()
    paid = client.post(
        f"/demo/payment_intents/{payment['paymentIntentId']}/confirm",
        json={
            "client_secret": payment["clientSecret"],
            "card": {
                "number": PAYS,
                "exp_month": 12,
                "exp_year": date.today().year + 3,
                "cvc": "123",
            },
        },
    )
    assert paid.get_json()["status"] == "succeeded"
    return payment


def test_a_paid_order_becomes_refunded_when_the_event_arrives(
    app: Flask, client: FlaskClient, timers: Timers
) -> None:
    payment = paid_order(client)
    with app.app_context():
        order = db.session.scalars(
            select(Order).where(Order.payment_intent_id == payment["paymentIntentId"])
        ).one()
        assert order.status == "paid"
        token = order.token
        gateway = current_gateway()
        made = gateway.refund_payment_intent(
            payment["paymentIntentId"], order_token=token, idempotency_key=f"order-{token}-refund"
        )
        # Not inside the call: the shop hears of the refund only from its webhook.
        db.session.refresh(order)
        assert order.status == "paid"
        db.session.remove()
    assert made.amount == payment["amount"]

    timers.run_all()

    with app.app_context():
        refunded = db.session.get(Order, order.id)
        assert refunded is not None
        assert refunded.status == "refunded"
        # The shop retrying with its key gets the same refund, and no second event.
        again = current_gateway().refund_payment_intent(
            payment["paymentIntentId"], order_token=token, idempotency_key=f"order-{token}-refund"
        )
        db.session.remove()
    assert again == made
    assert timers.pending == []
    assert processed_event_types(app).count("charge.refunded") == 1


def demo_event_jobs(app: Flask) -> list[str]:
    """The statuses of the demo's event jobs, oldest first."""
    with app.app_context():
        statuses = list(
            db.session.scalars(
                select(Job.status).where(Job.kind == DEMO_EVENT_JOB).order_by(Job.id)
            )
        )
        db.session.remove()
    return statuses


def test_the_refund_event_is_a_job_in_the_database_that_the_worker_delivers_once(
    app: Flask, client: FlaskClient
) -> None:
    # The app's own scheduler: each later step is a demo event job, written when the refund
    # is made, so a restart loses none.
    payment = paid_order(client)
    with app.app_context():
        order = db.session.scalars(
            select(Order).where(Order.payment_intent_id == payment["paymentIntentId"])
        ).one()
        order_id, token = order.id, order.token
        db.session.remove()
        current_gateway().refund_payment_intent(
            payment["paymentIntentId"], order_token=token, idempotency_key=f"order-{token}-refund"
        )
        db.session.remove()

    queued = demo_event_jobs(app)
    with app.app_context():
        pending = db.session.get(Order, order_id)
        assert pending is not None and pending.status == "paid"  # nothing applied yet
        db.session.remove()
        delivered = run_due([DEMO_EVENT_KIND])  # the worker's lane of demo events
        again = run_due([DEMO_EVENT_KIND])
        refunded = db.session.get(Order, order_id)
        assert refunded is not None
        status = refunded.status
        emails = list(
            db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.order_id == order_id))
        )
        db.session.remove()

    assert queued == [QueueStatus.PENDING]
    assert (delivered, status) == (1, "refunded")
    assert demo_event_jobs(app) == [QueueStatus.DONE]
    assert again == 0  # nothing left: the event is not delivered twice
    assert sorted(emails) == ["confirmation", "refund"]  # one refund email, for the worker
    assert processed_event_types(app).count("charge.refunded") == 1


def test_a_gateway_without_a_listener_refunds_and_sends_nothing(app: Flask, timers: Timers) -> None:
    with app.app_context():
        gateway = DemoGateway()
        intent = paid_intent(gateway)

        made = refund(gateway, intent.id)

    assert made.status == "succeeded"
    assert timers.pending == []


def test_a_listener_that_fails_does_not_undo_the_refund(
    gateway: DemoGateway, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(made: Refund) -> None:
        raise RuntimeError("the timer is gone")

    gateway.after_refund = broken
    intent = paid_intent(gateway)

    made = refund(gateway, intent.id)

    assert [row["id"] for row in stored_refunds()] == [made.id]
    failures = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert [record.getMessage() for record in failures] == [
        f"Demo refund {made.id}: its charge.refunded event was not sent"
    ]
