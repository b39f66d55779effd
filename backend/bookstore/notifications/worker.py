"""Each server process sends the outbox itself: a daemon thread, woken after every webhook.

The thread starts with the first request the process serves, so commands (`db upgrade`,
`outbox send`) never run one, and does its work then, whenever a webhook has committed
(`wake_sender`), and every OUTBOX_SEND_INTERVAL_SECONDS for retries. Its work is sending the
emails due, and whatever create_app gives it besides (the refunds still to be sent, before
the emails). With that setting at 0 (the default of Settings built in code, as tests build
them) there is no thread: `flask --app bookstore outbox send`, or a test calling
`send_outbox`, does the sending.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask, current_app

from bookstore.config import current_settings
from bookstore.notifications.mail import current_transport
from bookstore.notifications.outbox import SendReport, send_due

logger = logging.getLogger(__name__)

EXTENSION_KEY = "outbox_worker"


def send_outbox() -> SendReport:
    """Send what is due now with the current app's transport and sender address."""
    return send_due(current_transport(), current_settings().mail_from)


class OutboxWorker:
    """A daemon thread running `send` in the app's context when woken or every `interval` s."""

    def __init__(
        self, app: Flask, interval: float, send: Callable[[], object] = send_outbox
    ) -> None:
        self._app = app
        self._interval = interval
        self._send = send
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread unless it runs already (cheap to call on every request)."""
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
                thread.start()
                self._thread = thread

    def wake(self) -> None:
        """Send now, in the thread: a webhook has just queued an email."""
        self.start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Let the current send finish and end the thread (tests; a server just exits)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        """Send, then sleep until woken or the interval passes; again until stopped."""
        while not self._stopping.is_set():
            # Cleared before sending: a wake during the send makes the next wait return at once.
            self._wake.clear()
            with self._app.app_context():
                try:
                    self._send()
                except Exception:
                    # The database may be down or not migrated yet: try again next time.
                    logger.exception("sending the outbox failed; next try in %s s", self._interval)
            self._wake.wait(self._interval)


def init_outbox_worker(
    app: Flask, interval: float, send: Callable[[], object] = send_outbox
) -> None:
    """Give the app a thread doing `send`, started by its first request, unless interval is 0."""
    if interval <= 0:
        return
    worker = OutboxWorker(app, interval, send)
    app.extensions[EXTENSION_KEY] = worker
    app.before_request(worker.start)


def wake_sender() -> None:
    """Have this process send the outbox now, after a commit that queued an email."""
    worker: OutboxWorker | None = current_app.extensions.get(EXTENSION_KEY)
    if worker is not None:
        worker.wake()
