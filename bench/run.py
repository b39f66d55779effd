"""Benchmark the production server against a minimal Flask app, side by side, with wrk.

    ./bench/run.sh                       # sets up, builds, then runs this
    .venv/bin/python bench/run.py [--duration 5] [--repeats 3] [--skip-browser]

Starts the shop as `./start.sh --prod` does (gunicorn with backend/gunicorn.conf.py, demo
mode, a fresh migrated SQLite database) and bench/minimal_app.py under the same gunicorn
settings, then loads both with wrk, interleaved, at 8 and 64 connections. Prints a table of
medians (min-max) and ratios against the goals, the frontend's sizes, its time to first render
in headless Chromium and, when Lighthouse runs here, its performance score. Raw results go to
bench/results/ (git-ignored).
"""

# ruff: noqa: S603, S607 (this script's job is to run wrk, gunicorn, flask and npx)
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent
DIST = ROOT / "frontend" / "dist"
GUNICORN_CONF = ROOT / "backend" / "gunicorn.conf.py"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LIGHTHOUSE = "lighthouse@12.8.2"  # the last major release that runs on Node 20
CONNECTIONS = (8, 64)
P99_GOAL_MS = 25.0  # POST /create-payment-intent at 8 connections
FRONTEND_GOAL_KB = 80.0
RENDER_LOADS = 5
# High enough that no benchmark request is refused, while the limiter still does its work.
BENCH_RATE_LIMIT = "1000000 per second"


@dataclass(frozen=True)
class Endpoint:
    """One benchmarked request and its goal (shop req/s over the minimal app's)."""

    name: str
    path: str
    script: str
    goal: float
    method: str = "GET"


ENDPOINTS = (
    Endpoint("GET /api/books", "/api/books", "report.lua", 0.8),
    Endpoint("GET /config", "/config", "report.lua", 0.9),
    Endpoint(
        "POST /create-payment-intent",
        "/create-payment-intent",
        "create_payment_intent.lua",
        0.35,
        "POST",
    ),
)


@dataclass
class Server:
    """A gunicorn server started for the benchmark."""

    name: str
    url: str
    process: subprocess.Popen[bytes]


def main(argv: Sequence[str] | None = None) -> int:
    """Run everything, print the table, write the raw results."""
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "wrk is needed: sudo apt-get install -y wrk  (Debian/Ubuntu), then run again.",
            file=sys.stderr,
        )
        return 2
    if not (DIST / ".vite" / "manifest.json").is_file():
        print("Build the frontend first: cd frontend && npm run build", file=sys.stderr)
        return 2

    started = datetime.now(UTC)
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    results: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {"duration_s": args.duration, "repeats": args.repeats},
    }
    with tempfile.TemporaryDirectory(prefix="bookstore-bench-") as tmp:
        database = Path(tmp) / "bench.sqlite3"
        env = server_environment(f"sqlite:///{database}")
        migrate(env)
        with servers(env, Path(tmp)) as (shop, minimal):
            results["server"] = server_settings(shop)
            book_ids = [book["id"] for book in get_json(f"{shop.url}/api/books")["books"]]
            results["load"] = run_load(shop, minimal, book_ids, args)
            results["orders_written"] = count_orders(database)
            results["frontend"] = frontend_sizes()
            if not args.skip_browser:
                results["first_render"] = first_render(shop.url)
                results["lighthouse"] = lighthouse(shop.url, Path(tmp))
    table = render(results)
    print(table)
    (RESULTS / f"{stamp}.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / f"{stamp}.md").write_text(table + "\n")
    print(f"\nRaw results: {RESULTS.relative_to(ROOT)}/{stamp}.json (and .md)")
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=3, help="runs per configuration")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--skip-browser", action="store_true", help="no Chromium render timing or Lighthouse"
    )
    return parser.parse_args(argv)


