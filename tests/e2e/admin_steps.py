"""Steps of the owner's dashboard, shared by the end-to-end tests: the shell commands the owner
runs against the servers' database, enrolment (through the API or the link's page), and sign-in
with a code from the authenticator app (pyotp) or a recovery code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyotp
from e2e_servers import ROOT, Servers
from playwright.sync_api import Page, expect

PYTHON = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "a quiet harbour at dawn with seven gulls"
# An authenticator app shows a new code every 30 seconds: a little more than one step.
NEXT_STEP_SECONDS = 35.0


def flask_command(servers: Servers, *args: str) -> subprocess.CompletedProcess[str]:
    """`flask --app bookstore ARGS` as the owner runs it, on the servers' database, mail
    folder and shop address (what the printed links start with)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "backend"),
        "DEMO_MODE": "1",
        "STRIPE_PUBLISHABLE_KEY": "",
        "STRIPE_SECRET_KEY": "",
        "STRIPE_WEBHOOK_SECRET": "",
        "DATABASE_URL": f"sqlite:///{servers.database}",
        "MAIL_DIR": str(servers.database.parent / "mail"),
        "FRONTEND_ORIGIN": servers.web_url,
    }
    return subprocess.run(  # noqa: S603 (fixed local command)
        [PYTHON, "-m", "flask", "--app", "bookstore", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def owners_add(servers: Servers, email: str) -> str:
    """`flask --app bookstore owners add EMAIL`: the enrolment link it printed."""
    added = flask_command(servers, "owners", "add", email)
    assert added.returncode == 0, added.stderr
    link = re.search(r"\S+/admin/enrol#token=\S+", added.stdout)
    assert link, added.stdout
    return link.group(0)


def post_admin(servers: Servers, path: str, body: dict[str, Any]) -> Any:
    """POST to /api/admin as the shop's own page would (its Origin), outside the browser."""
    request = urllib.request.Request(  # noqa: S310 (the test's own server)
        f"{servers.api_url}/api/admin{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Origin": servers.web_url},
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return json.load(response)


@dataclass
class Owner:
    """An enrolled owner: what signs them in. Each recovery code works once, and so does each
    of the app's codes (`last_step` is the 30-second step of the last one used)."""

    email: str
    password: str
    recovery_codes: list[str] = field(default_factory=list)
    secret: str = ""
    last_step: int = -1

    def code_now(self) -> str:
        """The code the authenticator app shows now; it is used up from here on."""
        totp = pyotp.TOTP(self.secret)
        step = totp.timecode(time_now())
        self.last_step = step
        return totp.generate_otp(step)

    def next_code(self) -> str:
        """The app's next unused code: once the step of the last code used is over (the
        server refuses a code of that step or an older one), the one it shows then."""
        deadline = time.monotonic() + NEXT_STEP_SECONDS
        while pyotp.TOTP(self.secret).timecode(time_now()) <= self.last_step:
            assert time.monotonic() < deadline, "the authenticator's 30 s step never ended"
            time.sleep(0.2)
        return self.code_now()


def time_now() -> datetime:
    """The wall clock, as the server's owners' clock reads it (and the owner's phone)."""
    return datetime.now(UTC)


def enrol_by_api(servers: Servers, email: str, password: str = PASSWORD) -> Owner:
    """`owners add`, then the link used through the API, as the enrolment page uses it."""
    token = owners_add(servers, email).split("#token=", 1)[1]
    owner = Owner(email, password)
    owner.secret = post_admin(servers, "/enrolment/start", {"token": token})["secret"]
    finished = post_admin(
        servers,
        "/enrolment/finish",
        {"token": token, "password": password, "code": owner.code_now()},
    )
    owner.recovery_codes = list(finished["recoveryCodes"])
    return owner


def authenticator_key(page: Page) -> str:
    """The key the enrolment page shows for typing into the app by hand (grouped by four)."""
    key = page.locator(".admin-secret")
    expect(key).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$"))
    return key.inner_text().replace(" ", "")


def enrol_in_browser(page: Page, link: str, email: str, password: str = PASSWORD) -> Owner:
    """Open the printed link, add the key to the "app", choose the password, confirm with the
    app's code, save the ten recovery codes and go on to the sign-in page."""
    page.goto(link)
    qr_code = page.get_by_role("img", name=f"QR code to add {email} to your authenticator app")
    expect(qr_code).to_be_visible()
    owner = Owner(email, password, secret=authenticator_key(page))
    page.get_by_label("New password").fill(password)
    page.get_by_label("Code from your authenticator app").fill(owner.code_now())
    page.get_by_role("button", name="Finish setting up").click()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    owner.recovery_codes = [code.strip() for code in codes.all_inner_texts()]
    page.get_by_role("checkbox", name="I've saved my recovery codes").check()
    page.get_by_role("button", name="Continue to sign in").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    return owner


def sign_in(page: Page, owner: Owner) -> None:
    """Sign in on /admin/sign-in with one of the owner's recovery codes (each works once)."""
    page.goto("/admin/sign-in")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(owner.password)
    page.get_by_role("button", name="Lost your phone? Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill(owner.recovery_codes.pop())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Orders")).to_be_visible()


def sign_in_with_app(page: Page, owner: Owner) -> None:
    """Sign in on the page it is at (the sign-in page) with the app's next code."""
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(owner.password)
    page.get_by_label("Code from your authenticator app").fill(owner.next_code())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Orders")).to_be_visible()
