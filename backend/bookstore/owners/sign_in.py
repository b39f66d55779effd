"""Signing in: email, password and a second factor (a TOTP code, or a recovery code).

Every failure looks the same from outside (SignInFailed, whatever was wrong) and takes about
as long: the password is verified, against a dummy hash if there is no owner, before the
code is looked at. The activity log says what was wrong, for the owners; the server log masks
the email and never holds a password, a code or a session id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from sqlalchemy import func, or_, select, update

from bookstore.db import db
from bookstore.domain_errors import DomainError
from bookstore.owners import recovery, totp
from bookstore.owners.accounts import normalized_email
from bookstore.owners.activity import Action, record
from bookstore.owners.models import (
    AttemptOutcome,
    Owner,
    OwnerSession,
    RecoveryCode,
    SignInAttempt,
)
from bookstore.owners.passwords import hash_password, needs_rehash, verify_password
from bookstore.owners.sessions import end_expired_sessions, end_session_by_token, start_session
from bookstore.owners.throttle import begin_attempt, settle
from bookstore.redaction import redact

log = logging.getLogger(__name__)


class SignInFailed(DomainError):
    """The email, password or code is wrong (which one is not said)."""

    code = "sign_in_failed"


@dataclass(frozen=True)
class Client:
    """Where a request comes from: its address, and the key the throttle counts it by."""

    address: str | None
    key: str


def sign_in(
    email: str,
    password: str,
    code: str,
    *,
    client: Client,
    now: datetime,
    replacing: str | None = None,
) -> tuple[str, OwnerSession]:
    """A new session and its id for the owner, or SignInFailed (SignInThrottled while
    throttled).

    `replacing` is the session id the browser sent, if any: it is ended, never reused.
    """
    email = normalized_email(email)
    attempt = begin_attempt(email, client.key, now)
    owner = db.session.scalar(select(Owner).where(Owner.email == email))
    enrolled = owner is not None and owner.enrolled_at is not None
    stored = owner.password_hash if owner is not None and enrolled else None
    password_ok = verify_password(stored, password)
    if owner is None:
        _fail(attempt, None, email, client, now, "unknown email")
    if not enrolled:
        _fail(attempt, owner, email, client, now, "not enrolled")
    if not password_ok:
        _fail(attempt, owner, email, client, now, "wrong password")
    # Hashed again, before the writes below lock anything, if the parameters changed.
    new_hash = hash_password(password) if stored and needs_rehash(stored) else None
    second_factor = _claim_code(owner, code.strip(), now)
    if second_factor is None:
        _fail(attempt, owner, email, client, now, "wrong or already used code")
    if new_hash is not None:
        owner.password_hash = new_hash
    settle(attempt, AttemptOutcome.SIGNED_IN)
    if replacing:
        end_session_by_token(replacing)
    end_expired_sessions(owner, now)
    token, session = start_session(owner, client.address, now)
    record(Action.SIGN_IN, at=now, owner=owner, client_address=client.address, detail=second_factor)
    db.session.commit()
    log.info("owner %s signed in from %s", owner.id, client.address)
    return token, session


def _claim_code(owner: Owner, code: str, now: datetime) -> str | None:
    """Use up the code if it is valid: how the owner proved it (for the log), else None.

    Claimed with a conditional update, so that one code cannot sign in twice even when two
    requests carry it at once.
    """
    if totp.looks_like_code(code):
        if owner.totp_secret is None:
            return None
        step = totp.accepted_step(owner.totp_secret, code, now, owner.totp_last_step)
        if step is None:
            return None
        claimed = db.session.execute(
            update(Owner)
            .where(
                Owner.id == owner.id,
                or_(Owner.totp_last_step.is_(None), Owner.totp_last_step < step),
            )
            .values(totp_last_step=step)
        )
        return "with the authenticator app" if getattr(claimed, "rowcount", 0) else None
    claimed = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.owner_id == owner.id,
            RecoveryCode.code_hash == recovery.code_digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    if not getattr(claimed, "rowcount", 0):
        return None
    left = db.session.scalar(
        select(func.count()).where(
            RecoveryCode.owner_id == owner.id, RecoveryCode.used_at.is_(None)
        )
    )
    return f"with a recovery code ({left} left)"


def _fail(
    attempt: SignInAttempt,
    owner: Owner | None,
    email: str,
    client: Client,
    now: datetime,
    reason: str,
) -> NoReturn:
    """Log and record the failure, then raise SignInFailed."""
    settle(attempt, AttemptOutcome.FAILED)
    record(
        Action.SIGN_IN_FAILED,
        at=now,
        owner=owner,
        email=email,
        client_address=client.address,
        detail=reason,
    )
    db.session.commit()
    log.warning("owner sign-in failed from %s for %s: %s", client.address, redact(email), reason)
    raise SignInFailed("The email, password or code is not right.")
