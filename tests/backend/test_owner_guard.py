"""The one door into /api/admin: every route of admin_bp but the public ones needs a signed-in
session, and every change needs the shop's Origin and the session's CSRF token.

The routes are read from the app's URL map, so a route added to the blueprint later is
checked here without anyone listing it.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest
from flask import Flask
from flask.testing import FlaskClient
from owner_support import (
    ORIGIN,
    Clock,
    EnrolledOwner,
    SignedIn,
    browser,
    enrolled_owner,
    post,
    sign_in,
    signed_in,
    use_clock,
)
from werkzeug.test import TestResponse

from bookstore.web.admin import PUBLIC_ENDPOINTS
from bookstore.web.admin.session_cookie import SESSION_COOKIE

FOREIGN_ORIGIN = "https://evil.example"
SAFE = {"GET", "HEAD", "OPTIONS"}
# Every route known today; more may come (the dashboard's own), never fewer.
KNOWN = {
    ("GET", "/api/admin/session"),
    ("DELETE", "/api/admin/session"),
    ("POST", "/api/admin/sessions/revoke-all"),
    ("GET", "/api/admin/activity"),
}


def admin_routes(app: Flask, *, public: bool = False) -> list[tuple[str, str]]:
    """(method, URL) of every route under /api/admin, the public ones or the guarded ones;
    path parameters filled with 1 (enough to reach the guard, which runs first)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/admin"):
            continue
        if (rule.endpoint in PUBLIC_ENDPOINTS) != public:
            continue
        url = re.sub(r"<[^>]+>", "1", rule.rule)
        found.extend((method, url) for method in sorted(rule.methods or ()) if method != "OPTIONS")
    return found


def guarded_changes(app: Flask) -> list[tuple[str, str]]:
    """The guarded routes that change something (not GET or HEAD)."""
    return [(method, url) for method, url in admin_routes(app) if method not in SAFE]


def assert_error(response: TestResponse, status: int, code: str) -> None:
    """The status, and the shop's one error shape with this code."""
    assert response.status_code == status, (response.status_code, response.get_data(True))
    if response.request.method != "HEAD":
        body = response.get_json()
        assert set(body) == {"error"}
        assert body["error"]["code"] == code
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]


@pytest.fixture
def clock(app: Flask) -> Clock:
    return use_clock(app)


@pytest.fixture
def owner(app: Flask, clock: Clock) -> EnrolledOwner:
    return enrolled_owner(app, clock)


@pytest.fixture
def session(app: Flask, owner: EnrolledOwner, clock: Clock) -> SignedIn:
    return signed_in(app, owner, clock)


def test_the_allowlist_is_enrolment_and_sign_in_only(app: Flask) -> None:
    assert {
        "admin.enrolment_start",
        "admin.enrolment_finish",
        "admin.create_session",
    } == PUBLIC_ENDPOINTS
    assert admin_routes(app, public=True) == [
        ("POST", "/api/admin/enrolment/start"),
        ("POST", "/api/admin/enrolment/finish"),
        ("POST", "/api/admin/session"),
    ]
    assert set(admin_routes(app)) >= KNOWN


def test_every_guarded_route_answers_401_without_a_session(app: Flask, clock: Clock) -> None:
    client = app.test_client()

    for method, url in admin_routes(app):
        response = client.open(url, method=method, headers={"Origin": ORIGIN})

        assert_error(response, 401, "not_signed_in")


def test_an_unknown_or_forged_session_cookie_is_no_session(
    app: Flask, session: SignedIn, clock: Clock
) -> None:
    forger = app.test_client()
    forger.set_cookie(SESSION_COOKIE, (session.session_id or "") + "x")

    for method, url in admin_routes(app):
        response = forger.open(
            url, method=method, headers={"Origin": ORIGIN, "X-CSRF-Token": session.csrf_token}
        )

        assert_error(response, 401, "not_signed_in")


@pytest.mark.parametrize(
    "csrf_header",
    [None, "", "not-the-token", "other session's"],
    ids=["missing", "empty", "wrong", "another session's"],
)
def test_every_change_answers_403_without_the_sessions_csrf_token(
    app: Flask, owner: EnrolledOwner, session: SignedIn, clock: Clock, csrf_header: str | None
) -> None:
    if csrf_header == "other session's":
        csrf_header = signed_in(app, owner, clock, address="198.51.100.9").csrf_token
    headers = {"Origin": ORIGIN}
    if csrf_header is not None:
        headers["X-CSRF-Token"] = csrf_header
    changes = guarded_changes(app)
    assert changes

    for method, url in changes:
        response = session.client.open(url, method=method, headers=headers)

        assert_error(response, 403, "csrf_failed")
    # Nothing was done: the session is still there.
    assert session.client.get("/api/admin/session").status_code == 200


@pytest.mark.parametrize("origin", [FOREIGN_ORIGIN, None, "null", ORIGIN + ".evil.example"])
def test_every_change_answers_403_from_another_origin(
    app: Flask, session: SignedIn, origin: str | None
) -> None:
    headers = {"X-CSRF-Token": session.csrf_token}
    if origin is not None:
        headers["Origin"] = origin

    for method, url in guarded_changes(app) + admin_routes(app, public=True):
        response = session.client.open(url, method=method, headers=headers, json={})

        assert_error(response, 403, "origin_not_allowed")
    assert session.client.get("/api/admin/session").status_code == 200


def test_a_change_with_the_shops_origin_and_the_csrf_token_goes_through(
    session: SignedIn,
) -> None:
    response = session.change("POST", "/sessions/revoke-all")

    assert response.status_code == 200
    assert response.get_json() == {"sessionsEnded": 1}


def test_reads_need_no_csrf_token_nor_origin(session: SignedIn) -> None:
    assert session.client.get("/api/admin/session").status_code == 200
    assert session.client.get("/api/admin/activity").status_code == 200
    assert session.client.head("/api/admin/session").status_code == 200


def test_a_cors_preflight_is_answered_without_a_session(client: FlaskClient) -> None:
    response = client.options(
        "/api/admin/sessions/revoke-all",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_the_session_cookie_is_host_only_secure_httponly_and_strict(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    response = sign_in(browser(app), owner, clock)

    [header] = response.headers.getlist("Set-Cookie")
    cookie = SimpleCookie()
    cookie.load(header)
    [(name, morsel)] = cookie.items()
    assert name == SESSION_COOKIE and name.startswith("__Host-")
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/"
    assert morsel["domain"] == ""
    assert "domain=" not in header.lower()
    # An opaque id of at least 128 bits: 32 random bytes, in base64url.
    assert len(morsel.value) >= 43 and re.fullmatch(r"[\w-]+", morsel.value)


def test_answers_under_api_admin_are_never_stored(
    app: Flask, session: SignedIn, client: FlaskClient
) -> None:
    answers = [
        session.client.get("/api/admin/session"),
        session.client.get("/api/admin/activity"),
        client.get("/api/admin/session"),
        post(client, "/session", {"email": "x@y.example", "password": "p", "code": "1"}),
        post(client, "/enrolment/start", {"token": "nope"}),
        client.post("/api/admin/session", json={}, headers={"Origin": FOREIGN_ORIGIN}),
    ]

    for answer in answers:
        assert answer.headers["Cache-Control"] == "no-store", answer.status_code


def test_an_ended_sessions_cookie_is_cleared_with_the_401(
    app: Flask, session: SignedIn, clock: Clock
) -> None:
    clock.advance(hours=1)

    response = session.client.get("/api/admin/session")

    assert_error(response, 401, "not_signed_in")
    assert session.session_id is None
