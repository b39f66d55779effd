"""The email to the owners when a title's available copies fall to its low-stock threshold.

One outbox row per owner (each address is sent, retried or given up on by itself, and one bad
address holds up no other), keyed by the title and the fall's number, so the same fall never
emails an owner twice. The catalogue area says which titles fell (bookstore.catalogue.low_stock)
and the owners area who the owners are; the app joins the three at start.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from email.utils import parseaddr
from typing import Protocol

from flask import render_template

from bookstore.config import current_settings
from bookstore.notifications.emails import SHOP_NAME
from bookstore.notifications.outbox import Email, queue_once

KIND = "low_stock"


class FallForEmail(Protocol):
    """What the email says of a title's fall (bookstore.catalogue.low_stock.LowStock)."""

    @property
    def book_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def available(self) -> int: ...
    @property
    def threshold(self) -> int: ...
    @property
    def crossing(self) -> int: ...


def dedupe_key(fall: FallForEmail) -> str:
    """low_stock:<book id>:<the fall's number>: one email per owner for each fall."""
    return f"{KIND}:{fall.book_id}:{fall.crossing}"


def queue_low_stock_emails(
    falls: Sequence[FallForEmail], recipients: Callable[[], Sequence[str]]
) -> int:
    """Add one email per owner for each fall to the caller's transaction; how many.

    `recipients` gives every owner's address (asked only when a title fell).
    """
    if not falls:
        return 0
    addresses = list(recipients())
    queued = 0
    for fall in falls:
        context = {
            "shop": SHOP_NAME,
            "title": fall.title,
            "book_id": fall.book_id,
            "available": fall.available,
            "threshold": fall.threshold,
            "dashboard_url": _dashboard_url(),
        }
        subject = f"Low stock: {fall.title} has {fall.available} available"
        text = render_template("email/low_stock.txt", **context)
        html = render_template("email/low_stock.html", **context)
        for address in addresses:
            email = Email(address, subject, text, html, _message_id(fall))
            queued += queue_once(dedupe_key(fall), KIND, email)
    return queued


def _dashboard_url() -> str:
    """The owners' dashboard, on the shop's first origin."""
    return f"{current_settings().frontend_origins[0]}/admin"


def _message_id(fall: FallForEmail) -> str:
    """A Message-ID of its own, kept for every attempt."""
    domain = parseaddr(current_settings().mail_from)[1].rpartition("@")[2] or "localhost"
    return f"<{KIND}.{fall.crossing}.{secrets.token_hex(8)}@{domain}>"
