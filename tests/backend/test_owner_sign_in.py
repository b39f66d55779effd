"""Signing in to the dashboard: email, password and a code; one answer for every failure; a
new session id every time; each code once; argon2id hashes, upgraded when parameters change.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from argon2 import PasswordHasher, Type
from flask import Flask
from owner_support import (
    CHEAP,
    EMAIL,
    ORIGIN,
    START,
    Clock,
    EnrolledOwner,
    add_owner,
    browser,
    code_at,
    enrolled_owner,
    sign_in,
    signed_in,
    use_clock,
)
from sqlalchemy import select

from bookstore import create_app
from bookstore.config import Settings
from bookstore.db import db
from bookstore.owners import sign_in as sign_in_module
from bookstore.owners.models import Activity, Owner, RecoveryCode
from bookstore.owners.passwords import HASHER_KEY, current_hasher
from bookstore.owners.totp import accepted_step
from bookstore.web.admin.session_cookie import SESSION_COOKIE

SIGN_IN_FAILED = {
    "error": {"code": "sign_in_failed", "message": "The email, password or code is not right."}
}


@pytest.fixture
def clock(app: Flask) -> Clock:
    return use_clock(app)


@pytest.fixture
def owner(app: Flask, clock: Clock) -> EnrolledOwner:
    return enrolled_owner(app, clock)


def stored_owner(app: Flask, email: str = EMAIL) -> Owner:
    with app.app_context():
        owner = db.session.scalar(select(Owner).where(Owner.email == email))
        assert owner is not None
        db.session.expunge(owner)
        return owner


def activity(app: Flask) -> list[tuple[str, str | None, str]]:
    """(action, client address, detail) of every entry, oldest first."""
    with app.app_context():
        entries = db.session.scalars(select(Activity).order_by(Activity.id))
        return [(entry.action, entry.client_address, entry.detail) for entry in entries]


def test_the_right_email_password_and_code_sign_in(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    client = browser(app)

    response = sign_in(client, owner, clock, email=" Ada@Shop.Example ")

    assert response.status_code == 200
    body = response.get_json()
    assert body["owner"] == {"email": EMAIL}
    assert body["expiresAt"] == "2026-12-15T21:00:35Z"  # 12 hours after
    assert body["idleExpiresAt"] == "2026-12-15T09:30:35Z"  # 30 minutes after
    assert len(body["csrfToken"]) >= 43
    assert client.get("/api/admin/session").get_json() == body
    assert activity(app)[-1] == ("sign_in", "203.0.113.7", "with the authenticator app")


@pytest.mark.parametrize(
    "wrong",
    [
        {"email": "eve@shop.example"},
        {"password": "correct horse battery staple orchie"},
        {"code": "000000"},
        {"code": "ABCD-EFGH-JKMN-PQRS-TVWX-YZ23"},
        {"password": "wrong", "code": "12"},
    ],
    ids=["unknown email", "wrong password", "wrong code", "wrong recovery code", "all wrong"],
)
def test_every_failure_gets_the_same_401(
    app: Flask, owner: EnrolledOwner, clock: Clock, wrong: dict[str, str]
) -> None:
    client = browser(app)

    response = sign_in(client, owner, clock, **wrong)

    assert response.status_code == 401
    assert response.get_json() == SIGN_IN_FAILED
    assert client.get_cookie(SESSION_COOKIE) is None
    action, address, _ = activity(app)[-1]
    assert (action, address) == ("sign_in_failed", "203.0.113.7")


def test_an_owner_not_enrolled_yet_cannot_sign_in(app: Flask, clock: Clock) -> None:
    add_owner(app, "new@shop.example")

    response = sign_in(
        browser(app),
        EnrolledOwner("new@shop.example", "", "A" * 32),
        clock,
        password="correct horse battery staple orchid",
    )

    assert response.get_json() == SIGN_IN_FAILED
    assert activity(app)[-1][2] == "not enrolled"


class CountingHasher(PasswordHasher):
    """A PasswordHasher that counts the hashes it verifies."""

    def __init__(self) -> None:
        super().__init__(**CHEAP)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


def test_an_unknown_email_costs_a_password_check_as_a_known_one_does(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    hasher = app.extensions[HASHER_KEY] = CountingHasher()

    sign_in(browser(app), owner, clock, email="nobody@shop.example")
    unknown = hasher.verified
    sign_in(browser(app), owner, clock, password="correct horse battery staple orchie")

    assert unknown == 1
    assert hasher.verified == 2


def test_signing_in_always_makes_a_new_session_id(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    client = browser(app)
    # A fixation attempt: a cookie planted before sign-in is never taken on.
    client.set_cookie(SESSION_COOKIE, "planted-by-someone-else")
    first = sign_in(client, owner, clock)
    first_id = client.get_cookie(SESSION_COOKIE)
    clock.advance(seconds=30)
    second = sign_in(client, owner, clock)
    second_id = client.get_cookie(SESSION_COOKIE)

    assert first.status_code == second.status_code == 200
    assert first_id is not None and second_id is not None
    assert first_id.value not in ("planted-by-someone-else", second_id.value)
    assert first.get_json()["csrfToken"] != second.get_json()["csrfToken"]
    # The session the browser had before ended with the new sign-in.
    old = app.test_client()
    old.set_cookie(SESSION_COOKIE, first_id.value)
    assert old.get("/api/admin/session").status_code == 401
    assert client.get("/api/admin/session").status_code == 200


def test_a_totp_code_signs_in_once(app: Flask, owner: EnrolledOwner, clock: Clock) -> None:
    code = owner.code(clock)

    first = sign_in(browser(app), owner, clock, code=code)
    replayed = sign_in(browser(app, "198.51.100.2"), owner, clock, code=code)

    assert first.status_code == 200
    assert replayed.get_json() == SIGN_IN_FAILED
    assert activity(app)[-1][2] == "wrong or already used code"


def test_a_code_older_than_the_last_one_used_is_refused(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    previous = code_at(owner.secret, clock.now)
    clock.advance(seconds=30)
    assert sign_in(browser(app), owner, clock).status_code == 200

    # Still within a step of drift, but older than the code just used.
    response = sign_in(browser(app), owner, clock, code=previous)

    assert response.status_code == 401
    clock.advance(seconds=30)
    assert sign_in(browser(app), owner, clock).status_code == 200


@pytest.mark.parametrize(("seconds", "accepted"), [(-30, True), (30, True), (-60, False)])
def test_one_step_of_clock_drift_either_way_is_allowed(
    app: Flask, owner: EnrolledOwner, clock: Clock, seconds: int, accepted: bool
) -> None:
    clock.advance(seconds=60)  # two steps past the code used to enrol
    phone_time = clock.now + timedelta(seconds=seconds)

    response = sign_in(browser(app), owner, clock, code=code_at(owner.secret, phone_time))

    assert (response.status_code == 200) is accepted


def test_a_recovery_code_signs_in_once_in_place_of_a_totp_code(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    code = owner.recovery_codes[3]
    # Typed as people do: lower case, without the dashes.
    typed = code.replace("-", "").lower()

    first = sign_in(browser(app), owner, clock, code=typed)
    again = sign_in(browser(app, "198.51.100.2"), owner, clock, code=code)

    assert first.status_code == 200
    assert again.get_json() == SIGN_IN_FAILED
    details = [detail for action, _, detail in activity(app) if action.startswith("sign_in")]
    assert details == ["with a recovery code (9 left)", "wrong or already used code"]
    # The other nine still work.
    assert sign_in(browser(app), owner, clock, code=owner.recovery_codes[4]).status_code == 200


def test_recovery_codes_are_ten_distinct_and_stored_only_as_digests(
    app: Flask, owner: EnrolledOwner
) -> None:
    assert len(set(owner.recovery_codes)) == 10
    with app.app_context():
        stored = list(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    for code in owner.recovery_codes:
        assert code not in stored and code.replace("-", "") not in stored


def test_passwords_are_hashed_with_argon2id(app: Flask, owner: EnrolledOwner) -> None:
    stored = stored_owner(app).password_hash

    assert stored is not None and stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert owner.password not in stored


def test_the_apps_own_hasher_is_argon2id_with_the_recommended_parameters(
    settings: Settings,
) -> None:
    app = create_app(settings)
    with app.app_context():
        hasher = current_hasher()
    # argon2-cffi's defaults: RFC 9106's second recommended option (64 MiB, 3 passes).
    assert (hasher.type, hasher.memory_cost, hasher.time_cost) == (Type.ID, 65536, 3)


def test_a_hash_made_with_old_parameters_is_replaced_at_sign_in(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    before = stored_owner(app).password_hash
    app.extensions[HASHER_KEY] = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)

    assert sign_in(browser(app), owner, clock).status_code == 200

    after = stored_owner(app).password_hash
    assert after != before
    assert after is not None and after.startswith("$argon2id$v=19$m=2048,t=2,p=1$")
    clock.advance(seconds=30)
    assert sign_in(browser(app), owner, clock).status_code == 200
    assert stored_owner(app).password_hash == after  # up to date now: left alone


def test_a_failed_sign_in_does_not_rehash(app: Flask, owner: EnrolledOwner, clock: Clock) -> None:
    before = stored_owner(app).password_hash
    app.extensions[HASHER_KEY] = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)

    assert sign_in(browser(app), owner, clock, code="000000").status_code == 401

    assert stored_owner(app).password_hash == before


def test_sign_in_requires_the_shops_origin(app: Flask, owner: EnrolledOwner, clock: Clock) -> None:
    client = browser(app)
    body = {"email": owner.email, "password": owner.password, "code": owner.code(clock)}

    response = client.post("/api/admin/session", json=body, headers={"Origin": "https://x.example"})

    assert response.status_code == 403
    assert client.get_cookie(SESSION_COOKIE) is None
    assert (
        client.post("/api/admin/session", json=body, headers={"Origin": ORIGIN}).status_code == 200
    )


def test_signed_in_owners_two_browsers_have_two_sessions(
    app: Flask, owner: EnrolledOwner, clock: Clock
) -> None:
    laptop = signed_in(app, owner, clock)
    phone = signed_in(app, owner, clock, address="198.51.100.20")

    assert laptop.session_id != phone.session_id
    assert laptop.csrf_token != phone.csrf_token


@pytest.mark.parametrize("second_factor", ["totp", "recovery code"])
def test_one_code_sent_twice_at_once_signs_in_once(
    app: Flask,
    owner: EnrolledOwner,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    second_factor: str,
) -> None:
    # Both requests have read the owner and checked the password before either uses the
    # code: only the database's conditional update can tell them apart.
    both_checked = threading.Barrier(2, timeout=10)
    real_verify = sign_in_module.verify_password

    def verify_then_wait(stored: str | None, password: str) -> bool:
        matched = real_verify(stored, password)
        both_checked.wait()
        return matched

    monkeypatch.setattr(sign_in_module, "verify_password", verify_then_wait)
    code = owner.code(clock) if second_factor == "totp" else owner.recovery_codes[0]
    statuses: list[int] = []

    def send(address: str) -> None:
        statuses.append(sign_in(browser(app, address), owner, clock, code=code).status_code)

    threads = [threading.Thread(target=send, args=(f"198.51.100.{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200, 401]


def test_a_code_is_accepted_only_after_the_last_step_used() -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    now = START
    step = accepted_step(secret, code_at(secret, now), now, None)

    assert step is not None
    assert accepted_step(secret, code_at(secret, now), now, step) is None
    assert accepted_step(secret, code_at(secret, now), now, step - 1) == step
    assert accepted_step(secret, "12345", now, None) is None
