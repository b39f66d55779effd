"""The README's commands, as written, on a fresh demo setup: `./start.sh` in a copy of the
repository with no `.env` but its ports, a purchase the worker it started completes, the
owner's commands from the README, then Ctrl-C: the servers and the worker are all gone.

The copy has the repository's files as they are in this working tree. Nothing is installed:
its `.venv` is a small virtual environment that sees this one's packages and the copy's own
backend, and its `frontend/node_modules` are hard links to this one's, each marked up to date
as ./start.sh checks (so ./start.sh skips its installs, as on any run after the first).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
START_SECONDS = 180.0
WAIT_SECONDS = 30.0
STOP_SECONDS = 60.0
# What the shop's processes have in their command lines: all of them run from the copy.
WORKER_COMMAND = "--app bookstore worker"
# The variables of the process environment the copy's shell keeps; every setting of the shop
# comes from the copy's .env, as on a fresh clone.
KEPT = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR")
T = TypeVar("T")


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def files_hash(*paths: Path) -> str:
    """What scripts/setup.sh's files_hash prints: sha256 of the files one after the other."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def write_fresh(path: Path, text: str) -> None:
    """Write a file in the copy, never through a hard link into this working tree."""
    path.unlink(missing_ok=True)
    path.write_text(text)


def copy_repository(copy: Path) -> None:
    """The working tree's files (tracked, and new ones git does not ignore), times kept."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted in the working tree is listed too
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def link_node_modules(copy: Path) -> None:
    """frontend/node_modules as hard links (not Vite's cache: the copy's Vite makes its own)."""
    shutil.copytree(
        ROOT / "frontend" / "node_modules",
        copy / "frontend" / "node_modules",
        symlinks=True,
        copy_function=os.link,
        ignore=shutil.ignore_patterns(".vite"),
    )
    stamp = copy / "frontend" / "node_modules" / ".installed-lock"
    write_fresh(stamp, files_hash(copy / "frontend" / "package-lock.json") + "\n")


def make_venv(copy: Path) -> None:
    """A .venv whose Python sees this venv's packages and the copy's backend (not this one's),
    with the `flask` the README runs, marked installed as ./start.sh checks."""
    venv = copy / ".venv"
    subprocess.run(  # noqa: S603 (a fixed local command)
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    python = venv / "bin" / "python"
    site_packages = Path(
        subprocess.run(  # noqa: S603 (a fixed local command)
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # As `pip install -e .` does for the copy; this venv's own .pth files are not read, so
    # its editable backend (this working tree's) stays out.
    (site_packages / "__editable__.bookstore.pth").write_text(f"{copy / 'backend'}\n")
    (site_packages / "packages_of_the_main_venv.pth").write_text(
        f"{sysconfig.get_paths()['purelib']}\n"
    )
    flask = venv / "bin" / "flask"
    flask.write_text(f"#!{python}\nimport sys\nfrom flask.cli import main\nsys.exit(main())\n")
    flask.chmod(0o755)
    backend = copy / "backend"
    installed = files_hash(
        backend / "requirements.txt", backend / "requirements.txt", copy / "pyproject.toml"
    )
    (venv / ".installed-requirements").write_text(installed + "\n")


def readme_owner_commands() -> list[str]:
    """The commands of the README's owner section's first shell block, comments left out."""
    text = README.read_text()
    section = text.split("## The owner's commands", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the README's owner section has no ```sh block"
    lines = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line]


def shop_processes(copy: Path) -> dict[int, str]:
    """Running processes started from the copy, by pid, with their command lines."""
    found: dict[int, str] = {}
    marker = str(copy).encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        if marker in command:
            found[int(entry.name)] = command.replace(b"\0", b" ").decode(errors="replace")
    return found


def wait_until(check: Callable[[], T], what: str, seconds: float = WAIT_SECONDS) -> T:
    """`check()` once it is truthy, looking every 100 ms; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.1)


class StartSh:
    """./start.sh running in the copy, as a developer runs it in a terminal."""

    def __init__(self, copy: Path, env: dict[str, str]) -> None:
        self.log = copy.parent / "start.sh.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                ["./start.sh"],
                cwd=copy,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own terminal's process group
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_output(self, text: str, seconds: float) -> None:
        """Wait until it prints `text`; fail with its output if it exits first."""
        deadline = time.monotonic() + seconds
        while text not in self.output():
            if self.process.poll() is not None:
                pytest.fail(f"./start.sh exited ({self.process.returncode}):\n{self.tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"./start.sh did not print {text!r} in {seconds} s:\n{self.tail()}")
            time.sleep(0.1)

    def ctrl_c(self) -> int:
        """SIGINT to its process group, as Ctrl-C in its terminal; its exit status."""
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"./start.sh did not stop on Ctrl-C:\n{self.tail()}")

    def tail(self) -> str:
        return self.output()[-4000:]


