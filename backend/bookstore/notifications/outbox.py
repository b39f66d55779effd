"""The outbox: emails written in the transaction that makes them due, sent after it commits.

`queue` adds a message inside the caller's transaction (the webhook's that pays or refunds an
order), so an email exists exactly when its cause was committed, and at most once per order and
kind (a unique constraint). Nothing is sent inside that transaction. `send_due` sends later:
it claims one due message at a time with a conditional UPDATE, so two server processes never
send the same one at once; a claim lasts CLAIM_SECONDS, so the message of a sender that died
mid-send goes out again afterwards. A failed send is retried with exponential backoff.

Delivery is at least once: if the process dies between the server accepting a message and the
outbox recording it, the message is sent again when its claim expires, with the same
Message-ID, by which mail systems and people can tell it is the same email.
"""

from __future__ import annotations

import enum
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.db import Model, UtcDateTime, db, utcnow
from bookstore.notifications.mail import MailError, Transport, compose

logger = logging.getLogger(__name__)

# How long a sender owns a message it claimed; far longer than a send can take
# (mail.SMTP_TIMEOUT_SECONDS per step), so only a sender that died loses its claim.
CLAIM_SECONDS = 300
# Retries wait 30 s, 1 min, 2 min, ... up to an hour between attempts; after MAX_ATTEMPTS
# (about a day of trying) the message is marked failed, for `flask ... outbox retry`.
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
MAX_ATTEMPTS = 30
# Messages one `send_due` call sends at most, so a cron run or a wake-up always ends.
SEND_BATCH = 100
MAX_ERROR = 500

Clock = Callable[[], datetime]


class OutboxStatus(enum.StrEnum):
    """Where a message stands; a pending one with a live claim is being sent."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up: refused for good, or MAX_ATTEMPTS reached


class OutboxMessage(Model):
    """One email to send: rendered when queued, so every attempt sends the same message."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # One confirmation and one refund email per order, however often an event is replayed.
        UniqueConstraint("order_id", "kind", name="uq_outbox_messages_order_id_kind"),
        # What `send_due` looks for: pending messages by due time.
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    # Attempts started (counted when claimed, so a sender that dies mid-send counts too).
    attempts: Mapped[int] = mapped_column(default=0)
    # When a sender may take it next: due now, after a retry's backoff, or when a claim expires.
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The random token of the sender holding it; None when nobody is sending it.
    claim: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(MAX_ERROR))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class Email:
    """A rendered email, ready to queue."""

    recipient: str
    subject: str
    text: str
    html: str
    message_id: str


@dataclass
class SendReport:
    """What one `send_due` run did."""

    sent: int = 0
    retrying: int = 0  # failed this time, tried again later
    failed: int = 0  # given up on


@dataclass(frozen=True)
class _Claimed:
    """A message this sender holds, read before the claim's transaction ended."""

    id: int
    claim: str
    attempts: int
    email: Email


def is_queued(order_id: int, kind: str) -> bool:
    """Whether the order already has a message of this kind (sent or not)."""
    query = select(OutboxMessage.id).where(
        OutboxMessage.order_id == order_id, OutboxMessage.kind == kind
    )
    return db.session.scalar(query) is not None


def queue(order_id: int, kind: str, email: Email) -> None:
    """Add the email to the caller's transaction; sent once that commits.

    Call under the order's lock (the webhook's), after is_queued: the unique constraint makes
    a second message of one kind impossible, and the check keeps it from ever firing.
    """
    db.session.add(
        OutboxMessage(
            order_id=order_id,
            kind=kind,
            recipient=email.recipient,
            subject=email.subject,
            text_body=email.text,
            html_body=email.html,
            message_id=email.message_id,
        )
    )


def send_due(
    transport: Transport, sender: str, *, now: Clock = utcnow, limit: int = SEND_BATCH
) -> SendReport:
    """Send every message due now (up to `limit`), each claimed first; commits as it goes."""
    report = SendReport()
    for _ in range(limit):
        claimed = _claim_next(now())
        if claimed is None:
            break
        _send(claimed, transport, sender, now, report)
    return report


