"""A purchase with Stripe's test card 4000 0000 0000 5126, refunded by the owner from the shell:
the refund fails afterwards, the owner sees Stripe's reason, tries again (it fails again, as at
Stripe), then records that the money went back by bank transfer; the shopper gets one refund
email. Chromium buys; the real worker process delivers the demo's events and sends the mail."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from e2e_servers import Servers
from playwright.sync_api import Page
from shopping import checkout_one_book, expect_paid, order_number_shown, pay_with

ROOT = Path(__file__).resolve().parents[2]
REFUND_FAILS_CARD = "4000 0000 0000 5126"
WAIT_SECONDS = 30.0


def owner(servers: Servers, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `flask --app bookstore ...` as the owner would, on the servers' database."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "backend"),
        "STRIPE_PUBLISHABLE_KEY": "",
        "STRIPE_SECRET_KEY": "",
        "STRIPE_WEBHOOK_SECRET": "",
        "DEMO_MODE": "1",
        "DATABASE_URL": f"sqlite:///{servers.database}",
        "MAIL_DIR": str(servers.database.parent / "mail"),
    }
    return subprocess.run(  # noqa: S603 (fixed local command)
        [sys.executable, "-m", "flask", "--app", "bookstore", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def shown_until(servers: Servers, number: str, text: str, times: int = 1) -> str:
    """`orders show NUMBER` once `text` is in it `times` times (the worker delivers the
    events a little later), or as it is after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        shown = owner(servers, "orders", "show", number).stdout
        if shown.count(text) >= times or time.monotonic() > deadline:
            return shown
        time.sleep(0.5)


def refund_emails(servers: Servers, number: str) -> list[str]:
    """The statuses of the order's refund emails in the outbox."""
    with sqlite3.connect(servers.database) as connection:
        rows = connection.execute(
            "SELECT m.status FROM outbox_messages m JOIN orders o ON o.id = m.order_id "
            "WHERE o.number = ? AND m.kind = 'refund'",
            (number,),
        ).fetchall()
    return [status for (status,) in rows]


def test_a_refund_of_card_5126_fails_and_the_owner_settles_it_another_way(
    fresh_page: Page, servers: Servers
) -> None:
    page = fresh_page
    _, quote = checkout_one_book(page, servers)
    pay_with(page, REFUND_FAILS_CARD)
    expect_paid(page, servers, quote.total)
    number = order_number_shown(page)

    refunded = owner(servers, "orders", "refund", number, "--reason", "customer asked")
    failed = shown_until(servers, number, "Not refunded")
    retried = owner(servers, "orders", "refund", number, "--no-wait")
    failed_again = shown_until(servers, number, "refund_failed ", times=2)
    settled = owner(servers, "orders", "refund", number, "--returned-another-way", "bank transfer")
    final = shown_until(servers, number, "refund_returned_another_way")

    assert refunded.returncode == 0, refunded.stderr
    assert "Not refunded" in failed and "expired_or_canceled_card" in failed
    assert retried.returncode == 0, retried.stderr
    assert "trying again under" in retried.stdout
    assert failed_again.count("refund_failed ") == 2 and "Not refunded" in failed_again
    assert settled.returncode == 0, settled.stderr
    assert "Status          refunded" in final
    deadline = time.monotonic() + WAIT_SECONDS
    while refund_emails(servers, number) != ["sent"] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert refund_emails(servers, number) == ["sent"]
