"""The owner's commands started from the shell with bad settings: one clear line, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", [["orders"], ["stock"], ["db", "upgrade"]])
def test_a_command_without_keys_or_demo_mode_says_what_to_set_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    """No traceback: the variable to set, on stderr, and a failing exit code."""
    env = {
        **os.environ,
        # Empty values win over a developer's .env: no keys, and no demo asked for.
        "STRIPE_SECRET_KEY": "",
        "STRIPE_PUBLISHABLE_KEY": "",
        "STRIPE_WEBHOOK_SECRET": "",
        "DEMO_MODE": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603 (the venv's own flask)
        [sys.executable, "-m", "flask", "--app", "bookstore", *command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: STRIPE_SECRET_KEY is not set")
    assert "DEMO_MODE=1" in lines[0]
