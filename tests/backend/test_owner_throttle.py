"""Failed sign-ins slow a client down (429 with Retry-After), per email and per client, and
never the owner signing in from somewhere else."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from owner_support import (
    ORIGIN,
    Clock,
    EnrolledOwner,
    browser,
    enrolled_owner,
    sign_in,
    use_clock,
)
from sqlalchemy import select
from werkzeug.test import TestResponse

from bookstore import create_app
from bookstore.config import Settings
from bookstore.db import db
from bookstore.owners.models import Activity
from bookstore.owners.throttle import CLIENT_CAP, FREE_FAILURES, delay_after

ATTACKER = "198.51.100.66"
OWNERS_ADDRESS = "203.0.113.7"
WRONG = "a wrong password, long enough"


@pytest.fixture
def clock(app: Flask) -> Clock:
    return use_clock(app)


@pytest.fixture
def owner(app: Flask, clock: Clock) -> EnrolledOwner:
    return enrolled_owner(app, clock)


def failed_sign_ins(app: Flask) -> list[tuple[str | None, str | None]]:
    """(email tried, client address) of every failed sign-in recorded."""
    with app.app_context():
        entries = db.session.scalars(
            select(Activity).where(Activity.action == "sign_in_failed").order_by(Activity.id)
        )
        return [(entry.email, entry.client_address) for entry in entries]


def test_the_delay_doubles_after_the_free_failures_up_to_15_minutes() -> None:
    delays = [delay_after(n).total_seconds() for n in range(FREE_FAILURES + 12)]

    assert delays[:FREE_FAILURES] == [0] * FREE_FAILURES
    assert delays[FREE_FAILURES : FREE_FAILURES + 4] == [1, 2, 4, 8]
    assert delays[-1] == 15 * 60


def test_failures_at_one_email_throttle_that_client_with_retry_after(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    attacker = browser(app, ATTACKER)
    for _ in range(FREE_FAILURES):
        assert sign_in(attacker, owner, clock, password=WRONG).status_code == 401

    throttled = sign_in(attacker, owner, clock, password=WRONG)

    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "1"
    assert throttled.get_json()["error"]["code"] == "sign_in_throttled"
    # The right password from the throttled client waits too...
    assert sign_in(attacker, owner, clock).status_code == 429
    # ...until the wait is over; each further failure doubles it.
    clock.advance(seconds=1)
    assert sign_in(attacker, owner, clock, password=WRONG).status_code == 401
    again = sign_in(attacker, owner, clock, password=WRONG)
    assert (again.status_code, again.headers["Retry-After"]) == (429, "2")
    # Throttled tries are not checked, so they are not failures: FREE_FAILURES + 1 recorded.
    assert failed_sign_ins(app) == [(owner.email, ATTACKER)] * (FREE_FAILURES + 1)


def test_the_owner_signs_in_from_another_client_while_an_attacker_is_throttled(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    attacker = browser(app, ATTACKER)
    for _ in range(FREE_FAILURES + 10):
        sign_in(attacker, owner, clock, password=WRONG)
    assert sign_in(attacker, owner, clock, password=WRONG).status_code == 429

    response = sign_in(browser(app, OWNERS_ADDRESS), owner, clock)

    assert response.status_code == 200


def test_one_client_failing_at_many_emails_is_capped_and_nobody_else(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    attacker = browser(app, ATTACKER)
    for n in range(CLIENT_CAP):
        response = sign_in(attacker, owner, clock, email=f"guess{n}@shop.example")
        assert response.status_code == 401, n

    capped = sign_in(attacker, owner, clock, email="one-more@shop.example")

    assert capped.status_code == 429
    assert 1 <= int(capped.headers["Retry-After"]) <= 15 * 60
    assert sign_in(browser(app, OWNERS_ADDRESS), owner, clock).status_code == 200
    # The cap counts a window of 15 minutes: after it, the client may try again.
    clock.advance(minutes=15, seconds=1)
    assert sign_in(attacker, owner, clock, email="later@shop.example").status_code == 401


def test_the_throttle_counts_clients_behind_a_trusted_proxy_by_their_forwarded_address(
    settings: Settings,
) -> None:
    proxied = create_app(settings.replace(trusted_proxy_count=1))
    proxied_clock = use_clock(proxied)
    owner = enrolled_owner(proxied, proxied_clock)
    # Every request reaches the app from the load balancer.
    attacker = browser(proxied, "10.0.0.2")
    for _ in range(FREE_FAILURES):
        sign_in_from(attacker, owner, proxied_clock, ATTACKER, password=WRONG)

    throttled = sign_in_from(attacker, owner, proxied_clock, ATTACKER, password=WRONG)
    owners = sign_in_from(browser(proxied, "10.0.0.2"), owner, proxied_clock, OWNERS_ADDRESS)

    assert throttled.status_code == 429
    assert owners.status_code == 200
    assert failed_sign_ins(proxied)[-1] == (owner.email, ATTACKER)


def sign_in_from(
    client: FlaskClient,
    owner: EnrolledOwner,
    clock: Clock,
    forwarded_for: str,
    password: str | None = None,
) -> TestResponse:
    """A sign-in whose client the load balancer names in X-Forwarded-For."""
    body = {
        "email": owner.email,
        "password": owner.password if password is None else password,
        "code": owner.code(clock),
    }
    return client.post(
        "/api/admin/session",
        json=body,
        headers={"Origin": ORIGIN, "X-Forwarded-For": forwarded_for},
    )


def test_a_successful_sign_in_resets_the_count_for_that_email_and_client(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    client = browser(app, OWNERS_ADDRESS)
    for _ in range(FREE_FAILURES - 1):
        sign_in(client, owner, clock, password=WRONG)
    assert sign_in(client, owner, clock).status_code == 200
    clock.advance(seconds=30)

    for _ in range(FREE_FAILURES):
        assert sign_in(client, owner, clock, password=WRONG).status_code == 401
    assert sign_in(client, owner, clock, password=WRONG).status_code == 429
