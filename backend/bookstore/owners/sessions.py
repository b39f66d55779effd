"""Owners' sessions, kept in the database so that they can be ended from anywhere.

The browser holds a random id (256 bits) in a cookie; the table holds its digest, so a copy of
the database signs nobody in. A session ends after 30 minutes without a request, 12 hours
after it began whatever happens, at sign-out, or when the owner signs out everywhere or is
reset.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from bookstore.db import db
from bookstore.owners.activity import Action, record
from bookstore.owners.models import Owner, OwnerSession
from bookstore.owners.tokens import digest, new_token

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# last_seen_at is written at most this often: not one write per request. The idle timeout
# is counted from the last write, so a session may end up to this much early, never late.
TOUCH_INTERVAL = timedelta(minutes=1)


def expires_at(session: OwnerSession) -> datetime:
    """When the session ends however busy it is."""
    return session.created_at + ABSOLUTE_TIMEOUT


def idle_expires_at(session: OwnerSession) -> datetime:
    """When the session ends unless a request comes first."""
    return min(session.last_seen_at + IDLE_TIMEOUT, expires_at(session))


def is_active(session: OwnerSession, now: datetime) -> bool:
    """Whether the session has not timed out at `now`."""
    return now < idle_expires_at(session)


def start_session(
    owner: Owner, client_address: str | None, now: datetime
) -> tuple[str, OwnerSession]:
    """A new session for the owner (in the caller's transaction), and the id for its cookie."""
    token = new_token()
    session = OwnerSession(
        id_hash=digest(token),
        owner=owner,
        csrf_token=new_token(),
        created_at=now,
        last_seen_at=now,
        client_address=client_address,
    )
    db.session.add(session)
    return token, session


def active_session(token: str, now: datetime) -> OwnerSession | None:
    """The session a cookie names, if it is still active (its last-seen time moved on)."""
    session = db.session.get(OwnerSession, digest(token))
    if session is None:
        return None
    if not is_active(session, now):
        db.session.delete(session)
        db.session.commit()
        return None
    if now - session.last_seen_at >= TOUCH_INTERVAL:
        session.last_seen_at = now
        db.session.commit()
    return session


def end_session_by_token(token: str) -> None:
    """Delete the session a cookie names, if any (in the caller's transaction)."""
    db.session.execute(delete(OwnerSession).where(OwnerSession.id_hash == digest(token)))


def end_all_sessions(owner: Owner) -> int:
    """Delete every session of the owner (in the caller's transaction); how many there were."""
    result = db.session.execute(delete(OwnerSession).where(OwnerSession.owner_id == owner.id))
    return int(getattr(result, "rowcount", 0) or 0)


def end_expired_sessions(owner: Owner, now: datetime) -> None:
    """Delete the owner's sessions that have timed out (in the caller's transaction)."""
    db.session.execute(
        delete(OwnerSession).where(
            OwnerSession.owner_id == owner.id,
            or_(
                OwnerSession.last_seen_at <= now - IDLE_TIMEOUT,
                OwnerSession.created_at <= now - ABSOLUTE_TIMEOUT,
            ),
        )
    )


def active_session_counts(now: datetime) -> dict[int, int]:
    """Active sessions per owner id."""
    rows = db.session.execute(
        select(OwnerSession.owner_id, OwnerSession.id_hash).where(
            OwnerSession.last_seen_at > now - IDLE_TIMEOUT,
            OwnerSession.created_at > now - ABSOLUTE_TIMEOUT,
        )
    )
    counts: dict[int, int] = {}
    for owner_id, _ in rows:
        counts[owner_id] = counts.get(owner_id, 0) + 1
    return counts


def sign_out(session: OwnerSession, client_address: str | None, now: datetime) -> None:
    """End this session, and log it."""
    record(Action.SIGN_OUT, at=now, owner=session.owner, client_address=client_address)
    db.session.delete(session)
    db.session.commit()


def sign_out_everywhere(owner: Owner, client_address: str | None, now: datetime) -> int:
    """End every session of the owner, this one too, and log it; how many ended."""
    ended = end_all_sessions(owner)
    record(
        Action.SIGN_OUT_EVERYWHERE,
        at=now,
        owner=owner,
        client_address=client_address,
        detail=f"{ended} session(s) ended",
    )
    db.session.commit()
    return ended