def requeue(ids: list[int] | None = None) -> int:
    """Make failed messages (these, or all) due again with fresh attempts; how many."""
    criteria = [OutboxMessage.status == OutboxStatus.FAILED]
    if ids is not None:
        criteria.append(OutboxMessage.id.in_(ids))
    moved = _update(
        and_(*criteria),
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.commit()
    return moved


def messages(status: str | None, limit: int) -> list[OutboxMessage]:
    """The newest messages first (of one status, or all)."""
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    query = query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: doubling, capped."""
    seconds = FIRST_RETRY_SECONDS * 2 ** min(max(attempts - 1, 0), 20)
    return timedelta(seconds=min(seconds, MAX_RETRY_SECONDS))


def _due(now: datetime) -> ColumnElement[bool]:
    """Pending and its time has come (a claim that expired counts as due)."""
    return and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)


def _claim_next(now: datetime) -> _Claimed | None:
    """Claim the message due longest, or None when nothing is due.

    The UPDATE repeats the due condition: of two senders that picked the same message, the
    database lets one update it (SQLite's single writer; on PostgreSQL the second waits for the
    first's row lock, then re-checks the condition) and the other updates nothing and moves on.
    """
    for _ in range(SEND_BATCH):
        query = (
            select(OutboxMessage.id)
            .where(_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
        )
        candidate = db.session.scalar(query)
        if candidate is None:
            db.session.rollback()
            return None
        claim = secrets.token_hex(16)
        taken = _update(
            and_(OutboxMessage.id == candidate, _due(now)),
            claim=claim,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS),
        )
        if not taken:
            db.session.rollback()  # another sender was first; look again
            continue
        row = db.session.execute(
            select(
                OutboxMessage.attempts,
                OutboxMessage.recipient,
                OutboxMessage.subject,
                OutboxMessage.text_body,
                OutboxMessage.html_body,
                OutboxMessage.message_id,
            ).where(OutboxMessage.id == candidate)
        ).one()
        # Committed before sending: no transaction or lock is held while the server answers.
        db.session.commit()
        attempts, recipient, subject, text, html, message_id = row
        email = Email(recipient, subject, text, html, message_id)
        return _Claimed(candidate, claim, attempts, email)
    return None


def _send(
    claimed: _Claimed, transport: Transport, sender: str, now: Clock, report: SendReport
) -> None:
    """Send one claimed message and record how it went."""
    email = claimed.email
    try:
        transport.send(
            compose(
                sender=sender,
                recipient=email.recipient,
                subject=email.subject,
                text=email.text,
                html=email.html,
                message_id=email.message_id,
                date=now(),
            )
        )
    except MailError as error:
        _failed(claimed, error.reason, error.permanent, now(), report)
        return
    except Exception as error:
        # Not a mail failure but a bug or a broken setting: keep the message and retry it.
        logger.exception("outbox message %s: sending raised", claimed.id)
        _failed(claimed, f"{type(error).__name__}: {error}", False, now(), report)
        return
    if _finish(claimed, status=OutboxStatus.SENT, sent_at=now(), last_error=None):
        report.sent += 1
        logger.info("outbox message %s sent (%s)", claimed.id, email.subject)


def _failed(
    claimed: _Claimed, reason: str, permanent: bool, at: datetime, report: SendReport
) -> None:
    """Schedule a retry, or give up when it cannot succeed or has been tried enough."""
    reason = reason[:MAX_ERROR]
    if permanent or claimed.attempts >= MAX_ATTEMPTS:
        if _finish(claimed, status=OutboxStatus.FAILED, last_error=reason):
            report.failed += 1
            logger.error(
                "outbox message %s: gave up after %s attempt(s): %s",
                claimed.id,
                claimed.attempts,
                reason,
            )
        return
    delay = retry_delay(claimed.attempts)
    if _finish(claimed, next_attempt_at=at + delay, last_error=reason):
        report.retrying += 1
        logger.warning(
            "outbox message %s: attempt %s failed (%s); next in %s s",
            claimed.id,
            claimed.attempts,
            reason,
            int(delay.total_seconds()),
        )


def _finish(claimed: _Claimed, **values: Any) -> bool:
    """Release the claim with these changes, if this sender still holds it."""
    done = (
        _update(
            and_(OutboxMessage.id == claimed.id, OutboxMessage.claim == claimed.claim),
            claim=None,
            **values,
        )
        == 1
    )
    db.session.commit()
    if not done:
        # Only when a send outlived CLAIM_SECONDS and another sender took the message over.
        logger.warning("outbox message %s: claim lost while sending", claimed.id)
    return done


def _update(criterion: ColumnElement[bool], **values: Any) -> int:
    """UPDATE the messages matching `criterion`; how many rows changed."""
    statement = (
        update(OutboxMessage)
        .where(criterion)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = cast(CursorResult[Any], db.session.execute(statement))
    return result.rowcount
