"""App time per request, in-process: the shop and the minimal app through Flask's test client.

    .venv/bin/python bench/inprocess.py [--requests 3000] [--holds 0 [--holds-apart]]
                                        [--profile pay] [--sql [pay]]

No server, no sockets, no other process: what each request costs in the app itself (CPU time,
median of 5 rounds), the number that bench/run.py's ratios follow on a machine whose cores the
servers saturate. The requests are bench/run.py's: Pay (a new cart with complete details, from
a client address of its own), Quote (its one body, a new cart id each time), the two GETs.
`--profile NAME` prints a cProfile of that endpoint; `--sql NAME` lists the SQL statements and
transactions one such request runs (Pay's by default; a quote should run no write). Every title
gets copies enough for any run (as bench/run.py gives them); `--holds N` first makes N Pays in
each app (a busy shop's last STOCK_HOLD_MINUTES of orders), whose holds on its titles every
later Pay and quote then sums. With `--holds-apart` those N carts take only the last
HOLD_TITLES titles and the measured ones only the others, so no measured request has a held
title: its cost should then not grow with N.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT / "backend"), str(BENCH)]

from flask import Flask  # noqa: E402
from run import PAY_DETAILS, QUOTE_CART_ID, pay_body, quote_body  # noqa: E402
from stock_up import BENCH_STOCK, stock_minimal, stock_shop  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from bookstore import create_app  # noqa: E402
from bookstore.config import Settings  # noqa: E402

ROUNDS = 5
HOLD_TITLES = 5  # the titles the --holds carts take with --holds-apart
ENDPOINTS = ("books", "config", "quote", "pay")
_carts = itertools.count()


def shop_app(database: Path) -> Flask:
    """The shop in demo mode on a migrated, seeded SQLite file, as the benchmark runs it."""
    url = f"sqlite:///{database}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "backend")}
    env.update(STRIPE_SECRET_KEY="", STRIPE_PUBLISHABLE_KEY="", STRIPE_WEBHOOK_SECRET="")
    env.update(DEMO_MODE="1", ALLOW_DEMO_MODE="1")  # demo mode's opt-in, as bench/run.py
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run(  # noqa: S603 (our own flask CLI)
            [str(Path(sys.executable).parent / "flask"), "--app", "bookstore", *command],
            env=env,
            check=True,
            capture_output=True,
        )
    dist = ROOT / "frontend" / "dist"
    settings = Settings(
        database_url=url,
        demo_mode=True,
        checkout_rate_limit="1000000 per second",
        frontend_dist=dist if (dist / "index.html").is_file() else None,
    )
    app = create_app(settings)
    stock_shop(app, BENCH_STOCK)
    return app


class WsgiClient:
    """Calls the app as gunicorn does: one WSGI call with a prepared environ, body read out.

    Flask's test client costs more per request than the apps themselves (it builds the request,
    parses the URL, handles cookies), which would hide the differences measured here.
    """

    def __init__(self, app: Flask, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = headers or {}
        self._environs: dict[tuple[str, str], dict[str, Any]] = {}

    def call(
        self, method: str, path: str, body: bytes = b"", remote_addr: str | None = None
    ) -> tuple[str, bytes]:
        """The response status and body; `remote_addr` is the client's address."""
        base = self._environs.get((method, path))
        if base is None:
            base = self._environs[(method, path)] = EnvironBuilder(
                path=path,
                method=method,
                headers={"Accept-Encoding": "gzip", **self.headers},
                content_type="application/json" if method == "POST" else None,
            ).get_environ()
        environ = dict(base)
        environ.update({"CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)})
        if remote_addr is not None:
            environ["REMOTE_ADDR"] = remote_addr
        status: list[str] = []

        def start_response(line: str, headers: Any, exc_info: Any = None) -> None:
            status.append(line)

        chunks = self.app.wsgi_app(environ, start_response)
        data = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
        return status[0], data

    def get(self, path: str) -> tuple[str, bytes]:
        """GET `path`."""
        return self.call("GET", path)


def requests(client: WsgiClient, book_ids: list[str]) -> dict[str, Callable[[], Any]]:
    """One call per benchmarked endpoint; Pay and Quote use a new cart id every time."""

    def pay() -> Any:
        n = next(_carts)
        items = [{"id": book_ids[n % len(book_ids)], "quantity": n % 3 + 1}]
        second = book_ids[(n * 7 + 3) % len(book_ids)]
        if second != items[0]["id"]:
            items.append({"id": second, "quantity": 1})
        body = {**pay_body(items, PAY_DETAILS[n % len(PAY_DETAILS)]), "cartId": cart_id(n)}
        # A client of its own (an IPv6 /64), as bench/run.py's load: the per-client hold cap
        # would refuse one client's twentieth order.
        address = f"fd00:0:{n // 65536 % 65536:x}:{n % 65536:x}::1"
        return succeeded(
            "Pay",
            client.call("POST", "/create-payment-intent", json.dumps(body).encode(), address),
        )

    def quote() -> Any:
        body = json.dumps(quote_body(book_ids, cart_id(next(_carts))))
        return succeeded("Quote", client.call("POST", "/api/quote", body.encode()))

    return {
        "books": lambda: client.get("/api/books"),
        "config": lambda: client.get("/config"),
        "quote": quote,
        "pay": pay,
    }


def cart_id(n: int) -> str:
    """A cart id no other request of this process sends."""
    return f"inproc-{os.getpid()}-{n:08d}"


def succeeded(name: str, answer: tuple[str, bytes]) -> bytes:
    """The body of a 200; a refusal (409 insufficient_stock, say) would time the wrong thing."""
    status, data = answer
    if not status.startswith("200"):
        raise SystemExit(f"{name} answered {status}: {data[:300]!r}")
    return data


def cost_us(call: Callable[[], Any], count: int) -> float:
    """Median CPU microseconds per call over a few rounds."""
    rounds = []
    for _ in range(ROUNDS):
        start = time.process_time()
        for _ in range(count):
            call()
        rounds.append((time.process_time() - start) / count * 1e6)
    return statistics.median(rounds)


def count_sql(app: Flask, call: Callable[[], Any]) -> list[str]:
    """The statements (and BEGIN/COMMIT) one call runs on the app's database."""
    from sqlalchemy import event

    from bookstore.db import db

    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def on_execute(*args: Any) -> None:
        seen.append(" ".join(str(args[2]).split())[:110])

    def on_begin(connection: Any) -> None:
        seen.append("BEGIN")

    def on_commit(connection: Any) -> None:
        seen.append("COMMIT")

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "begin", on_begin)
    event.listen(engine, "commit", on_commit)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "begin", on_begin)
        event.remove(engine, "commit", on_commit)
    return seen


