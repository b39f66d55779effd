"""The owners' tables: accounts, their sessions and recovery codes, sign-in attempts (for
throttling) and the activity log. Secrets that are only ever compared are stored hashed."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bookstore.db import Model, UtcDateTime, utcnow

MAX_EMAIL = 254
# A SHA-256 digest in hex.
DIGEST_LENGTH = 64
# An IPv6 address written out in full is 45 characters.
MAX_CLIENT_ADDRESS = 64


class Owner(Model):
    """Someone who may sign in to the dashboard; enrolled once password and TOTP are set."""

    __tablename__ = "owners"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower case: one account per address however it is typed.
    email: Mapped[str] = mapped_column(String(MAX_EMAIL), unique=True)
    # argon2id, in argon2's own encoding (parameters and salt included); None until enrolled.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Base32, as the authenticator app holds it: a TOTP check needs the secret itself.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The time step of the last code accepted: a code of that step or an earlier one is
    # refused, so each code signs in once.
    totp_last_step: Mapped[int | None]
    enrolled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The one-time enrolment link's token, as a SHA-256 digest, and when it stops working.
    enrolment_token_hash: Mapped[str | None] = mapped_column(String(DIGEST_LENGTH), unique=True)
    enrolment_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RecoveryCode(Model):
    """A single-use code that stands in for a TOTP code (a lost phone); stored hashed."""

    __tablename__ = "owner_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the normalized code: the codes carry over 112 random bits, so a plain hash
    # is as safe as a password hash would be, and lets sign-in find the code by its digest.
    code_hash: Mapped[str] = mapped_column(String(DIGEST_LENGTH), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OwnerSession(Model):
    """A signed-in browser: the cookie holds a random id, the table only its digest."""

    __tablename__ = "owner_sessions"

    id_hash: Mapped[str] = mapped_column(String(DIGEST_LENGTH), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    # Sent back by the dashboard in X-CSRF-Token with every change it asks for.
    csrf_token: Mapped[str] = mapped_column(String(DIGEST_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    client_address: Mapped[str | None] = mapped_column(String(MAX_CLIENT_ADDRESS))

    # Loaded with the session: every guarded request needs both.
    owner: Mapped[Owner] = relationship(lazy="joined")


class AttemptOutcome(enum.StrEnum):
    """How a sign-in attempt ended; `pending` while its password is being checked."""

    PENDING = "pending"
    FAILED = "failed"
    SIGNED_IN = "signed_in"


class SignInAttempt(Model):
    """One sign-in attempt, counted by the throttle per (email, client) and per client."""

    __tablename__ = "owner_sign_in_attempts"
    __table_args__ = (
        # The throttle's two questions: a client's attempts, and a client's at one email.
        Index("ix_owner_sign_in_attempts_client", "client_key", "email", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL))
    # bookstore.web.clients.client_key: an IPv4 address or an IPv6 /64.
    client_key: Mapped[str] = mapped_column(String(MAX_CLIENT_ADDRESS))
    # Indexed for pruning the attempts too old to count.
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    outcome: Mapped[str] = mapped_column(String(10), default=AttemptOutcome.PENDING)


class Activity(Model):
    """One entry of the owners' activity log: who did what, from where, and when."""

    __tablename__ = "owner_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    # None for an attempt at an unknown email, and once the owner is removed.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("owners.id", ondelete="SET NULL"), index=True
    )
    # The owner's, or the one tried at sign-in.
    email: Mapped[str | None] = mapped_column(String(MAX_EMAIL))
    # An Action's value, or one of the dashboard's own actions.
    action: Mapped[str] = mapped_column(String(40))
    # None for the command line.
    client_address: Mapped[str | None] = mapped_column(String(MAX_CLIENT_ADDRESS))
    detail: Mapped[str] = mapped_column(String(500), default="")
