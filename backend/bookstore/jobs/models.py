"""The jobs table (work for the worker besides emails) and the owner's alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.db import Model, UtcDateTime, utcnow
from bookstore.jobs.claims import QueueColumns


class Job(QueueColumns, Model):
    """One piece of work of a kind (queue.py): a refund to send, a demo event to deliver..."""

    __tablename__ = "jobs"
    __table_args__ = (
        # What a worker of one kind looks for: pending jobs of that kind by due time.
        Index("ix_jobs_due", "kind", "status", "next_attempt_at"),
    )

    kind: Mapped[str] = mapped_column(String(30))
    # The order it is about, if any (for the owner's listings); deleted with it.
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    # What the handler needs: ids, never secrets or personal data (the table is listed).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Unique when set: the same work queued twice (a retried transaction, a periodic job) is
    # one job.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Alert(Model):
    """A problem the owner must fix now (the Stripe key was refused), until it is cleared."""

    __tablename__ = "alerts"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    message: Mapped[str] = mapped_column(String(500))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
