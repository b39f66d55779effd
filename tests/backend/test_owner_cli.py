"""`flask --app bookstore owners add|list|remove|reset`: who may sign in to the dashboard."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from owner_support import (
    EMAIL,
    ORIGIN,
    Clock,
    EnrolledOwner,
    add_owner,
    browser,
    enrol,
    enrolled_owner,
    link_token,
    sign_in,
    signed_in,
    use_clock,
)
from sqlalchemy import select

from bookstore import create_app
from bookstore.config import Settings
from bookstore.db import db
from bookstore.owners.models import Activity, Owner


@pytest.fixture
def clock(app: Flask) -> Clock:
    return use_clock(app)


@pytest.fixture
def owner(app: Flask, clock: Clock) -> EnrolledOwner:
    return enrolled_owner(app, clock)


def actions(app: Flask) -> list[tuple[str, str | None, int | None]]:
    """(action, email, owner id) of every activity entry, oldest first."""
    with app.app_context():
        entries = db.session.scalars(select(Activity).order_by(Activity.id))
        return [(entry.action, entry.email, entry.owner_id) for entry in entries]


def test_add_prints_a_one_time_link_to_the_first_frontend_origin(settings: Settings) -> None:
    app = create_app(
        settings.replace(frontend_origins=("https://shop.example", "http://localhost:3000"))
    )
    use_clock(app)

    result = app.test_cli_runner().invoke(args=["owners", "add", "  Ada@Shop.Example "])

    assert result.exit_code == 0, result.output
    assert "Added ada@shop.example." in result.output
    assert "30 minutes (until 2026-12-15 09:30 UTC)" in result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://shop.example/admin/enrol#token=")
    assert len(link.partition("#token=")[2]) >= 43


def test_adding_an_owner_twice_is_refused(app: Flask, runner: FlaskCliRunner) -> None:
    add_owner(app)

    result = runner.invoke(args=["owners", "add", EMAIL.upper()])

    assert result.exit_code == 1
    assert "already" in result.output


def test_add_refuses_what_is_not_an_email(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["owners", "add", "not-an-email"])

    assert result.exit_code == 1
    assert "not an email address" in result.output


def test_list_shows_each_owners_state(
    app: Flask, runner: FlaskCliRunner, owner: EnrolledOwner, clock: Clock
) -> None:
    add_owner(app, "grace@shop.example")
    signed_in(app, owner, clock)

    result = runner.invoke(args=["owners", "list"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["EMAIL", "STATUS", "SESSIONS", "LAST", "SIGN-IN", "(UTC)"]
    assert lines[1].split() == ["ada@shop.example", "enrolled", "1", "2026-12-15", "09:00"]
    assert lines[2].split()[:2] == ["grace@shop.example", "link"]
    assert lines[2].split()[-2:] == ["0", "never"]


def test_list_with_no_owners_says_how_to_add_one(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["owners", "list"])

    assert "owners add EMAIL" in result.output


def test_remove_ends_the_owners_sessions_and_keeps_the_log(
    app: Flask, runner: FlaskCliRunner, owner: EnrolledOwner, clock: Clock
) -> None:
    session = signed_in(app, owner, clock)

    result = runner.invoke(args=["owners", "remove", EMAIL])

    assert result.exit_code == 0, result.output
    # The log keeps the email; the removed owner's id is gone from it.
    assert actions(app)[-1] == ("owner_removed", EMAIL, None)
    assert {owner_id for _, _, owner_id in actions(app)} == {None}
    assert session.client.get("/api/admin/session").status_code == 401
    assert sign_in(browser(app), owner, clock).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(Owner)) is None


def test_remove_of_an_unknown_owner_fails(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["owners", "remove", "nobody@shop.example"])

    assert result.exit_code == 1
    assert "No owner has the email nobody@shop.example" in result.output


def test_reset_ends_the_sessions_and_forgets_password_app_and_recovery_codes(
    app: Flask, runner: FlaskCliRunner, owner: EnrolledOwner, clock: Clock
) -> None:
    session = signed_in(app, owner, clock)

    result = runner.invoke(args=["owners", "reset", EMAIL])

    assert result.exit_code == 0, result.output
    assert "1 session(s) ended" in result.output
    # The old cookie is no session any more.
    assert session.client.get("/api/admin/session").status_code == 401
    # Neither the old password and app nor a recovery code sign in.
    assert sign_in(browser(app), owner, clock).status_code == 401
    recovery = sign_in(browser(app), owner, clock, code=owner.recovery_codes[0])
    assert recovery.status_code == 401
    # The new link enrols again, with a new secret and new recovery codes.
    token = link_token(result.output)
    assert result.output.strip().endswith(f"{ORIGIN}/admin/enrol#token={token}")
    again = enrol(app, token, clock, password="a brand new passphrase for ada")
    assert again.secret != owner.secret
    assert not set(again.recovery_codes) & set(owner.recovery_codes)
    clock.advance(seconds=30)
    assert sign_in(browser(app), again, clock).status_code == 200
    logged = [action for action, _, _ in actions(app)]
    assert logged[logged.index("owner_reset") :] == [
        "owner_reset",
        "sign_in_failed",
        "sign_in_failed",
        "enrolled",
        "sign_in",
    ]


def test_an_old_enrolment_link_stops_working_when_reset_gives_a_new_one(
    app: Flask, runner: FlaskCliRunner, clock: Clock
) -> None:
    first = add_owner(app)

    second = link_token(runner.invoke(args=["owners", "reset", EMAIL]).output)

    client = app.test_client()
    headers = {"Origin": ORIGIN}
    assert (
        client.post(
            "/api/admin/enrolment/start", json={"token": first}, headers=headers
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/api/admin/enrolment/start", json={"token": second}, headers=headers
        ).status_code
        == 200
    )
