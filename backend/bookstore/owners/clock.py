"""The time the owners' rules are judged at: the app's own clock, which tests replace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import current_app

from bookstore.db import utcnow

# app.extensions[CLOCK_KEY]: a callable returning an aware UTC datetime (default: utcnow).
CLOCK_KEY = "owners_clock"

Clock = Callable[[], datetime]


def owner_clock() -> datetime:
    """Now, by the clock of the app handling this request or command."""
    clock: Clock = current_app.extensions.get(CLOCK_KEY, utcnow)
    return clock()
