"""scripts/secret_scan.py: real-looking Stripe secrets fail the scan, the project's fakes pass.

Planted secrets are assembled at run time, so this file holds none that the scan would find.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from stripe_fakes import fixture

REPO = Path(__file__).resolve().parents[2]
SCANNER = REPO / "scripts" / "secret_scan.py"

LONG = "Ab3dEf6hIj9kLm2nOp5q"  # 20 characters: as long as a real secret may be
FAKE_KEY = "sk_test_123"


def run_scan(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the scanner as test.sh does and capture what it says."""
    return subprocess.run(  # noqa: S603 (this interpreter and our script)
        [sys.executable, str(SCANNER), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.mark.parametrize(
    ("secret", "rule"),
    [
        pytest.param("sk_live_" + LONG, "Stripe API key", id="sk_live"),
        pytest.param("sk_test_" + LONG * 5, "Stripe API key", id="sk_test"),
        pytest.param("rk_live_" + LONG, "Stripe API key", id="rk_live"),
        pytest.param("rk_test_" + LONG, "Stripe API key", id="rk_test"),
        pytest.param("whsec_" + LONG, "Stripe webhook signing secret", id="whsec"),
        pytest.param(
            "pi_3Qx" + LONG + "_secret_" + LONG, "PaymentIntent client secret", id="client-secret"
        ),
    ],
)
def test_a_planted_secret_fails_the_scan_without_being_printed(
    tmp_path: Path, secret: str, rule: str
) -> None:
    (tmp_path / "ok.py").write_text(f'KEY = "{FAKE_KEY}"\n')
    (tmp_path / "config.js").write_text(f'const a = 1;\nconst stripeKey = "{secret}";\n')

    result = run_scan(tmp_path)

    assert result.returncode == 1
    assert f"config.js:2: {rule}: " in result.stdout
    assert "ok.py" not in result.stdout
    assert secret not in result.stdout + result.stderr


def test_a_secret_inside_minified_code_or_a_url_is_found(tmp_path: Path) -> None:
    minified = 'fetch("/x?k=%20sk_live_' + LONG + '",{a:1});var w="whsec_' + LONG + '"'
    (tmp_path / "index-3f2a.js").write_text(minified)

    result = run_scan(tmp_path)

    assert result.returncode == 1
    assert result.stdout.count("index-3f2a.js:1:") == 2


def test_the_projects_short_fake_values_pass(tmp_path: Path) -> None:
    fakes = [
        FAKE_KEY,
        "sk_live_123",
        "rk_live_abc",
        "whsec_test",
        "whsec_demo_",
        "pi_123_secret_fake",
        "pi_test_1_secret_abc",
        "sk_test_" + LONG[:-1],  # one character short of looking real
    ]
    (tmp_path / "test_values.py").write_text("\n".join(f'"{fake}"' for fake in fakes) + "\n")

    result = run_scan(tmp_path)

    assert result.returncode == 0, result.stdout
    assert "no Stripe secrets in 1 files" in result.stdout


def test_stripes_example_client_secret_is_allowed_only_in_its_fixture(tmp_path: Path) -> None:
    example = fixture("payment_intent")["client_secret"]
    allowed = tmp_path / "tests" / "backend" / "fixtures" / "stripe" / "payment_intent.json"
    allowed.parent.mkdir(parents=True)
    allowed.write_text(f'{{"client_secret": "{example}"}}\n')
    elsewhere = tmp_path / "notes.md"
    elsewhere.write_text(f"secret: {example}\n")

    assert run_scan("--root", tmp_path, allowed).returncode == 0
    assert run_scan("--root", tmp_path, elsewhere).returncode == 1


def git(*args: str | Path) -> None:
    """Run a git command quietly."""
    subprocess.run(["git", *map(str, args)], check=True, capture_output=True)  # noqa: S603, S607


def git_repository(root: Path) -> None:
    """A git work tree that ignores .env and frontend/dist, as this repository does."""
    git("init", "-q", root)
    (root / ".gitignore").write_text(".env\nfrontend/dist/\n")


def test_the_default_scan_reads_git_files_and_the_built_frontend(tmp_path: Path) -> None:
    git_repository(tmp_path)
    (tmp_path / "tracked.py").write_text(f'KEY = "sk_live_{LONG}"\n')
    git("-C", tmp_path, "add", "tracked.py")
    (tmp_path / "new_file.py").write_text(f'HOOK = "whsec_{LONG}"\n')
    (tmp_path / ".env").write_text(f"STRIPE_SECRET_KEY=sk_test_{LONG}\n")
    bundle = tmp_path / "frontend" / "dist" / "assets" / "index.js"
    bundle.parent.mkdir(parents=True)
    bundle.write_text(f'const k="rk_live_{LONG}";')

    result = run_scan("--root", tmp_path)

    assert result.returncode == 1
    found = {line.split(":", 1)[0] for line in result.stdout.splitlines() if ": Stripe" in line}
    # .env is ignored by git and never shipped; frontend/dist is ignored but shipped.
    assert found == {"tracked.py", "new_file.py", "frontend/dist/assets/index.js"}


def test_build_frontend_builds_a_missing_dist_and_scans_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git_repository(repo)
    (repo / "frontend").mkdir()
    # A stand-in for npm, outside the repository, whose "build" ships a secret in the bundle.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(
        "#!/bin/sh\n"
        '[ "$1 $2 $3" = "run --silent build" ] || exit 2\n'
        "mkdir -p dist/assets\n"
        f"echo 'const k=\"sk_live_{LONG}\";' > dist/assets/app.js\n"
    )
    npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    without_build = run_scan("--root", repo, env=env)
    with_build = run_scan("--root", repo, "--build-frontend", env=env)

    assert without_build.returncode == 0, without_build.stdout
    assert "frontend/dist not built, so not scanned" in without_build.stdout
    assert with_build.returncode == 1
    assert "frontend/dist/assets/app.js:1: Stripe API key" in with_build.stdout


def test_the_repository_has_no_stripe_secrets() -> None:
    result = run_scan()

    assert result.returncode == 0, result.stdout + result.stderr
