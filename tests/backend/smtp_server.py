"""A real SMTP server inside the test process (aiosmtpd), and the messages it accepted."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

HOST = "127.0.0.1"


class Inbox:
    """An aiosmtpd handler keeping every accepted message; it can be told to refuse."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        # An SMTP reply such as "451 4.3.0 Try again later" refuses each message's data.
        self.refuse_data: str | None = None
        # A reply such as "550 5.1.1 No such user" refuses each recipient.
        self.refuse_recipient: str | None = None
        self._changed = threading.Condition()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        """Accept the recipient unless told to refuse it."""
        if self.refuse_recipient is not None:
            return self.refuse_recipient
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Keep the message (before answering 250, so a returned send means it is here)."""
        if self.refuse_data is not None:
            return self.refuse_data
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._changed:
            self.messages.append(message)
            self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
            self._changed.notify_all()
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once there are `count` of them, or as many as came within `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpServer:
    """aiosmtpd's server in a thread on a fixed port, which can be stopped and started again."""

    def __init__(self, handler: Inbox, **smtp_options: Any) -> None:
        self.handler = handler
        self.port = free_port()
        self._options = smtp_options
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        """Its SMTP_URL (no TLS, no login)."""
        return f"smtp://{HOST}:{self.port}"

    def start(self) -> None:
        """Listen (again) on its port."""
        controller = Controller(self.handler, hostname=HOST, port=self.port, **self._options)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop listening: connections are refused until `start`."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
