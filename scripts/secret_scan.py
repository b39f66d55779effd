#!/usr/bin/env python3
"""Fail when a Stripe secret is in the repository or the built frontend.

    python scripts/secret_scan.py [--build-frontend]   # the repository and frontend/dist
    python scripts/secret_scan.py PATH...              # only these files or folders

Looks for secret and restricted API keys (sk_live_, sk_test_, rk_live_, rk_test_), webhook
signing secrets (whsec_) and PaymentIntent client secrets (pi_..._secret_...). Without PATHs it
reads every file git tracks or would add (not ignored ones such as .env), and every file of
frontend/dist, which git ignores but is what the browser gets; --build-frontend builds it
first when it is missing. Exit status 1 when something is found; findings show only the
start of each value, so the scan's own output leaks nothing.

Stdlib only, so it runs before anything is installed and needs no upkeep of its own.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = Path("frontend") / "dist"

# Real values have at least 24 characters after the prefix (API keys 24 or 99, signing secrets
# 32, client secrets 25). The project's fake test values are kept under 20, so both are told
# apart by length alone.
MIN_SECRET_LENGTH = 20

# (?<![A-Za-z]) rather than \b: a digit may come right before a key, as in "%20sk_live_...".
RULES = {
    "Stripe API key": re.compile(r"(?<![A-Za-z])(?:sk|rk)_(?:live|test)_([A-Za-z0-9]+)"),
    "Stripe webhook signing secret": re.compile(r"(?<![A-Za-z])whsec_([A-Za-z0-9]+)"),
    "PaymentIntent client secret": re.compile(r"(?<![A-Za-z])pi_\w+?_secret_([A-Za-z0-9]+)"),
}

# Long values known to be harmless, each only in its file. Keep this list short.
ALLOWED = {
    # Stripe's published example PaymentIntent (its API reference), kept as a test fixture.
    # Written in two parts so that this file does not match itself.
    (
        "tests/backend/fixtures/stripe/payment_intent.json",
        "pi_1PgafyB7WZ01zgkWSjxsAJo3" + "_secret_Dm43xiq1k0ywrRRjDoi8y1gkM",
    ),
}


@dataclass(frozen=True)
class Finding:
    """A value that looks like a real secret, and where it is."""

    path: str
    line: int
    rule: str
    # The value up to a few characters of its secret part: enough to find it, useless to use.
    start: str
    length: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.start}... ({self.length} characters)"


def scan_text(text: str, path: str) -> Iterator[Finding]:
    """Every real-looking secret in one file's text."""
    for line_number, line in enumerate(text.splitlines(), start=1):
        for rule, pattern in RULES.items():
            for match in pattern.finditer(line):
                value = match.group(0)
                if len(match.group(1)) < MIN_SECRET_LENGTH or (path, value) in ALLOWED:
                    continue
                start = value[: match.start(1) - match.start(0) + 4]
                yield Finding(path, line_number, rule, start, len(value))


def scan_file(path: Path, shown_as: str) -> list[Finding]:
    """Findings in one file; binary files (a NUL byte early on) have none."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return []  # deleted in the work tree but still tracked, or a submodule
    if b"\0" in data[:8192]:
        return []
    return list(scan_text(data.decode("utf-8", errors="replace"), shown_as))


def files_under(folder: Path) -> Iterator[Path]:
    """Every file in a folder, at any depth, in a stable order."""
    return (path for path in sorted(folder.rglob("*")) if path.is_file())


def repository_files(root: Path) -> list[Path]:
    """Files git tracks, plus new ones it would add (ignored files such as .env excluded)."""
    git = shutil.which("git")
    if git is None:
        raise SystemExit("secret scan: git is needed to list the repository's files")
    listed = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [git, "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    )
    names = sorted({name for name in listed.stdout.decode().split("\0") if name})
    return [root / name for name in names]


def build_frontend(root: Path) -> None:
    """`npm run build` in frontend/, which writes frontend/dist."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("secret scan: npm is needed to build frontend/dist")
    print("secret scan: frontend/dist is missing; building it (npm run build)", flush=True)
    subprocess.run([npm, "run", "--silent", "build"], cwd=root / "frontend", check=True)  # noqa: S603


def scan(paths: Iterable[Path], root: Path) -> list[Finding]:
    """Findings in these files, each shown by its path relative to root when inside it."""
    findings: list[Finding] = []
    for path in paths:
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        findings.extend(scan_file(path, shown))
    return findings


def default_targets(root: Path, build: bool) -> list[Path]:
    """The repository's files and, built if asked and missing, the frontend's."""
    dist = root / DIST
    if build and not dist.is_dir():
        build_frontend(root)
    targets = repository_files(root)
    if dist.is_dir():
        targets.extend(files_under(dist))
    else:
        print(f"secret scan: {DIST} not built, so not scanned", flush=True)
    return targets


def explicit_targets(paths: list[Path]) -> list[Path]:
    """The files named, and every file in the folders named."""
    targets: list[Path] = []
    for path in paths:
        if path.is_dir():
            targets.extend(files_under(path))
        elif path.is_file():
            targets.append(path)
        else:
            raise SystemExit(f"secret scan: no such file or folder: {path}")
    return targets


def main(argv: list[str] | None = None) -> int:
    """Scan, print what was found, and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: all)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository's root")
    parser.add_argument(
        "--build-frontend", action="store_true", help="build frontend/dist first if missing"
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.paths:
        targets = explicit_targets([path.resolve() for path in args.paths])
    else:
        targets = default_targets(root, args.build_frontend)

    findings = scan(targets, root)
    for finding in findings:
        print(finding)
    if findings:
        print(
            f"secret scan: {len(findings)} secret(s) found in {len(targets)} files. Remove them "
            "(and rotate any real key in the Stripe Dashboard); tests use short fakes such as "
            f"sk_test_123, under {MIN_SECRET_LENGTH} characters after the prefix.",
            file=sys.stderr,
        )
        return 1
    print(f"secret scan: no Stripe secrets in {len(targets)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
