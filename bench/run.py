"""Benchmark the production server against the same work done minimally, side by side, with wrk.

    ./bench/run.sh                       # sets up, builds, then runs this
    .venv/bin/python bench/run.py [--duration 5] [--repeats 3] [--skip-browser]

Starts the shop as `./start.sh --prod` does (gunicorn with backend/gunicorn.conf.py, demo
mode, a fresh migrated SQLite database, behind one trusted proxy) and bench/minimal_app.py,
the least the same routes can do in the same stack, under the same gunicorn settings. Every
title of both gets copies enough for the whole run (bench/stock_up.py), so Pay succeeds; the
run stops at any answer but 200 to a POST. Both are reached only over HTTP. wrk loads them
interleaved, at 8 connections (the goals) and 64 (for information):

- Pay: POST /create-payment-intent, a new cart with complete details (email, a United States
  address, a delivery method) and no confirmation token, as an API client pays, each from a
  client address of its own. The baseline validates, prices shipping and tax, checks and
  holds the stock and writes the order, lines, holds and PaymentIntent in one durable
  transaction, answering the shop's JSON shape (checked before the load).
- Quote: POST /api/quote, one cart with a complete address, a new cart id each time. The
  baseline answers the shop's bytes for it, captured once before the load.
- Reads: GET /api/books and GET /config; the baseline answers the shop's bytes.

Prints medians (min-max) and ratios against the goals, the JavaScript the shop page loads
before it renders (each file gzipped at level 6, in bytes), its time to first render in
headless Chromium and, when Lighthouse runs here, its performance score. Raw results go to
bench/results/ (git-ignored).
"""

# ruff: noqa: S603, S607 (this script's job is to run wrk, gunicorn, flask and npx)
from __future__ import annotations

import argparse
import gzip
import itertools
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
import zlib
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stock_up import BENCH_STOCK, stock_minimal

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
GOAL_CONNECTIONS = 8  # the goals hold at 8 connections; 64 is for information
FRONTEND_GOAL_BYTES = 80_000  # the JavaScript before the shop renders, each file gzip -6
GZIP_LEVEL = 6
RENDER_LOADS = 5
# High enough that no benchmark request is refused, while the limiter still does its work.
BENCH_RATE_LIMIT = "1000000 per second"
# The shop's default hold, set whatever .env says: every Pay of a run (minutes long) stays held
# to its end, as a busy shop's last quarter-hour of orders would, so the active holds on a
# cart's titles, which each Pay sums, grow through the run (bench/RESULTS.md). The minimal app
# reads it too.
STOCK_HOLD_MINUTES = "15"
# The shop's default cap on the copies one client holds, whatever .env says. Pay's requests
# each come from a client address of their own, forwarded by the one proxy the shop trusts.
HOLD_LIMIT_PER_CLIENT = "10"
TRUSTED_PROXY_COUNT = "1"


def _shipping(name: str, line1: str, city: str, state: str, postal_code: str) -> dict[str, Any]:
    """A complete United States address, as the checkout page sends it."""
    return {
        "name": name,
        "address": {
            "line1": line1,
            "city": city,
            "state": state,
            "postalCode": postal_code,
            "country": "US",
        },
    }


# The complete details Pay's carts take turns with: states with and without sales tax, both
# delivery methods (carts of $20 to $150, so standard delivery is free for some).
PAY_DETAILS: tuple[dict[str, Any], ...] = (
    {
        "email": "ada@example.com",
        "shipping": {
            **_shipping(
                "Ada Lovelace", "354 Oyster Point Blvd", "South San Francisco", "CA", "94080"
            ),
            "phone": "+1 415 555 0100",
        },
        "deliveryMethod": "standard",
    },
    {
        "email": "grace@example.com",
        "shipping": _shipping("Grace Hopper", "1 Liberty Plaza", "New York", "NY", "10006"),
        "deliveryMethod": "express",
    },
    {
        "email": "alan@example.com",
        "shipping": _shipping("Alan Kay", "1200 NW Naito Pkwy", "Portland", "OR", "97209"),
        "deliveryMethod": "standard",
    },
    {
        "email": "edsger@example.com",
        "shipping": _shipping("Edsger Dijkstra", "2317 Speedway", "Austin", "TX", "78712"),
        "deliveryMethod": "express",
    },
)
# Quote's one body; the cart id stands in for the new one each request gets.
QUOTE_CART_ID = "bench-quote-cart-id-0000"


