"""The real worker process (`flask --app bookstore worker`), as production and ./start.sh run it.

Each test starts the worker (and, for the SEPA debit, the production server) as subprocesses
on this run's database: an SQLite file, or PostgreSQL when TEST_DATABASE_URL is set. The test
itself sets up the work through the app's own code and watches what arrives at an SMTP server
in this process (aiosmtpd) and at a fake Stripe over loopback HTTP.

- A worker killed with SIGKILL in the middle of an email or a refund leaves its claim behind;
  once the lease has lapsed (the test moves the row's time back, as time passing would) a new
  worker finishes the job, and it is done exactly once.
- Two workers on PostgreSQL share 50 emails and 20 refunds, none done twice.
- A SEPA debit whose server and worker were killed while it was processing settles once they
  are started again: the settling is a job in the database, not a timer in a process.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.message import Message
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
from checkout_requests import RETURN_URL, pay_body
from conftest import STRIPE_PUBLISHABLE_KEY, STRIPE_SECRET_KEY
from database_setup import server_url
from fake_stripe_server import FakeStripeServer
from run_summary import add_summary_line
from smtp_server import Inbox, SmtpServer
from sqlalchemy import select, update
from stripe_fakes import REFUNDS_PATH, Json, payment_intent
from webhook_events import STRIPE_WEBHOOK_SECRET

from bookstore import create_app
from bookstore.config import Settings
from bookstore.db import db, utcnow
from bookstore.jobs.claims import QueueStatus
from bookstore.jobs.models import Job
from bookstore.notifications.emails import queue_confirmation
from bookstore.notifications.outbox import OutboxMessage, OutboxStatus
from bookstore.orders.fulfilment import ProcessedEvent
from bookstore.orders.models import Order, OrderLine, OrderStatus
from bookstore.orders.refunds import REFUND_JOB, refund_key, request_refund
from bookstore.payments.demo.delivery import DEMO_EVENT_JOB
from bookstore.payments.demo.models import DemoPaymentIntent

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60.0
# Longest a test waits for what a worker should do (it looks every WORKER_POLL_SECONDS).
WAIT_SECONDS = 30.0
WORKER_POLL_SECONDS = "0.1"
# What the worker prints once its threads run (bookstore/worker/cli.py).
WORKER_STARTED = "Worker started"
SEPA_SUCCEEDS = "DE89370400440532013000"
BOOM = "boom"
T = TypeVar("T")


# --- processes ---------------------------------------------------------------------------------


class Process:
    """A command in its own process group, its output in a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 (a fixed local command)
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        """What it has printed so far."""
        return self.log.read_text(errors="replace")

    def wait_for_output(self, text: str, seconds: float = START_TIMEOUT_SECONDS) -> None:
        """Wait until it prints `text`; fail with its output if it exits or takes too long."""
        deadline = time.monotonic() + seconds
        while text not in self.output():
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited ({self.process.returncode}):\n{self.tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{self.name} did not print {text!r} in {seconds} s:\n{self.tail()}")
            time.sleep(0.05)

    def tail(self) -> str:
        """The end of its output, for a failure's message."""
        return self.output()[-4000:]

    def kill(self) -> None:
        """SIGKILL it and its children at once, as a crash or an OOM kill would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM, as a deploy stops it; its exit status (killed if it takes too long)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"{self.name} did not stop on SIGTERM:\n{self.tail()}")


class Processes:
    """The processes a test started; whatever is still running at its end is killed."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[Process] = []

    def worker(self, env: dict[str, str], name: str) -> Process:
        """`flask --app bookstore worker`, up once it says it started."""
        worker = self._start(name, ["-m", "flask", "--app", "bookstore", "worker"], env)
        worker.wait_for_output(WORKER_STARTED)
        return worker

    def server(self, env: dict[str, str], name: str) -> tuple[Process, str]:
        """The production server (gunicorn, one worker) on a free port, and its URL, once up."""
        port = free_port()
        server = self._start(
            name,
            [
                "-m",
                "gunicorn",
                "--config",
                str(ROOT / "backend" / "gunicorn.conf.py"),
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            env,
        )
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: answers(url + "/config"), f"{name} to answer", START_TIMEOUT_SECONDS)
        return server, url

    def _start(self, name: str, arguments: list[str], env: dict[str, str]) -> Process:
        log = self.tmp_path / f"{name}.log"
        process = Process(name, [sys.executable, *arguments], env, log)
        self.started.append(process)
        return process

    def kill_all(self) -> None:
        for process in self.started:
            process.kill()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    """Starts workers and servers; none outlives the test."""
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.kill_all()


def run_once(env: dict[str, str]) -> str:
    """`flask --app bookstore worker --once`: everything due now, then exit; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "bookstore", "worker", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> bool:
    """Whether the URL answers 200."""
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def wait_until(check: Callable[[], T], what: str, seconds: float = WAIT_SECONDS) -> T:
    """`check()` once it is truthy, looking every 50 ms; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.05)


