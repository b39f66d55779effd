"""The jobs queue: a job runs once however many workers claim, retries with backoff until its
kind's attempt limit, then is dead until the owner retries it; periodic work comes back."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from bookstore.catalogue.stock import StockHold
from bookstore.db import db, utcnow
from bookstore.jobs.claims import Policy, QueueStatus
from bookstore.jobs.models import Job
from bookstore.jobs.queue import GiveUp, JobKind, JobView, RetryLater, enqueue, retry_dead, run_next
from bookstore.orders.hold_cleanup import HOLD_CLEANUP_KIND
from bookstore.orders.models import Order
from bookstore.worker.lanes import JOB_KINDS, run_everything_due

POLICY = Policy(first_retry_seconds=10, max_retry_seconds=100, max_attempts=3, lease_seconds=60)


def queued(app: Flask, kind: str, count: int = 1) -> list[int]:
    with app.app_context():
        jobs = [enqueue(kind, {"n": n}) for n in range(count)]
        db.session.commit()
        return [job.id for job in jobs]


def job_row(app: Flask, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None
        db.session.expunge(job)
        return job


def test_two_workers_run_each_of_40_jobs_once(app: Flask) -> None:
    queued(app, "count", 40)
    runs: Counter[int] = Counter()
    lock = threading.Lock()

    def count(job: JobView) -> None:
        with lock:
            runs[job.payload["n"]] += 1

    kind = JobKind("count", POLICY, count)

    def worker() -> None:
        with app.app_context():
            while run_next(kind) is not None:
                pass

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(runs) == list(range(40)) and set(runs.values()) == {1}


def test_a_failing_job_backs_off_then_dies_after_its_attempts_and_the_owner_retries_it(
    app: Flask,
) -> None:
    [job_id] = queued(app, "flaky")
    outcomes: list[str | None] = []
    start = utcnow()
    attempts = {"n": 0}

    def flaky(job: JobView) -> None:
        attempts["n"] += 1
        if attempts["n"] <= 3:
            raise RetryLater(f"down ({attempts['n']})")

    kind = JobKind("flaky", POLICY, flaky)
    with app.app_context():
        at = start
        for _ in range(3):
            outcomes.append(run_next(kind, now=lambda at=at: at))  # type: ignore[misc]
            at = job_row(app, job_id).next_attempt_at
        nothing = run_next(kind, now=lambda: start + timedelta(days=1))
        dead = job_row(app, job_id)
        assert retry_dead([job_id]) == 1
        done = run_next(kind)

    assert outcomes == [QueueStatus.PENDING, QueueStatus.PENDING, QueueStatus.DEAD]
    assert nothing is None
    assert (dead.status, dead.attempts, dead.last_error) == (QueueStatus.DEAD, 3, "down (3)")
    assert done == QueueStatus.DONE and job_row(app, job_id).status == QueueStatus.DONE


def test_the_waits_double_with_jitter_and_a_cap() -> None:
    waits = [POLICY.delay(n, rand=lambda: 1.0).total_seconds() for n in range(1, 6)]
    low = POLICY.delay(2, rand=lambda: 0.0).total_seconds()

    assert waits == [10, 20, 40, 80, 100]
    assert low == 10  # half of the doubled wait at least


def test_give_up_is_dead_at_once_and_a_bug_is_retried(app: Flask) -> None:
    [refused, buggy] = queued(app, "refused") + queued(app, "buggy")

    def refuse(job: JobView) -> None:
        raise GiveUp("refused for good")

    def bug(job: JobView) -> None:
        raise ZeroDivisionError("oops")

    with app.app_context():
        assert run_next(JobKind("refused", POLICY, refuse)) == QueueStatus.DEAD
        assert run_next(JobKind("buggy", POLICY, bug)) == QueueStatus.PENDING

    assert job_row(app, refused).attempts == 1
    assert job_row(app, buggy).last_error == "ZeroDivisionError: oops"


def test_a_job_claimed_by_a_worker_that_died_is_run_again_when_its_lease_ends(
    app: Flask,
) -> None:
    [job_id] = queued(app, "slow")
    ran: list[int] = []

    def die(job: JobView) -> None:
        raise SystemExit  # the worker process is gone mid-job: nothing settles the claim

    with app.app_context(), pytest.raises(SystemExit):
        run_next(JobKind("slow", POLICY, die))
    db_row = job_row(app, job_id)
    kind = JobKind("slow", POLICY, lambda job: ran.append(job.id))
    with app.app_context():
        during_lease = run_next(kind)
        after_lease = run_next(kind, now=lambda: db_row.next_attempt_at + timedelta(seconds=1))

    assert db_row.claim is not None and during_lease is None
    assert after_lease == QueueStatus.DONE and ran == [job_id]


def test_the_periodic_cleanup_removes_expired_holds_and_comes_back(app: Flask) -> None:
    with app.app_context():
        past, future = utcnow() - timedelta(minutes=1), utcnow() + timedelta(minutes=10)
        lapsed, held = Order(currency="usd", held_until=past), Order(currency="usd")
        db.session.add_all([lapsed, held])
        db.session.flush()
        db.session.add_all(
            [
                StockHold(order_id=lapsed.id, book_id="boom", quantity=1, held_until=past),
                StockHold(order_id=held.id, book_id="boom", quantity=1, held_until=future),
            ]
        )
        lapsed_id = lapsed.id
        db.session.commit()
    with app.app_context():
        run_everything_due()
        left = db.session.scalars(select(StockHold.held_until)).all()
        cleanup = db.session.scalars(select(Job).where(Job.kind == HOLD_CLEANUP_KIND.name)).one()
        count = db.session.scalar(select(func.count()).select_from(Job))
        cleared = db.session.scalar(select(Order.held_until).where(Order.id == lapsed_id))

    assert len(left) == 1 and _aware(left[0]) > utcnow() and cleared is None
    periodic = sum(kind.every_seconds is not None for kind in JOB_KINDS)
    assert cleanup.status == QueueStatus.PENDING and count == periodic  # one each, no more
    assert _aware(cleanup.next_attempt_at) > utcnow() + timedelta(minutes=9)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=utcnow().tzinfo)
