"""The owner's internal notes on an order: entries of its history that shoppers never see.

A note is an OrderEvent of kind "note" whose detail starts with who wrote it. Nothing the
shopper is shown (the success page, "Find your order", the emails) reads the history.
"""

from __future__ import annotations

from bookstore.domain_errors import InvalidRequest
from bookstore.orders.models import Order, OrderEvent, record

NOTE_KIND = "note"
MAX_NOTE = 500


class InvalidNote(InvalidRequest):
    """An empty note, or one over MAX_NOTE characters (400)."""

    code = "invalid_note"


def add_note(order: Order, text: str, *, author: str) -> OrderEvent:
    """Add the note to the order's history, signed by `author`, in the caller's transaction."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidNote("A note needs some text.")
    if len(cleaned) > MAX_NOTE:
        raise InvalidNote(f"A note is at most {MAX_NOTE} characters.")
    return record(order, NOTE_KIND, f"{author}: {cleaned}")
