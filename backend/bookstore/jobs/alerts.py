"""Alerts: what stops the shop working until the owner fixes it, shared by every process.

The worker meets a refused Stripe key while sending a refund; the web servers' /readyz and the
owner's commands must say so. The database is what they share.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bookstore.db import db, utcnow
from bookstore.jobs.models import Alert

# The payment provider refused the shop's own credentials (a key revoked, a restricted key
# without the rights a refund needs).
PAYMENT_SETUP = "payment_setup"


def raise_alert(name: str, message: str) -> None:
    """Record (or update) the alert, in a transaction of its own."""
    db.session.rollback()
    alert = db.session.get(Alert, name, populate_existing=True)
    if alert is None:
        db.session.add(Alert(name=name, message=message[:500], raised_at=utcnow()))
    else:
        alert.message = message[:500]
        alert.raised_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # raised by another process at the same moment: it stands


def clear_alert(name: str) -> bool:
    """End the alert, if raised (the setup works again); whether there was one. Commits."""
    db.session.rollback()
    cleared = bool(db.session.execute(delete(Alert).where(Alert.name == name)).rowcount)  # type: ignore[attr-defined]
    db.session.commit()
    return cleared


def active_alerts() -> list[Alert]:
    """Every alert raised and not cleared, oldest first."""
    return list(db.session.scalars(select(Alert).order_by(Alert.raised_at)))