@dataclass(frozen=True)
class Endpoint:
    """One benchmarked request and its goals against the minimal app doing the same work."""

    name: str
    path: str
    script: str
    min_rps_ratio: float  # shop req/s over the minimal app's, at least
    max_p99_ratio: float | None = None  # shop p99 over the minimal app's, at most
    method: str = "GET"


PAY = Endpoint(
    "Pay: POST /create-payment-intent",
    "/create-payment-intent",
    "create_payment_intent.lua",
    min_rps_ratio=0.5,
    max_p99_ratio=1.5,
    method="POST",
)
QUOTE = Endpoint(
    "Quote: POST /api/quote", "/api/quote", "quote.lua", min_rps_ratio=0.5, method="POST"
)
ENDPOINTS = (
    PAY,
    QUOTE,
    Endpoint("GET /api/books", "/api/books", "report.lua", min_rps_ratio=0.8),
    Endpoint("GET /config", "/config", "report.lua", min_rps_ratio=0.8),
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
    clock = time.monotonic()
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    results: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "duration_s": args.duration,
            "repeats": args.repeats,
            "stock_per_title": BENCH_STOCK,
            "stock_hold_minutes": float(STOCK_HOLD_MINUTES),
            "hold_limit_per_client": int(HOLD_LIMIT_PER_CLIENT),
        },
    }
    with tempfile.TemporaryDirectory(prefix="bookstore-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = server_environment(f"sqlite:///{tmp / 'shop.sqlite3'}")
        migrate(env)
        results["settings"]["stock_set_with"] = stock_up(env)
        with servers(env, tmp) as (shop, minimal):
            results["server"] = server_settings(shop)
            book_ids = [book["id"] for book in get_json(f"{shop.url}/api/books")["books"]]
            results["shop_only_pay_fields"] = check_same_answers(shop, minimal, book_ids)
            results["load"] = run_load(shop, minimal, book_ids, args)
            results["orders_written"] = {
                "shop": count_orders(tmp / "shop.sqlite3"),
                "minimal": count_orders(tmp / "minimal.sqlite3"),
            }
            results["holds_at_end"] = {
                "shop": held_copies_cost(tmp / "shop.sqlite3", book_ids),
                "minimal": held_copies_cost(tmp / "minimal.sqlite3", book_ids),
            }
            results["frontend"] = frontend_sizes()
            if not args.skip_browser:
                results["first_render"] = first_render(shop.url)
                results["lighthouse"] = lighthouse(shop.url, tmp)
    results["elapsed_s"] = round(time.monotonic() - clock)
    # Other work on the machine skews both servers; the load at both ends shows how much.
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
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
        # Demo mode's explicit opt-in (both names, until the settings have settled on one).
        DEMO_MODE="1",
        ALLOW_DEMO_MODE="1",
        DATABASE_URL=database_url,
        STRIPE_SECRET_KEY="",
        STRIPE_PUBLISHABLE_KEY="",
        STRIPE_WEBHOOK_SECRET="",
        CHECKOUT_RATE_LIMIT=BENCH_RATE_LIMIT,
        STOCK_HOLD_MINUTES=STOCK_HOLD_MINUTES,
        HOLD_LIMIT_PER_CLIENT=HOLD_LIMIT_PER_CLIENT,
        TRUSTED_PROXY_COUNT=TRUSTED_PROXY_COUNT,
        FRONTEND_DIST=str(DIST),
        HOST="127.0.0.1",
        PYTHONPATH=str(ROOT / "backend"),
    )
    return env


def migrate(env: dict[str, str]) -> None:
    """Build the schema and the catalogue as ./start.sh --prod does."""
    for command in (["db", "upgrade"], ["seed"]):
        finished = subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "bookstore", *command],
            env=env,
            capture_output=True,
            text=True,
        )
        if finished.returncode != 0:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{finished.stderr}")


