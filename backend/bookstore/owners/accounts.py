"""Owner accounts as the command line manages them: add, list, remove, reset.

Adding or resetting an owner gives a one-time enrolment link's token; resetting also forgets
the password, the authenticator and the recovery codes, and ends every session of the owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from bookstore.db import db
from bookstore.domain_errors import Conflict, InvalidRequest, NotFound
from bookstore.owners.activity import Action, record
from bookstore.owners.enrolment import issue_enrolment_token
from bookstore.owners.models import MAX_EMAIL, Activity, Owner, RecoveryCode
from bookstore.owners.sessions import active_session_counts, end_all_sessions


class NoSuchOwner(NotFound):
    """No owner has this email."""


def normalized_email(text: str) -> str:
    """The email an owner goes by: trimmed and in lower case."""
    return text.strip().lower()


def checked_email(text: str) -> str:
    """A new owner's email, normalized, or InvalidRequest."""
    email = normalized_email(text)
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain or len(email) > MAX_EMAIL or " " in email:
        raise InvalidRequest(f"{text!r} is not an email address.")
    return email


def find_owner(email: str) -> Owner | None:
    """The owner with this email (in any case), if any."""
    return db.session.scalar(select(Owner).where(Owner.email == normalized_email(email)))


def _owner(email: str) -> Owner:
    """The owner with this email, or NoSuchOwner."""
    owner = find_owner(email)
    if owner is None:
        raise NoSuchOwner(f"No owner has the email {normalized_email(email)}.")
    return owner


def add_owner(email: str, now: datetime) -> tuple[Owner, str]:
    """A new owner, not enrolled yet, and the token of their enrolment link."""
    address = checked_email(email)
    if find_owner(address) is not None:
        raise Conflict(
            f"{address} is an owner already: `owners reset` gives them a new enrolment link."
        )
    owner = Owner(email=address, created_at=now)
    db.session.add(owner)
    token = issue_enrolment_token(owner, now)
    db.session.flush()
    record(Action.OWNER_ADDED, at=now, owner=owner, detail="from the command line")
    db.session.commit()
    return owner, token


def reset_owner(email: str, now: datetime) -> tuple[Owner, str, int]:
    """Forget the owner's password, authenticator and recovery codes, end their sessions;
    the token of a new enrolment link, and how many sessions ended."""
    owner = _owner(email)
    owner.password_hash = None
    owner.totp_secret = None
    owner.totp_last_step = None
    owner.enrolled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.owner_id == owner.id))
    ended = end_all_sessions(owner)
    token = issue_enrolment_token(owner, now)
    record(
        Action.OWNER_RESET,
        at=now,
        owner=owner,
        detail=f"from the command line; {ended} session(s) ended",
    )
    db.session.commit()
    return owner, token, ended


def remove_owner(email: str, now: datetime) -> None:
    """Delete the owner with their sessions and recovery codes; the log keeps their email."""
    owner = _owner(email)
    address = owner.email
    db.session.delete(owner)
    db.session.flush()
    record(Action.OWNER_REMOVED, at=now, email=address, detail="from the command line")
    db.session.commit()


@dataclass(frozen=True)
class OwnerSummary:
    """An owner as `owners list` shows them."""

    email: str
    enrolled_at: datetime | None
    enrolment_expires_at: datetime | None
    sessions: int
    last_sign_in: datetime | None


def owner_summaries(now: datetime) -> list[OwnerSummary]:
    """Every owner, by email, with their active sessions and latest sign-in."""
    last_sign_in = (
        select(func.max(Activity.at))
        .where(Activity.owner_id == Owner.id, Activity.action == Action.SIGN_IN)
        .correlate(Owner)
        .scalar_subquery()
    )
    sessions = active_session_counts(now)
    rows = db.session.execute(select(Owner, last_sign_in).order_by(Owner.email))
    return [
        OwnerSummary(
            owner.email,
            owner.enrolled_at,
            owner.enrolment_expires_at,
            sessions.get(owner.id, 0),
            last,
        )
        for owner, last in rows
    ]


def owner_emails() -> list[str]:
    """Every owner's email, enrolled yet or not: whom the shop's alerts (low stock) go to."""
    return list(db.session.scalars(select(Owner.email).order_by(Owner.email)))
