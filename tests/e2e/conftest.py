"""Start the real servers (Flask API and Vite) and the worker in demo mode, and drive Debian's
Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from e2e_servers import WORKER_POLL_SECONDS, Servers, running_worker
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as end-to-end."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    """Ask the OS for a port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 90) -> None:
    """Poll a URL until it answers; fail early if the server process died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (a local test URL)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def running_servers(data_dir: Path, settings: dict[str, str], name: str) -> Iterator[Servers]:
    """Run Flask, Vite and the worker as ./start.sh does, on free ports, with these settings.

    The worker shares the API's database and settings: it delivers the demo's events of a
    payment confirmed at Pay, so without it those orders would stay pending.
    """
    api_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "backend"),
        # Empty keys win over a developer's .env (dotenv never overrides the environment).
        "STRIPE_PUBLISHABLE_KEY": "",
        "STRIPE_SECRET_KEY": "",
        "STRIPE_WEBHOOK_SECRET": "",
        # Demo mode unless `settings` give keys (and DEMO_MODE=0), as ./start.sh asks for it.
        "DEMO_MODE": "1",
        "DATABASE_URL": f"sqlite:///{data_dir / 'e2e.sqlite3'}",
        "FRONTEND_ORIGIN": f"http://localhost:{web_port}",
        "PORT": str(api_port),
        "BOOKSTORE_API_URL": f"http://127.0.0.1:{api_port}",
        "FRONTEND_PORT": str(web_port),
        # Every test shops from 127.0.0.1: the rate limits would throttle the run.
        "CHECKOUT_RATE_LIMIT": "10000 per minute",
        "ORDER_LOOKUP_RATE_LIMIT": "10000 per minute",
        # Likewise the copies one client may hold at once: every test's unpaid orders (a
        # declined card, a bank page left) hold theirs for 15 minutes, all for 127.0.0.1.
        "HOLD_LIMIT_PER_CLIENT": "10000",
        # The run's emails go to its own folder, not to backend/instance/mail.
        "MAIL_DIR": str(data_dir / "mail"),
        # The worker looks for due work this often when idle (1 s by default).
        "WORKER_POLL_SECONDS": WORKER_POLL_SECONDS,
        **settings,
    }
    logs = ROOT / "test-artifacts"
    logs.mkdir(exist_ok=True)
    python = ROOT / ".venv" / "bin" / "python"
    # As ./start.sh does: the schema from the migrations, then the catalogue, then the server.
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run(  # noqa: S603 (fixed local command)
            [str(python), "-m", "flask", "--app", "bookstore", *command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    api = subprocess.Popen(  # noqa: S603 (fixed local command)
        [str(python), "-m", "flask", "--app", "bookstore", "run", "--port", str(api_port)],
        env=env,
        cwd=ROOT,
        stdout=(logs / f"{name}-api.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    web = subprocess.Popen(  # noqa: S603 (fixed local command)
        [str(ROOT / "frontend" / "node_modules" / ".bin" / "vite"), "--strictPort"],
        env=env,
        cwd=ROOT / "frontend",
        stdout=(logs / f"{name}-web.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        with running_worker(env, logs / f"{name}-worker.log"):
            wait_for(f"http://127.0.0.1:{api_port}/config", api)
            wait_for(f"http://localhost:{web_port}/", web)
            yield Servers(
                f"http://127.0.0.1:{api_port}",
                f"http://localhost:{web_port}",
                data_dir / "e2e.sqlite3",
            )
    finally:
        stop(web)
        stop(api)


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The shop in its default offline demo mode (no Stripe keys)."""
    with running_servers(tmp_path_factory.mktemp("e2e-db"), {}, "e2e") as running:
        yield running


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Use Debian's Chromium: Playwright's own browser download is not available here."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(servers: Servers) -> str:
    """Pages are opened relative to the Vite server."""
    return servers.web_url


@pytest.fixture
def screenshot(page: Any) -> Any:
    """Save a full-page screenshot under test-artifacts/screenshots (git ignores it)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def fresh_page(page: Page) -> Page:
    """The shop's first page, in demo mode, with an empty cart (each test has its own context)."""
    page.goto("/")
    expect(page.get_by_text("Demo mode: no real payments")).to_be_visible()
    return page