def environment(database_url: str, tmp_path: Path, **settings: str) -> dict[str, str]:
    """The demo's settings on the test's database; nothing from a developer's shell or .env
    (set empty, a variable overrides .env and counts as not set)."""
    read_by_the_app = ("STRIPE_", "SMTP_", "MAIL_", "DEMO_", "WORKER_", "GUNICORN", "FLASK_")
    inherited = {
        name: value for name, value in os.environ.items() if not name.startswith(read_by_the_app)
    }
    return {
        **inherited,
        "PYTHONPATH": str(ROOT / "backend"),
        "DATABASE_URL": database_url,
        "DEMO_MODE": "1",
        "STRIPE_SECRET_KEY": "",
        "STRIPE_PUBLISHABLE_KEY": "",
        "STRIPE_WEBHOOK_SECRET": "",
        "STRIPE_API_BASE": "",
        "SMTP_URL": "",
        "MAIL_DIR": str(tmp_path / "mail"),
        "WORKER_POLL_SECONDS": WORKER_POLL_SECONDS,
        "FRONTEND_DIST": "",
        "RATELIMIT_STORAGE_URI": "memory://",
        # The test asks for its order often while it waits: not a client to slow down.
        "ORDER_LOOKUP_RATE_LIMIT": "100000 per minute",
        **settings,
    }


def stripe_environment(
    database_url: str, tmp_path: Path, stripe: FakeStripeServer, **settings: str
) -> dict[str, str]:
    """Stripe mode against the fake Stripe: each refund is one request, never retried inside
    the process, and may wait up to 9 s for an answer (the limit is 10 s in all)."""
    return environment(
        database_url,
        tmp_path,
        DEMO_MODE="",
        STRIPE_SECRET_KEY=STRIPE_SECRET_KEY,
        STRIPE_PUBLISHABLE_KEY=STRIPE_PUBLISHABLE_KEY,
        STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET,
        STRIPE_API_BASE=stripe.api_base,
        STRIPE_MAX_NETWORK_RETRIES="0",
        STRIPE_TIMEOUT_SECONDS="9",
        **settings,
    )


# --- the SMTP server and Stripe, each able to hold a request -----------------------------------


class HoldingInbox(Inbox):
    """An inbox that can hold the next message's DATA (its sender is then mid-send) until the
    test releases it, and then refuses it: the sender was killed before the server took it.
    Every message it takes may be slowed by `delay` seconds (a mail server's pace)."""

    def __init__(self) -> None:
        super().__init__()
        self.hold_next = False
        self.holding = threading.Event()
        self.release = threading.Event()
        self.delay = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.hold_next:
            self.hold_next = False
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
            return "451 4.3.0 Not taken: the sender went away"
        if self.delay:
            await asyncio.sleep(self.delay)
        answer: str = await super().handle_DATA(server, session, envelope)
        return answer


class HoldingStripe(FakeStripeServer):
    """The fake Stripe, able to hold the next refund request until the test releases it; it
    then makes the refund (Stripe did it, and the answer never reached the dead worker).
    Each refund may be slowed by `delay` seconds (Stripe's own pace)."""

    def __init__(self) -> None:
        super().__init__()
        self.hold_next = False
        self.holding = threading.Event()
        self.release = threading.Event()
        self.held_done = threading.Event()
        self.delay = 0.0

    def answer(self, method: str, url: str, headers: Message, body: bytes) -> tuple[int, Json]:
        is_refund = method == "POST" and url.split("?")[0] == self.api_base + REFUNDS_PATH
        if is_refund and self.hold_next:
            self.hold_next = False
            self.holding.set()
            self.release.wait()
            try:
                return super().answer(method, url, headers, body)
            finally:
                self.held_done.set()
        if is_refund and self.delay:
            time.sleep(self.delay)
        return super().answer(method, url, headers, body)

    def refund_keys(self) -> Counter[str]:
        """Refund requests per Idempotency-Key."""
        with self.lock:
            return Counter(
                str(request.headers.get("Idempotency-Key"))
                for request in self.stripe.refund_requests()
            )

    def refunds_per_intent(self) -> Counter[str]:
        """Refunds Stripe made, per PaymentIntent."""
        with self.lock:
            return Counter(refund["payment_intent"] for refund in self.stripe.refunds.values())


