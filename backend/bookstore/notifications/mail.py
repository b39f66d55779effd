"""Sending one email: through an SMTP server (SMTP_URL), or into a folder of .eml files.

A transport only delivers; what to send and when to retry is the outbox's business (outbox.py).
Failures come back as MailError, marked permanent when retrying the same message can never
help (the server refused the recipient with a 5xx). The SMTP server itself is read from
SMTP_URL with the settings (bookstore.config.parse_smtp_url).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

from bookstore.config import Settings, SmtpServer, parse_smtp_url

EXTENSION_KEY = "mail_transport"
# Each blocking step of a send (connect, TLS, login, data) gives up after this many seconds.
# The outbox's claim on a message lasts far longer (outbox.CLAIM_SECONDS), so no other
# sender takes a message over while this one is still talking to the server.
SMTP_TIMEOUT_SECONDS = 10.0


class MailError(Exception):
    """A send failed; `permanent` when sending the same message again cannot succeed."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Transport(Protocol):
    """Delivers one email or raises MailError."""

    def send(self, message: EmailMessage) -> None:
        """Hand the message on; return only once it was accepted."""

    def describe(self) -> str:
        """Where the emails go, for people."""


class SmtpTransport:
    """Sends through an SMTP server, one connection per message."""

    def __init__(self, server: SmtpServer, timeout: float = SMTP_TIMEOUT_SECONDS) -> None:
        self.server = server
        self.timeout = timeout

    def describe(self) -> str:
        """The server, without the credentials."""
        return self.server.describe()

    def send(self, message: EmailMessage) -> None:
        """Connect, secure the connection if asked, log in if asked, and send."""
        server = self.server
        context = ssl.create_default_context()
        try:
            smtp: smtplib.SMTP
            if server.security == "tls":
                smtp = smtplib.SMTP_SSL(
                    server.host, server.port, timeout=self.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
            with smtp:
                if server.security == "starttls":
                    smtp.starttls(context=context)
                if server.username is not None:
                    smtp.login(server.username, server.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            # 5xx is the server's final word on this address; 4xx may pass later.
            permanent = all(500 <= code < 600 for code in codes)
            raise MailError(_refusal(error), permanent=permanent) from error
        except smtplib.SMTPResponseException as error:
            raise MailError(_response(error.smtp_code, error.smtp_error)) from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"{type(error).__name__}: {error}") from error


class DirectoryTransport:
    """Development: each email becomes an .eml file that any mail client opens."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def describe(self) -> str:
        """The folder the files land in."""
        return f"the folder {self.directory} (.eml files; set SMTP_URL to send them)"

    def send(self, message: EmailMessage) -> None:
        """Write the message under a name that sorts by time and says what it is."""
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        local_part = str(message["Message-ID"] or "message").strip("<>").split("@")[0]
        name = "".join(c if c.isalnum() or c in "-." else "_" for c in local_part)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                dir=self.directory, suffix=".partial", delete=False
            ) as partial:
                partial.write(message.as_bytes())
            try:
                _link_as_new(Path(partial.name), self.directory, f"{stamp}-{name}")
            finally:
                os.unlink(partial.name)
        except OSError as error:
            raise MailError(f"could not write to {self.directory}: {error}") from error


def _link_as_new(source: Path, directory: Path, stem: str) -> Path:
    """Link a finished file into place under a name no other file has (stem-2, stem-3, ...).

    A mail client never opens half a message, and a message sent twice (a retry after a lost
    answer) shows as two files, as it would arrive twice.
    """
    copy = 1
    while True:
        target = directory / (f"{stem}.eml" if copy == 1 else f"{stem}-{copy}.eml")
        try:
            os.link(source, target)
        except FileExistsError:
            copy += 1
            continue
        return target


def compose(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    date: datetime,
) -> EmailMessage:
    """A plain-text email with an HTML alternative (multipart/alternative)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    # The same id on every attempt: a receiver can tell a resend from a second email.
    message["Message-ID"] = message_id
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def build_transport(settings: Settings) -> Transport:
    """SMTP when SMTP_URL is set, else the folder of .eml files (MAIL_DIR)."""
    if settings.smtp_url is not None:
        return SmtpTransport(parse_smtp_url(settings.smtp_url.get_secret_value()))
    return DirectoryTransport(settings.mail_dir)


def init_mail(app: Flask, settings: Settings) -> None:
    """Give the app its transport (tests may put another in its place)."""
    app.extensions[EXTENSION_KEY] = build_transport(settings)


def current_transport() -> Transport:
    """The transport of the current app."""
    transport: Transport = current_app.extensions[EXTENSION_KEY]
    return transport


def _response(code: int, text: bytes | str) -> str:
    """An SMTP reply as one line: '451 Try again later'."""
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(message.split())}"


def _refusal(error: smtplib.SMTPRecipientsRefused) -> str:
    """Why the server refused the recipients."""
    replies = [_response(code, text) for code, text in error.recipients.values()]
    return "recipient refused: " + "; ".join(replies)


def delivery_line(settings: Settings) -> str:
    """One line for ./start.sh: where this server's emails go."""
    if settings.smtp_url is None:
        return f"Emails are written as .eml files to {settings.mail_dir} (no SMTP_URL set)."
    server = parse_smtp_url(settings.smtp_url.get_secret_value())
    return f"Emails are sent through the {server.describe()}."
