"""The activity log, newest first a page at a time, and the guard's helpers for the
dashboard's routes: current_owner() and record_owner_action()."""

from __future__ import annotations

import pytest
from flask import Flask
from owner_support import (
    ORIGIN,
    Clock,
    EnrolledOwner,
    SignedIn,
    browser,
    enrolled_owner,
    sign_in,
    signed_in,
    use_clock,
)
from sqlalchemy import select

from bookstore.db import db
from bookstore.owners.models import Activity
from bookstore.web.admin import current_owner, record_owner_action
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


def test_the_log_pages_back_from_the_newest_entry(
    app: Flask, owner: EnrolledOwner, session: SignedIn, clock: Clock
) -> None:
    for _ in range(3):
        sign_in(browser(app, "198.51.100.5"), owner, clock, code="000000")
    # owner_added, enrolled, sign_in, then three sign_in_failed: six entries.

    first = session.client.get("/api/admin/activity?limit=4").get_json()
    second = session.client.get(f"/api/admin/activity?limit=4&before={first['nextBefore']}")

    assert [entry["action"] for entry in first["entries"]] == [
        "sign_in_failed",
        "sign_in_failed",
        "sign_in_failed",
        "sign_in",
    ]
    newest = first["entries"][0]
    assert newest["email"] == owner.email
    assert newest["clientAddress"] == "198.51.100.5"
    assert newest["detail"] == "wrong or already used code"
    assert newest["at"] == "2026-12-15T09:01:05Z"
    assert first["nextBefore"] == first["entries"][-1]["id"]
    page = second.get_json()
    assert [entry["action"] for entry in page["entries"]] == ["enrolled", "owner_added"]
    assert page["entries"][1]["clientAddress"] is None  # the command line
    assert page["nextBefore"] is None


def test_the_default_page_is_50_entries(session: SignedIn) -> None:
    body = session.client.get("/api/admin/activity").get_json()

    assert len(body["entries"]) == 3
    assert body["nextBefore"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "before=0", "before=a"])
def test_a_bad_page_query_is_a_400_naming_the_field(session: SignedIn, query: str) -> None:
    response = session.client.get(f"/api/admin/activity?{query}")

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["field"] == query.partition("=")[0]


def test_a_dashboard_route_knows_its_owner_and_logs_its_action(
    app: Flask, owner: EnrolledOwner, session: SignedIn
) -> None:
    # What a route of the dashboard does: the guard runs first (preprocess_request), then the
    # route asks for its owner and logs its change in its own transaction.
    headers = {
        "Origin": ORIGIN,
        "X-CSRF-Token": session.csrf_token,
        "Cookie": f"{SESSION_COOKIE}={session.session_id}",
    }
    with app.test_request_context(
        "/api/admin/sessions/revoke-all",
        method="POST",
        headers=headers,
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    ):
        assert app.preprocess_request() is None
        assert current_owner().email == owner.email
        record_owner_action("order_refunded", "SP-7K3M9Q, the books came back")
        db.session.commit()

    with app.app_context():
        entry = db.session.scalars(select(Activity).order_by(Activity.id.desc())).first()
        assert entry is not None
        assert (entry.action, entry.email, entry.client_address, entry.detail) == (
            "order_refunded",
            owner.email,
            "203.0.113.7",
            "SP-7K3M9Q, the books came back",
        )


def test_the_guard_refuses_before_a_dashboard_route_runs(app: Flask) -> None:
    with app.test_request_context(
        "/api/admin/sessions/revoke-all", method="POST", headers={"Origin": ORIGIN}
    ):
        response = app.full_dispatch_request()

        assert response.status_code == 401
        with pytest.raises(RuntimeError):
            current_owner()
