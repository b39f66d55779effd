"""The worker's threads: each lane loops, doing what is due and waiting when nothing is."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from flask import Flask

from bookstore.db import db
from bookstore.worker.lanes import Lane

logger = logging.getLogger(__name__)

# Seconds a stopping worker waits for a lane to finish the item it is on.
STOP_WAIT_SECONDS = 30.0


class Worker:
    """One daemon thread per lane, in the app's context, until `stop`."""

    def __init__(self, app: Flask, lanes: Sequence[Lane], poll_seconds: float) -> None:
        self._app = app
        self._lanes = list(lanes)
        self._poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Prepare each lane, then start its thread."""
        with self._app.app_context():
            for lane in self._lanes:
                lane.prepare()
        for lane in self._lanes:
            thread = threading.Thread(
                target=self._loop, args=(lane,), name=f"worker-{lane.name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Ask every lane to stop after its current item (a SIGTERM)."""
        self._stopping.set()

    def wait(self) -> None:
        """Wait until stopped, then for the lanes to finish their current items."""
        self._stopping.wait()
        for thread in self._threads:
            thread.join(STOP_WAIT_SECONDS)

    def _loop(self, lane: Lane) -> None:
        """Do the lane's due items one after another; wait `poll_seconds` when none is due."""
        while not self._stopping.is_set():
            did = False
            with self._app.app_context():
                try:
                    did = lane.run_once()
                except Exception:
                    # The database may be down or not migrated yet: try again after a pause.
                    logger.exception("worker lane %s failed; trying again shortly", lane.name)
                    db.session.rollback()
            if not did:
                self._stopping.wait(self._poll_seconds)
