"""What the worker runs: one lane per kind of work, each doing the next due item when asked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bookstore.catalogue.low_stock import LOW_STOCK_SWEEP_KIND
from bookstore.config import current_settings
from bookstore.jobs.queue import JobKind, ensure_periodic, run_next
from bookstore.notifications.mail import current_transport
from bookstore.notifications.outbox import SendReport, send_next
from bookstore.orders.hold_cleanup import HOLD_CLEANUP_KIND
from bookstore.orders.partial_refund_outcomes import PARTIAL_REFUND_KIND
from bookstore.orders.refunds import REFUND_KIND
from bookstore.payments.demo.delivery import DEMO_EVENT_KIND

# Every kind of job in the jobs table, each with its handler and policy.
JOB_KINDS: tuple[JobKind, ...] = (
    REFUND_KIND,
    PARTIAL_REFUND_KIND,
    DEMO_EVENT_KIND,
    HOLD_CLEANUP_KIND,
    LOW_STOCK_SWEEP_KIND,
)


@dataclass(frozen=True)
class Lane:
    """One kind of work: `run_once` does the next due item, and says whether there was one."""

    name: str
    run_once: Callable[[], bool]
    # Called once when the worker starts (a periodic job makes sure it exists).
    prepare: Callable[[], None] = lambda: None


def send_one_email() -> bool:
    """Send the email due longest, if any."""
    return send_next(current_transport(), current_settings().mail_from, SendReport())


def job_lane(kind: JobKind) -> Lane:
    """The lane running one kind of job."""
    return Lane(
        name=kind.name,
        run_once=lambda: run_next(kind) is not None,
        prepare=lambda: ensure_periodic(kind),
    )


def all_lanes() -> list[Lane]:
    """Emails, then each kind of job."""
    return [Lane("email", send_one_email), *(job_lane(kind) for kind in JOB_KINDS)]


def run_everything_due(limit: int = 1000) -> int:
    """Do every item due in every lane, in this thread, until none is left (or `limit`); how
    many. For tests and `flask --app bookstore worker --once`."""
    lanes = all_lanes()
    for lane in lanes:
        lane.prepare()
    done = 0
    while done < limit:
        progressed = [lane.run_once() for lane in lanes]
        done += sum(progressed)
        if not any(progressed):
            break
    return done
