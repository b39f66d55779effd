"""Mail settings and transports: SMTP_URL checked at start, SMTP logins, the .eml folder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from smtp_server import Inbox, SmtpServer

from bookstore import config
from bookstore.config import ConfigError, Settings, parse_smtp_url
from bookstore.notifications.mail import (
    DirectoryTransport,
    MailError,
    SmtpTransport,
    build_transport,
    compose,
    delivery_line,
)

DEMO = {"DEMO_MODE": "1"}
PASSWORD = "s3cr:t/p@ss"


def message(recipient: str = "ada@example.com") -> EmailMessage:
    """A small email with both parts."""
    return compose(
        sender="Shop <orders@shop.example>",
        recipient=recipient,
        subject="Hello",
        text="Plain words.",
        html="<p>Plain words.</p>",
        message_id="<confirmation.SP-7K3M9Q.abc@shop.example>",
        date=datetime(2026, 11, 29, 12, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1", config.SmtpServer("127.0.0.1", 25, "none")),
        ("smtp://mail.local:1025", config.SmtpServer("mail.local", 1025, "none")),
        (
            "smtp://smtp.example.com?starttls=1",
            config.SmtpServer("smtp.example.com", 587, "starttls"),
        ),
        ("smtps://smtp.example.com", config.SmtpServer("smtp.example.com", 465, "tls")),
        (
            "smtp://apikey:s3cr%3At%2Fp%40ss@smtp.example.com:2587?starttls=true",
            config.SmtpServer("smtp.example.com", 2587, "starttls", "apikey", PASSWORD),
        ),
        (
            "smtps://me%40example.com:pw@smtp.example.com:465/",
            config.SmtpServer("smtp.example.com", 465, "tls", "me@example.com", "pw"),
        ),
    ],
)
def test_smtp_urls_name_host_port_tls_and_login(url: str, expected: config.SmtpServer) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://user:hunter2@smtp.example.com", "must start with smtp://"),
        ("smtp://", "must name a host"),
        ("smtp://user:hunter2@smtp.example.com:99999", "port"),
        ("smtp://user:hunter2@smtp.example.com:abc", "port"),
        ("smtp://user:hunter2@smtp.example.com?tls=1", "unknown option 'tls'"),
        ("smtp://user:hunter2@smtp.example.com?starttls=maybe", "starttls must be 1 or 0"),
        ("smtps://user:hunter2@smtp.example.com?starttls=1", "cannot also ask for STARTTLS"),
        ("smtp://user:hunter2@smtp.example.com/inbox", "must be only"),
    ],
)
def test_a_bad_smtp_url_stops_the_start_naming_it_but_not_its_password(
    url: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({**DEMO, "SMTP_URL": url})

    assert str(refused.value).startswith("SMTP_URL ")
    assert reason in str(refused.value)
    assert "hunter2" not in str(refused.value)


def test_mail_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            **DEMO,
            "SMTP_URL": "smtp://user:hunter2@smtp.example.com:587?starttls=1",
            "MAIL_FROM": "Books <books@shop.example>",
            "MAIL_DIR": "tmp/mail",
        }
    )

    assert config.reveal(settings.smtp_url) == "smtp://user:hunter2@smtp.example.com:587?starttls=1"
    assert settings.mail_from == "Books <books@shop.example>"
    assert settings.mail_dir == config.REPO_DIR / "tmp" / "mail"
    assert "hunter2" not in repr(settings)


def test_without_smtp_url_emails_are_eml_files_by_default() -> None:
    from_env = Settings.from_env(DEMO)
    in_code = Settings(database_url="sqlite://", demo_mode=True)

    assert from_env.smtp_url is None
    assert from_env.mail_from == "Stripe Press Bookstore <orders@bookstore.localhost>"
    assert from_env.mail_dir == config.BACKEND_DIR / "instance" / "mail"
    assert in_code.smtp_url is None


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"MAIL_FROM": "not an address"}, "MAIL_FROM"),
        ({"MAIL_FROM": "Shop <orders@shop.example>\r\nBcc: x@example.com"}, "MAIL_FROM"),
    ],
)
def test_other_bad_mail_settings_stop_the_start_naming_the_variable(
    variables: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env({**DEMO, **variables})


def test_settings_built_in_code_are_checked_too() -> None:
    with pytest.raises(ConfigError, match="SMTP_URL"):
        Settings(database_url="sqlite://", demo_mode=True, smtp_url="smtp:///")


def test_the_transport_follows_the_settings(tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite://", demo_mode=True, mail_dir=tmp_path)
    with_smtp = settings.replace(smtp_url="smtp://user:hunter2@mail.local:2525")

    assert isinstance(build_transport(settings), DirectoryTransport)
    assert isinstance(build_transport(with_smtp), SmtpTransport)
    assert delivery_line(settings) == (
        f"Emails are written as .eml files to {tmp_path} (no SMTP_URL set)."
    )
    assert delivery_line(with_smtp) == (
        "Emails are sent through the SMTP server mail.local:2525 (none, as user)."
    )


def test_an_email_is_plain_text_with_an_html_alternative() -> None:
    email = message()

    assert email.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in email.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert email["Message-ID"] == "<confirmation.SP-7K3M9Q.abc@shop.example>"
    assert email["Date"] == "Sun, 29 Nov 2026 12:00:00 +0000"


class Logins:
    """An aiosmtpd authenticator accepting one user and password."""

    def __init__(self) -> None:
        self.tried: list[tuple[str, str]] = []

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        """Accept the one login; remember every try."""
        assert isinstance(data, LoginPassword)
        login, password = data.login.decode(), data.password.decode()
        self.tried.append((login, password))
        # handled=False: aiosmtpd answers (235, or 535 for a refusal) itself.
        return AuthResult(success=(login, password) == ("apikey", PASSWORD), handled=False)


@pytest.fixture
def logins() -> Logins:
    """The logins the server saw."""
    return Logins()


@pytest.fixture
def login_server(logins: Logins) -> Iterator[tuple[SmtpServer, Inbox]]:
    """A real SMTP server that wants a login (over plain SMTP: there is no TLS here)."""
    inbox = Inbox()
    server = SmtpServer(inbox, authenticator=logins, auth_required=True, auth_require_tls=False)
    server.start()
    yield server, inbox
    server.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_logs_in_with_the_urls_decoded_credentials(
    login_server: tuple[SmtpServer, Inbox], logins: Logins
) -> None:
    server, inbox = login_server
    url = f"smtp://apikey:s3cr%3At%2Fp%40ss@127.0.0.1:{server.port}"

    SmtpTransport(parse_smtp_url(url)).send(message())

    assert logins.tried == [("apikey", PASSWORD)]
    [received] = inbox.messages
    assert received["Subject"] == "Hello" and received["To"] == "ada@example.com"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_wrong_smtp_password_is_a_failure_to_retry(
    login_server: tuple[SmtpServer, Inbox],
) -> None:
    server, inbox = login_server
    transport = SmtpTransport(parse_smtp_url(f"smtp://apikey:wrong@127.0.0.1:{server.port}"))

    with pytest.raises(MailError) as failed:
        transport.send(message())

    assert failed.value.permanent is False
    assert failed.value.reason.startswith("535")
    assert inbox.messages == []


def test_a_refused_recipient_is_a_permanent_failure_and_a_full_mailbox_is_not() -> None:
    inbox = Inbox()
    server = SmtpServer(inbox)
    server.start()
    transport = SmtpTransport(parse_smtp_url(server.url))
    try:
        inbox.refuse_recipient = "550 5.1.1 No such user"
        with pytest.raises(MailError) as refused:
            transport.send(message())
        inbox.refuse_recipient = "452 4.2.2 Mailbox full"
        with pytest.raises(MailError) as full:
            transport.send(message())
    finally:
        server.stop()

    assert refused.value.permanent is True
    assert refused.value.reason == "recipient refused: 550 5.1.1 No such user"
    assert full.value.permanent is False


def test_nobody_listening_is_a_failure_to_retry() -> None:
    server = SmtpServer(Inbox())  # never started

    with pytest.raises(MailError) as failed:
        SmtpTransport(parse_smtp_url(server.url), timeout=5).send(message())

    assert failed.value.permanent is False
    assert "ConnectionRefusedError" in failed.value.reason


def test_the_mail_folder_gets_one_readable_eml_file_per_email(tmp_path: Path) -> None:
    folder = tmp_path / "instance" / "mail"
    transport = DirectoryTransport(folder)

    transport.send(message())
    transport.send(message("grace@example.com"))

    files = sorted(folder.iterdir())
    assert len(files) == 2
    assert all(path.suffix == ".eml" and "SP-7K3M9Q" in path.name for path in files)
    parsed = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]
    assert sorted(str(email["To"]) for email in parsed) == ["ada@example.com", "grace@example.com"]
    for email in parsed:
        assert isinstance(email, EmailMessage)
        plain = email.get_body(preferencelist=("plain",))
        html = email.get_body(preferencelist=("html",))
        assert plain is not None and plain.get_content().strip() == "Plain words."
        assert html is not None and html.get_content().strip() == "<p>Plain words.</p>"


def test_a_mail_folder_that_cannot_be_written_is_a_failure_to_retry(tmp_path: Path) -> None:
    blocked = tmp_path / "mail"
    blocked.write_text("a file where the folder should be")

    with pytest.raises(MailError) as failed:
        DirectoryTransport(blocked).send(message())

    assert failed.value.permanent is False
