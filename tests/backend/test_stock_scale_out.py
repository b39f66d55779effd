"""Never oversell with two app servers: two waves of shoppers after the last copies.

Two production (gunicorn) servers share the test's database (PostgreSQL in CI's first pass,
SQLite in the second) and a fake Stripe over HTTP. A title has 5 copies.
1. 24 shoppers press Pay at once, spread over both servers: together they hold at most 5;
   whoever comes next takes what is left, so exactly 5 are held.
2. Every hold expires; 24 more shoppers press Pay at once and hold exactly 5 again.
3. All their payments succeed at Stripe, and every event is delivered two or three times to
   either server, concurrently: exactly 5 copies are sold (the second wave's), the stock ends
   at 0 and never below, and every order paid for copies that were gone is refunded in full,
   exactly once, by the worker processes beside the servers (two, as on two machines: each
   refund job is claimed by one of them).
4. Stripe's charge.refunded events settle those orders as refunded.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from checkout_requests import pay_body
from fake_stripe_server import FakeStripeServer
from run_summary import add_summary_line
from sqlalchemy import create_engine, text
from test_scale_out import (
    ROOT,
    AppServer,
    Shoppers,
    Tally,
    running_servers,
    server_environment,
)
from webhook_events import delivery, intent_event, refund_event

from bookstore.db import engine_url

BOOK = "poor-charlies-almanack"
COPIES = 5
SHOPPERS_PER_WAVE = 24
THREADS = 16
REFUNDS_TIMEOUT_SECONDS = 60
WORKERS = 2
STOP_TIMEOUT_SECONDS = 15


@pytest.fixture
def app_servers(
    database_url: str, stripe_server: FakeStripeServer, tmp_path: Path
) -> Iterator[list[AppServer]]:
    """Two production servers on the test's database, the title down to COPIES copies."""
    set_copies(database_url, COPIES)
    with running_servers(server_environment(database_url, stripe_server), tmp_path) as servers:
        yield servers


class WorkerProcess:
    """`flask --app bookstore worker` (its own process group), as production runs it."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        command = [sys.executable, "-m", "flask", "--app", "bookstore", "worker"]
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 (a fixed local command)
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def check_running(self) -> None:
        """Fail with the worker's log if it exited (it runs until stopped)."""
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        """SIGTERM, as a deploy stops it; killed if it takes too long."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def workers(
    database_url: str, stripe_server: FakeStripeServer, tmp_path: Path
) -> Iterator[list[WorkerProcess]]:
    """WORKERS worker processes on the test's database, against the fake Stripe."""
    env = {
        **server_environment(database_url, stripe_server),
        "WORKER_POLL_SECONDS": "0.1",
        "MAIL_DIR": str(tmp_path / "mail"),
        "PYTHONUNBUFFERED": "1",
    }
    started = [
        WorkerProcess(f"worker-{n}", env, tmp_path / f"worker-{n}.log") for n in range(WORKERS)
    ]
    try:
        yield started
    finally:
        for worker in started:
            worker.stop()


def set_copies(database_url: str, count: int) -> None:
    """The title's stock, straight in the database (as `flask stock set` would)."""
    engine = create_engine(engine_url(database_url))
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE book SET stock = :n WHERE id = :id"), {"n": count, "id": BOOK}
        )
    engine.dispose()


