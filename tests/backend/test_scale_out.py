"""Two gunicorn servers, one database, a crowd of shoppers and a stormy webhook: nothing is lost.

Runs the app as production does (gunicorn with backend/gunicorn.conf.py, two servers of two
workers each) in Stripe mode against a fake Stripe over loopback HTTP, on this run's database:
an SQLite file, or PostgreSQL when TEST_DATABASE_URL is set. Then, concurrently and split
across both servers: checkouts for many carts (each sent several times, as React StrictMode
and retries do), cart changes, and webhook events delivered several times each, some out of
order, while shoppers come back to checkout. Afterwards every payment must be accounted for.
"""

from __future__ import annotations

import copy
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from checkout_requests import ADDRESS, EMAIL
from conftest import STRIPE_PUBLISHABLE_KEY, STRIPE_SECRET_KEY
from fake_stripe_server import FakeStripeServer
from run_summary import add_summary_line
from sqlalchemy import create_engine, text
from stripe_fakes import Json, card_declined_body, event
from webhook_events import STRIPE_WEBHOOK_SECRET, delivery

from bookstore.db import engine_url

ROOT = Path(__file__).resolve().parents[2]
SERVERS = 2
WORKERS_PER_SERVER = 2
CARTS = 100
THREADS = 16
REQUEST_TIMEOUT_SECONDS = 30
START_TIMEOUT_SECONDS = 60
# A 503 is the app's documented "try again" (e.g. an event before its order is visible).
MAX_ATTEMPTS = 40

# What happens to the cart with index i, by i % 10.
STORIES = (
    ["paid"] * 3
    + ["paid_after_decline"] * 2  # a declined card, then a good one; the failure arrives last
    + ["paid_after_processing"]  # processing, then paid; the processing event arrives last
    + ["declined"] * 2
    + ["declined_twice"]
    + ["abandoned"]  # checkout, then nothing
)
PAID_STORIES = {"paid", "paid_after_decline", "paid_after_processing"}
DECLINED_STORIES = {"declined", "declined_twice"}
EXPECTED_STATUS = {
    **dict.fromkeys(PAID_STORIES, "paid"),
    **dict.fromkeys(DECLINED_STORIES, "failed"),
    "abandoned": "pending",
}


@dataclass
class Cart:
    """A shopper's cart and what the servers said about it."""

    cart_id: str
    items: list[dict[str, Any]]
    story: str
    changed: bool
    order_number: str | None = None
    intent_id: str | None = None
    amount: int | None = None


@dataclass
class Tally:
    """Every answer the servers gave, counted across threads."""

    statuses: Counter[int] = field(default_factory=Counter)
    webhook_results: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    reconnects: int = 0
    in_progress: int = 0  # 409 payment_in_progress: a twin Pay of the same cart was under way
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, retried: bool) -> None:
        """Count one answer."""
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1
            self.retries += retried


class AppServer:
    """One gunicorn server (its own process group), started as production starts it."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "backend" / "gunicorn.conf.py"),
            "--workers",
            str(WORKERS_PER_SERVER),
            "--bind",
            f"127.0.0.1:{port}",
            "bookstore:create_app()",
        ]
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 (a fixed local command)
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_up(self) -> None:
        """Poll until the server answers; fail with its log if it exits or takes too long."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited at start:\n{self.log.read_text()[-3000:]}")
            try:
                # The port listens before the workers have imported the app: wait for them.
                if requests.get(self.url + "/config", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        pytest.fail(f"{self.name} did not answer in {START_TIMEOUT_SECONDS} s")

    def terminate(self) -> None:
        """Ask the server and its workers to stop."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def wait_stopped(self) -> None:
        """Wait for the server to stop; kill it if it takes too long."""
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(database_url: str, stripe: FakeStripeServer) -> dict[str, str]:
    """Stripe mode against the fake Stripe, on the test's database; nothing from a .env file."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GUNICORN", "STRIPE_", "RATELIMIT", "CHECKOUT_"))
    }
    return {
        **inherited,
        "PYTHONPATH": str(ROOT / "backend"),
        "DATABASE_URL": database_url,
        "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
        "STRIPE_PUBLISHABLE_KEY": STRIPE_PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
        "STRIPE_API_BASE": stripe.api_base,
        # Every fake Stripe failure should show, not be retried away.
        "STRIPE_MAX_NETWORK_RETRIES": "0",
        # One test client is one address: the per-client limits are not under test here.
        "CHECKOUT_RATE_LIMIT": "100000 per minute",
        "HOLD_LIMIT_PER_CLIENT": "1000000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "FRONTEND_DIST": "",
        "FRONTEND_ORIGIN": "http://localhost:3000",
    }


