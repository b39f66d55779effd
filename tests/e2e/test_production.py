"""The production server (gunicorn serving the built shop and the API): a purchase in Chromium."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_servers import running_worker
from playwright.sync_api import Browser, Page, expect
from shopping import SUCCESS_CARD, expect_quote, fill_contact_and_shipping, open_checkout, pay_with

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Poll /healthz until the server answers; fail early if it exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)  # noqa: S310 (local server)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@pytest.fixture(scope="module")
def prod_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn with backend/gunicorn.conf.py, as ./start.sh --prod runs it, in demo mode."""
    if not (DIST / "index.html").is_file():
        # ./test.sh builds it (for the secret scan) before pytest runs.
        subprocess.run(["npm", "run", "--silent", "build"], cwd=ROOT / "frontend", check=True)  # noqa: S607
    port = free_port()
    database = tmp_path_factory.mktemp("prod-db") / "prod.sqlite3"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "backend"),
        "STRIPE_PUBLISHABLE_KEY": "",
        "STRIPE_SECRET_KEY": "",
        "STRIPE_WEBHOOK_SECRET": "",
        "DEMO_MODE": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "FRONTEND_DIST": str(DIST),
        "CHECKOUT_RATE_LIMIT": "10000 per minute",
        "ORDER_LOOKUP_RATE_LIMIT": "10000 per minute",
        "MAIL_DIR": str(database.parent / "mail"),
    }
    venv = ROOT / ".venv" / "bin"
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run(  # noqa: S603 (fixed local command)
            [str(venv / "flask"), "--app", "bookstore", *command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    logs = ROOT / "test-artifacts"
    logs.mkdir(exist_ok=True)
    server = subprocess.Popen(  # noqa: S603 (fixed local command)
        [str(venv / "gunicorn"), "-c", str(ROOT / "backend" / "gunicorn.conf.py")],
        env=env,
        cwd=ROOT,
        stdout=(logs / "e2e-prod.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server)
        # The second process type (a Procfile's `worker`): it delivers the demo's events.
        with running_worker(env, logs / "e2e-prod-worker.log"):
            yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the master and its workers
        server.wait(timeout=30)


@pytest.fixture
def page(browser: Browser, prod_url: str) -> Iterator[Page]:
    """A fresh browser page on the production server (not on the Vite server of conftest)."""
    context = browser.new_context(base_url=prod_url)
    yield context.new_page()
    context.close()


def test_a_shopper_buys_from_the_production_server(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name=re.compile(r"^Add to cart: ")).first.click()
    open_checkout(page)
    page.reload()  # a hard refresh on a client-side route gets the page, not a 404
    expect(page.get_by_label("Email", exact=True)).to_be_editable(timeout=15000)
    fill_contact_and_shipping(page)
    expect_quote(page)
    pay_with(page, SUCCESS_CARD)

    thanks = page.get_by_role("heading", name="Thank you for your order")
    expect(thanks).to_be_visible(timeout=20000)
    page.reload()
    expect(thanks).to_be_visible(timeout=20000)


def test_assets_are_compressed_and_cached_for_a_year(prod_url: str) -> None:
    html = urllib.request.urlopen(f"{prod_url}/", timeout=10)  # noqa: S310 (local server)
    assert html.headers["Cache-Control"] == "no-cache"
    script = re.search(r'src="(/assets/[^"]+\.js)"', html.read().decode())
    assert script is not None
    request = urllib.request.Request(  # noqa: S310 (local server)
        prod_url + script.group(1), headers={"Accept-Encoding": "br, gzip"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local server)
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["Content-Encoding"] in {"br", "gzip"}
        assert Path(script.group(1)).suffix == ".js"