def main() -> int:
    """Measure both apps, print microseconds per request and the shop/minimal ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--holds", type=int, default=0, help="Pays held before measuring")
    parser.add_argument(
        "--holds-apart",
        action="store_true",
        help=f"--holds carts on the last {HOLD_TITLES} titles, measured carts on the others",
    )
    parser.add_argument("--profile", choices=ENDPOINTS)
    parser.add_argument("--sql", nargs="?", const="pay", choices=ENDPOINTS)
    args = parser.parse_args()

    import minimal_app

    with tempfile.TemporaryDirectory(prefix="bookstore-inproc-") as tmp:
        shop = shop_app(Path(tmp) / "shop.sqlite3")
        shop_client = WsgiClient(shop)
        books_body = shop.test_client().get("/api/books").data
        config_body = shop.test_client().get("/config").data
        book_ids = [book["id"] for book in json.loads(books_body)["books"]]
        measured_ids = book_ids[:-HOLD_TITLES] if args.holds_apart else book_ids
        # The minimal app's quote: the shop's answer to the body the measured quotes send.
        quote = shop.test_client().post("/api/quote", json=quote_body(measured_ids, QUOTE_CART_ID))
        if quote.status_code != 200:
            raise SystemExit(f"POST /api/quote answered {quote.status}: {quote.data[:300]!r}")
        minimal = minimal_app.create_app(
            Path(tmp) / "minimal.sqlite3", books_body, config_body, quote.data
        )
        stock_minimal(Path(tmp) / "minimal.sqlite3", BENCH_STOCK)
        minimal_client = WsgiClient(minimal)
        held_ids = book_ids[-HOLD_TITLES:] if args.holds_apart else book_ids
        for client in (shop_client, minimal_client):
            hold = requests(client, held_ids)["pay"]
            for _ in range(args.holds):
                hold()
        shop_calls = requests(shop_client, measured_ids)
        minimal_calls = requests(minimal_client, measured_ids)
        if args.sql:
            shop_calls[args.sql]()
            for line in count_sql(shop, shop_calls[args.sql]):
                print(line)
            return 0
        if args.profile:
            call = shop_calls[args.profile]
            for _ in range(200):
                call()
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                call()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            return 0
        print(f"{'endpoint':<10} {'shop us':>8} {'minimal us':>10} {'ratio':>6}")
        for name in ENDPOINTS:
            count = args.requests if name != "pay" else max(args.requests // 10, 100)
            for calls in (shop_calls, minimal_calls):
                for _ in range(100):
                    calls[name]()  # warm up
            shop_us = cost_us(shop_calls[name], count)
            minimal_us = cost_us(minimal_calls[name], count)
            print(f"{name:<10} {shop_us:8.0f} {minimal_us:10.0f} {minimal_us / shop_us:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
