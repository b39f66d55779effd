"""Owners' sessions end after 30 minutes idle, 12 hours after sign-in at the latest, at
sign-out, and everywhere at once when the owner asks; all on the server."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from owner_support import (
    Clock,
    EnrolledOwner,
    SignedIn,
    enrolled_owner,
    signed_in,
    use_clock,
)

from bookstore.web.admin.session_cookie import SESSION_COOKIE


@pytest.fixture
def clock(app: Flask) -> Clock:
    return use_clock(app)


@pytest.fixture
def owner(app: Flask, clock: Clock) -> EnrolledOwner:
    return enrolled_owner(app, clock)


@pytest.fixture
def session(app: Flask, owner: EnrolledOwner, clock: Clock) -> SignedIn:
    return signed_in(app, owner, clock)


def with_cookie(app: Flask, session_id: str | None) -> FlaskClient:
    """Another browser holding a copy of a session's cookie."""
    assert session_id is not None
    client = app.test_client()
    client.set_cookie(SESSION_COOKIE, session_id)
    return client


def status(session: SignedIn) -> int:
    return session.client.get("/api/admin/session").status_code


def test_a_session_ends_after_30_minutes_without_a_request(session: SignedIn, clock: Clock) -> None:
    clock.advance(minutes=29, seconds=29)  # 29:59 after sign-in (signed_in moved 30 s)
    assert status(session) == 200
    clock.advance(minutes=29, seconds=59)  # each request starts the 30 minutes again
    assert status(session) == 200

    clock.advance(minutes=30)

    assert status(session) == 401


def test_a_session_ends_12_hours_after_sign_in_however_busy(
    session: SignedIn, clock: Clock
) -> None:
    for _ in range(12 * 3 - 1):  # a request every 20 minutes, to 11:40 after sign-in
        clock.advance(minutes=20)
        assert status(session) == 200
    clock.advance(minutes=19, seconds=29)  # 11:59:59
    assert status(session) == 200

    clock.advance(seconds=1)

    assert status(session) == 401


def test_the_session_answer_says_when_it_ends(session: SignedIn, clock: Clock) -> None:
    clock.advance(minutes=10)

    body = session.client.get("/api/admin/session").get_json()

    # Signed in at 09:00:35 (see owner_support.START), read at 09:11:05.
    assert body["expiresAt"] == "2026-12-15T21:00:35Z"
    assert body["idleExpiresAt"] == "2026-12-15T09:41:05Z"
    assert body["csrfToken"] == session.csrf_token


def test_signing_out_ends_the_session_on_the_server(app: Flask, session: SignedIn) -> None:
    copy = with_cookie(app, session.session_id)

    response = session.change("DELETE", "/session")

    assert response.status_code == 200
    assert response.get_json() == {"signedOut": True}
    assert session.session_id is None  # the cookie was cleared
    assert copy.get("/api/admin/session").status_code == 401  # and the session is gone


def test_signing_out_everywhere_ends_every_session_of_that_owner_only(
    app: Flask, owner: EnrolledOwner, session: SignedIn, clock: Clock
) -> None:
    phone = signed_in(app, owner, clock, address="198.51.100.20")
    other = enrolled_owner(app, clock, "grace@shop.example")
    others_session = signed_in(app, other, clock, address="198.51.100.30")

    response = session.change("POST", "/sessions/revoke-all")

    assert response.get_json() == {"sessionsEnded": 2}
    assert status(session) == 401
    assert status(phone) == 401
    assert status(others_session) == 200
