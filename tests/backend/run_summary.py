"""Lines a test adds to the end of the pytest run's output (counts worth quoting)."""

from __future__ import annotations

import pytest

SUMMARY_LINES = pytest.StashKey[list[str]]()


def add_summary_line(config: pytest.Config, line: str) -> None:
    """Print `line` in the run's closing summary, just before the final count."""
    config.stash.setdefault(SUMMARY_LINES, []).append(line)
