"""The server's logs never hold an owner's password, TOTP or recovery code, session id or
enrolment link, and mask the email of a failed sign-in. Every logger is captured at DEBUG
through enrolment, failed and successful sign-ins, and sign-out."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask
from owner_support import (
    EMAIL,
    EnrolledOwner,
    add_owner,
    browser,
    code_at,
    post,
    sign_in,
    use_clock,
)

from bookstore.web.admin.session_cookie import SESSION_COOKIE

LOGGERS = ("", "werkzeug", "bookstore", "sqlalchemy", "flask")
# At DEBUG, SQLAlchemy logs every row it reads (a developer's setting, never production's):
# the rows hold the TOTP secret and the CSRF token, which a check of the password needs.
ROW_LOGGER = "sqlalchemy.engine"


def test_no_secret_of_the_owner_reaches_the_logs(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    clock = use_clock(app)
    token = add_owner(app)
    client = browser(app)
    secret = post(client, "/enrolment/start", {"token": token}).get_json()["secret"]
    password = "a passphrase nobody may ever log"
    enrol_code = code_at(secret, clock.now)
    finished = post(
        client, "/enrolment/finish", {"token": token, "password": password, "code": enrol_code}
    )
    owner = EnrolledOwner(EMAIL, password, secret, finished.get_json()["recoveryCodes"])
    clock.advance(seconds=30)
    wrong_password = "a wrong guess at the passphrase"
    failed = sign_in(client, owner, clock, password=wrong_password, code="123456")
    code = owner.code(clock)
    signed = sign_in(client, owner, clock, code=code)
    cookie = client.get_cookie(SESSION_COOKIE)
    assert failed.status_code == 401 and signed.status_code == 200 and cookie is not None
    csrf = signed.get_json()["csrfToken"]
    recovery = sign_in(browser(app, "198.51.100.4"), owner, clock, code=owner.recovery_codes[0])
    assert recovery.status_code == 200
    client.delete(
        "/api/admin/session", headers={"Origin": "http://localhost:3000", "X-CSRF-Token": csrf}
    )

    records = [(record.name, record.getMessage()) for record in caplog.records]
    everything = "\n".join(message for _, message in records)
    assert "sign-in failed" in everything  # the failure was logged...
    never = (password, wrong_password, token, cookie.value, *owner.recovery_codes)
    for text in never:
        assert text not in everything
    for six_digits in (enrol_code, code, "123456"):
        assert not re.search(rf"(?<!\d){six_digits}(?!\d)", everything)
    beyond_rows = "\n".join(m for name, m in records if not name.startswith(ROW_LOGGER))
    assert secret not in beyond_rows and csrf not in beyond_rows
    # ...with the email masked, as in every line of the shop's own loggers.
    own = [message for name, message in records if name.startswith("bookstore")]
    assert any("sign-in failed" in message and "[email]" in message for message in own)
    assert not any(EMAIL in message for message in own)
