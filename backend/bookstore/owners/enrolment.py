"""Enrolment through the one-time link `owners add` or `owners reset` prints: the owner
scans a QR code into an authenticator app (start), then chooses a password and types a code
from the app (finish), and is shown ten recovery codes once.

The link carries a random token; the database keeps only its digest, for 30 minutes, and
forgets it when enrolment finishes, so the link works once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from bookstore.db import db
from bookstore.domain_errors import InvalidRequest
from bookstore.owners import recovery, totp
from bookstore.owners.activity import Action, record
from bookstore.owners.models import Owner, RecoveryCode
from bookstore.owners.passwords import check_new_password, hash_password
from bookstore.owners.tokens import digest, new_token

LINK_LIFETIME = timedelta(minutes=30)


class EnrolmentRefused(InvalidRequest):
    """The link is unknown, used already, or expired: ask for a new one (`owners reset`)."""

    code = "enrolment_link_invalid"


class WrongCode(InvalidRequest):
    """The code typed does not match the authenticator app's."""

    code = "wrong_code"


LINK_REFUSED = (
    "This enrolment link is not valid: it was used already, has expired (links last 30 "
    "minutes), or was mistyped. Ask for a new one (`flask --app bookstore owners reset EMAIL`)."
)


def issue_enrolment_token(owner: Owner, now: datetime) -> str:
    """A new enrolment link's token for the owner (replacing any earlier one)."""
    token = new_token()
    owner.enrolment_token_hash = digest(token)
    owner.enrolment_expires_at = now + LINK_LIFETIME
    return token


def _owner_for(token: str, now: datetime) -> Owner:
    """The owner the token enrols, while it is valid; else EnrolmentRefused."""
    owner = db.session.scalar(select(Owner).where(Owner.enrolment_token_hash == digest(token)))
    if owner is None or owner.enrolment_expires_at is None or owner.enrolment_expires_at <= now:
        raise EnrolmentRefused(LINK_REFUSED)
    return owner


@dataclass(frozen=True)
class Authenticator:
    """What the owner's authenticator app needs, as a QR code or typed in."""

    email: str
    secret: str
    uri: str
    qr_svg: str
    link_expires_at: datetime


def start_enrolment(token: str, now: datetime) -> Authenticator:
    """The TOTP secret to set up, made at the link's first use and the same at every reload."""
    owner = _owner_for(token, now)
    if owner.totp_secret is None:
        owner.totp_secret = totp.new_secret()
        db.session.commit()
    secret, expires = owner.totp_secret, owner.enrolment_expires_at
    assert expires is not None  # checked by _owner_for
    uri = totp.provisioning_uri(secret, owner.email)
    return Authenticator(owner.email, secret, uri, totp.qr_code_svg(uri), expires)


def finish_enrolment(
    token: str, password: str, code: str, now: datetime, client_address: str | None
) -> list[str]:
    """Set the password and confirm the authenticator; the ten new recovery codes."""
    owner = _owner_for(token, now)
    password = check_new_password(password, owner.email)
    if owner.totp_secret is None:
        raise EnrolmentRefused("Scan the QR code first: this link's enrolment was not started.")
    step = totp.accepted_step(owner.totp_secret, code, now, None)
    if step is None:
        raise WrongCode(
            "That code does not match your authenticator app's: type the 6 digits it shows now."
        )
    # Hashed before the writes begin: argon2 takes a while, and a write holds SQLite's lock.
    password_hash = hash_password(password)
    # The token is consumed first, on condition it is still there, so that two finishes with
    # one link cannot both succeed.
    consumed = db.session.execute(
        update(Owner)
        .where(Owner.id == owner.id, Owner.enrolment_token_hash == digest(token))
        .values(enrolment_token_hash=None, enrolment_expires_at=None)
    )
    if not getattr(consumed, "rowcount", 0):
        db.session.rollback()
        raise EnrolmentRefused(LINK_REFUSED)
    owner.password_hash = password_hash
    owner.totp_last_step = step
    owner.enrolled_at = now
    codes = recovery.new_codes()
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.owner_id == owner.id))
    db.session.add_all(
        RecoveryCode(owner_id=owner.id, code_hash=recovery.code_digest(code)) for code in codes
    )
    record(Action.ENROLLED, at=now, owner=owner, client_address=client_address)
    db.session.commit()
    return codes
