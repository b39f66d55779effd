"""The demo's scheduler, held by a test: delayed work (a debit settling, a refund's event) runs
only when the test says so, so no test sleeps."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from bookstore.payments.demo.delivery import SCHEDULER_KEY


class Timers:
    """Work the demo scheduled, with its delay, in the order it was scheduled."""

    def __init__(self) -> None:
        self.pending: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, delay: float, work: Callable[[], None]) -> None:
        self.pending.append((delay, work))

    def run_all(self) -> None:
        """Run everything scheduled, including what the work schedules in turn."""
        while self.pending:
            _, work = self.pending.pop(0)
            work()


def hold_timers(app: Flask) -> Timers:
    """Replace the app's demo scheduler with one the test runs by hand."""
    held = Timers()
    app.extensions[SCHEDULER_KEY] = held
    return held
