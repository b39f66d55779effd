"""Enrolment through the one-time link: the authenticator's secret and QR code, the password
rules, the code that confirms the app, the recovery codes; the link works once, 30 minutes."""

from __future__ import annotations

import unicodedata

import pytest
from flask import Flask
from owner_support import (
    EMAIL,
    PASSWORD,
    Clock,
    add_owner,
    browser,
    code_at,
    enrol,
    post,
    sign_in,
    use_clock,
)
from sqlalchemy import select
from werkzeug.test import TestResponse

from bookstore.db import db
from bookstore.owners.models import Owner
from bookstore.web.admin.session_cookie import SESSION_COOKIE

PASSPHRASE_64 = "a quiet river bends past six old mills under a red sky at sunset"
assert len(PASSPHRASE_64) == 64


@pytest.fixture
def clock(app: Flask) -> Clock:
    return use_clock(app)


@pytest.fixture
def token(app: Flask, clock: Clock) -> str:
    return add_owner(app)


def start(app: Flask, token: str) -> dict[str, object]:
    response = post(app.test_client(), "/enrolment/start", {"token": token})
    assert response.status_code == 200, response.get_json()
    body: dict[str, object] = response.get_json()
    return body


def finish(
    app: Flask, token: str, clock: Clock, password: str = PASSWORD, code: str | None = None
) -> TestResponse:
    """Start (as the page does when it opens) and finish with the app's code now."""
    secret = str(start(app, token)["secret"])
    body = {
        "token": token,
        "password": password,
        "code": code_at(secret, clock.now) if code is None else code,
    }
    return post(app.test_client(), "/enrolment/finish", body)


def error_code(response: TestResponse) -> str:
    return str(response.get_json()["error"]["code"])


def test_start_gives_the_authenticators_secret_as_a_qr_code_and_as_text(
    app: Flask, token: str
) -> None:
    body = start(app, token)

    assert body["email"] == EMAIL
    secret = str(body["secret"])
    assert len(secret) == 32
    assert body["otpauthUri"] == (
        f"otpauth://totp/Stripe%20Press%20bookstore:ada%40shop.example?secret={secret}"
        "&issuer=Stripe%20Press%20bookstore"
    )
    assert str(body["qrSvg"]).startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert (body["digits"], body["period"]) == (6, 30)
    assert body["linkExpiresAt"] == "2026-12-15T09:30:05Z"
    # The same secret at every reload of the page, until enrolment finishes.
    assert start(app, token)["secret"] == secret


def test_finishing_sets_the_password_and_gives_ten_recovery_codes_once(
    app: Flask, token: str, clock: Clock
) -> None:
    client = browser(app)
    response = finish(app, token, clock)

    assert response.status_code == 200
    codes = response.get_json()["recoveryCodes"]
    assert len(codes) == len(set(codes)) == 10
    assert client.get_cookie(SESSION_COOKIE) is None  # enrolling does not sign in


def test_the_link_works_once(app: Flask, token: str, clock: Clock) -> None:
    assert finish(app, token, clock).status_code == 200
    clock.advance(seconds=30)

    again = post(
        app.test_client(), "/enrolment/finish", {"token": token, "password": PASSWORD, "code": "1"}
    )
    restart = post(app.test_client(), "/enrolment/start", {"token": token})

    assert (again.status_code, error_code(again)) == (400, "enrolment_link_invalid")
    assert (restart.status_code, error_code(restart)) == (400, "enrolment_link_invalid")


def test_the_link_expires_after_30_minutes(app: Flask, token: str, clock: Clock) -> None:
    clock.advance(minutes=29, seconds=59)
    assert post(app.test_client(), "/enrolment/start", {"token": token}).status_code == 200

    clock.advance(seconds=1)

    response = post(app.test_client(), "/enrolment/start", {"token": token})
    assert (response.status_code, error_code(response)) == (400, "enrolment_link_invalid")


def test_the_link_is_stored_only_as_a_digest(app: Flask, token: str) -> None:
    with app.app_context():
        stored = db.session.scalar(select(Owner.enrolment_token_hash))

    assert stored is not None and token not in stored


def test_a_wrong_code_does_not_use_up_the_link(app: Flask, token: str, clock: Clock) -> None:
    wrong = finish(app, token, clock, code="000000")

    assert (wrong.status_code, error_code(wrong)) == (400, "wrong_code")
    assert finish(app, token, clock).status_code == 200


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("fourteen chars", "password_too_short"),
        ("qwerty123456789", "common_password"),
        ("QWERTY123456789", "common_password"),
        ("1qaz2wsx3edc4rfv", "common_password"),
        ("x" * 257, "password_too_long"),
        ("my bookstore is the best one", "password_guessable"),
        ("ada@shop.example is who I am", "password_guessable"),
    ],
    ids=[
        "14 chars",
        "common",
        "common upper case",
        "common keyboard",
        "257 chars",
        "shop",
        "email",
    ],
)
def test_weak_passwords_are_refused_with_a_clear_message(
    app: Flask, token: str, clock: Clock, password: str, code: str
) -> None:
    response = finish(app, token, clock, password=password)

    assert response.status_code == 400
    assert error_code(response) == code
    message = response.get_json()["error"]["message"]
    assert {"password_too_short": "at least 15", "password_too_long": "at most 256"}.get(
        code, "password"
    ) in message


def passphrase(length: int) -> str:
    """A passphrase of exactly `length` characters."""
    return ("an unusually long passphrase of many words " * 7)[:length]


@pytest.mark.parametrize(
    "password",
    [
        "exactly fifteen",
        PASSPHRASE_64,
        "é" * 40 + " ünïcödé ✓ 🙂 ☕",
        passphrase(129),
        passphrase(200),
        passphrase(256),
    ],
    ids=["15 chars", "64-char passphrase", "any characters", "129", "200", "256"],
)
def test_long_passphrases_of_any_characters_are_accepted_and_sign_in(
    app: Flask, token: str, clock: Clock, password: str
) -> None:
    owner = enrol(app, token, clock, password=password)
    clock.advance(seconds=30)

    response = sign_in(browser(app), owner, clock)

    assert response.status_code == 200


def test_a_password_is_the_same_however_its_accents_were_typed(
    app: Flask, token: str, clock: Clock
) -> None:
    composed = "crème brûlée for the café owner"
    owner = enrol(app, token, clock, password=composed)
    clock.advance(seconds=30)
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed

    assert sign_in(browser(app), owner, clock, password=decomposed).status_code == 200
