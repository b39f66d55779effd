"""Customer emails: queued with the payment or refund, sent once, through a real SMTP server.

Orders are paid and refunded by signed webhook deliveries to the Stripe-mode app, as Stripe
would; the emails go to an aiosmtpd server in this process. The background sender is off
(Settings built in code have none), so each test sends by calling the sender, at the time it
chooses, and never sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from run_summary import add_summary_line
from smtp_server import Inbox, SmtpServer
from stripe_fakes import FakeStripe
from webhook_events import intent_event, post_event, refund_event

from bookstore import create_app
from bookstore.config import Settings, current_settings
from bookstore.db import db, utcnow
from bookstore.notifications import outbox
from bookstore.notifications.mail import current_transport
from bookstore.notifications.outbox import (
    CLAIM_SECONDS,
    MAX_ATTEMPTS,
    OutboxMessage,
    OutboxStatus,
    SendReport,
    retry_delay,
    send_due,
)
from bookstore.orders.models import Order, OrderLine, OrderStatus, new_token
from bookstore.worker.lanes import Lane, send_one_email
from bookstore.worker.runner import Worker

EMAIL = "ada@example.com"
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "line2": "Flat 3",
    "city": "San Francisco",
    "state": "CA",
    "postal_code": "94107",
    "country": "US",
    "phone": None,
}
# Two copies at 25.00 and one at 10.00, 5.99 shipping, 4.41 tax: 70.40 in all.
LINES = (
    ("the-dream-machine", "The Dream Machine", 2, 2500),
    ("stubborn-attachments", "Stubborn Attachments", 1, 1000),
)
SUBTOTAL, SHIPPING, TAX = 6000, 599, 441
TOTAL = SUBTOTAL + SHIPPING + TAX


@pytest.fixture(autouse=True)
def _longest_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each retry waits the longest its backoff allows, so the tests know when it is due."""
    monkeypatch.setattr(outbox, "jitter", lambda: 1.0)


@pytest.fixture
def inbox() -> Inbox:
    """What the SMTP server accepted."""
    return Inbox()


@pytest.fixture
def smtp(inbox: Inbox) -> Iterator[SmtpServer]:
    """A real SMTP server on a free local port."""
    server = SmtpServer(inbox)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_settings(stripe_settings: Settings, smtp: SmtpServer, tmp_path: Path) -> Settings:
    """Stripe mode, sending through the test's SMTP server."""
    return stripe_settings.replace(smtp_url=smtp.url, mail_dir=tmp_path / "mail")


