"""Request and response bodies of /api/admin, declared once (the OpenAPI document reads them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictStr

from bookstore.owners.models import Activity, OwnerSession
from bookstore.owners.passwords import MAX_LENGTH, MIN_LENGTH
from bookstore.owners.sessions import expires_at, idle_expires_at
from bookstore.web.response_schemas import ResponseModel

# Far above any real password: the rules themselves (and their messages) are the domain's.
MAX_PASSWORD_FIELD = 1024
MAX_ACTIVITY_PAGE = 100
DEFAULT_ACTIVITY_PAGE = 50

Token = Annotated[StrictStr, Field(min_length=1, max_length=200)]
Password = Annotated[
    StrictStr,
    Field(
        min_length=1,
        max_length=MAX_PASSWORD_FIELD,
        description=f"{MIN_LENGTH} to {MAX_LENGTH} characters, any at all; not a commonly used "
        "password.",
    ),
]
Code = Annotated[
    StrictStr,
    Field(
        min_length=1,
        max_length=64,
        description="The 6 digits the authenticator app shows now, or (at sign-in) one of the "
        "recovery codes.",
    ),
]
Timestamp = Annotated[str, Field(description="UTC, e.g. 2026-12-15T09:30:00Z.")]


class EnrolmentStartRequest(BaseModel):
    """Body of POST /api/admin/enrolment/start: the token from the link's fragment."""

    token: Token


class EnrolmentFinishRequest(BaseModel):
    """Body of POST /api/admin/enrolment/finish."""

    token: Token
    password: Password
    code: Code


class SignInRequest(BaseModel):
    """Body of POST /api/admin/session."""

    email: Annotated[StrictStr, Field(min_length=1, max_length=254)]
    password: Annotated[StrictStr, Field(min_length=1, max_length=MAX_PASSWORD_FIELD)]
    code: Code


class ActivityQuery(BaseModel):
    """Query of GET /api/admin/activity."""

    # At most the largest id any of the databases stores (PostgreSQL's integer): a larger one
    # is a 400, not a comparison the database cannot make.
    before: int | None = Field(default=None, ge=1, le=2**31 - 1)
    limit: int = Field(default=DEFAULT_ACTIVITY_PAGE, ge=1, le=MAX_ACTIVITY_PAGE)


class AuthenticatorResponse(ResponseModel):
    """POST /api/admin/enrolment/start: what to set the authenticator app up with."""

    email: str
    secret: str = Field(description="Base32, for typing into the app instead of scanning.")
    otpauth_uri: str = Field(description="otpauth://totp/...: what the QR code holds.")
    qr_svg: str = Field(
        description="The QR code as a standalone SVG document (show it as an image, e.g. a "
        "data:image/svg+xml URL)."
    )
    digits: int = Field(description="Digits per code.")
    period: int = Field(description="Seconds per code.")
    link_expires_at: Timestamp


class RecoveryCodesResponse(ResponseModel):
    """POST /api/admin/enrolment/finish: the ten recovery codes, shown this once."""

    recovery_codes: list[str] = Field(
        description="Each signs in once in place of a code from the app."
    )


class OwnerResponse(ResponseModel):
    """The signed-in owner."""

    email: str


class SessionResponse(ResponseModel):
    """POST and GET /api/admin/session: the session and its CSRF token."""

    owner: OwnerResponse
    csrf_token: str = Field(description="Send it as X-CSRF-Token with every POST and DELETE.")
    expires_at: Timestamp = Field(description="When the session ends however busy it is.")
    idle_expires_at: Timestamp = Field(description="When it ends unless a request comes first.")


class SignedOutResponse(ResponseModel):
    """DELETE /api/admin/session: this session has ended."""

    signed_out: Literal[True]


class SessionsEndedResponse(ResponseModel):
    """POST /api/admin/sessions/revoke-all: every session of the owner has ended."""

    sessions_ended: int = Field(ge=0, description="This one included.")


class ActivityEntryResponse(ResponseModel):
    """One entry of the activity log."""

    id: int
    at: Timestamp
    action: str = Field(
        description="sign_in, sign_in_failed, sign_out, sign_out_everywhere, enrolled, "
        "owner_added, owner_removed, owner_reset, or one of the dashboard's actions."
    )
    email: str | None = Field(description="The owner's, or the one tried at sign-in.")
    client_address: str | None = Field(description="Null for the command line.")
    detail: str


class ActivityResponse(ResponseModel):
    """GET /api/admin/activity: a page of entries, newest first."""

    entries: list[ActivityEntryResponse]
    next_before: int | None = Field(
        description="Pass as `before` for the next (older) page; null on the last page."
    )


def iso_utc(moment: datetime) -> str:
    """2026-12-15T09:30:00Z: UTC to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def session_json(session: OwnerSession) -> dict[str, object]:
    """A session as POST and GET /api/admin/session answer it."""
    return SessionResponse(
        owner=OwnerResponse(email=session.owner.email),
        csrf_token=session.csrf_token,
        expires_at=iso_utc(expires_at(session)),
        idle_expires_at=iso_utc(idle_expires_at(session)),
    ).model_dump(mode="json")


def activity_json(entries: list[Activity], next_before: int | None) -> dict[str, object]:
    """A page of the activity log."""
    return ActivityResponse(
        entries=[
            ActivityEntryResponse(
                id=entry.id,
                at=iso_utc(entry.at),
                action=entry.action,
                email=entry.email,
                client_address=entry.client_address,
                detail=entry.detail,
            )
            for entry in entries
        ],
        next_before=next_before,
    ).model_dump(mode="json")
