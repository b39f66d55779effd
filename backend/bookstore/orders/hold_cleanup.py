"""The periodic cleanup of holds that expired: a job for the worker, now that no read does it.

An expired hold already counts for nothing (holds are judged by their time); the cleanup only
keeps the holds table small and `held_until` truthful for the owner's listings.
"""

from __future__ import annotations

import logging

from sqlalchemy import update

from bookstore.catalogue.stock import delete_expired_holds
from bookstore.db import db, utcnow
from bookstore.jobs.claims import Policy
from bookstore.jobs.queue import JobKind, JobView
from bookstore.orders.models import Order

logger = logging.getLogger(__name__)

HOLD_CLEANUP_JOB = "hold_cleanup"
# Every ten minutes; a failed run (the database busy) is retried sooner, and never dies.
EVERY_SECONDS = 600.0
HOLD_CLEANUP_POLICY = Policy(
    first_retry_seconds=30, max_retry_seconds=600, max_attempts=1_000_000, lease_seconds=300
)


def clean_expired_holds() -> int:
    """Delete the holds that expired and clear their orders' `held_until`; how many holds."""
    now = utcnow()
    removed = delete_expired_holds(now)
    db.session.execute(
        update(Order)
        .where(Order.held_until.is_not(None), Order.held_until <= now)
        .values(held_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if removed:
        logger.info("removed %s expired stock hold(s)", removed)
    return removed


def run_hold_cleanup_job(job: JobView) -> None:
    """The worker's handler of the periodic cleanup job."""
    clean_expired_holds()


HOLD_CLEANUP_KIND = JobKind(
    HOLD_CLEANUP_JOB, HOLD_CLEANUP_POLICY, run_hold_cleanup_job, every_seconds=EVERY_SECONDS
)