@pytest.fixture
def app_servers(
    database_url: str, stripe_server: FakeStripeServer, tmp_path: Path
) -> Iterator[list[AppServer]]:
    """Two production servers sharing the test's database (already migrated and seeded)."""
    # Payments are this test's subject, not stock (test_stock_api.py's and
    # test_stock_scale_out.py's): copies enough for every cart, so none is refused for them.
    engine = create_engine(engine_url(database_url))
    with engine.begin() as connection:
        connection.execute(text("UPDATE book SET stock = 100000"))
    engine.dispose()
    with running_servers(server_environment(database_url, stripe_server), tmp_path) as servers:
        yield servers


@contextmanager
def running_servers(env: dict[str, str], tmp_path: Path) -> Iterator[list[AppServer]]:
    """SERVERS production servers with this environment, up until the block ends."""
    servers = [
        AppServer(f"server-{n}", env, tmp_path / f"gunicorn-{n}.log") for n in range(SERVERS)
    ]
    try:
        for server in servers:
            server.wait_until_up()
        yield servers
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait_stopped()


class Shoppers:
    """Sends requests to the servers from a pool of threads, each with its own connections."""

    def __init__(self, servers: list[AppServer], tally: Tally, seed: int) -> None:
        self.servers = servers
        self.tally = tally
        self.rng = random.Random(seed)
        self._local = threading.local()
        self._sessions: list[requests.Session] = []

    def close(self) -> None:
        """Close the kept-alive connections, so the servers can stop without waiting on them."""
        for session in self._sessions:
            session.close()

    def send(self, method: str, path: str, server: AppServer, **options: Any) -> Any:
        """One request; 503s (documented as retryable) are retried, other answers returned."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            with self.tally.lock:
                self._sessions.append(session)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                response = session.request(
                    method, server.url + path, timeout=REQUEST_TIMEOUT_SECONDS, **options
                )
            except requests.ConnectionError:
                # A kept-alive connection the server closed as it was reused (gunicorn drops
                # idle ones after 2 s): sent again, as Stripe and browsers do. Every request
                # here is safe to repeat (the same cartId, the same event id).
                with self.tally.lock:
                    self.tally.reconnects += 1
                time.sleep(0.02 * attempt)
                continue
            self.tally.record(response.status_code, retried=response.status_code == 503)
            if response.status_code != 503:
                return response
            time.sleep(0.02 * attempt)
        pytest.fail(f"{method} {path} still 503 after {MAX_ATTEMPTS} attempts")

    def any_server(self) -> AppServer:
        """A server picked at random, as a load balancer would spread requests."""
        return self.rng.choice(self.servers)


def run_all(tasks: list[Callable[[], None]]) -> None:
    """Run the tasks concurrently; re-raise the first failure."""
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures: list[Future[None]] = [pool.submit(task) for task in tasks]
    for future in futures:
        future.result()


def checkout_body(cart: Cart) -> dict[str, Any]:
    """The body the browser sends for this cart at Pay (no ConfirmationToken: the shoppers
    here pay on Stripe's side, as an API client confirming with the client secret does)."""
    return {"items": cart.items, "cartId": cart.cart_id, "email": EMAIL, "shipping": ADDRESS}


def pay_until_answered(shoppers: Shoppers, cart: Cart) -> requests.Response:
    """Pay for the cart; a 409 payment_in_progress (its twin is paying) is asked again."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        response = shoppers.send(
            "POST", "/create-payment-intent", shoppers.any_server(), json=checkout_body(cart)
        )
        if response.status_code != 409 or response.json()["error"]["code"] != (
            "payment_in_progress"
        ):
            return response
        with shoppers.tally.lock:
            shoppers.tally.in_progress += 1
        time.sleep(0.02 * attempt)
    pytest.fail(f"{cart.cart_id} still payment_in_progress after {MAX_ATTEMPTS} attempts")


def price(cart: Cart, prices: dict[str, int]) -> int:
    """What the cart's books cost at catalogue prices (its subtotal)."""
    return sum(prices[item["id"]] * item["quantity"] for item in cart.items)


def test_two_servers_lose_no_payment_under_concurrent_checkouts_and_webhooks(
    app_servers: list[AppServer],
    stripe_server: FakeStripeServer,
    database_url: str,
    request: pytest.FixtureRequest,
) -> None:
    started = time.monotonic()
    tally = Tally()
    shoppers = Shoppers(app_servers, tally, seed=20261127)
    rng = shoppers.rng
    books = requests.get(app_servers[0].url + "/api/books", timeout=10).json()["books"]
    prices = {book["id"]: book["price"] for book in books}

    carts = [
        Cart(
            cart_id=f"scale-{uuid.uuid4().hex}",
            items=[
                {"id": book_id, "quantity": rng.randint(1, 3)}
                for book_id in rng.sample(sorted(prices), rng.randint(1, 3))
            ],
            story=STORIES[n % len(STORIES)],
            changed=n % 4 == 1,
        )
        for n in range(CARTS)
    ]

    # 1. Checkouts: every cart sent two or three times at once, to either server.
    answers: dict[str, list[Json]] = {cart.cart_id: [] for cart in carts}

    def checkout(cart: Cart) -> Callable[[], None]:
        def task() -> None:
            response = pay_until_answered(shoppers, cart)
            assert response.status_code == 200, response.text
            answers[cart.cart_id].append(response.json())

        return task

    first_checkouts = [checkout(cart) for cart in carts for _ in range(2 + (rng.random() < 0.5))]
    rng.shuffle(first_checkouts)
    run_all(first_checkouts)
    for cart in carts:
        seen = {
            (a["orderNumber"], a["paymentIntentId"], a["amount"]) for a in answers[cart.cart_id]
        }
        assert len(seen) == 1, f"{cart.cart_id} got several orders or PaymentIntents: {seen}"
        [(cart.order_number, cart.intent_id, cart.amount)] = seen
        assert answers[cart.cart_id][0]["subtotal"] == price(cart, prices)
    assert len(stripe_server.stripe.intents) == CARTS  # one PaymentIntent per cart, not per call

    # 2. Some shoppers change their cart: same order and PaymentIntent, new amount.
    def change(cart: Cart) -> Callable[[], None]:
        def task() -> None:
            cart.items[0]["quantity"] += 1
            response = pay_until_answered(shoppers, cart)
            assert response.status_code == 200, response.text
            body = response.json()
            assert (body["orderNumber"], body["paymentIntentId"]) == (
                cart.order_number,
                cart.intent_id,
            )
            assert body["subtotal"] == price(cart, prices)
            cart.amount = body["amount"]

        return task

    run_all([change(cart) for cart in carts if cart.changed])
    for cart in carts:
        assert stripe_server.stripe.intents[cart.intent_id]["amount"] == cart.amount

    # 3. Shoppers pay (on Stripe's side); Stripe sends the events each attempt causes.
    events_of: dict[str, list[Json]] = {cart.cart_id: [] for cart in carts}
    superseded: list[Json] = []  # events a later success overtakes: they must not undo it
    with stripe_server.lock:
        for cart in carts:
            assert cart.intent_id is not None
            events = events_of[cart.cart_id]
            intent = stripe_server.stripe.intents[cart.intent_id]
            if cart.story in ("paid_after_decline", "declined", "declined_twice"):
                for _ in range(2 if cart.story == "declined_twice" else 1):
                    intent["last_payment_error"] = card_declined_body()["error"]
                    events.append(intent_event("payment_intent.payment_failed", intent))
            if cart.story == "paid_after_processing":
                intent["status"] = "processing"
                events.append(intent_event("payment_intent.processing", intent))
            if cart.story in PAID_STORIES:
                superseded += events
                intent["last_payment_error"] = None
                stripe_server.stripe.set_status(cart.intent_id, "succeeded")
                events.append(intent_event("payment_intent.succeeded", intent))

    # 4. Deliveries: each event two to four times, to either server. A cart's deliveries go out
    #    together, so its events race each other and their own copies across servers and
    #    workers. Shoppers who paid come back to checkout meanwhile. Last, every superseded
    #    event once more, surely after the success it must not undo.
    def deliver(evt: Json) -> Callable[[], None]:
        payload, headers = delivery(evt)

        def task() -> None:
            response = shoppers.send(
                "POST", "/webhook", shoppers.any_server(), data=payload, headers=headers
            )
            assert response.status_code == 200, response.text
            with tally.lock:
                tally.webhook_results[response.json()["result"]] += 1

        return task

    def come_back(cart: Cart) -> Callable[[], None]:
        def task() -> None:
            response = shoppers.send(
                "POST", "/create-payment-intent", shoppers.any_server(), json=checkout_body(cart)
            )
            # Not paid yet on our side: the same PaymentIntent again; paid: the cart is closed;
            # a debit still processing: under way.
            if response.status_code == 200:
                assert response.json()["paymentIntentId"] == cart.intent_id
            else:
                assert response.status_code == 409, response.text
                assert response.json()["error"]["code"] in (
                    "cart_already_paid",
                    "payment_in_progress",
                )

        return task

    groups: list[list[Callable[[], None]]] = []
    for events in events_of.values():
        copies = [deliver(evt) for evt in events for _ in range(rng.randint(2, 4))]
        rng.shuffle(copies)
        groups.append(copies)
    returning = [cart for cart in carts if cart.story in PAID_STORIES and rng.random() < 0.4]
    groups += [[come_back(cart)] for cart in returning]
    rng.shuffle(groups)
    run_all([task for group in groups for task in group])
    run_all([deliver(evt) for evt in superseded])
    seconds = time.monotonic() - started
    shoppers.close()

    # 5. The invariant: every payment accounted for, exactly once, nothing else paid.
    orders, processed = read_database(database_url)
    intents = stripe_server.stripe.intents
    succeeded = {pi_id: pi for pi_id, pi in intents.items() if pi["status"] == "succeeded"}
    by_intent: dict[str | None, list[dict[str, Any]]] = {}
    for order in orders:
        by_intent.setdefault(order["payment_intent_id"], []).append(order)

    for intent_id, intent in succeeded.items():
        paid = [o for o in by_intent.get(intent_id, []) if o["status"] == "paid"]
        assert len(paid) == 1, f"{intent_id} succeeded but has {len(paid)} paid orders"
        assert paid[0]["amount"] == paid[0]["paid_amount"] == intent["amount"]
        assert paid[0]["currency"] == intent["currency"]
    for order in orders:
        if order["status"] == "paid":
            assert order["payment_intent_id"] in succeeded, order
    assert len(orders) == CARTS
    for cart in carts:
        [order] = [o for o in orders if o["cart_id"] == cart.cart_id]
        assert (order["number"], order["payment_intent_id"]) == (cart.order_number, cart.intent_id)
        assert order["status"] == EXPECTED_STATUS[cart.story], (cart.story, order)

    events = {evt["id"] for evts in events_of.values() for evt in evts}
    assert Counter(processed) == Counter(events)  # each event id recorded exactly once
    deliveries_sent = sum(tally.webhook_results.values())
    assert tally.webhook_results == {
        "processed": len(events),
        "duplicate": deliveries_sent - len(events),
    }
    assert set(tally.statuses) <= {200, 409, 503}, tally.statuses
    for server in app_servers:
        log = server.log.read_text()
        assert "database is locked" not in log
        assert "Traceback" not in log, log[-3000:]

    statuses = Counter(order["status"] for order in orders)
    database = engine_url(database_url).get_backend_name()
    line = (
        f"scale-out on {database}: {SERVERS} gunicorn servers x {WORKERS_PER_SERVER} workers, "
        f"{CARTS} carts -> {len(orders)} orders and {len(intents)} PaymentIntents from "
        f"{len(first_checkouts)} simultaneous checkouts (+{sum(c.changed for c in carts)} cart "
        f"changes, {len(returning)} returns); {len(events)} events delivered "
        f"{deliveries_sent} times ({deliveries_sent - len(events)} duplicates, "
        f"{len(superseded)} sent again after the success they preceded); {statuses['paid']} paid, "
        f"{statuses['failed']} failed, {statuses['pending']} pending; "
        f"{tally.retries} 503s retried, {tally.in_progress} twin Pays told payment_in_progress "
        f"and sent again, {tally.reconnects} dropped connections sent again; "
        f"{tally.requests} requests in {seconds:.1f} s"
    )
    print(line)
    add_summary_line(request.config, line)


def intent_event(event_type: str, intent: Json) -> Json:
    """A Stripe event carrying a snapshot of the PaymentIntent as it is now."""
    return event(event_type, copy.deepcopy(intent), id=f"evt_scale_{uuid.uuid4().hex[:16]}")


def read_database(database_url: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The orders and processed event ids, read straight from the servers' database."""
    engine = create_engine(engine_url(database_url))
    try:
        with engine.connect() as connection:
            orders = connection.execute(
                text(
                    "SELECT id, number, cart_id, status, amount, currency, payment_intent_id, "
                    "paid_amount FROM orders"
                )
            )
            order_rows = [dict(row) for row in orders.mappings()]
            processed = list(connection.execute(text("SELECT id FROM processed_events")).scalars())
    finally:
        engine.dispose()
    return order_rows, processed
