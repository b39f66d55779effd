"""Failed sign-ins slow the next tries down, per client, so nobody can lock the owner out.

Two rules, both counted in the database (so they hold across processes and servers):

- per (email, client): after FREE_FAILURES failures in a row at one email from one client,
  each further try waits 1 s after the last, then 2 s, 4 s... up to MAX_DELAY: a guesser at
  one account gets about a hundred tries a day from one address, and no more in parallel.
- per client: at most CLIENT_CAP failures in CLIENT_WINDOW across every email, so one client
  cannot spread its guesses over many accounts instead.

Both rules name the client, so failures from elsewhere never refuse the owner's own
connection. A client is bookstore.web.clients.client_key's: an IPv4 address or an IPv6 /64.
An attempt is written (pending) before its password is checked and counts as a failure until
it succeeds, so that requests sent at once cannot all slip under the limit together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bookstore.db import db, lock_for_write, lock_name
from bookstore.domain_errors import LimitReached
from bookstore.owners.models import AttemptOutcome, SignInAttempt

FREE_FAILURES = 5
MAX_DELAY = timedelta(minutes=15)
CLIENT_WINDOW = timedelta(minutes=15)
CLIENT_CAP = 30
# Attempts older than this no longer count, and are deleted.
REMEMBERED_FOR = timedelta(hours=24)
# Enough of a pair's latest attempts to reach the longest delay.
_PAIR_ROWS = FREE_FAILURES + 32


class SignInThrottled(LimitReached):
    """Too many failed sign-ins from this client: wait `retry_after` seconds."""

    code = "sign_in_throttled"


def begin_attempt(email: str, client: str, now: datetime) -> SignInAttempt:
    """Record a pending attempt, or SignInThrottled when the client must wait first."""
    # One client's attempts are counted and written one at a time (across servers too).
    lock_for_write()
    lock_name(f"owner-sign-in/{client}")
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - REMEMBERED_FOR))
    wait = max(_pair_wait(email, client, now), _client_wait(client, now))
    if wait > 0:
        db.session.commit()
        raise SignInThrottled(
            "Too many failed sign-ins from this connection: wait "
            f"{_seconds(wait)} seconds before trying again.",
            retry_after=_seconds(wait),
        )
    attempt = SignInAttempt(email=email, client_key=client, at=now)
    db.session.add(attempt)
    db.session.commit()
    return attempt


def settle(attempt: SignInAttempt, outcome: AttemptOutcome) -> None:
    """Mark how the attempt ended (in the caller's transaction)."""
    attempt.outcome = outcome


def delay_after(failures: int) -> timedelta:
    """How long after the last of `failures` failures in a row the next try must wait."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    # Capped before the power, which would otherwise grow without bound.
    doublings = min(failures - FREE_FAILURES, 20)
    return min(timedelta(seconds=2**doublings), MAX_DELAY)


def _pair_wait(email: str, client: str, now: datetime) -> float:
    """Seconds this client must still wait before trying this email again."""
    rows: Sequence[tuple[datetime, str]] = db.session.execute(
        select(SignInAttempt.at, SignInAttempt.outcome)
        .where(
            SignInAttempt.client_key == client,
            SignInAttempt.email == email,
            SignInAttempt.at > now - REMEMBERED_FOR,
        )
        .order_by(SignInAttempt.at.desc(), SignInAttempt.id.desc())
        .limit(_PAIR_ROWS)
    ).all()
    failures = 0
    for _, outcome in rows:
        if outcome == AttemptOutcome.SIGNED_IN:
            break
        failures += 1
    if failures == 0:
        return 0.0
    return (rows[0][0] + delay_after(failures) - now).total_seconds()


def _client_wait(client: str, now: datetime) -> float:
    """Seconds until this client's failures in the window fall under the cap."""
    times = db.session.scalars(
        select(SignInAttempt.at)
        .where(
            SignInAttempt.client_key == client,
            SignInAttempt.at > now - CLIENT_WINDOW,
            SignInAttempt.outcome != AttemptOutcome.SIGNED_IN,
        )
        .order_by(SignInAttempt.at)
    ).all()
    if len(times) < CLIENT_CAP:
        return 0.0
    # Below the cap once this failure leaves the window.
    leaving = times[len(times) - CLIENT_CAP]
    return (leaving + CLIENT_WINDOW - now).total_seconds()


def _seconds(wait: float) -> int:
    """A wait in whole seconds for Retry-After, at least one."""
    return max(1, math.ceil(wait))