def query(database_url: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of a query, as dicts."""
    engine = create_engine(engine_url(database_url))
    try:
        with engine.connect() as connection:
            return [dict(row) for row in connection.execute(text(sql), params).mappings()]
    finally:
        engine.dispose()


def wave(shoppers: Shoppers, rng: random.Random, name: str) -> list[dict[str, Any]]:
    """SHOPPERS_PER_WAVE Pays at once, each for 1 or 2 copies, then one for any copy left;
    the answers that held, which hold every copy."""
    carts = [
        {"cartId": f"{name}-{uuid.uuid4().hex}", "quantity": rng.randint(1, 2)}
        for _ in range(SHOPPERS_PER_WAVE)
    ]

    def check_out(cart: dict[str, Any]) -> tuple[dict[str, Any], requests.Response]:
        body = pay_body({BOOK: cart["quantity"]}, cart["cartId"])
        return cart, shoppers.send(
            "POST", "/create-payment-intent", shoppers.any_server(), json=body
        )

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(check_out, carts))
    held = []
    for cart, response in answers:
        if response.status_code == 200:
            held.append({**response.json(), "quantity": cart["quantity"]})
        else:
            assert response.status_code == 409, response.text
            error = response.json()["error"]
            assert error["code"] == "insufficient_stock"
            [short] = error["details"]["items"]
            assert short["available"] < cart["quantity"]
    left = COPIES - sum(payment["quantity"] for payment in held)
    assert left >= 0
    if left:
        # Everyone asked for two when one was left: the next shopper takes the last copy.
        cart, response = check_out({"cartId": f"{name}-last-{uuid.uuid4().hex}", "quantity": left})
        assert response.status_code == 200, response.text
        held.append({**response.json(), "quantity": left})
    return held


def test_two_servers_never_sell_more_copies_than_exist(
    app_servers: list[AppServer],
    workers: list[WorkerProcess],
    stripe_server: FakeStripeServer,
    database_url: str,
    request: pytest.FixtureRequest,
) -> None:
    tally = Tally()
    shoppers = Shoppers(app_servers, tally, seed=20261203)
    rng = shoppers.rng

    # 1 and 2: two waves, every hold of the first expired before the second.
    first = wave(shoppers, rng, "first")
    query_count = query(
        database_url,
        "SELECT COUNT(*) AS n FROM orders WHERE held_until IS NOT NULL",
    )[0]["n"]
    assert query_count == len(first)
    engine = create_engine(engine_url(database_url))
    with engine.begin() as connection:
        for table in ("orders", "stock_holds"):
            connection.execute(
                text(f"UPDATE {table} SET held_until = :past"),  # noqa: S608 (fixed names)
                {"past": "2000-01-01"},
            )
    engine.dispose()
    second = wave(shoppers, rng, "second")
    payments = first + second
    tokens = {
        row["payment_intent_id"]: row["token"]
        for row in query(database_url, "SELECT payment_intent_id, token FROM orders")
    }

    # 3: every payment succeeds at Stripe; each event delivered 2-3 times to either server.
    events = []
    with stripe_server.lock:
        for payment in payments:
            intent_id = payment["paymentIntentId"]
            stripe_server.stripe.set_status(intent_id, "succeeded")
            events.append(
                intent_event(
                    "payment_intent.succeeded",
                    intent_id,
                    amount=payment["amount"],
                    order_token=tokens[intent_id],
                )
            )
    copies = [evt for evt in events for _ in range(rng.randint(2, 3))]
    rng.shuffle(copies)
    results: Counter[str] = Counter()

    def deliver(evt: dict[str, Any]) -> None:
        payload, headers = delivery(evt)
        response = shoppers.send(
            "POST", "/webhook", shoppers.any_server(), data=payload, headers=headers
        )
        assert response.status_code == 200, response.text
        results[response.json()["result"]] += 1

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(deliver, copies))

    orders = query(
        database_url,
        "SELECT o.number, o.status, o.refund_cause, o.stock_taken, o.payment_intent_id, "
        "l.quantity FROM orders o JOIN order_lines l ON l.order_id = o.id",
    )
    by_status = Counter(order["status"] for order in orders)
    sold = sum(order["quantity"] for order in orders if order["status"] == "paid")
    [stock] = query(database_url, "SELECT stock FROM book WHERE id = :id", id=BOOK)
    # Every copy sold, exactly: no more (never oversold), and no fewer (not refunded for
    # copies that were there).
    assert sold == COPIES
    assert stock["stock"] == 0
    assert set(by_status) <= {"paid", "refunding"}
    for order in orders:
        assert order["stock_taken"] == (order["status"] == "paid"), order
        if order["status"] == "refunding":
            assert order["refund_cause"] == "sold_out"
    short = {order["payment_intent_id"] for order in orders if order["status"] == "refunding"}
    assert len(short) == len(payments) - by_status["paid"]

    # The workers send each refund once, after the commit that queued it.
    deadline = time.monotonic() + REFUNDS_TIMEOUT_SECONDS
    while True:
        with stripe_server.lock:
            refunded = [
                refund["payment_intent"] for refund in stripe_server.stripe.refunds.values()
            ]
        if len(refunded) >= len(short) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for worker in workers:
        worker.check_running()
    assert Counter(refunded) == Counter(short)  # each short order once, nobody else

    # 4: Stripe tells the shop; each order refunded once.
    paid_by = {payment["paymentIntentId"]: payment["amount"] for payment in payments}
    refund_events = [refund_event(intent_id, amount=paid_by[intent_id]) for intent_id in short]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(deliver, [evt for evt in refund_events for _ in range(2)]))
    final = Counter(row["status"] for row in query(database_url, "SELECT status FROM orders"))
    assert final == Counter({"paid": by_status["paid"], "refunded": len(short)})
    emails = query(
        database_url,
        "SELECT kind, COUNT(*) AS n FROM outbox_messages GROUP BY kind ORDER BY kind",
    )
    assert {row["kind"]: row["n"] for row in emails} == {
        kind: count
        for kind, count in (("confirmation", by_status["paid"]), ("refund", len(short)))
        if count
    }
    dialect = engine_url(database_url).get_backend_name()
    add_summary_line(
        request.config,
        f"stock scale-out on {dialect}: 2 servers, {COPIES} copies, 2 x {SHOPPERS_PER_WAVE} "
        f"simultaneous checkouts -> {len(first)} + {len(second)} held; {len(payments)} "
        f"payments, {sum(results.values())} deliveries -> {sold} copies sold in "
        f"{by_status['paid']} orders, {len(short)} refunded as sold out, stock left "
        f"{stock['stock']}",
    )
