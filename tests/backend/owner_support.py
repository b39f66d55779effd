"""Owners for the tests of the dashboard's sign-in: an app on a clock the test moves, owners
added by the CLI and enrolled through the API, and sign-ins from a browser at some address.

    clock = use_clock(app)                       # the owners' clock, moved by hand
    owner = enrolled_owner(app, clock)           # added, enrolled, 30 s later
    browser = signed_in(app, owner, clock)       # a test client with a session cookie
    browser.changes(...)                         # POST/DELETE with Origin and CSRF token
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from bookstore.owners.clock import CLOCK_KEY
from bookstore.owners.passwords import HASHER_KEY
from bookstore.web.admin.session_cookie import SESSION_COOKIE

ORIGIN = "http://localhost:3000"  # the default FRONTEND_ORIGIN
EMAIL = "ada@shop.example"
PASSWORD = "correct horse battery staple orchid"
START = datetime(2026, 12, 15, 9, 0, 5, tzinfo=UTC)
# Cheap argon2id parameters: the tests hash and verify hundreds of times.
CHEAP = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@dataclass
class Clock:
    """The owners' clock, which the test moves by hand."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def use_clock(app: Flask, *, cheap_hashes: bool = True) -> Clock:
    """Put the app's owners on a clock the test moves (and cheap password hashes)."""
    clock = Clock()
    app.extensions[CLOCK_KEY] = clock
    if cheap_hashes:
        app.extensions[HASHER_KEY] = PasswordHasher(**CHEAP)
    return clock


def code_at(secret: str, when: datetime) -> str:
    """The authenticator app's code at `when`."""
    return pyotp.TOTP(secret).at(when)


def add_owner(app: Flask, email: str = EMAIL) -> str:
    """`flask owners add EMAIL`: the enrolment link's token."""
    result = app.test_cli_runner().invoke(args=["owners", "add", email])
    assert result.exit_code == 0, result.output
    return link_token(result.output)


def link_token(output: str) -> str:
    """The token of the enrolment link a command printed."""
    match = re.search(rf"{re.escape(ORIGIN)}/admin/enrol#token=([\w-]+)\s*$", output, re.M)
    assert match, output
    return match.group(1)


def post(client: FlaskClient, path: str, body: Any, **headers: str) -> TestResponse:
    """POST JSON from the shop's own page (its Origin)."""
    return client.post(f"/api/admin{path}", json=body, headers={"Origin": ORIGIN, **headers})


@dataclass
class EnrolledOwner:
    """An owner who has finished enrolling."""

    email: str
    password: str
    secret: str
    recovery_codes: list[str] = field(default_factory=list)

    def code(self, clock: Clock) -> str:
        return code_at(self.secret, clock.now)


def enrol(
    app: Flask, token: str, clock: Clock, email: str = EMAIL, password: str = PASSWORD
) -> EnrolledOwner:
    """Start and finish enrolment through the API as the enrolment page does."""
    client = app.test_client()
    started = post(client, "/enrolment/start", {"token": token})
    assert started.status_code == 200, started.get_json()
    secret = started.get_json()["secret"]
    finished = post(
        client,
        "/enrolment/finish",
        {"token": token, "password": password, "code": code_at(secret, clock.now)},
    )
    assert finished.status_code == 200, finished.get_json()
    return EnrolledOwner(email, password, secret, finished.get_json()["recoveryCodes"])


def enrolled_owner(app: Flask, clock: Clock, email: str = EMAIL) -> EnrolledOwner:
    """An owner added and enrolled; the clock then moves on to the app's next code."""
    owner = enrol(app, add_owner(app, email), clock, email)
    clock.advance(seconds=30)
    return owner


def browser(app: Flask, address: str = "203.0.113.7") -> FlaskClient:
    """A test client whose requests come from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(
    client: FlaskClient,
    owner: EnrolledOwner,
    clock: Clock,
    *,
    password: str | None = None,
    code: str | None = None,
    email: str | None = None,
) -> TestResponse:
    """POST /api/admin/session with the owner's details, or the ones given instead."""
    body = {
        "email": owner.email if email is None else email,
        "password": owner.password if password is None else password,
        "code": owner.code(clock) if code is None else code,
    }
    return post(client, "/session", body)


def signed_in(
    app: Flask, owner: EnrolledOwner, clock: Clock, address: str = "203.0.113.7"
) -> SignedIn:
    """A browser signed in as the owner (the clock moves on to the next code after)."""
    client = browser(app, address)
    response = sign_in(client, owner, clock)
    assert response.status_code == 200, response.get_json()
    clock.advance(seconds=30)
    return SignedIn(client, response.get_json()["csrfToken"])


@dataclass
class SignedIn:
    """A signed-in browser and its CSRF token."""

    client: FlaskClient
    csrf_token: str

    @property
    def session_id(self) -> str | None:
        cookie = self.client.get_cookie(SESSION_COOKIE)
        return None if cookie is None else cookie.value

    def change(self, method: str, path: str, body: Any = None) -> TestResponse:
        """A change the dashboard asks for: its Origin and the session's CSRF token."""
        return self.client.open(
            f"/api/admin{path}",
            method=method,
            json=body,
            headers={"Origin": ORIGIN, "X-CSRF-Token": self.csrf_token},
        )