def stock_up(env: dict[str, str]) -> str:
    """Copies enough for the whole run on every title, with the shop's own `stock set`; how."""
    finished = subprocess.run(
        [sys.executable, str(BENCH / "stock_up.py"), str(BENCH_STOCK)],
        env=env,
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0:
        raise SystemExit(f"bench/stock_up.py failed:\n{finished.stdout}{finished.stderr}")
    return finished.stdout.strip()


@contextmanager
def servers(env: dict[str, str], tmp: Path) -> Iterator[tuple[Server, Server]]:
    """The shop, then the minimal app serving the shop's constant answers, under one config."""
    started: list[Server] = []
    try:
        started.append(start_gunicorn("shop", [], env, tmp))
        shop = started[0]
        # The same bytes as the shop sends to a client that asks for no compression, as wrk.
        for name, path in (("books", "/api/books"), ("config", "/config")):
            (tmp / f"{name}.json").write_bytes(get_bytes(f"{shop.url}{path}"))
        book_ids = [book["id"] for book in json.loads((tmp / "books.json").read_bytes())["books"]]
        (tmp / "quote.json").write_bytes(post_bytes(f"{shop.url}/api/quote", quote_body(book_ids)))
        database = tmp / "minimal.sqlite3"
        prepare_minimal_database(database, tmp / "books.json")
        minimal_env = {
            **env,
            "BENCH_MINIMAL_DATABASE": str(database),
            "BENCH_BOOKS_FILE": str(tmp / "books.json"),
            "BENCH_CONFIG_FILE": str(tmp / "config.json"),
            "BENCH_QUOTE_FILE": str(tmp / "quote.json"),
        }
        minimal_args = ["--pythonpath", f"{ROOT / 'backend'},{BENCH}", "minimal_app:create_app()"]
        started.append(start_gunicorn("minimal", minimal_args, minimal_env, tmp))
        yield shop, started[1]
    finally:
        for server in started:
            stop(server.process)


def prepare_minimal_database(database: Path, books_file: Path) -> None:
    """Create the minimal app's SQLite file with the shop's catalogue, before its workers start."""
    sys.path.insert(0, str(BENCH))
    import minimal_app

    minimal_app.create_database(database, json.loads(books_file.read_bytes())["books"])
    stock_minimal(database, BENCH_STOCK)


def quote_body(book_ids: list[str], cart_id: str = QUOTE_CART_ID) -> dict[str, Any]:
    """Quote's one body: two titles, sent to California by standard delivery."""
    return {
        "items": [{"id": book_ids[0], "quantity": 2}, {"id": book_ids[-1], "quantity": 1}],
        "cartId": cart_id,
        **PAY_DETAILS[0],
    }


def pay_body(items: list[dict[str, Any]], details: dict[str, Any]) -> dict[str, Any]:
    """A Pay body for a new cart, as an API client sends it (no confirmation token)."""
    return {"items": items, "cartId": f"bench-check-{uuid.uuid4().hex}", **details}


def check_same_answers(shop: Server, minimal: Server, book_ids: list[str]) -> list[str]:
    """Stop unless both answer alike; name the Pay answer's fields only the shop sends.

    The GETs and the quote: the same bytes (the shop's quote for another cart id too, as the
    load sends). Pay: for each of the details the load takes turns with, the minimal app's
    answer has no field the shop's lacks, and the two agree on every priced field.
    """
    for path in ("/api/books", "/config"):
        if get_bytes(f"{shop.url}{path}") != get_bytes(f"{minimal.url}{path}"):
            raise SystemExit(f"GET {path}: the minimal app does not send the shop's bytes")
    other_cart = quote_body(book_ids, cart_id=f"bench-check-{uuid.uuid4().hex}")
    quotes = {post_bytes(f"{server.url}/api/quote", other_cart) for server in (shop, minimal)}
    if len(quotes) != 1:
        raise SystemExit(
            "POST /api/quote: the shop's answer changed with the cart id, or the minimal app "
            "does not send the shop's bytes"
        )
    shop_only: set[str] = set()
    for turn, details in enumerate(PAY_DETAILS):
        items = [{"id": book_ids[turn % len(book_ids)], "quantity": turn + 1}]
        items.append({"id": book_ids[-1 - turn % len(book_ids)], "quantity": 1})
        body = pay_body(items, details)
        # A client of its own each, as the load's Pays: one client's holds are capped.
        client = {"X-Forwarded-For": f"fd00:ffff:ffff:{turn:x}::1"}
        shop_answer, minimal_answer = (
            post_json(f"{server.url}/create-payment-intent", body, client)
            for server in (shop, minimal)
        )
        missing = sorted(set(minimal_answer) - set(shop_answer))
        differ = sorted(
            field for field in PRICED_FIELDS if shop_answer.get(field) != minimal_answer.get(field)
        )
        if missing or differ:
            raise SystemExit(
                "POST /create-payment-intent: the minimal app's answer is not the shop's "
                f"(fields the shop lacks: {missing}; fields that differ: "
                + "; ".join(
                    f"{field}: shop {shop_answer.get(field)!r}, minimal "
                    f"{minimal_answer.get(field)!r}"
                    for field in differ
                )
                + ")"
            )
        shop_only |= set(shop_answer) - set(minimal_answer)
    return sorted(shop_only)


# Pay's answer fields that must be equal in both apps' answers to the same body.
PRICED_FIELDS = (
    "amount",
    "currency",
    "items",
    "subtotal",
    "shippingAmount",
    "taxAmount",
    "email",
    "shipping",
    "deliveryMethod",
    "deliveryOptions",
    "readyToPay",
    "status",
)


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


def get_bytes(url: str) -> bytes:
    """GET a body, with no Accept-Encoding (as wrk sends it)."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return bytes(response.read())


def get_json(url: str) -> Any:
    """GET a JSON document."""
    return json.loads(get_bytes(url))


def post_bytes(url: str, body: Any, headers: dict[str, str] | None = None) -> bytes:
    """POST a JSON body, with no Accept-Encoding (as wrk); the reply's bytes, or a clear stop."""
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return bytes(response.read())
    except urllib.error.HTTPError as error:
        raise SystemExit(f"POST {url}: {error.code} {error.read().decode()[:500]}") from error


def post_json(url: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    """POST a JSON body, answer the JSON reply."""
    return json.loads(post_bytes(url, body, headers))


def held_copies_cost(database: Path, book_ids: list[str]) -> dict[str, Any]:
    """Active holds in a server's database, and what summing a cart's costs one Pay now.

    The statement is the one both apps run in every Pay (the shop's held_copies,
    minimal_app.HELD_COPIES), for a cart of the first two titles: median of 20, in this
    process. It reads the active holds of the cart's titles only, so their count is given too.
    """
    import minimal_app

    now = minimal_app.sql_time(datetime.now(UTC))
    cart = book_ids[:2]
    marks = ", ".join("?" * len(cart))
    statement = minimal_app.HELD_COPIES.format(marks=marks)
    with closing(sqlite3.connect(database)) as connection:
        orders, rows = connection.execute(
            "SELECT count(DISTINCT order_id), count(*) FROM stock_holds WHERE held_until > ?",
            (now,),
        ).fetchone()
        (cart_rows,) = connection.execute(
            f"SELECT count(*) FROM stock_holds WHERE held_until > ? AND book_id IN ({marks})",  # noqa: S608
            [now, *cart],
        ).fetchone()
        times = []
        for _ in range(20):
            start = time.perf_counter()
            connection.execute(statement, [now, *cart]).fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return {
        "active_holds": int(orders),
        "active_hold_rows": int(rows),
        "cart_hold_rows": int(cart_rows),
        "sum_ms": statistics.median(times),
    }


def count_orders(database: Path) -> int | None:
    """Orders in a server's database (a sanity check: one per Pay), if it can be read."""
    try:
        with closing(sqlite3.connect(database)) as connection:
            (count,) = connection.execute("SELECT count(*) FROM orders").fetchone()
    except sqlite3.Error:
        return None
    return int(count)


# --- load --------------------------------------------------------------------------------------


def wrk(
    server: Server,
    endpoint: Endpoint,
    connections: int,
    seconds: int,
    threads: int,
    script_args: list[str],
) -> dict[str, Any]:
    """One wrk run; its numbers as report.lua prints them. Stops at any refused POST."""
    command = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / endpoint.script),
        f"{server.url}{endpoint.path}",
    ]
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    run: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    run["rps"] = run["requests"] / (run["duration_us"] / 1e6)
    run["errors"] = sum(
        run[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts", "non_2xx")
    )
    if run.get("refused"):
        counts = ", ".join(f"{count} x {status}" for status, count in run["refused"].items())
        why = {
            "409": f"409 insufficient_stock: every title should hold {BENCH_STOCK:,} copies "
            "(bench/stock_up.py)",
            "429": "429: a rate limit or the per-client hold cap (each Pay should come from a "
            "client address of its own)",
        }
        hints = "; ".join(why[status] for status in run["refused"] if status in why)
        raise SystemExit(
            f"{server.name}: {endpoint.name} answered {counts} of {run['requests']} requests at "
            f"{connections} connections: the run would measure refusals. First: "
            f"{run['first_refusal']}" + (f" ({hints})" if hints else "")
        )
    return run


def script_arguments(
    endpoint: Endpoint, book_ids: list[str], run_number: int, token: str
) -> list[str]:
    """What the endpoint's Lua script takes after `--` for one run (nothing for the GETs)."""
    if endpoint is PAY:
        details = [json.dumps(d, separators=(",", ":"))[1:-1] for d in PAY_DETAILS]
        return [token, str(run_number), ",".join(book_ids), *details]
    if endpoint is QUOTE:
        text = json.dumps(quote_body(book_ids))
        before, after = text.split(QUOTE_CART_ID)
        return [token, before, after]
    return []


def run_load(
    shop: Server, minimal: Server, ids: list[str], args: argparse.Namespace
) -> list[dict[str, Any]]:
    """Every endpoint at every connection count, both servers, repeated and interleaved."""
    # Each run's carts and client addresses are its own: a token and a number per run.
    run_numbers = itertools.count(1)

    def load(server: Server, endpoint: Endpoint, connections: int, seconds: int) -> Any:
        script_args = script_arguments(endpoint, ids, next(run_numbers), uuid.uuid4().hex[:12])
        return wrk(server, endpoint, connections, seconds, args.threads, script_args)

    for endpoint in ENDPOINTS:  # warm both up: imports, connection pools, caches
        for server in (shop, minimal):
            load(server, endpoint, 8, 2)
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
                    run = load(server, endpoint, connections, args.duration)
                    runs.setdefault((endpoint.name, connections, server.name), []).append(run)
    return [
        summarize(
            endpoint,
            connections,
            runs[(endpoint.name, connections, "shop")],
            runs[(endpoint.name, connections, "minimal")],
        )
        for endpoint in ENDPOINTS
        for connections in CONNECTIONS
    ]


def summarize(
    endpoint: Endpoint, connections: int, shop_runs: list[Any], minimal_runs: list[Any]
) -> dict[str, Any]:
    """One row: both servers' runs, and the ratios of their medians."""
    row: dict[str, Any] = {"endpoint": endpoint.name, "connections": connections}
    for name, server_runs in (("shop", shop_runs), ("minimal", minimal_runs)):
        row[f"{name}_rps"] = [r["rps"] for r in server_runs]
        row[f"{name}_p50_ms"] = [r["p50_us"] / 1000 for r in server_runs]
        row[f"{name}_p99_ms"] = [r["p99_us"] / 1000 for r in server_runs]
        row[f"{name}_errors"] = sum(r["errors"] for r in server_runs)
        row[f"{name}_requests"] = sum(r["requests"] for r in server_runs)
    row["rps_ratio"] = statistics.median(row["shop_rps"]) / statistics.median(row["minimal_rps"])
    row["p99_ratio"] = statistics.median(row["shop_p99_ms"]) / statistics.median(
        row["minimal_p99_ms"]
    )
    row["goals"] = []
    if connections == GOAL_CONNECTIONS:
        row["goals"].append(
            {
                "what": "req/s ratio",
                "goal": f">= {endpoint.min_rps_ratio:.2f}",
                "met": row["rps_ratio"] >= endpoint.min_rps_ratio,
            }
        )
        if endpoint.max_p99_ratio is not None:
            row["goals"].append(
                {
                    "what": "p99 ratio",
                    "goal": f"<= {endpoint.max_p99_ratio:.2f}",
                    "met": row["p99_ratio"] <= endpoint.max_p99_ratio,
                }
            )
    row["raw"] = {"shop": shop_runs, "minimal": minimal_runs}
    return row


# --- frontend ----------------------------------------------------------------------------------


def frontend_sizes() -> dict[str, Any]:
    """What the shop page downloads before it renders, and what checkout adds, in bytes."""
    manifest: dict[str, dict[str, Any]] = json.loads((DIST / ".vite" / "manifest.json").read_text())
    entry = next(key for key, chunk in manifest.items() if chunk.get("isEntry"))
    initial = static_closure(manifest, entry)
    checkout_key = next(key for key in manifest if key.endswith("checkout/CheckoutPage.tsx"))
    checkout = [key for key in static_closure(manifest, checkout_key) if key not in initial]
    groups = {
        "initial_js": [manifest[key]["file"] for key in initial],
        "initial_css": sorted({css for key in initial for css in manifest[key].get("css", [])}),
        "checkout_js": [manifest[key]["file"] for key in checkout],
    }
    names = sorted({name for files in groups.values() for name in files})
    gzipped, gzip_with = gzip_sizes([DIST / name for name in names])
    sizes = dict(zip(names, gzipped, strict=True))
    result: dict[str, Any] = {
        group: [file_sizes(name, sizes[name]) for name in files] for group, files in groups.items()
    }
    result["gzip_with"] = gzip_with
    return result


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


# Prints the gzip -6 size of each file named in its arguments, as a JSON list.
GZIP_SIZES_JS = (
    "const fs = require('fs'), zlib = require('zlib');"
    "console.log(JSON.stringify(process.argv.slice(1).map("
    f"(f) => zlib.gzipSync(fs.readFileSync(f), {{ level: {GZIP_LEVEL} }}).length)))"
)


def gzip_sizes(paths: list[Path]) -> tuple[list[int], str]:
    """Each file's size gzipped at level 6, and with what.

    With Node's zlib, as frontend/scripts/bundle-size.mjs counts them: zlib builds differ by a
    few bytes per file at the same level, and the goal's line should fall where the
    frontend's own check puts it. Python's zlib where there is no Node.
    """
    node = shutil.which("node")
    if node is not None:
        finished = subprocess.run(
            [node, "-e", GZIP_SIZES_JS, *map(str, paths)], capture_output=True, text=True
        )
        if finished.returncode == 0:
            version = subprocess.run(
                [node, "-p", "process.versions.zlib"], capture_output=True, text=True
            ).stdout.strip()
            return [int(size) for size in json.loads(finished.stdout)], f"Node's zlib {version}"
    sizes = [
        len(gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)) for path in paths
    ]
    return sizes, f"Python's zlib {zlib.ZLIB_RUNTIME_VERSION} (no Node here)"


