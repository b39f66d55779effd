"""The jobs table as a queue: kinds of work, each with its policy and handler, run one at a time.

`enqueue` writes a job in the caller's transaction, so the work exists exactly when its cause
was committed (a refund asked for, a payment taken). A worker then runs the jobs of each kind
(`run_next`): claimed first (claims.py), so two workers never run one job at once; done, due
again after a backoff, or dead after its kind's attempts, for the owner to see and retry.

A handler says how an attempt went by returning (done) or raising: RetryLater for a passing
failure, GiveUp for one that trying again cannot fix; anything else is a bug or an outage,
logged and retried like RetryLater. Delivery is at least once: a worker that dies after the
work but before settling its claim leaves the job due again when the lease ends, so handlers
are idempotent (a refund's idempotency key, an event's id).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bookstore.db import db, utcnow
from bookstore.jobs.claims import (
    Claim,
    Policy,
    QueueStatus,
    claim_next,
    requeue_dead,
    retry_or_give_up,
    settle,
    update_rows,
)
from bookstore.jobs.models import Job

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class RetryLater(Exception):
    """This attempt failed for a passing reason (an outage): try again after the backoff."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class GiveUp(Exception):
    """Trying again cannot help: the job is dead, with the reason, for the owner."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class JobView:
    """What a handler is given: the job as claimed."""

    id: int
    kind: str
    payload: dict[str, Any]
    order_id: int | None
    attempts: int


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its name in the table, how it is retried, and what does it."""

    name: str
    policy: Policy
    handler: Callable[[JobView], None]
    # Periodic work (the cleanup of expired holds): one job that comes due again this many
    # seconds after each run, instead of being done.
    every_seconds: float | None = None


def enqueue(
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    order_id: int | None = None,
    delay_seconds: float = 0.0,
    now: datetime | None = None,
) -> Job:
    """Add a job to the caller's transaction; due `delay_seconds` after it is written."""
    at = now or utcnow()
    job = Job(
        kind=kind,
        payload=payload or {},
        order_id=order_id,
        status=QueueStatus.PENDING,
        attempts=0,
        next_attempt_at=at + timedelta(seconds=delay_seconds),
        created_at=at,
    )
    db.session.add(job)
    return job


def enqueue_apart(
    kind: str,
    payload: dict[str, Any],
    *,
    delay_seconds: float = 0.0,
    dedupe_key: str | None = None,
) -> bool:
    """Write a job in a transaction of its own, leaving the caller's session alone; whether
    it is new (False: a job with `dedupe_key` exists already).

    For work that follows something done outside the shop's transactions (the demo gateway's
    own writes), which must be durable once the call returns.
    """
    at = utcnow()
    with Session(db.engine) as session:
        session.add(
            Job(
                kind=kind,
                payload=payload,
                dedupe_key=dedupe_key,
                status=QueueStatus.PENDING,
                attempts=0,
                next_attempt_at=at + timedelta(seconds=delay_seconds),
                created_at=at,
            )
        )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
    return True


def ensure_periodic(kind: JobKind, now: datetime | None = None) -> None:
    """Make sure the periodic kind has its one job (due now if new); safe from any worker."""
    if kind.every_seconds is None:
        return
    if db.session.scalar(select(Job.id).where(Job.dedupe_key == kind.name)) is None:
        db.session.add(
            Job(
                kind=kind.name,
                payload={},
                dedupe_key=kind.name,
                status=QueueStatus.PENDING,
                attempts=0,
                next_attempt_at=now or utcnow(),
                created_at=now or utcnow(),
            )
        )
        with contextlib.suppress(IntegrityError):  # another worker made it first
            db.session.commit()
    db.session.rollback()


def run_next(kind: JobKind, now: Clock = utcnow) -> str | None:
    """Claim and run the job of this kind due longest; how it ended ("done", "pending" to be
    retried, "dead"), or None when none was due."""
    claimed = claim_next(Job, now(), kind.policy, _view_reader(kind.name), Job.kind == kind.name)
    if claimed is None:
        return None
    claim, view = claimed
    try:
        kind.handler(view)
    except GiveUp as error:
        db.session.rollback()
        return _failed(kind, claim, error.reason, now(), permanent=True)
    except RetryLater as error:
        db.session.rollback()
        return _failed(kind, claim, error.reason, now())
    except Exception as error:
        db.session.rollback()
        logger.exception("%s job %s raised", kind.name, claim.id)
        return _failed(kind, claim, f"{type(error).__name__}: {error}", now())
    db.session.rollback()  # a handler commits what it means to keep
    at = now()
    if kind.every_seconds is not None:
        next_at = at + timedelta(seconds=kind.every_seconds)
        settle(Job, claim, next_attempt_at=next_at, attempts=0, last_error=None, finished_at=at)
    else:
        settle(Job, claim, status=QueueStatus.DONE, last_error=None, finished_at=at)
    return QueueStatus.DONE


def run_due(kinds: Sequence[JobKind], now: Clock = utcnow, limit: int = 1000) -> int:
    """Run every job of these kinds that is due (tests, and a command's foreground run), up to
    `limit`, including jobs the ones run make due; how many ran."""
    ran = 0
    while ran < limit:
        progressed = False
        for kind in kinds:
            if run_next(kind, now) is not None:
                ran += 1
                progressed = True
        if not progressed:
            break
    return ran


def jobs(status: str | None, limit: int, kinds: Sequence[str] | None = None) -> list[Job]:
    """The newest jobs first (of one status, or all)."""
    query = select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Job.status == status)
    if kinds is not None:
        query = query.where(Job.kind.in_(kinds))
    return list(db.session.scalars(query))


def retry_dead(ids: Sequence[int] | None = None) -> int:
    """Make dead jobs (these, or all) due again with fresh attempts; how many."""
    criteria = [] if ids is None else [Job.id.in_(ids)]
    return requeue_dead(Job, QueueStatus.DEAD, *criteria)


def supersede_dead(kind: str, order_id: int) -> int:
    """Close the order's dead jobs of this kind, in the caller's transaction, because new work
    of that kind replaces them (the owner retried another way); how many."""
    return update_rows(
        Job,
        and_(Job.kind == kind, Job.order_id == order_id, Job.status == QueueStatus.DEAD),
        status=QueueStatus.DONE,
        finished_at=utcnow(),
    )


def dead_jobs_for(order_id: int) -> list[Job]:
    """The order's dead jobs, for `orders show`."""
    query = select(Job).where(Job.order_id == order_id, Job.status == QueueStatus.DEAD)
    return list(db.session.scalars(query.order_by(Job.id)))


def _view_reader(kind: str) -> Callable[[int], JobView]:
    def read(job_id: int) -> JobView:
        row = db.session.execute(
            select(Job.payload, Job.order_id, Job.attempts).where(Job.id == job_id)
        ).one()
        return JobView(job_id, kind, dict(row.payload or {}), row.order_id, row.attempts)

    return read


def _failed(
    kind: JobKind, claim: Claim, reason: str, at: datetime, *, permanent: bool = False
) -> str | None:
    """Retry after the kind's backoff, or give up; logged for whoever runs the worker."""
    outcome = retry_or_give_up(Job, claim, kind.policy, reason, at, permanent=permanent)
    if outcome == QueueStatus.DEAD:
        logger.error(
            "%s job %s: gave up after %s attempt(s): %s",
            kind.name,
            claim.id,
            claim.attempts,
            reason,
        )
    elif outcome == QueueStatus.PENDING:
        logger.warning(
            "%s job %s: attempt %s failed, will retry: %s",
            kind.name,
            claim.id,
            claim.attempts,
            reason,
        )
    return outcome
