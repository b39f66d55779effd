"""`flask --app bookstore worker`: run the background work until stopped (SIGTERM, Ctrl+C)."""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType

import click
from flask import Flask, current_app
from flask.logging import default_handler

from bookstore.config import current_settings
from bookstore.redaction import redact_handlers
from bookstore.worker.lanes import all_lanes, run_everything_due
from bookstore.worker.runner import Worker


@click.command("worker")
@click.option(
    "--once",
    is_flag=True,
    help="Do everything due now, then exit (for a test, or a one-off run), instead of looping.",
)
def worker_command(once: bool) -> None:
    """Send the emails and refunds, deliver the demo's events, clean up expired holds."""
    _log_to_stderr(current_app._get_current_object())  # type: ignore[attr-defined]
    if once:
        done = run_everything_due()
        click.echo(f"Did {done} item(s) of work.")
        return
    lanes = all_lanes()
    poll = current_settings().worker_poll_seconds
    worker = Worker(current_app._get_current_object(), lanes, poll)  # type: ignore[attr-defined]

    def stop(signum: int, frame: FrameType | None) -> None:
        worker.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker.start()
    names = ", ".join(lane.name for lane in lanes)
    click.echo(
        f"Worker started ({current_settings().mode} mode): {names}; idle lanes look "
        f"every {poll:g} s. Stop it with Ctrl+C or SIGTERM."
    )
    worker.wait()
    click.echo("Worker stopped.")


def _log_to_stderr(app: Flask) -> None:
    """The worker's log lines (sent, retrying, gave up) on stderr, as a server's are, with
    secrets and email addresses masked in every record, whichever module logged it. Through
    the root logger's handler only: Flask's own on the app's logger would print them twice."""
    app.logger.removeHandler(default_handler)
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    redact_handlers(root)
    root.setLevel(logging.INFO)
