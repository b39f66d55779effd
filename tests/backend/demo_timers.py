"""The demo's scheduler, held by a test: later steps (a debit settling, a refund's event) run
only when the test says so, so no test sleeps or needs a worker."""

from __future__ import annotations

from flask import Flask

from bookstore.payments.demo.delivery import SCHEDULER_KEY, Step, run_step


class Timers:
    """Steps the demo scheduled, with their delay, in the order they were scheduled."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pending: list[tuple[float, Step]] = []

    def __call__(self, delay: float, step: Step) -> None:
        self.pending.append((delay, step))

    def run_all(self) -> None:
        """Run everything scheduled, including what the steps schedule in turn."""
        while self.pending:
            _, step = self.pending.pop(0)
            with self.app.app_context():
                run_step(step)


def hold_timers(app: Flask) -> Timers:
    """Replace the app's demo scheduler with one the test runs by hand."""
    held = Timers(app)
    app.extensions[SCHEDULER_KEY] = held
    return held
