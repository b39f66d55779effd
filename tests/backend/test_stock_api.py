"""Stock: Pay holds copies, payments take them, and nothing is ever sold twice.

Stripe mode, with FakeStripe keeping Stripe's rules and payments arriving as signed webhook
deliveries. The catalogue is read with no cache, so what it shows is what the database holds.
Poor Charlie's Almanack starts with 3 copies and The Big Score with none.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from checkout_requests import pay_body
from flask import Flask
from flask.testing import FlaskClient
from run_summary import add_summary_line
from sqlalchemy import func, select, update
from stripe_fakes import FakeStripe, server_error
from webhook_events import intent_event, post_event, refund_event

from bookstore import create_app
from bookstore.catalogue.books import Book
from bookstore.catalogue.stock import StockHold, held_copies
from bookstore.config import Settings
from bookstore.db import db, utcnow
from bookstore.jobs.claims import QueueStatus
from bookstore.jobs.models import Job
from bookstore.jobs.queue import run_due
from bookstore.notifications.outbox import OutboxMessage, send_outbox
from bookstore.orders.holds import PROCESSING_HOLD
from bookstore.orders.models import Order, OrderStatus, find_order_by_number
from bookstore.orders.refunds import REFUND_KIND, request_refund, retry_refund

SCARCE = "poor-charlies-almanack"  # 3 copies
SOLD_OUT = "the-big-score"  # none
PLENTY = "boom"


@pytest.fixture
def shop(stripe_settings: Settings, fake_stripe: FakeStripe, tmp_path: Path) -> Iterator[Flask]:
    """Stripe mode; the catalogue read afresh on every request; emails as .eml files."""
    settings = stripe_settings.replace(catalogue_cache_seconds=0, mail_dir=tmp_path / "mail")
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app


@pytest.fixture
def shopper(shop: Flask) -> FlaskClient:
    """A browser."""
    return shop.test_client()


def checkout(client: FlaskClient, cart: dict[str, int], cart_id: str | None = None) -> Any:
    """Pay for the cart (POST /create-payment-intent, complete details); the response."""
    # Cart ids are 16 to 64 characters.
    body = pay_body(cart, None if cart_id is None else f"{cart_id:0>16}")
    return client.post("/create-payment-intent", json=body)


def started(client: FlaskClient, cart: dict[str, int], cart_id: str | None = None) -> Any:
    """A checkout that must succeed; its JSON."""
    response = checkout(client, cart, cart_id)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def available(client: FlaskClient, book_id: str) -> int:
    """What the shop shows as available for the book."""
    count: int = client.get(f"/api/books/{book_id}").get_json()["available"]
    return count


def on_shelf(app: Flask, book_id: str) -> int:
    """The book's stock in the database."""
    with app.app_context():
        book = db.session.get(Book, book_id)
        assert book is not None
        return book.stock


def order_of(app: Flask, payment: Any) -> Order:
    """The order behind a checkout's answer, detached."""
    with app.app_context():
        order = find_order_by_number(payment["orderNumber"])
        assert order is not None
        _ = order.lines, order.history
        db.session.expunge(order)
        return order


def intent_event_for(
    app: Flask, fake_stripe: FakeStripe, payment: Any, event_type: str
) -> dict[str, Any]:
    """An event about the checkout's PaymentIntent, its state set at FakeStripe too."""
    status = {
        "payment_intent.succeeded": "succeeded",
        "payment_intent.processing": "processing",
        "payment_intent.canceled": "canceled",
        "payment_intent.payment_failed": "requires_payment_method",
    }[event_type]
    fake_stripe.set_status(payment["paymentIntentId"], status)
    return intent_event(
        event_type,
        payment["paymentIntentId"],
        amount=payment["amount"],
        order_token=order_of(app, payment).token,
    )


def expire_hold(app: Flask, payment: Any) -> None:
    """Move the order's hold into the past, as if STOCK_HOLD_MINUTES went by."""
    with app.app_context():
        order = find_order_by_number(payment["orderNumber"])
        assert order is not None and order.held_until is not None
        past = utcnow() - timedelta(seconds=1)
        order.held_until = past
        db.session.execute(
            update(StockHold).where(StockHold.order_id == order.id).values(held_until=past)
        )
        db.session.commit()