def file_sizes(name: str, gzipped: int) -> dict[str, Any]:
    """A built file's raw, gzip -6 (the goal's measure) and (the build's twin) brotli bytes."""
    brotli = DIST / f"{name}.br"
    return {
        "file": name,
        "raw": (DIST / name).stat().st_size,
        "gzip": gzipped,
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
    """The report: machine, goals, load table, frontend numbers."""
    m = results["machine"]
    s = results["server"]
    settings = results["settings"]
    lines = [
        f"Stripe Press bookstore benchmark, {results['date']} (the run took "
        f"{results['elapsed_s']} s)",
        "",
        f"Machine: {m['cores']} cores, {m['cpu']}, {m['memory_gib']} GiB, {m['os']}, "
        f"Python {m['python']}, load average at start {m['load_average_at_start']}, at end "
        f"{m['load_average_at_end']}",
        f"Servers: {s['gunicorn']}, {s['worker_class']}, {s['workers']} workers x "
        f"{s['threads']} threads (backend/gunicorn.conf.py) for both; shop in {s['mode']} mode "
        f"on SQLite; the minimal app does the same work (bench/minimal_app.py). Load from "
        f"{m['wrk']}, {settings['duration_s']} s per run, {settings['repeats']} runs per row, "
        "the two servers interleaved; a new cart id on every POST, and on every Pay complete "
        "details and a client address of its own (X-Forwarded-For, one trusted proxy)",
        "",
        *render_goals(results),
        "",
        "| endpoint | conns | shop req/s, median (min-max) | minimal app req/s | ratio "
        "| p50 ms, shop / minimal | shop p99 ms | minimal app p99 ms | p99 ratio | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["load"]:
        p50s = (statistics.median(row["shop_p50_ms"]), statistics.median(row["minimal_p50_ms"]))
        lines.append(
            f"| {row['endpoint']} | {row['connections']} | {spread(row['shop_rps'])} "
            f"| {spread(row['minimal_rps'])} | {row['rps_ratio']:.2f} "
            f"| {p50s[0]:.1f} / {p50s[1]:.1f} "
            f"| {spread(row['shop_p99_ms'], decimals=1)} "
            f"| {spread(row['minimal_p99_ms'], decimals=1)} | {row['p99_ratio']:.2f} "
            f"| {row['shop_errors']} / {row['minimal_errors']} |"
        )
    pays = {
        name: sum(r[f"{name}_requests"] for r in results["load"] if r["endpoint"] == PAY.name)
        for name in ("shop", "minimal")
    }
    orders = results["orders_written"]
    lines += [
        "",
        "Ratios are the shop's median over the minimal app's. Errors: shop / minimal app (socket "
        f"errors, timeouts, non-2xx). Orders written: shop {orders['shop']}, minimal app "
        f"{orders['minimal']} (measured Pays: {pays['shop']} and {pays['minimal']}, plus "
        f"warm-up and {len(PAY_DETAILS)} checks each; a quote writes none).",
    ]
    holds = results["holds_at_end"]
    lines.append(
        f"Stock: every title of both given {settings['stock_per_title']:,} copies before the "
        f"run (the shop's with {settings['stock_set_with']}, the minimal app's with an UPDATE); "
        "no Pay refused. Each holds its copies for "
        f"{settings['stock_hold_minutes']:g} minutes, so all of the run's stay held. At the "
        "end, active holds (orders; hold rows, one per title; rows on the two titles of the "
        "cart timed), and their sum for that cart: "
        + "; ".join(
            f"{label} {h['active_holds']:,} ({h['active_hold_rows']:,}; "
            f"{h['cart_hold_rows']:,}), {h['sum_ms']:.2f} ms"
            for label, h in (("shop", holds["shop"]), ("minimal app", holds["minimal"]))
        )
        + "."
    )
    if results["shop_only_pay_fields"]:
        lines.append(
            "Pay answer fields the shop sends and the minimal app does not (work the "
            f"baseline leaves out): {', '.join(results['shop_only_pay_fields'])}."
        )
    lines += ["", *render_frontend(results)]
    return "\n".join(lines)


def render_goals(results: dict[str, Any]) -> list[str]:
    """One line per goal, met or MISSED."""
    lines = [f"Goals, at {GOAL_CONNECTIONS} connections, against the minimal app:"]
    for row in results["load"]:
        for goal in row["goals"]:
            ratio = row["rps_ratio"] if goal["what"] == "req/s ratio" else row["p99_ratio"]
            lines.append(
                f"- {row['endpoint']} {goal['what']} {ratio:.2f} (goal {goal['goal']}: "
                f"{'met' if goal['met'] else 'MISSED'})"
            )
    initial = sum(x["gzip"] for x in results["frontend"]["initial_js"])
    verdict = "met" if initial <= FRONTEND_GOAL_BYTES else "MISSED"
    lines.append(
        f"- JavaScript before the shop renders {initial:,} bytes, each file gzipped at level "
        f"{GZIP_LEVEL} (goal <= {FRONTEND_GOAL_BYTES:,}: {verdict})"
    )
    return lines


def render_frontend(results: dict[str, Any]) -> list[str]:
    """The frontend part of the report."""
    f = results["frontend"]
    initial = sum(x["gzip"] for x in f["initial_js"])
    initial_brotli = sum(x["brotli"] or x["gzip"] for x in f["initial_js"])
    css = sum(x["gzip"] for x in f["initial_css"])
    checkout = sum(x["gzip"] for x in f["checkout_js"])
    verdict = "met" if initial <= FRONTEND_GOAL_BYTES else "MISSED"
    files = ", ".join(f"{x['file'].removeprefix('assets/')} {x['gzip']:,}" for x in f["initial_js"])
    lines = [
        f"Frontend (frontend/dist; sizes in bytes, each file gzipped at level {GZIP_LEVEL} with "
        f"{f['gzip_with']}):",
        f"- JavaScript before the shop renders: {initial:,} "
        f"(goal <= {FRONTEND_GOAL_BYTES:,}: {verdict}); {initial_brotli:,} as brotli, "
        f"which browsers get; files: {files}",
        f"- CSS before the shop renders: {css:,}",
        f"- Checkout chunk and what it adds: {checkout:,} "
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


def spread(values: list[float], unit: str = "", decimals: int = 0) -> str:
    """median (min-max)."""
    suffix = f" {unit}" if unit else ""
    f = f",.{decimals}f"
    return f"{statistics.median(values):{f}}{suffix} ({min(values):{f}}-{max(values):{f}})"


if __name__ == "__main__":
    sys.exit(main())
