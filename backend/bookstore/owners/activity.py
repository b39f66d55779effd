"""The owners' activity log: sign-ins (and failed ones), sign-outs, enrolments, the command
line's changes to owners, and the dashboard's actions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import select

from bookstore.db import db
from bookstore.owners.models import Activity, Owner

MAX_DETAIL = 500


class Action(enum.StrEnum):
    """What an entry records; the dashboard's own actions add their names."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere"
    ENROLLED = "enrolled"
    OWNER_ADDED = "owner_added"
    OWNER_REMOVED = "owner_removed"
    OWNER_RESET = "owner_reset"


def record(
    action: str,
    *,
    at: datetime,
    owner: Owner | None = None,
    email: str | None = None,
    client_address: str | None = None,
    detail: str = "",
) -> Activity:
    """Add an entry to the caller's transaction (written when the caller commits)."""
    entry = Activity(
        at=at,
        owner_id=owner.id if owner is not None else None,
        email=email if email is not None else (owner.email if owner is not None else None),
        action=str(action),
        client_address=client_address,
        detail=detail[:MAX_DETAIL],
    )
    db.session.add(entry)
    return entry


def newest(limit: int, before: int | None = None) -> list[Activity]:
    """Up to `limit` entries, newest first, older than the entry `before` when given."""
    query = select(Activity).order_by(Activity.id.desc()).limit(limit)
    if before is not None:
        query = query.where(Activity.id < before)
    return list(db.session.scalars(query))