def test_a_checkout_holds_its_copies_and_the_payment_takes_them_off_the_shelf(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    assert available(shopper, SCARCE) == 3

    payment = started(shopper, {SCARCE: 2})

    assert available(shopper, SCARCE) == 1
    assert on_shelf(shop, SCARCE) == 3  # held, not taken
    post_event(shopper, intent_event_for(shop, fake_stripe, payment, "payment_intent.succeeded"))
    order = order_of(shop, payment)
    assert (order.status, order.stock_taken, order.held_until) == (OrderStatus.PAID, True, None)
    assert on_shelf(shop, SCARCE) == 1
    assert available(shopper, SCARCE) == 1


def test_a_replayed_payment_takes_its_copies_once(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = started(shopper, {SCARCE: 2})
    paid = intent_event_for(shop, fake_stripe, payment, "payment_intent.succeeded")

    results = [post_event(shopper, paid) for _ in range(5)]

    assert results == ["processed"] + ["duplicate"] * 4
    assert on_shelf(shop, SCARCE) == 1


def test_more_than_is_left_is_a_409_naming_each_title_and_nothing_is_made(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    response = checkout(shopper, {SCARCE: 4, SOLD_OUT: 1, PLENTY: 1})

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["message"] == (
        "Not enough copies: Poor Charlie's Almanack has only 3 left; The Big Score is sold out."
    )
    assert sorted(error["details"]["items"], key=lambda item: item["id"]) == [
        {"id": SCARCE, "title": "Poor Charlie's Almanack", "requested": 4, "available": 3},
        {"id": SOLD_OUT, "title": "The Big Score", "requested": 1, "available": 0},
    ]
    with shop.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert fake_stripe.requests() == []  # refused before Stripe heard of it


def test_the_last_copies_held_by_one_cart_are_refused_to_the_next(
    shop: Flask, shopper: FlaskClient
) -> None:
    started(shopper, {SCARCE: 3}, "cart-first")

    response = checkout(shopper, {SCARCE: 1}, "cart-second")

    assert response.status_code == 409
    assert response.get_json()["error"]["details"]["items"][0]["available"] == 0
    assert available(shopper, SCARCE) == 0


def test_a_returning_cart_keeps_what_it_holds_and_may_change_it(
    shop: Flask, shopper: FlaskClient
) -> None:
    first = started(shopper, {SCARCE: 3}, "cart-1")

    again = started(shopper, {SCARCE: 3}, "cart-1")
    fewer = started(shopper, {SCARCE: 1}, "cart-1")

    assert again["orderNumber"] == fewer["orderNumber"] == first["orderNumber"]
    assert available(shopper, SCARCE) == 2  # the change gave two copies back
    assert checkout(shopper, {SCARCE: 2}, "cart-2").status_code == 200
    assert checkout(shopper, {SCARCE: 2}, "cart-1").status_code == 409  # only its 1 is left


def test_a_hold_lasts_stock_hold_minutes_then_its_copies_are_free_again(
    shop: Flask, shopper: FlaskClient
) -> None:
    before = utcnow()
    payment = started(shopper, {SCARCE: 3}, "cart-1")
    order = order_of(shop, payment)
    assert order.held_until is not None
    assert timedelta(minutes=14, seconds=59) < order.held_until - before < timedelta(minutes=16)

    expire_hold(shop, payment)

    assert available(shopper, SCARCE) == 3
    assert checkout(shopper, {SCARCE: 3}, "cart-2").status_code == 200
    # The first shopper, back after the hold expired, hears the copies went.
    assert checkout(shopper, {SCARCE: 3}, "cart-1").status_code == 409


@pytest.mark.parametrize("ending", ["payment_intent.payment_failed", "payment_intent.canceled"])
def test_a_failed_or_canceled_payment_gives_its_copies_back(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, ending: str
) -> None:
    payment = started(shopper, {SCARCE: 3}, "cart-1")

    post_event(shopper, intent_event_for(shop, fake_stripe, payment, ending))

    assert available(shopper, SCARCE) == 3
    assert order_of(shop, payment).held_until is None


def test_trying_again_after_a_decline_holds_the_copies_anew(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = started(shopper, {SCARCE: 3}, "cart-1")
    post_event(
        shopper,
        intent_event_for(shop, fake_stripe, payment, "payment_intent.payment_failed"),
    )

    again = started(shopper, {SCARCE: 3}, "cart-1")  # Pay again, with another card

    assert again["paymentIntentId"] == payment["paymentIntentId"]
    assert available(shopper, SCARCE) == 0
    assert checkout(shopper, {SCARCE: 1}, "cart-2").status_code == 409


def test_a_processing_payment_keeps_its_hold_past_its_deadline(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = started(shopper, {SCARCE: 3}, "cart-1")
    post_event(shopper, intent_event_for(shop, fake_stripe, payment, "payment_intent.processing"))

    # A bank debit takes days: the hold outlives STOCK_HOLD_MINUTES, until the outcome.
    held_until = order_of(shop, payment).held_until
    assert held_until is not None and held_until - utcnow() > PROCESSING_HOLD - timedelta(hours=1)
    with shop.app_context():
        assert held_copies([SCARCE], utcnow() + timedelta(days=14)) == {SCARCE: 3}
    assert checkout(shopper, {SCARCE: 1}, "cart-2").status_code == 409
    paying_again = checkout(shopper, {SCARCE: 3}, "cart-1")  # its debit is not decided yet
    assert paying_again.get_json()["error"]["code"] == "payment_in_progress"
    assert order_of(shop, payment).held_until == held_until
    post_event(shopper, intent_event_for(shop, fake_stripe, payment, "payment_intent.succeeded"))
    assert order_of(shop, payment).status == OrderStatus.PAID
    assert on_shelf(shop, SCARCE) == 0


def test_a_processing_payment_whose_copies_went_is_not_given_them(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    late = started(shopper, {SCARCE: 3}, "cart-1")
    expire_hold(shop, late)
    started(shopper, {SCARCE: 3}, "cart-2")

    post_event(shopper, intent_event_for(shop, fake_stripe, late, "payment_intent.processing"))

    held_until = order_of(shop, late).held_until
    assert held_until is None or held_until <= utcnow()  # nothing held for it
    with shop.app_context():
        assert held_copies([SCARCE], utcnow()) == {SCARCE: 3}  # the second cart's, no more


def test_paid_after_the_hold_expired_is_paid_if_the_copies_are_still_there(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    payment = started(shopper, {SCARCE: 2}, "cart-1")
    expire_hold(shop, payment)

    post_event(shopper, intent_event_for(shop, fake_stripe, payment, "payment_intent.succeeded"))

    assert order_of(shop, payment).status == OrderStatus.PAID
    assert on_shelf(shop, SCARCE) == 1


def refund_calls_to(fake_stripe: FakeStripe) -> list[Any]:
    """The POST /v1/refunds requests FakeStripe received."""
    return [r for r in fake_stripe.requests("POST") if r.url.endswith("/v1/refunds")]


def refund_jobs(shop: Flask, order: Order) -> list[tuple[str, int, str | None]]:
    """The order's refund jobs, oldest first: status, attempts, last error."""
    with shop.app_context():
        rows = db.session.execute(
            select(Job.status, Job.attempts, Job.last_error)
            .where(Job.order_id == order.id, Job.kind == REFUND_KIND.name)
            .order_by(Job.id)
        )
        return [(row.status, row.attempts, row.last_error) for row in rows]


def run_refund_jobs(shop: Flask, *, hours_later: float = 0) -> int:
    """Run the refund jobs due (as the worker's refund lane does), as if `hours_later` hours
    had passed; how many ran."""
    with shop.app_context():
        return run_due([REFUND_KIND], now=lambda: utcnow() + timedelta(hours=hours_later))


def emails(shop: Flask, order: Order) -> dict[str, int]:
    """How many emails of each kind the order has in the outbox."""
    with shop.app_context():
        rows = db.session.execute(
            select(OutboxMessage.kind, func.count())
            .where(OutboxMessage.order_id == order.id)
            .group_by(OutboxMessage.kind)
        )
        return {kind: count for kind, count in rows}


def test_paid_after_expiry_when_the_copies_went_is_refunded_in_full_with_one_email(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, tmp_path: Path
) -> None:
    # Ada holds the last 3 copies, then goes away long enough for the hold to expire.
    late = started(shopper, {SCARCE: 3}, "cart-ada")
    expire_hold(shop, late)
    # Meanwhile Grace buys them.
    early = started(shopper, {SCARCE: 3}, "cart-grace")
    post_event(shopper, intent_event_for(shop, fake_stripe, early, "payment_intent.succeeded"))
    # Then Ada's payment goes through at Stripe (delivered three times).
    paid = intent_event_for(shop, fake_stripe, late, "payment_intent.succeeded")
    assert [post_event(shopper, paid) for _ in range(3)] == ["processed", "duplicate", "duplicate"]

    order = order_of(shop, late)
    assert (order.status, order.refund_cause, order.stock_taken) == (
        OrderStatus.REFUNDING,
        "sold_out",
        False,
    )
    assert on_shelf(shop, SCARCE) == 0  # never below: Grace's three are the only ones sold
    shown = shopper.get(
        f"/api/orders/{late['paymentIntentId']}",
        query_string={"client_secret": late["clientSecret"]},
    ).get_json()
    assert (shown["status"], shown["refundCause"]) == ("refunding", "sold_out")

    # Nothing was sent inside the webhook: its transaction queued one refund job, and the
    # worker sends the refund to Stripe once, however often it runs.
    assert refund_calls_to(fake_stripe) == []
    assert refund_jobs(shop, order) == [(QueueStatus.PENDING, 0, None)]
    assert run_refund_jobs(shop) == 1
    assert run_refund_jobs(shop) == 0
    [refund_call] = refund_calls_to(fake_stripe)
    assert refund_call.headers["Idempotency-Key"] == f"order-{order.token}-refund"
    assert refund_jobs(shop, order) == [(QueueStatus.DONE, 1, None)]
    refund_id = order_of(shop, late).refund_id
    assert refund_id is not None and refund_id.startswith("re_")

    # Stripe's charge.refunded (twice) settles it; one refund email, no confirmation.
    refunded = refund_event(late["paymentIntentId"], amount=late["amount"])
    assert [post_event(shopper, refunded) for _ in range(2)] == ["processed", "duplicate"]
    order = order_of(shop, late)
    assert order.status == OrderStatus.REFUNDED
    assert emails(shop, order) == {"refund": 1}
    assert emails(shop, order_of(shop, early)) == {"confirmation": 1}
    with shop.app_context():
        report = send_outbox()
    assert report.sent == 2
    [refund_mail] = [p for p in (tmp_path / "mail").glob("*.eml") if order.number in p.read_text()]
    text = refund_mail.read_text()
    assert "had been sold" in text and "Nothing will be shipped" in text
    kinds = [event.kind for event in order.history]
    assert kinds[:3] == ["payment_intent.succeeded", "stock_short", "refund_requested"]
    assert "refund_sent" in kinds and kinds[-1] == "charge.refunded"


def paid_after_the_copies_went(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> tuple[Any, Any]:
    """Ada's hold on the last 3 copies expires, Grace buys them, then Ada's payment succeeds."""
    late = started(shopper, {SCARCE: 3}, "cart-ada")
    expire_hold(shop, late)
    early = started(shopper, {SCARCE: 3}, "cart-grace")
    post_event(shopper, intent_event_for(shop, fake_stripe, early, "payment_intent.succeeded"))
    post_event(shopper, intent_event_for(shop, fake_stripe, late, "payment_intent.succeeded"))
    return late, early


def test_a_refund_stripe_cannot_take_now_stays_due_and_is_sent_later(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    late, _ = paid_after_the_copies_went(shop, shopper, fake_stripe)
    fake_stripe.fail("refund", server_error(500))

    failed = run_refund_jobs(shop)
    too_soon = run_refund_jobs(shop)  # before its backoff: not asked again yet
    [(status, attempts, error)] = refund_jobs(shop, order_of(shop, late))
    sent = run_refund_jobs(shop, hours_later=1)

    assert (failed, too_soon, sent) == (1, 0, 1)
    assert (status, attempts) == (QueueStatus.PENDING, 1) and error
    order = order_of(shop, late)
    assert (order.refund_id or "").startswith("re_")
    assert order.refund_error is None
    assert [job[:2] for job in refund_jobs(shop, order)] == [(QueueStatus.DONE, 2)]
    refund_calls = refund_calls_to(fake_stripe)
    assert len(refund_calls) == 2
    # Stripe made nothing under the first: the same key, so never two refunds.
    assert {r.headers["Idempotency-Key"] for r in refund_calls} == {f"order-{order.token}-refund"}


THREADS = 8


def test_simultaneous_checkouts_for_the_last_copies_never_hold_more_than_exist(
    shop: Flask, request: pytest.FixtureRequest
) -> None:
    # Eight shoppers at once, each wanting one of the three copies, in carts of their own.
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    lock = threading.Lock()

    def shop_for_one(n: int) -> None:
        client = shop.test_client()
        barrier.wait()
        response = checkout(client, {SCARCE: 1, PLENTY: 1}, f"cart-{n}")
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=shop_for_one, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 3 + [409] * (THREADS - 3)
    with shop.app_context():
        assert held_copies([SCARCE], utcnow()) == {SCARCE: 3}
    add_summary_line(
        request.config,
        f"stock, threads on {db_name(shop)}: {THREADS} simultaneous checkouts for 3 copies "
        f"-> {statuses.count(200)} held, {statuses.count(409)} told insufficient_stock",
    )


def db_name(app: Flask) -> str:
    """sqlite or postgresql."""
    with app.app_context():
        return db.engine.dialect.name


def test_the_database_refuses_a_negative_stock(shop: Flask) -> None:
    from sqlalchemy.exc import IntegrityError

    with shop.app_context():
        book = db.session.get(Book, SCARCE)
        assert book is not None
        book.stock = -1
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_refund_refused_for_good_is_left_for_the_owner_not_asked_again(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe
) -> None:
    late, _ = paid_after_the_copies_went(shop, shopper, fake_stripe)
    # Stripe no longer sees a successful charge on it (say, disputed and reversed).
    fake_stripe.set_status(late["paymentIntentId"], "requires_payment_method")

    assert run_refund_jobs(shop) == 1
    assert run_refund_jobs(shop, hours_later=48) == 0  # not asked again by itself, ever
    order = order_of(shop, late)
    assert (order.refund_id, order.status) == (None, OrderStatus.REFUNDING)
    assert order.refund_error
    # The refusal is the order's, for the owner, and the job is given up on with it.
    assert refund_jobs(shop, order) == [(QueueStatus.DEAD, 1, order.refund_error)]
    assert [event.kind for event in order.history][-1] == "refund_refused"

    fake_stripe.set_status(late["paymentIntentId"], "succeeded")
    with shop.app_context():
        locked = find_order_by_number(late["orderNumber"])
        assert locked is not None and retry_refund(locked)
        db.session.commit()
    assert run_refund_jobs(shop) == 1
    order = order_of(shop, late)
    assert (order.refund_id or "").startswith("re_")
    assert order.refund_error is None
    # Stripe keeps a refusal under its key: the owner's retry goes under a new one.
    assert [r.headers["Idempotency-Key"] for r in refund_calls_to(fake_stripe)] == [
        f"order-{order.token}-refund",
        f"order-{order.token}-refund-2",
    ]


def test_an_order_never_paid_cannot_be_asked_to_refund(shop: Flask, shopper: FlaskClient) -> None:
    payment = started(shopper, {SCARCE: 1})

    with shop.app_context():
        order = find_order_by_number(payment["orderNumber"])
        assert order is not None
        assert request_refund(order, "shop") is False
        assert order.status == OrderStatus.PENDING


def test_a_constraint_broken_while_applying_an_event_is_an_error_not_a_duplicate(
    shop: Flask, shopper: FlaskClient, fake_stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError
    from webhook_events import delivery

    payment = started(shopper, {SCARCE: 1})
    paid = intent_event_for(shop, fake_stripe, payment, "payment_intent.succeeded")

    def broken(order: Order, *args: object) -> list[object]:
        raise IntegrityError("UPDATE book ...", {}, Exception("stock_not_negative"))

    monkeypatch.setattr("bookstore.orders.fulfilment.take_for_paid_order", broken)
    payload, headers = delivery(paid)
    response = shopper.post("/webhook", data=payload, headers=headers)

    assert response.status_code == 500  # Stripe delivers it again
    assert order_of(shop, payment).status == OrderStatus.PENDING
    monkeypatch.undo()
    assert post_event(shopper, paid) == "processed"  # not taken for a duplicate
    assert order_of(shop, payment).status == OrderStatus.PAID