@pytest.fixture
def inbox() -> Iterator[HoldingInbox]:
    held = HoldingInbox()
    yield held
    held.release.set()  # a held DATA never outlives the test


@pytest.fixture
def smtp(inbox: HoldingInbox) -> Iterator[SmtpServer]:
    """A real SMTP server on a free local port."""
    server = SmtpServer(inbox)
    server.start()
    yield server
    inbox.release.set()
    server.stop()


@pytest.fixture
def holding_stripe() -> Iterator[HoldingStripe]:
    """The fake Stripe over HTTP on loopback, for the worker processes to call."""
    server = HoldingStripe()
    server.start()
    yield server
    server.release.set()
    server.stop()


# --- the work, set up through the app's own code -----------------------------------------------


@pytest.fixture
def app(database_url: str) -> Any:
    """The app in this process, for setting up work and reading what the workers did."""
    return create_app(Settings(database_url=database_url, demo_mode=True))


def new_order(status: str, gateway: str, intent_id: str, n: int) -> Order:
    """An order with one line, an email and an address; paid when its status says so."""
    paid = status != OrderStatus.PENDING
    return Order(
        gateway=gateway,
        currency="usd",
        subtotal=2500,
        shipping_amount=599,
        tax_amount=0,
        amount=3099,
        email=f"reader{n}@example.com",
        shipping_address={
            "name": f"Reader {n}",
            "line1": "12 St James's Square",
            "line2": None,
            "city": "San Francisco",
            "state": "CA",
            "postal_code": "94107",
            "country": "US",
            "phone": None,
        },
        delivery_method="standard",
        delivery_min_days=3,
        delivery_max_days=5,
        payment_intent_id=intent_id,
        status=status,
        paid_amount=3099 if paid else None,
        paid_at=utcnow() if paid else None,
        lines=[
            OrderLine(book_id=BOOM, title="Boom", quantity=1, unit_amount=2500, line_total=2500)
        ],
    )


def queue_confirmations(app: Any, count: int) -> list[str]:
    """`count` paid orders, each with its confirmation email queued; their Message-IDs."""
    with app.app_context():
        orders = [
            new_order(OrderStatus.PAID, "stripe_test", f"pi_mail{n}", n) for n in range(count)
        ]
        db.session.add_all(orders)
        db.session.flush()
        for order in orders:
            assert queue_confirmation(order)
        db.session.commit()
        return list(db.session.scalars(select(OutboxMessage.message_id)))


def queue_refunds(app: Any, stripe: HoldingStripe, count: int) -> dict[str, str]:
    """`count` orders paid on (fake) Stripe, each with its full refund asked for and queued
    for the worker; their refund idempotency keys by PaymentIntent."""
    with stripe.lock:
        for n in range(count):
            intent_id = f"pi_refund{n}"
            stripe.stripe.intents[intent_id] = payment_intent(
                id=intent_id, amount=3099, amount_received=3099, currency="usd", status="succeeded"
            )
    with app.app_context():
        orders = [
            new_order(OrderStatus.PAID, "stripe_test", f"pi_refund{n}", 1000 + n)
            for n in range(count)
        ]
        db.session.add_all(orders)
        db.session.flush()
        for order in orders:
            assert request_refund(order, "shop", "a test of the worker")
        keys = {str(order.payment_intent_id): refund_key(order) for order in orders}
        db.session.commit()
        return keys


def rows(app: Any, model: type[T]) -> list[T]:
    """Every row of a table as it is committed now."""
    with app.app_context():
        found = list(db.session.scalars(select(model).order_by(model.id)))  # type: ignore[attr-defined]
        db.session.expunge_all()
        return found


def jobs_of(app: Any, kind: str) -> list[Job]:
    return [job for job in rows(app, Job) if job.kind == kind]


