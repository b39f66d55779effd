"""The outbox: emails written in the transaction that makes them due, sent by the worker.

`queue` adds a message inside the caller's transaction (the webhook's that pays or refunds an
order), so an email exists exactly when its cause was committed, and at most once per order and
kind (a unique constraint). Nothing is sent inside that transaction. The worker process sends
later (`send_next`, `send_due`): each message is claimed first (bookstore.jobs.claims), so two
workers never send the same one at once, and one whose worker died mid-send goes out again when
the claim's lease ends. A failed send is retried with backoff and jitter, up to EMAIL.max_attempts.

Delivery is at least once: if the worker dies between the server accepting a message and the
outbox recording it, the message is sent again, with the same Message-ID, by which mail systems
and people can tell it is the same email.
"""

from __future__ import annotations

import enum
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.config import current_settings
from bookstore.db import Model, UtcDateTime, db, utcnow
from bookstore.jobs.claims import (
    Claim,
    Policy,
    QueueColumns,
    QueueStatus,
    claim_next,
    requeue_dead,
    retry_or_give_up,
    settle,
)
from bookstore.notifications.mail import MailError, Transport, compose, current_transport

logger = logging.getLogger(__name__)

# Retries wait about 30 s, 1 min, 2 min, ... up to an hour between attempts (each a random
# part of that, see Policy.delay); after 30 attempts (about a day of trying) the message is
# given up on (`failed`), for `flask --app bookstore outbox retry`. A claim's lease is far
# longer than a send can take (mail.SMTP_TIMEOUT_SECONDS per step).
EMAIL = Policy(first_retry_seconds=30, max_retry_seconds=3600, max_attempts=30, lease_seconds=300)
CLAIM_SECONDS = EMAIL.lease_seconds
MAX_ATTEMPTS = EMAIL.max_attempts
# Messages one `send_due` call sends at most, so a command's run always ends.
SEND_BATCH = 100
MAX_ERROR = 500
# The random part of each retry's wait (tests fix it).
jitter: Callable[[], float] = random.random

Clock = Callable[[], datetime]


class OutboxStatus(enum.StrEnum):
    """Where a message stands; a pending one with a live claim is being sent."""

    PENDING = QueueStatus.PENDING.value
    SENT = "sent"
    FAILED = "failed"  # gave up (the dead state): refused for good, or out of attempts


class OutboxMessage(QueueColumns, Model):
    """One email to send: rendered when queued, so every attempt sends the same message."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # One confirmation and one refund email per order, however often an event is replayed.
        UniqueConstraint("order_id", "kind", name="uq_outbox_messages_order_id_kind"),
        # An email about no order (NULLs never clash above) is sent once to each recipient per
        # dedupe key: a title's fall to its low-stock threshold, however often it is judged.
        UniqueConstraint("dedupe_key", "recipient", name="uq_outbox_messages_dedupe_key"),
        # What `send_due` looks for: pending messages by due time.
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    # The order it is about; None for an email to the owners (see queue_once).
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    dedupe_key: Mapped[str | None] = mapped_column(String(150))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255))
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


def queue_once(dedupe_key: str, kind: str, email: Email) -> bool:
    """Add an email about no order to the caller's transaction, unless this recipient has one
    with this key already; whether it was added.

    Call under a lock that makes the key's cause happen once (a title's row, for its fall to
    the low-stock threshold): the unique constraint backs the check up.
    """
    query = select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key == dedupe_key, OutboxMessage.recipient == email.recipient
    )
    if db.session.scalar(query) is not None:
        return False
    db.session.add(
        OutboxMessage(
            order_id=None,
            dedupe_key=dedupe_key,
            kind=kind,
            recipient=email.recipient,
            subject=email.subject,
            text_body=email.text,
            html_body=email.html,
            message_id=email.message_id,
        )
    )
    return True


def send_due(
    transport: Transport, sender: str, *, now: Clock = utcnow, limit: int = SEND_BATCH
) -> SendReport:
    """Send every message due now (up to `limit`), each claimed first; commits as it goes."""
    report = SendReport()
    for _ in range(limit):
        if not send_next(transport, sender, report, now=now):
            break
    return report


def send_outbox() -> SendReport:
    """Send what is due now with the current app's transport and sender address."""
    return send_due(current_transport(), current_settings().mail_from)


def send_next(
    transport: Transport, sender: str, report: SendReport, *, now: Clock = utcnow
) -> bool:
    """Claim and send the message due longest; False when none is due."""
    claimed = claim_next(OutboxMessage, now(), EMAIL, _read_email)
    if claimed is None:
        return False
    _send(*claimed, transport, sender, now, report)
    return True


def requeue(ids: list[int] | None = None) -> int:
    """Make failed messages (these, or all) due again with fresh attempts; how many."""
    criteria = [] if ids is None else [OutboxMessage.id.in_(ids)]
    return requeue_dead(OutboxMessage, OutboxStatus.FAILED, *criteria)


def messages(status: str | None, limit: int) -> list[OutboxMessage]:
    """The newest messages first (of one status, or all)."""
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    query = query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def retry_delay(attempts: int) -> timedelta:
    """The longest wait after the `attempts`-th failed attempt (the jitter takes up to half)."""
    return EMAIL.delay(attempts, rand=lambda: 1.0)


def _read_email(message_id: int) -> Email:
    """The claimed message's email, read in the claiming transaction."""
    row = db.session.execute(
        select(
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.text_body,
            OutboxMessage.html_body,
            OutboxMessage.message_id,
        ).where(OutboxMessage.id == message_id)
    ).one()
    return Email(*row)


def _send(
    claim: Claim,
    email: Email,
    transport: Transport,
    sender: str,
    now: Clock,
    report: SendReport,
) -> None:
    """Send one claimed message and record how it went."""
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
        _failed(claim, error.reason, error.permanent, now(), report)
        return
    except Exception as error:
        # Not a mail failure but a bug or a broken setting: keep the message and retry it.
        db.session.rollback()
        logger.exception("outbox message %s: sending raised", claim.id)
        _failed(claim, f"{type(error).__name__}: {error}", False, now(), report)
        return
    if settle(OutboxMessage, claim, status=OutboxStatus.SENT, sent_at=now(), last_error=None):
        report.sent += 1
        logger.info("outbox message %s sent (%s)", claim.id, email.subject)
    else:
        _claim_lost(claim)


def _failed(claim: Claim, reason: str, permanent: bool, at: datetime, report: SendReport) -> None:
    """Schedule a retry, or give up when it cannot succeed or has been tried enough."""
    outcome = retry_or_give_up(
        OutboxMessage,
        claim,
        EMAIL,
        reason,
        at,
        permanent=permanent,
        dead_status=OutboxStatus.FAILED,
        rand=jitter,
    )
    if outcome == OutboxStatus.FAILED:
        report.failed += 1
        logger.error(
            "outbox message %s: gave up after %s attempt(s): %s", claim.id, claim.attempts, reason
        )
    elif outcome == OutboxStatus.PENDING:
        report.retrying += 1
        logger.warning(
            "outbox message %s: attempt %s failed (%s); retrying", claim.id, claim.attempts, reason
        )
    else:
        _claim_lost(claim)


def _claim_lost(claim: Claim) -> None:
    # Only when a send outlived the lease and another worker took the message over.
    logger.warning("outbox message %s: claim lost while sending", claim.id)