@pytest.fixture
def mail_app(mail_settings: Settings, fake_stripe: FakeStripe) -> Flask:
    """The Stripe-mode app with SMTP_URL set and no background sender."""
    app = create_app(mail_settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def mail_client(mail_app: Flask) -> FlaskClient:
    """HTTP client of the app, for webhook deliveries."""
    return mail_app.test_client()


def add_order(
    app: Flask,
    intent_id: str,
    *,
    email: str | None = EMAIL,
    address: dict[str, str | None] | None = ADDRESS,
    lines: tuple[tuple[str, str, int, int], ...] = LINES,
) -> Order:
    """A pending order as checkout leaves it: lines, totals, address, delivery, email."""
    with app.app_context():
        order = Order(
            token=new_token(),
            gateway="stripe_test",
            currency="usd",
            subtotal=SUBTOTAL,
            shipping_amount=SHIPPING,
            tax_amount=TAX,
            amount=TOTAL,
            email=email,
            shipping_address=address,
            delivery_method="standard",
            delivery_min_days=3,
            delivery_max_days=5,
            payment_intent_id=intent_id,
            status=OrderStatus.PENDING,
            lines=[
                OrderLine(
                    book_id=book_id,
                    title=title,
                    quantity=quantity,
                    unit_amount=unit,
                    line_total=unit * quantity,
                )
                for book_id, title, quantity, unit in lines
            ],
        )
        db.session.add(order)
        db.session.commit()
        db.session.refresh(order)
        db.session.expunge(order)
        return order


def paid_event(order: Order, amount: int = TOTAL) -> dict[str, Any]:
    """payment_intent.succeeded for the order's PaymentIntent."""
    assert order.payment_intent_id is not None
    return intent_event(
        "payment_intent.succeeded", order.payment_intent_id, amount=amount, order_token=order.token
    )


def send(app: Flask, at: datetime | None = None) -> SendReport:
    """Run the sender once, as the background thread or `outbox send` does, at time `at`."""
    clock: Callable[[], datetime] = utcnow if at is None else (lambda: at)
    with app.app_context():
        return send_due(current_transport(), current_settings().mail_from, now=clock)


def outbox_rows(app: Flask) -> list[OutboxMessage]:
    """Every message in the outbox, oldest first."""
    with app.app_context():
        rows = list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML bodies."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_a_paid_order_gets_exactly_one_confirmation_under_five_replays(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(mail_app, "pi_1")
    event = paid_event(order)

    first = post_event(mail_client, event)
    report = send(mail_app)
    replays = [post_event(mail_client, event) for _ in range(4)]
    again = send(mail_app)

    assert [first, *replays] == ["processed"] + ["duplicate"] * 4
    assert (report.sent, again.sent) == (1, 0)
    assert len(inbox.messages) == 1
    [row] = outbox_rows(mail_app)
    assert (row.kind, row.status, row.attempts) == ("confirmation", OutboxStatus.SENT, 1)
    message = inbox.messages[0]
    assert message["To"] == EMAIL
    assert message["From"] == "Stripe Press Bookstore <orders@bookstore.localhost>"
    assert order.number in message["Subject"]
    assert inbox.envelopes == [("orders@bookstore.localhost", [EMAIL])]


def test_nothing_is_sent_inside_the_webhook_only_queued(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(mail_app, "pi_1")

    post_event(mail_client, paid_event(order))

    assert inbox.messages == []
    [row] = outbox_rows(mail_app)
    assert (row.status, row.attempts, row.recipient) == (OutboxStatus.PENDING, 0, EMAIL)


def test_the_confirmation_lists_the_order_in_text_and_html(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(mail_app, "pi_1")
    post_event(mail_client, paid_event(order))
    send(mail_app)

    [message] = inbox.messages
    assert message.get_content_type() == "multipart/alternative"
    for body in parts(message):
        assert order.number in body
        assert "The Dream Machine" in body and "Stubborn Attachments" in body
        assert "25.00 USD" in body and "50.00 USD" in body and "10.00 USD" in body
        for total in ("60.00 USD", "5.99 USD", "4.41 USD", "70.40 USD"):
            assert total in body
        assert "Ada Lovelace" in body and "San Francisco CA 94107" in body
        assert "United States" in body
        assert "Standard, 3 to 5 business days" in body
    text, _ = parts(message)
    assert "2 x The Dream Machine (25.00 USD each): 50.00 USD" in text
    assert "Total: 70.40 USD" in text
    assert "12 St James's Square" in text


def test_what_the_shopper_typed_is_escaped_in_the_html(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(
        mail_app,
        "pi_1",
        address={**ADDRESS, "name": "<script>alert(1)</script>", "line1": "1 A & B Street"},
        lines=(("boom", "Tom & Jerry <b>", 1, SUBTOTAL),),
    )
    post_event(mail_client, paid_event(order))
    send(mail_app)

    text, html = parts(inbox.messages[0])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry &lt;b&gt;" in html and "1 A &amp; B Street" in html
    assert "Thank you for your order, <script>alert(1)</script>." in text
    assert "Tom & Jerry <b>" in text


def test_an_order_without_an_address_is_held_for_review_and_gets_no_confirmation(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    # Pay refuses one now; an order from before that may still be paid.
    order = add_order(mail_app, "pi_1", address=None)

    post_event(mail_client, paid_event(order))
    send(mail_app)

    assert outbox_rows(mail_app) == []
    assert inbox.messages == []
    with mail_app.app_context():
        stored = db.session.get(Order, order.id)
        assert stored is not None and stored.status == "review"


def test_a_paid_order_without_an_email_sends_nothing(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(mail_app, "pi_1", email=None)

    post_event(mail_client, paid_event(order))
    report = send(mail_app)

    assert report == SendReport()
    assert outbox_rows(mail_app) == []
    assert inbox.messages == []


def test_an_order_held_for_review_gets_no_confirmation(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(mail_app, "pi_1")

    post_event(mail_client, paid_event(order, amount=TOTAL - 1))
    send(mail_app)

    assert outbox_rows(mail_app) == []
    assert inbox.messages == []


def test_a_refund_sends_one_refund_email(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(mail_app, "pi_1")
    post_event(mail_client, paid_event(order))
    refund = refund_event("pi_1", amount=TOTAL)

    results = [post_event(mail_client, refund) for _ in range(3)]
    # A second refund event (another id) for the same order: the order is refunded already.
    results.append(post_event(mail_client, refund_event("pi_1", amount=TOTAL)))
    report = send(mail_app)

    assert results == ["processed", "duplicate", "duplicate", "processed"]
    assert report.sent == 2
    kinds = [row.kind for row in outbox_rows(mail_app)]
    assert kinds == ["confirmation", "refund"]
    refund_email = next(m for m in inbox.messages if "refunded" in m["Subject"])
    assert order.number in refund_email["Subject"]
    for body in parts(refund_email):
        assert order.number in body and "70.40 USD" in body


def test_a_partial_refund_sends_no_refund_email(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(mail_app, "pi_1")
    post_event(mail_client, paid_event(order))

    post_event(mail_client, refund_event("pi_1", amount=TOTAL, refunded=False))

    assert [row.kind for row in outbox_rows(mail_app)] == ["confirmation"]


def test_an_smtp_outage_is_retried_later_and_then_delivers(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox, smtp: SmtpServer
) -> None:
    order = add_order(mail_app, "pi_1")
    post_event(mail_client, paid_event(order))
    smtp.stop()
    start = utcnow()

    during = send(mail_app, at=start)
    [row] = outbox_rows(mail_app)
    too_soon = send(mail_app, at=start + retry_delay(1) - timedelta(seconds=1))
    smtp.start()
    after = send(mail_app, at=start + retry_delay(1))

    assert (during.sent, during.retrying, during.failed) == (0, 1, 0)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and row.claim is None
    assert row.last_error is not None and "Connection" in row.last_error
    assert row.next_attempt_at == start + retry_delay(1)
    assert too_soon == SendReport()
    assert after.sent == 1
    assert len(inbox.messages) == 1
    [sent] = outbox_rows(mail_app)
    assert (sent.status, sent.attempts, sent.last_error) == (OutboxStatus.SENT, 2, None)


def test_a_server_answering_try_later_is_retried_with_a_growing_wait(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(mail_app, "pi_1")
    post_event(mail_client, paid_event(order))
    inbox.refuse_data = "451 4.3.0 Try again later"
    at = utcnow()

    waits = []
    for _ in range(3):
        assert send(mail_app, at=at).retrying == 1
        [row] = outbox_rows(mail_app)
        waits.append(row.next_attempt_at - at)
        at = row.next_attempt_at
    inbox.refuse_data = None
    delivered = send(mail_app, at=at)

    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert row.last_error == "451 4.3.0 Try again later"
    assert delivered.sent == 1 and len(inbox.messages) == 1


def test_a_recipient_refused_for_good_is_not_retried_until_asked(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(mail_app, "pi_1")
    post_event(mail_client, paid_event(order))
    inbox.refuse_recipient = "550 5.1.1 No such user"

    report = send(mail_app)
    later = send(mail_app, at=utcnow() + timedelta(days=2))
    [row] = outbox_rows(mail_app)
    inbox.refuse_recipient = None
    retried = mail_app.test_cli_runner().invoke(args=["outbox", "retry", str(row.id)])
    delivered = send(mail_app)

    assert (report.failed, later) == (1, SendReport())
    assert row.status == OutboxStatus.FAILED
    assert row.last_error is not None and "550 5.1.1 No such user" in row.last_error
    assert "1 failed email(s) and 0 dead job(s) due again" in retried.output
    assert delivered.sent == 1 and len(inbox.messages) == 1


def test_it_gives_up_after_the_last_attempt(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox, smtp: SmtpServer
) -> None:
    order = add_order(mail_app, "pi_1")
    post_event(mail_client, paid_event(order))
    smtp.stop()
    at = utcnow()

    reports = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        reports.append(send(mail_app, at=at))
        at += retry_delay(attempt)
    [row] = outbox_rows(mail_app)

    assert [r.retrying for r in reports] == [1] * (MAX_ATTEMPTS - 1) + [0]
    assert reports[-1].failed == 1
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert send(mail_app, at=at + timedelta(days=30)) == SendReport()


class Crash(BaseException):
    """Stands for the process dying mid-send (nothing in the sender catches it)."""


def test_a_crashed_senders_message_is_sent_once_its_claim_expires(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    order = add_order(mail_app, "pi_1")
    post_event(mail_client, paid_event(order))

    class DyingTransport:
        def send(self, message: EmailMessage) -> None:
            raise Crash

        def describe(self) -> str:
            return "a sender that dies"

    start = utcnow()
    with mail_app.app_context(), pytest.raises(Crash):
        send_due(DyingTransport(), current_settings().mail_from, now=lambda: start)
    while_claimed = send(mail_app, at=start + timedelta(seconds=CLAIM_SECONDS - 1))
    after_expiry = send(mail_app, at=start + timedelta(seconds=CLAIM_SECONDS))

    assert while_claimed == SendReport()
    assert after_expiry.sent == 1 and len(inbox.messages) == 1
    [row] = outbox_rows(mail_app)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


def test_two_concurrent_senders_never_send_one_message_twice(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox, pytestconfig: pytest.Config
) -> None:
    orders = [add_order(mail_app, f"pi_{n}") for n in range(20)]
    for order in orders:
        post_event(mail_client, paid_event(order))
    start = threading.Barrier(2)
    reports: list[SendReport] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            start.wait(timeout=10)
            reports.append(send(mail_app))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(report.sent for report in reports) == 20
    numbers = sorted(message["Subject"].split()[-1] for message in inbox.messages)
    assert numbers == sorted(order.number for order in orders)
    assert len({message["Message-ID"] for message in inbox.messages}) == 20
    assert {row.attempts for row in outbox_rows(mail_app)} == {1}
    add_summary_line(
        pytestconfig,
        "outbox: 2 concurrent senders sent 20 emails "
        f"({' + '.join(str(report.sent) for report in reports)}), none twice",
    )


def test_a_running_worker_sends_soon_after_the_webhook(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    worker = Worker(mail_app, [Lane("email", send_one_email)], poll_seconds=0.05)
    worker.start()
    order = add_order(mail_app, "pi_1")
    try:
        post_event(mail_client, paid_event(order))
        delivered = inbox.wait_for(1, timeout=10)
    finally:
        worker.stop()
        worker.wait()

    assert len(delivered) == 1 and order.number in delivered[0]["Subject"]


def test_the_web_process_keeps_no_background_thread(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox
) -> None:
    before = set(threading.enumerate())
    order = add_order(mail_app, "pi_1")
    post_event(mail_client, paid_event(order))
    mail_client.get("/books")

    assert set(threading.enumerate()) - before == set()
    assert inbox.messages == []  # queued, for the worker: the web process sent nothing


def test_each_retry_waits_a_random_part_of_the_doubled_wait() -> None:
    delay = outbox.EMAIL.delay

    assert delay(1, rand=lambda: 0.0) == timedelta(seconds=15)
    assert delay(1, rand=lambda: 1.0) == timedelta(seconds=30)
    assert delay(3, rand=lambda: 0.5) == timedelta(seconds=90)
    assert delay(40, rand=lambda: 1.0) == timedelta(seconds=3600)


def test_outbox_send_and_list_for_the_owner(
    mail_app: Flask, mail_client: FlaskClient, inbox: Inbox, smtp: SmtpServer
) -> None:
    runner = mail_app.test_cli_runner()
    first, second = add_order(mail_app, "pi_1"), add_order(mail_app, "pi_2")
    post_event(mail_client, paid_event(first))

    sent = runner.invoke(args=["outbox", "send"])
    smtp.stop()
    post_event(mail_client, paid_event(second))
    failed = runner.invoke(args=["outbox", "send"])
    listed = runner.invoke(args=["outbox", "list"])
    only_sent = runner.invoke(args=["outbox", "list", "--status", "sent"])

    assert sent.exit_code == 0, sent.output
    assert f"Sent 1 email(s) through SMTP server 127.0.0.1:{smtp.port}" in sent.output
    assert "0 to retry later" in sent.output
    assert "Sent 0 email(s)" in failed.output and "1 to retry later" in failed.output
    title, header, newest, oldest, jobs = listed.output.splitlines()
    assert (title, jobs) == ("Emails", "Jobs: none.")
    assert "STATUS" in header
    assert second.number in newest and "pending" in newest and "Connection" in newest
    assert first.number in oldest and "confirmation" in oldest and "sent" in oldest
    assert first.number in only_sent.output and second.number not in only_sent.output


def test_outbox_list_and_retry_without_anything_to_do(mail_app: Flask) -> None:
    runner = mail_app.test_cli_runner()

    listed = runner.invoke(args=["outbox", "list"])
    retried = runner.invoke(args=["outbox", "retry"])
    retried_all = runner.invoke(args=["outbox", "retry", "--all-failed"])

    assert listed.output.splitlines() == ["Emails: none.", "Jobs: none."]
    assert retried.exit_code == 2 and "--all-failed" in retried.output
    assert retried_all.output.strip() == "0 failed email(s) and 0 dead job(s) due again."


def test_without_smtp_url_each_email_is_an_eml_file_in_the_mail_folder(
    stripe_settings: Settings, fake_stripe: FakeStripe, tmp_path: Path
) -> None:
    folder = tmp_path / "mail"
    app = create_app(stripe_settings.replace(mail_dir=folder))
    app.config["TESTING"] = True
    order = add_order(app, "pi_1")
    post_event(app.test_client(), paid_event(order))

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert f"through the folder {folder}" in result.output
    [path] = list(folder.iterdir())
    assert path.suffix == ".eml" and order.number in path.name
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == EMAIL and order.number in message["Subject"]
    text, html = parts(message)
    assert "Total: 70.40 USD" in text
    assert html.lstrip().startswith("<!doctype html>") and order.number in html