def lapse_lease(app: Any, model: Any, row_id: int) -> None:
    """Make a claimed row due now, as its lease running out would: the claim stays behind."""
    with app.app_context():
        db.session.execute(
            update(model)
            .where(model.id == row_id)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


# --- a worker killed mid-job -------------------------------------------------------------------


def test_an_email_whose_worker_was_killed_mid_send_is_sent_once_by_the_next_worker(
    app: Any,
    database_url: str,
    tmp_path: Path,
    processes: Processes,
    smtp: SmtpServer,
    inbox: HoldingInbox,
) -> None:
    env = environment(database_url, tmp_path, SMTP_URL=smtp.url)
    inbox.hold_next = True
    first = processes.worker(env, "worker-1")
    [message_id] = queue_confirmations(app, 1)

    # The worker is in the middle of the SMTP conversation: the server holds its DATA.
    assert inbox.holding.wait(WAIT_SECONDS), first.tail()
    first.kill()
    inbox.release.set()
    [row] = rows(app, OutboxMessage)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.claim is not None  # the dead worker's claim, until its lease ends
    assert row.next_attempt_at > utcnow()

    # While the lease lasts no other worker takes the message.
    run_once(env)
    assert inbox.messages == []
    assert rows(app, OutboxMessage)[0].claim == row.claim

    # The lease lapses; the next worker sends it, once.
    lapse_lease(app, OutboxMessage, row.id)
    second = processes.worker(env, "worker-2")
    delivered = inbox.wait_for(1, WAIT_SECONDS)
    wait_until(
        lambda: rows(app, OutboxMessage)[0].status == OutboxStatus.SENT, "the message to be sent"
    )
    assert second.stop() == 0
    run_once(env)  # and nothing is due any more

    assert [message["Message-ID"] for message in inbox.messages] == [message_id]
    assert delivered[0]["To"] == "reader0@example.com"
    [sent] = rows(app, OutboxMessage)
    assert (sent.status, sent.attempts, sent.claim) == (OutboxStatus.SENT, 2, None)
    assert "Worker stopped." in second.output()


def test_a_refund_whose_worker_was_killed_mid_request_is_made_once_under_its_one_key(
    app: Any,
    database_url: str,
    tmp_path: Path,
    processes: Processes,
    holding_stripe: HoldingStripe,
) -> None:
    stripe = holding_stripe
    env = stripe_environment(database_url, tmp_path, stripe)
    stripe.hold_next = True
    first = processes.worker(env, "worker-1")
    [(intent_id, key)] = queue_refunds(app, stripe, 1).items()

    # The worker waits for Stripe's answer; it dies, and Stripe makes the refund anyway.
    assert stripe.holding.wait(WAIT_SECONDS), first.tail()
    first.kill()
    stripe.release.set()
    assert stripe.held_done.wait(WAIT_SECONDS)
    [job] = jobs_of(app, REFUND_JOB)
    assert (job.status, job.attempts) == (QueueStatus.PENDING, 1)
    assert job.claim is not None
    [order] = [order for order in rows(app, Order) if order.payment_intent_id == intent_id]
    assert (order.status, order.refund_id) == (OrderStatus.REFUNDING, None)

    # While the lease lasts no other worker asks again.
    run_once(env)
    assert stripe.refund_keys() == {key: 1}

    # The lease lapses: the next worker asks under the same key, and Stripe answers with the
    # refund it made, so the order gets that one refund.
    lapse_lease(app, Job, job.id)
    second = processes.worker(env, "worker-2")
    done = wait_until(
        lambda: [j for j in jobs_of(app, REFUND_JOB) if j.status == QueueStatus.DONE],
        "the refund job to be done",
    )
    assert second.stop() == 0

    assert stripe.refund_keys() == {key: 2}  # the same request twice...
    assert stripe.refunds_per_intent() == {intent_id: 1}  # ...one refund
    [refund_id] = list(stripe.stripe.refunds)
    [order] = [order for order in rows(app, Order) if order.payment_intent_id == intent_id]
    assert (order.status, order.refund_id, order.refund_error) == (
        OrderStatus.REFUNDING,  # refunded when charge.refunded reaches the webhook
        refund_id,
        None,
    )
    assert (done[0].attempts, done[0].claim) == (2, None)


# --- two workers, one PostgreSQL database -----------------------------------------------------


EMAILS = 50
REFUNDS = 20
# The worker's log lines for an email sent and a refund sent (outbox.py, refunds.py).
SENT_LINE = re.compile(r"outbox message (\d+) sent")
REFUND_LINE = re.compile(r"refund of order (\S+) sent")


def test_two_workers_on_postgresql_share_emails_and_refunds_and_do_none_twice(
    app: Any,
    database_url: str,
    tmp_path: Path,
    processes: Processes,
    smtp: SmtpServer,
    inbox: HoldingInbox,
    holding_stripe: HoldingStripe,
    request: pytest.FixtureRequest,
) -> None:
    if server_url() is None:
        pytest.skip(
            "needs PostgreSQL (FOR UPDATE SKIP LOCKED across workers): set TEST_DATABASE_URL "
            "to a postgresql:// URL, as .ci/run does"
        )
    stripe = holding_stripe
    # Each email and refund takes a moment, as a real server's and Stripe's do, so that the
    # work is spread over the time both workers are looking.
    inbox.delay = stripe.delay = 0.02
    env = stripe_environment(database_url, tmp_path, stripe, SMTP_URL=smtp.url)
    workers = [processes.worker(env, f"worker-{n}") for n in (1, 2)]

    message_ids = queue_confirmations(app, EMAILS)
    keys = queue_refunds(app, stripe, REFUNDS)
    inbox.wait_for(EMAILS, WAIT_SECONDS)
    wait_until(
        lambda: all(job.status == QueueStatus.DONE for job in jobs_of(app, REFUND_JOB)),
        "every refund job to be done",
    )
    wait_until(
        lambda: all(row.status == OutboxStatus.SENT for row in rows(app, OutboxMessage)),
        "every email to be marked sent",
    )
    for worker in workers:
        assert worker.stop() == 0, worker.tail()

    deliveries = Counter(str(message["Message-ID"]) for message in inbox.messages)
    assert sorted(deliveries) == sorted(message_ids)
    assert set(deliveries.values()) == {1}, deliveries.most_common(3)
    assert stripe.refund_keys() == dict.fromkeys(keys.values(), 1)
    assert stripe.refunds_per_intent() == dict.fromkeys(keys, 1)
    refunded = {order.payment_intent_id: order.refund_id for order in rows(app, Order)}
    assert {refunded[intent] for intent in keys} == set(stripe.stripe.refunds)

    # What each worker says it did (each line may be logged more than once: counted by id).
    emails_by = [set(SENT_LINE.findall(worker.output())) for worker in workers]
    refunds_by = [set(REFUND_LINE.findall(worker.output())) for worker in workers]
    assert not emails_by[0] & emails_by[1] and not refunds_by[0] & refunds_by[1]
    assert sum(map(len, emails_by)) == EMAILS and sum(map(len, refunds_by)) == REFUNDS
    assert all(emails_by) and all(refunds_by), "one worker did all of a kind of work"
    add_summary_line(
        request.config,
        f"two worker processes on PostgreSQL: emails {len(emails_by[0])} + {len(emails_by[1])}, "
        f"refunds {len(refunds_by[0])} + {len(refunds_by[1])}; each Message-ID delivered "
        "once, each refund key asked once",
    )


# --- a SEPA debit across a crash ---------------------------------------------------------------


def order_status(url: str, payment: dict[str, Any]) -> str:
    """The order's status as the server answers the success page."""
    response = requests.get(
        f"{url}/api/orders/{payment['paymentIntentId']}",
        params={"client_secret": payment["clientSecret"]},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    status: str = response.json()["status"]
    return status


def pay_by_sepa_debit_at_pay(url: str) -> dict[str, Any]:
    """Pay as the checkout does in demo mode: a ConfirmationToken for the IBAN, then Pay."""
    token = requests.post(
        f"{url}/demo/confirmation_tokens", json={"sepa_debit": {"iban": SEPA_SUCCEEDS}}, timeout=10
    )
    assert token.status_code == 200, token.text
    body = pay_body({BOOM: 1}, confirmationToken=token.json()["id"], returnUrl=RETURN_URL)
    response = requests.post(f"{url}/create-payment-intent", json=body, timeout=30)
    assert response.status_code == 200, response.text
    payment: dict[str, Any] = response.json()
    return payment


def pay_by_sepa_debit_in_the_page(url: str) -> dict[str, Any]:
    """Pay as an API client and Stripe.js do: Pay with no token, then the stand-in's confirm."""
    response = requests.post(f"{url}/create-payment-intent", json=pay_body({BOOM: 1}), timeout=30)
    assert response.status_code == 200, response.text
    payment: dict[str, Any] = response.json()
    confirmed = requests.post(
        f"{url}/demo/payment_intents/{payment['paymentIntentId']}/confirm",
        json={"client_secret": payment["clientSecret"], "sepa_debit": {"iban": SEPA_SUCCEEDS}},
        timeout=30,
    )
    assert confirmed.status_code == 200, confirmed.text
    return payment


@pytest.mark.parametrize(
    "pay",
    [
        pytest.param(pay_by_sepa_debit_at_pay, id="confirmed-at-pay"),
        pytest.param(pay_by_sepa_debit_in_the_page, id="confirmed-in-the-page"),
    ],
)
def test_a_sepa_debit_processing_when_server_and_worker_were_killed_settles_after_restart(
    app: Any,
    database_url: str,
    tmp_path: Path,
    processes: Processes,
    pay: Callable[[str], dict[str, Any]],
) -> None:
    env = environment(database_url, tmp_path)
    server, url = processes.server(env, "server-1")
    worker = processes.worker(env, "worker-1")
    payment = pay(url)

    # The bank takes seconds to answer (SETTLE_AFTER_SECONDS): processing first.
    seen = wait_until(
        lambda: (status := order_status(url, payment)) != OrderStatus.PENDING and status,
        "the order to leave pending",
    )
    assert seen == OrderStatus.PROCESSING, (
        f"the order went {seen} without being processing first: a debit settles "
        "SETTLE_AFTER_SECONDS after it is processing, not at once"
    )
    server.kill()
    worker.kill()

    [order] = rows(app, Order)
    assert order.status == OrderStatus.PROCESSING
    settling = [job for job in jobs_of(app, DEMO_EVENT_JOB) if "settle" in job.payload]
    assert [job.status for job in settling] == [QueueStatus.PENDING]  # kept in the database
    for job in jobs_of(app, DEMO_EVENT_JOB):
        if job.claim is not None:  # the killed worker was on it: its lease lapses meanwhile
            lapse_lease(app, Job, job.id)

    _, url = processes.server(env, "server-2")
    processes.worker(env, "worker-2")
    wait_until(lambda: order_status(url, payment) == OrderStatus.PAID, "the debit to settle")

    with app.app_context():
        applied = db.session.scalars(
            select(ProcessedEvent.type).where(ProcessedEvent.type.like("payment_intent.%"))
        ).all()
    assert Counter(applied) == {"payment_intent.processing": 1, "payment_intent.succeeded": 1}
    # The job is settled just after the event it delivered is applied.
    wait_until(
        lambda: (
            [j.status for j in jobs_of(app, DEMO_EVENT_JOB) if "settle" in j.payload]
            == [QueueStatus.DONE]
        ),
        "the settle job to be done",
    )


def test_a_debit_the_bank_settled_whose_worker_died_before_telling_the_shop_is_paid_after_restart(
    app: Any, database_url: str, tmp_path: Path, processes: Processes
) -> None:
    if server_url() is None:
        pytest.skip(
            "needs PostgreSQL, whose row lock stops the worker between the bank's answer and "
            "the shop's webhook: set TEST_DATABASE_URL to a postgresql:// URL, as .ci/run does"
        )
    env = environment(database_url, tmp_path)
    server, url = processes.server(env, "server-1")
    worker = processes.worker(env, "worker-1")
    payment = pay_by_sepa_debit_in_the_page(url)
    assert order_status(url, payment) == OrderStatus.PROCESSING
    intent_id = payment["paymentIntentId"]

    # The test holds the order's row: the worker settles the debit with the demo bank, then
    # waits to apply the event that tells the shop, and dies there with the server.
    with app.app_context():
        holder = db.engine.connect()
        holder.execute(
            select(Order.id).where(Order.payment_intent_id == intent_id).with_for_update()
        )
        wait_until(
            lambda: (
                (
                    db.session.scalar(
                        select(DemoPaymentIntent.status).where(DemoPaymentIntent.id == intent_id)
                    )
                    == "succeeded"
                )
                or db.session.rollback()
            ),
            "the demo bank to settle the debit",
        )
        db.session.rollback()
        worker.kill()
        server.kill()
        holder.rollback()
        holder.close()
    [order] = rows(app, Order)
    assert order.status == OrderStatus.PROCESSING  # the shop was not told
    [settling] = [job for job in jobs_of(app, DEMO_EVENT_JOB) if "settle" in job.payload]
    assert (settling.status, settling.attempts) == (QueueStatus.PENDING, 1)
    lapse_lease(app, Job, settling.id)

    _, url = processes.server(env, "server-2")
    processes.worker(env, "worker-2")
    wait_until(lambda: order_status(url, payment) == OrderStatus.PAID, "the shop to hear of it")
