"""Claiming queued rows one at a time, so that several workers never do the same work.

A worker claims the row due longest: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers on
several servers each take a different row without waiting on one another; on SQLite (one
writer at a time, and no SKIP LOCKED) the UPDATE repeats the due condition, so of two workers
that picked one row only one changes it. The claim is a random token with a lease: the row's
next attempt moves past the lease, so the work of a worker that died mid-job is due again when
the lease ends, and a worker that outlived its lease cannot settle a row taken over since.
"""

from __future__ import annotations

import enum
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, CursorResult, String, and_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.db import UtcDateTime, db, utcnow

MAX_ERROR = 500
T = TypeVar("T")


class QueueStatus(enum.StrEnum):
    """Where a queued row stands; a pending one with a live claim is being worked on."""

    PENDING = "pending"
    DONE = "done"  # an email's is "sent" (notifications.outbox)
    DEAD = "dead"  # given up: refused for good, or out of attempts; the owner can retry it


class QueueColumns:
    """The columns a queued row is claimed by (a mixin of OutboxMessage and Job)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default=QueueStatus.PENDING)
    # Attempts started (counted when claimed, so a worker that dies mid-job counts too).
    attempts: Mapped[int] = mapped_column(default=0)
    # When a worker may take it next: due now, after a retry's backoff, or when a claim expires.
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The random token of the worker holding it; None when nobody is working on it.
    claim: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(MAX_ERROR))


Queued = type[QueueColumns]


@dataclass(frozen=True)
class Policy:
    """How one kind of work is retried: backoff with jitter, a lease and an attempt limit."""

    first_retry_seconds: float
    max_retry_seconds: float
    max_attempts: int
    # How long a worker owns a row it claimed; far longer than the work can take, so only a
    # worker that died loses its claim.
    lease_seconds: float

    def delay(self, attempts: int, rand: Callable[[], float] = random.random) -> timedelta:
        """The wait after the `attempts`-th failure: doubling up to the cap, then a random part.

        Between half and all of the doubled delay ("equal jitter"), so retries of rows that
        failed together (an outage) spread out instead of arriving together again.
        """
        doubled = self.first_retry_seconds * 2 ** min(max(attempts - 1, 0), 30)
        ceiling = min(doubled, self.max_retry_seconds)
        return timedelta(seconds=ceiling / 2 + rand() * ceiling / 2)


@dataclass(frozen=True)
class Claim:
    """A row this worker holds, and what it read of it inside the claiming transaction."""

    id: int
    token: str
    attempts: int


def due(model: Queued, now: datetime) -> ColumnElement[bool]:
    """Pending and its time has come (a claim whose lease ended counts as due)."""
    return and_(model.status == QueueStatus.PENDING, model.next_attempt_at <= now)


def claim_next(
    model: Queued,
    now: datetime,
    policy: Policy,
    read: Callable[[int], T],
    *criteria: ColumnElement[bool],
) -> tuple[Claim, T] | None:
    """Claim the row due longest (among those matching `criteria`), or None if none is due.

    `read(id)` runs in the claiming transaction and its answer is returned with the claim; the
    transaction is committed before the work starts, so no lock is held while it runs.
    """
    for _ in range(100):  # bounded: on SQLite another worker may win each race
        query = (
            select(model.id)
            .where(due(model, now), *criteria)
            .order_by(model.next_attempt_at, model.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        candidate = db.session.scalar(query)
        if candidate is None:
            db.session.rollback()
            return None
        token = secrets.token_hex(16)
        taken = update_rows(
            model,
            and_(model.id == candidate, due(model, now)),
            claim=token,
            attempts=model.attempts + 1,
            next_attempt_at=now + timedelta(seconds=policy.lease_seconds),
        )
        if not taken:
            db.session.rollback()  # another worker was first; look again
            continue
        attempts = db.session.scalar(select(model.attempts).where(model.id == candidate))
        answer = read(candidate)
        db.session.commit()
        return Claim(candidate, token, attempts or 1), answer
    return None


def settle(model: Queued, claim: Claim, **values: Any) -> bool:
    """Release the claim with these changes, if this worker still holds it; commits."""
    done = (
        update_rows(
            model, and_(model.id == claim.id, model.claim == claim.token), claim=None, **values
        )
        == 1
    )
    db.session.commit()
    return done


def retry_or_give_up(
    model: Queued,
    claim: Claim,
    policy: Policy,
    reason: str,
    now: datetime,
    *,
    permanent: bool = False,
    dead_status: str = QueueStatus.DEAD,
    rand: Callable[[], float] = random.random,
) -> str | None:
    """After a failed attempt: due again after the backoff, or dead. Which, or None if the
    claim was lost (another worker took the row over after this one's lease ended)."""
    reason = reason[:MAX_ERROR]
    if permanent or claim.attempts >= policy.max_attempts:
        return dead_status if settle(model, claim, status=dead_status, last_error=reason) else None
    retry_at = now + policy.delay(claim.attempts, rand)
    if settle(model, claim, next_attempt_at=retry_at, last_error=reason):
        return QueueStatus.PENDING
    return None


def requeue_dead(
    model: Queued, dead_status: str, *criteria: ColumnElement[bool], now: datetime | None = None
) -> int:
    """Make dead rows (those matching `criteria`) due again with fresh attempts; how many."""
    moved = update_rows(
        model,
        and_(model.status == dead_status, *criteria),
        status=QueueStatus.PENDING,
        attempts=0,
        next_attempt_at=now or utcnow(),
    )
    db.session.commit()
    return moved


def update_rows(model: Queued, criterion: ColumnElement[bool], **values: Any) -> int:
    """UPDATE the rows matching `criterion`; how many changed."""
    statement = (
        update(cast(Any, model))
        .where(criterion)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = cast(CursorResult[Any], db.session.execute(statement))
    return result.rowcount
