"""Low stock: when a title's available copies fall to its threshold, the owners hear of it once.

The rule, per title with a `low_stock_threshold`: it is *low* while its available copies (on
the shelf less the active holds, never below 0) are at or below the threshold. A title that
becomes low is reported once: `low_stock_reported` is set and the fall gets the next number
(`low_stock_alerts`), in the transaction that noticed it. It is forgotten once its available
copies rise above the threshold again (or the threshold is removed), so the next fall is a new
crossing, reported anew. Setting a threshold at or above what is available is a fall too.

`check_low_stock` judges titles with their rows locked, in the transaction that changed their
copies: the owner's count and threshold (bookstore.catalogue.shelf) and a paid order taking its
copies off the shelf (bookstore.orders.holds). A checkout's hold at Pay is not judged there: it
is an intent that lapses if the shopper walks away (or was a bot's), and Pay is the shop's
busiest transaction. The worker's periodic sweep (LOW_STOCK_SWEEP_KIND) judges every title
with a threshold, so holds, lapsed holds, refunds that put copies back and any other path are
caught within SWEEP_SECONDS.

Who the owners are and how email is sent are other areas' business: the app hands this module
a notifier at start (init_low_stock), which is called in the same transaction with the titles
that fell, so their emails exist exactly when the fall is recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from bookstore.catalogue.books import Book
from bookstore.catalogue.stock import held_copies
from bookstore.db import db, lock_for_write, utcnow
from bookstore.jobs.claims import Policy
from bookstore.jobs.queue import JobKind, JobView

logger = logging.getLogger(__name__)

NOTIFIER_KEY = "low_stock_notifier"
LOW_STOCK_SWEEP_JOB = "low_stock_sweep"
# Every five minutes; a failed run (the database busy) is retried sooner, and never dies.
SWEEP_SECONDS = 300.0
LOW_STOCK_SWEEP_POLICY = Policy(
    first_retry_seconds=30, max_retry_seconds=300, max_attempts=1_000_000, lease_seconds=300
)


@dataclass(frozen=True)
class LowStock:
    """A title that has just fallen to its threshold: the `crossing`-th time it has."""

    book_id: str
    title: str
    available: int
    threshold: int
    crossing: int


# Told of the titles that fell, inside the transaction that noticed it (see init_low_stock).
LowStockNotifier = Callable[[Sequence[LowStock]], object]


def init_low_stock(app: Flask, notify: LowStockNotifier) -> None:
    """Give the app's catalogue the function that tells the owners of titles that fell."""
    app.extensions[NOTIFIER_KEY] = notify


def is_low(available: int, threshold: int | None) -> bool:
    """Whether `available` copies are at or below the threshold (never, without one)."""
    return threshold is not None and available <= threshold


def check_low_stock(book_ids: Collection[str]) -> list[LowStock]:
    """Judge these titles by the rule above, their rows locked: report those that fell, forget
    those that rose; the titles that fell (the notifier has been told of them).

    Call in the transaction that changed their copies, which then commits what this wrote.
    """
    if not book_ids:
        return []
    lock_for_write()
    rows = db.session.execute(
        select(
            Book.id,
            Book.title,
            Book.stock,
            Book.low_stock_threshold,
            Book.low_stock_reported,
            Book.low_stock_alerts,
        )
        .where(
            Book.id.in_(sorted(book_ids)),
            or_(Book.low_stock_threshold.is_not(None), Book.low_stock_reported),
        )
        .order_by(Book.id)
        .with_for_update()
    ).all()
    if not rows:
        return []  # no threshold among them: the common case costs one query
    held = held_copies([row.id for row in rows], utcnow())
    fell = []
    for row in rows:
        available = max(0, row.stock - held.get(row.id, 0))
        threshold = row.low_stock_threshold
        low = is_low(available, threshold)
        if threshold is not None and low and not row.low_stock_reported:
            crossing = row.low_stock_alerts + 1
            _remember(row.id, reported=True, alerts=crossing)
            fell.append(LowStock(row.id, row.title, available, threshold, crossing))
        elif not low and row.low_stock_reported:
            _remember(row.id, reported=False, alerts=row.low_stock_alerts)
    if fell:
        notify: LowStockNotifier = current_app.extensions[NOTIFIER_KEY]
        notify(fell)
        for low_title in fell:
            logger.info(
                "%s fell to %s available (threshold %s): owners told",
                low_title.book_id,
                low_title.available,
                low_title.threshold,
            )
    return fell


def _remember(book_id: str, *, reported: bool, alerts: int) -> None:
    """Store whether the title's fall is reported, and how many falls have been."""
    db.session.execute(
        update(Book)
        .where(Book.id == book_id)
        .values(low_stock_reported=reported, low_stock_alerts=alerts)
    )


def sweep_low_stock() -> list[LowStock]:
    """Judge every title with a threshold (or a fall reported); the titles that fell.

    Reads them without a lock first and locks only those whose state must change, which
    check_low_stock judges again under the lock: the sweep never holds up checkouts of titles
    it leaves alone.
    """
    now = utcnow()
    rows = db.session.execute(
        select(Book.id, Book.stock, Book.low_stock_threshold, Book.low_stock_reported).where(
            or_(Book.low_stock_threshold.is_not(None), Book.low_stock_reported)
        )
    ).all()
    held = held_copies([row.id for row in rows], now) if rows else {}
    changing = [
        row.id
        for row in rows
        if is_low(max(0, row.stock - held.get(row.id, 0)), row.low_stock_threshold)
        != row.low_stock_reported
    ]
    return check_low_stock(changing)


def run_low_stock_sweep(job: JobView) -> None:
    """The worker's handler of the periodic sweep: judge, then commit what it wrote."""
    sweep_low_stock()
    db.session.commit()


LOW_STOCK_SWEEP_KIND = JobKind(
    LOW_STOCK_SWEEP_JOB, LOW_STOCK_SWEEP_POLICY, run_low_stock_sweep, every_seconds=SWEEP_SECONDS
)