@pytest.fixture
def copy(tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the repository: no .env but free ports, nothing installed anew.
    Whatever it started is killed at the end, should a test fail before stopping it."""
    shop = tmp_path / "shop"
    copy_repository(shop)
    link_node_modules(shop)
    make_venv(shop)
    yield shop
    for pid in shop_processes(shop):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def owner_env() -> dict[str, str]:
    """A shell's environment with no setting of the shop in it."""
    return {name: os.environ[name] for name in KEPT if name in os.environ}


def pay_at_pay(api: str) -> dict[str, Any]:
    """Pay for one book with 4242... as the demo checkout does (a ConfirmationToken at Pay)."""
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    token = requests.post(f"{api}/demo/confirmation_tokens", json={"card": card}, timeout=10)
    assert token.status_code == 200, token.text
    body = {
        "items": [{"id": "boom", "quantity": 1}],
        "cartId": f"readme-{os.getpid()}-{time.monotonic_ns()}",
        "email": "ada@example.com",
        "shipping": {
            "name": "Ada Lovelace",
            "address": {
                "line1": "354 Oyster Point Blvd",
                "city": "South San Francisco",
                "state": "CA",
                "postalCode": "94080",
                "country": "US",
            },
        },
        "confirmationToken": token.json()["id"],
        "returnUrl": "http://localhost:3000/checkout",
    }
    response = requests.post(f"{api}/create-payment-intent", json=body, timeout=30)
    assert response.status_code == 200, response.text
    payment: dict[str, Any] = response.json()
    return payment


def order_status(api: str, payment: dict[str, Any]) -> str:
    """The order's status, as the success page asks for it."""
    response = requests.get(
        f"{api}/api/orders/{payment['paymentIntentId']}",
        params={"client_secret": payment["clientSecret"]},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    status: str = response.json()["status"]
    return status


def test_start_sh_then_the_owner_commands_as_the_readme_writes_them_then_ctrl_c_stops_all(
    copy: Path,
) -> None:
    commands = readme_owner_commands()
    for wanted in ("orders", "stock", "outbox list"):
        assert f".venv/bin/flask --app bookstore {wanted}" in commands, commands
    api_port, web_port = free_port(), free_port()
    (copy / ".env").write_text(f"PORT={api_port}\nFRONTEND_PORT={web_port}\n")
    env = owner_env()

    shop = StartSh(copy, env)
    shop.wait_for_output(f"The shop is at http://localhost:{web_port}", START_SECONDS)
    assert "Installing" not in shop.output()  # nothing installed: the copy counts as set up
    assert "Wrote DEMO_MODE=1 to .env" in shop.output()
    shop.wait_for_output("Worker started (demo mode)", WAIT_SECONDS)
    running = shop_processes(copy)
    assert [c for c in running.values() if WORKER_COMMAND in c], running
    assert requests.get(f"http://localhost:{web_port}/", timeout=10).status_code == 200

    # Paid at Pay: the order is paid when the worker delivers the demo's event, and the
    # worker sends its confirmation (an .eml file, with no SMTP_URL).
    api = f"http://127.0.0.1:{api_port}"
    payment = pay_at_pay(api)
    wait_until(lambda: order_status(api, payment) == "paid", "the worker to pay the order")
    mail = copy / "backend" / "instance" / "mail"
    wait_until(lambda: mail.is_dir() and any(mail.glob("*.eml")), "the confirmation email")

    answers = {}
    for command in commands:
        done = subprocess.run(  # noqa: S603 (the README's own commands)
            shlex.split(command),
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        said = done.stdout + done.stderr
        assert done.returncode == 0, f"{command}:\n{said}"
        assert "Traceback" not in said, f"{command}:\n{said}"
        answers[command] = done.stdout
    orders = answers[".venv/bin/flask --app bookstore orders"]
    assert re.search(r"SP-\w{6}\s+paid\s", orders), orders
    assert "boom" in answers[".venv/bin/flask --app bookstore stock"]
    outbox = answers[".venv/bin/flask --app bookstore outbox list"]
    assert re.search(r"confirmation\s+sent", outbox), outbox

    assert shop.ctrl_c() == 130, shop.tail()
    # Every process it started, and their children, exit with it (or soon after).
    wait_until(lambda: not shop_processes(copy), "the servers and the worker to stop", STOP_SECONDS)


def test_start_sh_says_when_the_worker_dies_and_stops_the_servers(copy: Path) -> None:
    api_port, web_port = free_port(), free_port()
    (copy / ".env").write_text(f"PORT={api_port}\nFRONTEND_PORT={web_port}\n")
    shop = StartSh(copy, owner_env())
    shop.wait_for_output(f"The shop is at http://localhost:{web_port}", START_SECONDS)
    [worker] = [pid for pid, c in shop_processes(copy).items() if WORKER_COMMAND in c]

    os.kill(worker, signal.SIGKILL)

    try:
        status = shop.process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"./start.sh kept running without its worker:\n{shop.tail()}")
    assert status == 1, shop.tail()
    assert "error: the worker (flask --app bookstore worker) exited (status 137)" in shop.output()
    wait_until(lambda: not shop_processes(copy), "the servers to stop", STOP_SECONDS)
