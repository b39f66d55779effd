"""What the end-to-end tests know of the servers they started, and the worker beside them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# What the worker prints once its threads run (bookstore/worker/cli.py).
WORKER_STARTED = "Worker started"
# Seconds an idle worker waits before looking again: short, so a test hears back soon.
WORKER_POLL_SECONDS = "0.2"


class Servers:
    """Addresses of the running API and web servers, and the API's database file."""

    def __init__(self, api_url: str, web_url: str, database: Path) -> None:
        self.api_url = api_url
        self.web_url = web_url
        self.database = database

    def get_json(self, path: str) -> Any:
        """GET a path of the API directly (not through the browser)."""
        with urllib.request.urlopen(self.api_url + path, timeout=10) as response:  # noqa: S310
            return json.load(response)

    def processed_events(self, event_type: str) -> int:
        """How many webhook events of a type the API has applied (read from its database)."""
        with sqlite3.connect(self.database) as connection:
            (count,) = connection.execute(
                "SELECT COUNT(*) FROM processed_events WHERE type = ?", (event_type,)
            ).fetchone()
        return int(count)

    def payment_intents_of_order(self, payment_intent_id: str) -> int:
        """How many demo PaymentIntents were made for the order that this one pays."""
        with sqlite3.connect(self.database) as connection:
            (token,) = connection.execute(
                "SELECT token FROM orders WHERE payment_intent_id = ?", (payment_intent_id,)
            ).fetchone()
            (count,) = connection.execute(
                "SELECT COUNT(*) FROM demo_payment_intents WHERE metadata LIKE ?", (f"%{token}%",)
            ).fetchone()
        return int(count)


@contextmanager
def running_worker(env: dict[str, str], log: Path, seconds: float = 60) -> Iterator[None]:
    """`flask --app bookstore worker` with the servers' settings (`env`), as ./start.sh runs it
    beside them: it delivers the demo's later events, sends the emails and the refunds.

    Up once it says it started (its output goes to `log`); stopped (SIGTERM to its process
    group, SIGKILL if it lingers) when the block ends.
    """
    python = ROOT / ".venv" / "bin" / "python"
    with log.open("wb") as output:
        worker = subprocess.Popen(  # noqa: S603 (fixed local command)
            [str(python), "-m", "flask", "--app", "bookstore", "worker"],
            env={"WORKER_POLL_SECONDS": WORKER_POLL_SECONDS, **env},
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + seconds
        while WORKER_STARTED not in log.read_text(errors="replace"):
            if worker.poll() is not None:
                raise RuntimeError(f"the worker exited with {worker.returncode}: see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start within {seconds} s: see {log}")
            time.sleep(0.1)
        yield
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