# --- the machine and the servers -------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    memory_gib = None
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory_gib = round(int(found.group(1)) / 1024 / 1024, 1) if found else None
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gib": memory_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "wrk": wrk_version.split(" [")[0].strip(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def server_environment(database_url: str) -> dict[str, str]:
    """Demo mode on the benchmark's database, whatever .env says."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        STRIPE_SECRET_KEY="",
        STRIPE_PUBLISHABLE_KEY="",
        STRIPE_WEBHOOK_SECRET="",
        CHECKOUT_RATE_LIMIT=BENCH_RATE_LIMIT,
        FRONTEND_DIST=str(DIST),
        HOST="127.0.0.1",
        PYTHONPATH=str(ROOT / "backend"),
    )
    return env


def migrate(env: dict[str, str]) -> None:
    """Build the schema and the catalogue as ./start.sh --prod does."""
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "bookstore", *command],
            env=env,
            check=True,
            capture_output=True,
        )


@contextmanager
def servers(env: dict[str, str], logs: Path) -> Iterator[tuple[Server, Server]]:
    """The shop and the minimal app, each under backend/gunicorn.conf.py."""
    started: list[Server] = []
    try:
        started.append(start_gunicorn("shop", [], env, logs))
        minimal_args = ["--pythonpath", f"{ROOT / 'backend'},{BENCH}", "minimal_app:app"]
        started.append(start_gunicorn("minimal", minimal_args, env, logs))
        yield started[0], started[1]
    finally:
        for server in started:
            stop(server.process)


def start_gunicorn(name: str, extra: list[str], env: dict[str, str], logs: Path) -> Server:
    """Start gunicorn on a free port and wait until it answers."""
    port = free_port()
    log = (logs / f"{name}.log").open("wb")
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", str(GUNICORN_CONF), *extra],
        env={**env, "PORT": str(port)},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log_text = (logs / f"{name}.log").read_text()
            raise SystemExit(f"{name} server exited; its log:\n{log_text}")
        try:
            urllib.request.urlopen(f"{url}/config", timeout=2)  # noqa: S310 (loopback)
            return Server(name, url, process)
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    stop(process)
    raise SystemExit(f"{name} server did not answer within 60 s")


def server_settings(shop: Server) -> dict[str, Any]:
    """The gunicorn settings both servers run with, as the config file computes them."""
    names = ("worker_class", "workers", "threads")
    code = (
        f"import json, runpy; c = runpy.run_path({str(GUNICORN_CONF)!r}); "
        f"print(json.dumps({{k: c[k] for k in {names!r}}}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    version = subprocess.run(
        [str(VENV_BIN / "gunicorn"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return {
        **json.loads(output),
        "gunicorn": version,
        "mode": get_json(f"{shop.url}/config")["mode"],
    }


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and its workers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get_json(url: str) -> Any:
    """GET a JSON document."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return json.load(response)


def count_orders(database: Path) -> int:
    """Orders the checkout runs wrote."""
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM orders").fetchone()
    return int(count)


# --- load --------------------------------------------------------------------------------------


def wrk(
    url: str, endpoint: Endpoint, connections: int, seconds: int, threads: int, ids: list[str]
) -> dict[str, Any]:
    """One wrk run; its numbers as report.lua prints them."""
    command = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / endpoint.script),
        f"{url}{endpoint.path}",
    ]
    if endpoint.method == "POST":
        command += ["--", uuid.uuid4().hex[:12], *ids]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    run: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    run["rps"] = run["requests"] / (run["duration_us"] / 1e6)
    run["errors"] = sum(
        run[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts", "non_2xx")
    )
    return run


def run_load(
    shop: Server, minimal: Server, ids: list[str], args: argparse.Namespace
) -> list[dict[str, Any]]:
    """Every endpoint at every connection count, both servers, repeated and interleaved."""
    for endpoint in ENDPOINTS:  # warm both up: imports, connection pools, caches
        for server in (shop, minimal):
            wrk(server.url, endpoint, 8, 2, args.threads, ids)
    runs: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    total = args.repeats * len(ENDPOINTS) * len(CONNECTIONS) * 2
    done = 0
    for repeat in range(args.repeats):
        # Alternate which server goes first, so neither always meets a warmer machine.
        order = (shop, minimal) if repeat % 2 == 0 else (minimal, shop)
        for endpoint in ENDPOINTS:
            for connections in CONNECTIONS:
                for server in order:
                    done += 1
                    print(
                        f"  [{done}/{total}] {server.name:<7} {endpoint.name} c={connections}",
                        file=sys.stderr,
                    )
                    run = wrk(server.url, endpoint, connections, args.duration, args.threads, ids)
                    runs.setdefault((endpoint.name, connections, server.name), []).append(run)
    summary = []
    for endpoint in ENDPOINTS:
        for connections in CONNECTIONS:
            shop_runs = runs[(endpoint.name, connections, "shop")]
            minimal_runs = runs[(endpoint.name, connections, "minimal")]
            shop_rps = [r["rps"] for r in shop_runs]
            minimal_rps = [r["rps"] for r in minimal_runs]
            summary.append(
                {
                    "endpoint": endpoint.name,
                    "connections": connections,
                    "goal": endpoint.goal,
                    "shop_rps": shop_rps,
                    "minimal_rps": minimal_rps,
                    "ratio": statistics.median(shop_rps) / statistics.median(minimal_rps),
                    "shop_p99_ms": [r["p99_us"] / 1000 for r in shop_runs],
                    "minimal_p99_ms": [r["p99_us"] / 1000 for r in minimal_runs],
                    "shop_errors": sum(r["errors"] for r in shop_runs),
                    "minimal_errors": sum(r["errors"] for r in minimal_runs),
                    "shop_requests": sum(r["requests"] for r in shop_runs),
                    "raw": {"shop": shop_runs, "minimal": minimal_runs},
                }
            )
    return summary


# --- frontend ----------------------------------------------------------------------------------


def frontend_sizes() -> dict[str, Any]:
    """What the shop page downloads before it renders, and what checkout adds, gzipped."""
    manifest: dict[str, dict[str, Any]] = json.loads((DIST / ".vite" / "manifest.json").read_text())
    entry = next(key for key, chunk in manifest.items() if chunk.get("isEntry"))
    initial = static_closure(manifest, entry)
    checkout_key = next(key for key in manifest if key.endswith("checkout/CheckoutPage.tsx"))
    checkout = [key for key in static_closure(manifest, checkout_key) if key not in initial]
    initial_css = sorted({css for key in initial for css in manifest[key].get("css", [])})
    return {
        "initial_js": [file_sizes(manifest[key]["file"]) for key in initial],
        "initial_css": [file_sizes(css) for css in initial_css],
        "checkout_js": [file_sizes(manifest[key]["file"]) for key in checkout],
    }


def static_closure(manifest: dict[str, dict[str, Any]], key: str) -> list[str]:
    """A chunk and every chunk it imports statically, as the browser loads them up front."""
    seen: list[str] = []
    pending = [key]
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.append(current)
            pending.extend(manifest[current].get("imports", []))
    return seen


def file_sizes(name: str) -> dict[str, Any]:
    """A built file's raw, gzip -9 and (from the build's twin) brotli sizes in bytes."""
    data = (DIST / name).read_bytes()
    brotli = DIST / f"{name}.br"
    return {
        "file": name,
        "raw": len(data),
        "gzip": len(gzip.compress(data, compresslevel=9, mtime=0)),
        "brotli": brotli.stat().st_size if brotli.is_file() else None,
    }


# Records when the first book card is in the page, then painted (the next animation frame).
FIRST_BOOK_SCRIPT = """
new MutationObserver((_, observer) => {
  if (document.querySelector('.book-card__title')) {
    observer.disconnect();
    requestAnimationFrame(() => { window.__firstBookAt = performance.now(); });
  }
}).observe(document, { childList: true, subtree: true });
"""


def first_render(url: str) -> dict[str, Any]:
    """Milliseconds from navigation to the first book card on screen, cold cache, 5 loads."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"error": "no Playwright (pip install -r backend/requirements-dev.txt)"}
    if not Path(CHROMIUM).exists():
        return {"error": f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"}
    loads = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(RENDER_LOADS):
                # A new profile, so nothing is cached; bypass_csp lets Playwright's own
                # probes run (the shop's CSP rightly forbids evaluating strings).
                context = browser.new_context(bypass_csp=True)
                page = context.new_page()
                page.add_init_script(FIRST_BOOK_SCRIPT)
                page.goto(f"{url}/", wait_until="commit")
                page.wait_for_function("window.__firstBookAt !== undefined", timeout=30_000)
                loads.append(
                    page.evaluate(
                        "({ firstBook: window.__firstBookAt, fcp: performance"
                        ".getEntriesByName('first-contentful-paint')[0]?.startTime ?? null })"
                    )
                )
                context.close()
        finally:
            browser.close()
    return {"loads": loads, "first_book_ms": [load["firstBook"] for load in loads]}


def lighthouse(url: str, tmp: Path) -> dict[str, Any]:
    """The shop page's Lighthouse performance score, if Lighthouse runs here."""
    if shutil.which("npx") is None:
        return {"error": "npx (Node.js) is not installed"}
    output = tmp / "lighthouse.json"
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        f"{url}/",
        "--only-categories=performance",
        "--output=json",
        f"--output-path={output}",
        "--quiet",
        "--chrome-flags=" + " ".join(CHROMIUM_ARGS),
    ]
    try:
        finished = subprocess.run(
            command,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        return {"error": "it did not finish within 5 minutes"}
    if finished.returncode != 0 or not output.is_file():
        last = (finished.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {finished.returncode}: {last[:200]}"}
    report = json.loads(output.read_text())
    audits = report["audits"]
    shutil.copyfile(output, RESULTS / "lighthouse-latest.json")
    return {
        "score": round(report["categories"]["performance"]["score"] * 100),
        "version": report.get("lighthouseVersion"),
        "form_factor": report["configSettings"].get("formFactor"),
        "throttling": report["configSettings"].get("throttlingMethod"),
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
    }


# --- the table ---------------------------------------------------------------------------------


def render(results: dict[str, Any]) -> str:
    """The report: machine, load table against goals, frontend numbers."""
    m = results["machine"]
    s = results["server"]
    lines = [
        f"Stripe Press bookstore benchmark, {results['date']}",
        "",
        f"Machine: {m['cores']} cores, {m['cpu']}, {m['memory_gib']} GiB, {m['os']}, "
        f"Python {m['python']}, load average at start {m['load_average_at_start']}",
        f"Servers: {s['gunicorn']}, {s['worker_class']}, {s['workers']} workers x "
        f"{s['threads']} threads (backend/gunicorn.conf.py) for both; shop in {s['mode']} mode "
        "on SQLite; load from "
        f"{m['wrk']}, {results['settings']['duration_s']} s per run, "
        f"{results['settings']['repeats']} runs per row, interleaved",
        "",
        "| endpoint | conns | shop req/s, median (min-max) | minimal app req/s | ratio | goal "
        "| shop p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["load"]:
        ratio_ok = row["ratio"] >= row["goal"]
        p99 = statistics.median(row["shop_p99_ms"])
        goal = f">= {row['goal']:.2f} {'met' if ratio_ok else 'MISSED'}"
        p99_text = f"{p99:.1f}"
        if row["endpoint"].startswith("POST") and row["connections"] == 8:
            p99_text += f" (goal < {P99_GOAL_MS:.0f}: {'met' if p99 < P99_GOAL_MS else 'MISSED'})"
        lines.append(
            f"| {row['endpoint']} | {row['connections']} | {spread(row['shop_rps'])} "
            f"| {spread(row['minimal_rps'])} | {row['ratio']:.2f} | {goal} | {p99_text} "
            f"| {row['shop_errors']} / {row['minimal_errors']} |"
        )
    posts = sum(r["shop_requests"] for r in results["load"] if r["endpoint"].startswith("POST"))
    lines += [
        "",
        f"errors: shop / minimal app (socket errors, timeouts, non-2xx). Orders written by the "
        f"shop: {results['orders_written']} (measured POSTs: {posts}, plus warm-up).",
    ]
    lines += ["", *render_frontend(results)]
    return "\n".join(lines)


def render_frontend(results: dict[str, Any]) -> list[str]:
    """The frontend part of the report."""
    f = results["frontend"]
    initial_gzip = sum(x["gzip"] for x in f["initial_js"]) / 1024
    initial_brotli = sum(x["brotli"] or x["gzip"] for x in f["initial_js"]) / 1024
    css_gzip = sum(x["gzip"] for x in f["initial_css"]) / 1024
    checkout_gzip = sum(x["gzip"] for x in f["checkout_js"]) / 1024
    verdict = "met" if initial_gzip <= FRONTEND_GOAL_KB else "MISSED"
    files = ", ".join(
        f"{x['file'].removeprefix('assets/')} {x['gzip'] / 1024:.1f}" for x in f["initial_js"]
    )
    lines = [
        "Frontend (frontend/dist):",
        f"- JavaScript before the shop renders: {initial_gzip:.1f} KB gzipped "
        f"(goal <= {FRONTEND_GOAL_KB:.0f} KB: {verdict}); {initial_brotli:.1f} KB as brotli, "
        f"which browsers get; files (KB gzip): {files}",
        f"- CSS before the shop renders: {css_gzip:.1f} KB gzipped",
        f"- Checkout chunk and what it adds: {checkout_gzip:.1f} KB gzipped "
        f"({', '.join(x['file'].removeprefix('assets/') for x in f['checkout_js'])})",
    ]
    render_result = results.get("first_render")
    if render_result is None:
        lines.append("- first render: skipped (--skip-browser)")
    elif "error" in render_result:
        lines.append(f"- first render: not measured ({render_result['error']})")
    else:
        lines.append(
            f"- First render of the shop (first book card painted) in headless Chromium, cold "
            f"cache, {RENDER_LOADS} loads: median {spread(render_result['first_book_ms'], 'ms')}"
        )
    lh = results.get("lighthouse")
    if lh is None:
        lines.append("- lighthouse: skipped (--skip-browser)")
    elif "error" in lh:
        lines.append(f"- lighthouse: not available here ({lh['error']})")
    else:
        lines.append(
            f"- Lighthouse {lh['version']} performance score: {lh['score']} ({lh['form_factor']}, "
            f"{lh['throttling']} throttling; FCP {lh['fcp_ms']:.0f} ms, LCP {lh['lcp_ms']:.0f} ms, "
            f"TBT {lh['tbt_ms']:.0f} ms)"
        )
    return lines


def spread(values: list[float], unit: str = "") -> str:
    """median (min-max)."""
    suffix = f" {unit}" if unit else ""
    return f"{statistics.median(values):,.0f}{suffix} ({min(values):,.0f}-{max(values):,.0f})"


if __name__ == "__main__":
    sys.exit(main())
