"""A payment's copies: its hold is judged at the time the shelf is locked, not before.

Fulfilment waits for the books' rows (another transaction may hold them). A hold that lapses
during that wait is lapsed: the copies may be another shopper's by then, held validly, and the
late payer is refunded instead of taking them. Poor Charlie's Almanack starts with 3 copies.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import pytest
from checkout_requests import new_cart_id, pay_body
from flask import Flask
from flask.testing import FlaskClient
from stripe_fakes import FakeStripe
from webhook_events import intent_event, post_event

from bookstore.catalogue.books import Book
from bookstore.catalogue.stock import Shelf, held_copies
from bookstore.db import db
from bookstore.orders import holds
from bookstore.orders.models import Order, OrderStatus, find_order_by_number

SCARCE = "poor-charlies-almanack"  # 3 copies
HOLD = timedelta(minutes=15)  # STOCK_HOLD_MINUTES' default


class Clock:
    """The shop's time (every utcnow()), moved only by the test."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Make bookstore.db.utcnow, which every part of the shop reads the time from, read it."""
    clock = Clock()

    class ShopDatetime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Any:
            assert tz is UTC  # utcnow's only call
            return clock.now

    monkeypatch.setattr("bookstore.db.datetime", ShopDatetime)
    return clock


def started(client: FlaskClient, cart: dict[str, int]) -> dict[str, Any]:
    """Pay (no confirmation): an order holding its copies; the JSON."""
    response = client.post("/create-payment-intent", json=pay_body(cart, new_cart_id()))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def order_of(app: Flask, number: str) -> Order:
    """The order as stored now, detached."""
    with app.app_context():
        order = find_order_by_number(number)
        assert order is not None
        db.session.expunge(order)
        return order


def lock_awaited_until(monkeypatch: pytest.MonkeyPatch, clock: Clock, then: datetime) -> None:
    """Make getting the shelf lock take until `then`, as if another transaction held it."""
    lock_shelf = holds.lock_shelf

    def awaited(book_ids: Collection[str]) -> dict[str, Shelf]:
        clock.now = then
        return lock_shelf(book_ids)

    monkeypatch.setattr("bookstore.orders.holds.lock_shelf", awaited)


def deliver(
    app: Flask, client: FlaskClient, fake: FakeStripe, payment: dict[str, Any], status: str
) -> None:
    """The PaymentIntent moves to `status` at FakeStripe; its event is delivered."""
    fake.set_status(payment["paymentIntentId"], status)
    post_event(
        client,
        intent_event(
            f"payment_intent.{status}",
            payment["paymentIntentId"],
            amount=payment["amount"],
            order_token=order_of(app, payment["orderNumber"]).token,
        ),
    )


def test_a_hold_that_lapses_while_the_shelf_lock_is_awaited_is_lapsed(
    stripe_app: Flask,
    stripe_client: FlaskClient,
    fake_stripe: FakeStripe,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start = clock.now
    first = started(stripe_client, {SCARCE: 3})  # held until start + HOLD
    # Its hold lapses; another shopper then holds the same 3 copies, validly.
    clock.now = start + HOLD + timedelta(minutes=1)
    second = started(stripe_client, {SCARCE: 3})
    # The first shopper's payment arrived a minute before that hold lapsed, and waits for the
    # shelf lock while the second Pay commits (run first here: SQLite has one writer).
    clock.now = start + HOLD - timedelta(minutes=1)
    lock_awaited_until(monkeypatch, clock, start + HOLD + timedelta(minutes=2))

    deliver(stripe_app, stripe_client, fake_stripe, first, "succeeded")

    late = order_of(stripe_app, first["orderNumber"])
    assert (late.status, late.refund_cause, late.stock_taken) == (
        OrderStatus.REFUNDING,
        "sold_out",
        False,
    )
    with stripe_app.app_context():
        book = db.session.get(Book, SCARCE)
        assert book is not None and book.stock == 3  # nothing taken
        # The second shopper's hold stands: their payment gets the copies.
        assert held_copies([SCARCE], clock.now) == {SCARCE: 3}
    assert order_of(stripe_app, second["orderNumber"]).held_until is not None


def test_a_debit_whose_hold_lapses_while_the_shelf_lock_is_awaited_does_not_renew_it(
    stripe_app: Flask,
    stripe_client: FlaskClient,
    fake_stripe: FakeStripe,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start = clock.now
    first = started(stripe_client, {SCARCE: 3})
    clock.now = start + HOLD + timedelta(minutes=1)
    started(stripe_client, {SCARCE: 3})  # the first hold lapsed: these copies are theirs now
    # The first shopper's debit is `processing` a minute before their hold lapsed; the event
    # waits for the shelf lock while the second Pay commits.
    clock.now = start + HOLD - timedelta(minutes=1)
    lock_awaited_until(monkeypatch, clock, start + HOLD + timedelta(minutes=2))

    deliver(stripe_app, stripe_client, fake_stripe, first, "processing")

    debit = order_of(stripe_app, first["orderNumber"])
    assert debit.status == OrderStatus.PROCESSING
    # Its lapsed hold is not carried over for 30 days: the copies are held once, not twice.
    assert debit.held_until is not None and debit.held_until < clock.now
    with stripe_app.app_context():
        assert held_copies([SCARCE], clock.now) == {SCARCE: 3}
