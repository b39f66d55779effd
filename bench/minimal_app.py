"""The benchmark's baseline: the least the shop's routes can do in the same stack.

A bare Flask app, no extensions, the stdlib's sqlite3, under the shop's own gunicorn settings
(bench/run.py starts it), so a ratio against it says what the shop's structure costs:

- GET /api/books and GET /config answer constant bytes: the shop's own answers, which
  bench/run.py fetches from the shop and hands over in files (BENCH_BOOKS_FILE,
  BENCH_CONFIG_FILE).
- POST /create-payment-intent does a checkout's work once, minimally: it validates the cart
  (the shop's body shape and limits), then in one transaction that holds SQLite's write lock
  from its start (BEGIN IMMEDIATE, as the shop locks the books' rows) reads the cart's books'
  price and stock, deletes their expired holds, sums their active holds (the stock_holds rows
  of these books held until later than now, one range of the (book_id, held_until) index per
  book, as the shop's query), refuses a short cart (409), and writes the order (its
  held_until, STOCK_HOLD_MINUTES from now), its lines, one hold row per book and a
  PaymentIntent record (like the demo gateway's), durable when it commits (WAL,
  synchronous=FULL, as the shop), and answers JSON of the shop's shape.

Its SQLite file (BENCH_MINIMAL_DATABASE) is created and seeded from the shop's catalogue data
when the app is built (its seeded stock included), with the tables, indexes and constraints of
the shop's schema that a checkout reads and writes.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request

from bookstore.catalogue_data import BOOKS

CURRENCY = "usd"
MAX_QUANTITY = 10  # copies of one book per order, as the shop's default
MAX_CART_LINES = 50
MAX_BODY_BYTES = 64 * 1024
CART_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
BUSY_TIMEOUT_SECONDS = 15  # as the shop: a writer waits for the one write lock, then fails
# How long a checkout holds its copies, as the shop's setting of the same name (default 15).
HOLD = timedelta(minutes=float(os.environ.get("STOCK_HOLD_MINUTES", "15")))

SCHEMA = """
CREATE TABLE IF NOT EXISTS book (
    id VARCHAR(100) PRIMARY KEY, title VARCHAR(200) NOT NULL, author VARCHAR(200) NOT NULL,
    description VARCHAR NOT NULL, format VARCHAR(40) NOT NULL, year INTEGER NOT NULL,
    price INTEGER NOT NULL, currency VARCHAR(3) NOT NULL, color VARCHAR(7) NOT NULL,
    ink_color VARCHAR(7) NOT NULL, position INTEGER NOT NULL, active BOOLEAN NOT NULL,
    stock INTEGER NOT NULL, CONSTRAINT ck_book_stock_not_negative CHECK (stock >= 0)
);
CREATE INDEX IF NOT EXISTS ix_book_position ON book (position);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY, cart_id VARCHAR(64) UNIQUE, status VARCHAR(20) NOT NULL,
    amount INTEGER NOT NULL, currency VARCHAR(3) NOT NULL, revision INTEGER NOT NULL,
    payment_intent_id VARCHAR(255) UNIQUE, client_secret VARCHAR(255),
    intent_amount INTEGER, paid_amount INTEGER, paid_at DATETIME,
    failure_message VARCHAR(500), created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
    held_until DATETIME
);
CREATE INDEX IF NOT EXISTS ix_orders_status ON orders (status);
CREATE TABLE IF NOT EXISTS order_lines (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    book_id VARCHAR(100) NOT NULL, title VARCHAR(200) NOT NULL, quantity INTEGER NOT NULL,
    unit_amount INTEGER NOT NULL, line_total INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_order_lines_order_id ON order_lines (order_id);
CREATE TABLE IF NOT EXISTS stock_holds (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    book_id VARCHAR(100) NOT NULL, quantity INTEGER NOT NULL, held_until DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_stock_holds_order_id ON stock_holds (order_id);
CREATE INDEX IF NOT EXISTS ix_stock_holds_book_id_held_until
    ON stock_holds (book_id, held_until);
CREATE TABLE IF NOT EXISTS demo_payment_intents (
    id VARCHAR(64) PRIMARY KEY, client_secret VARCHAR(128) NOT NULL, amount INTEGER NOT NULL,
    amount_received INTEGER NOT NULL, currency VARCHAR(3) NOT NULL, status VARCHAR(32) NOT NULL,
    metadata JSON NOT NULL, last_error_code VARCHAR(64), last_decline_code VARCHAR(64),
    last_error_message VARCHAR(255), idempotency_key VARCHAR(255) NOT NULL UNIQUE,
    create_params JSON NOT NULL, created_at DATETIME NOT NULL
);
"""


class CartError(Exception):
    """The cart cannot be priced; the message says why."""


class ShortError(Exception):
    """The cart asks for more copies than can be held now; the message says which."""


def create_app(
    database: Path | None = None, books_body: bytes | None = None, config_body: bytes | None = None
) -> Flask:
    """The baseline app; arguments left out come from the BENCH_* variables."""
    database = database or Path(_environment("BENCH_MINIMAL_DATABASE"))
    if books_body is None:
        books_body = Path(_environment("BENCH_BOOKS_FILE")).read_bytes()
    if config_body is None:
        config_body = Path(_environment("BENCH_CONFIG_FILE")).read_bytes()
    create_database(database)
    connections = ThreadConnections(database)

    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @app.get("/api/books")
    def books() -> Response:
        """The shop's catalogue answer, as bytes."""
        return Response(books_body, mimetype="application/json")

    @app.get("/config")
    def config() -> Response:
        """The shop's /config answer, as bytes."""
        return Response(config_body, mimetype="application/json")

    @app.post("/create-payment-intent")
    def create_payment_intent() -> Response | tuple[Response, int]:
        """Validate and price the cart, write its order and PaymentIntent, answer them."""
        body = request.get_json(silent=True)
        try:
            quantities, cart_id = read_cart(body)
            return jsonify(checkout(connections.get(), quantities, cart_id))
        except CartError as error:
            return jsonify({"error": {"message": str(error)}}), 400
        except ShortError as error:
            return jsonify({"error": {"code": "insufficient_stock", "message": str(error)}}), 409
        except sqlite3.IntegrityError:
            # The benchmark sends a new cart every time; a returning one is the shop's business.
            return jsonify({"error": {"message": "This cart has an order already."}}), 409

    return app


def _environment(name: str) -> str:
    """A variable bench/run.py sets, or a clear stop."""
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"minimal_app: set {name} (bench/run.py does)")
    return value


def create_database(path: Path) -> None:
    """The tables a checkout touches, and the catalogue, once (safe to repeat, per worker)."""
    with sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(SCHEMA)
        connection.executemany(
            "INSERT OR IGNORE INTO book VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
            [
                (
                    book["id"],
                    book["title"],
                    book["author"],
                    book["description"],
                    book["format"],
                    book["year"],
                    book["price"],
                    book["currency"],
                    book["color"],
                    book["ink_color"],
                    position,
                    book["stock"],
                )
                for position, book in enumerate(BOOKS)
            ],
        )
    connection.close()


class ThreadConnections:
    """One SQLite connection per server thread, set up as the shop sets up its own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.local = threading.local()

    def get(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        connection: sqlite3.Connection | None = getattr(self.local, "connection", None)
        if connection is None:
            # Autocommit mode: transactions are the explicit BEGIN ... COMMIT below.
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            self.local.connection = connection
        return connection


def read_cart(body: Any) -> tuple[dict[str, int], str | None]:
    """Book quantities (repeated ids merged) and the cart id, checked as the shop checks them."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise CartError("Send a JSON object with a list of items.")
    items = body["items"]
    if not items:
        raise CartError("The cart is empty.")
    if len(items) > MAX_CART_LINES:
        raise CartError(f"At most {MAX_CART_LINES} lines.")
    quantities: dict[str, int] = {}
    for item in items:
        book_id = item.get("id") if isinstance(item, dict) else None
        quantity = item.get("quantity") if isinstance(item, dict) else None
        if not isinstance(book_id, str) or not 1 <= len(book_id) <= 100:
            raise CartError("Each item needs a book id.")
        if type(quantity) is not int or quantity < 1:
            raise CartError("Each quantity is a whole number from 1.")
        quantities[book_id] = quantities.get(book_id, 0) + quantity
        if quantities[book_id] > MAX_QUANTITY:
            raise CartError(f"At most {MAX_QUANTITY} copies of a book.")
    cart_id = body.get("cartId")
    if cart_id is not None and not (isinstance(cart_id, str) and CART_ID.fullmatch(cart_id)):
        raise CartError("cartId is 16 to 64 letters, digits, - or _.")
    return quantities, cart_id


# Holds of these books that have expired: nobody reads them any more (as the shop clears them).
EXPIRED_HOLDS = "DELETE FROM stock_holds WHERE held_until <= ? AND book_id IN ({marks})"

# Copies of these books held by active holds (as the shop's held_copies for a new order).
HELD_COPIES = """
SELECT book_id, sum(quantity) FROM stock_holds
WHERE held_until > ? AND book_id IN ({marks}) GROUP BY book_id
"""


def sql_time(moment: datetime) -> str:
    """A UTC time as the shop's SQLite columns hold it (naive, to the microsecond)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def checkout(
    connection: sqlite3.Connection, quantities: dict[str, int], cart_id: str | None
) -> dict[str, Any]:
    """In one transaction: price the cart, check its stock, write its order, lines and holds."""
    marks = ", ".join("?" * len(quantities))
    intent_id = "pi_bench_" + secrets.token_hex(12)
    client_secret = f"{intent_id}_secret_{secrets.token_hex(16)}"
    moment = datetime.now(UTC)
    now = sql_time(moment)

    # The write lock before the stock is read, as the shop locks the books' rows: a checkout
    # for the last copy waits for the one before it, then finds that copy held.
    connection.execute("BEGIN IMMEDIATE")
    try:
        books = {
            book_id: (title, price, stock)
            for book_id, title, price, stock in connection.execute(
                f"SELECT id, title, price, stock FROM book WHERE active AND id IN ({marks})",  # noqa: S608
                list(quantities),
            )
        }
        unknown = [book_id for book_id in quantities if book_id not in books]
        if unknown:
            raise CartError(f"These books are not sold here: {', '.join(unknown)}.")
        connection.execute(EXPIRED_HOLDS.format(marks=marks), [now, *quantities])
        held = dict(connection.execute(HELD_COPIES.format(marks=marks), [now, *quantities]))
        available = {book_id: books[book_id][2] - held.get(book_id, 0) for book_id in quantities}
        short = [
            book_id for book_id, quantity in quantities.items() if quantity > available[book_id]
        ]
        if short:
            raise ShortError(
                "Not enough copies: "
                + "; ".join(f"{books[b][0]} has {max(0, available[b])} left" for b in short)
            )
        lines = [
            {
                "id": book_id,
                "title": books[book_id][0],
                "quantity": quantity,
                "unitAmount": books[book_id][1],
                "lineTotal": books[book_id][1] * quantity,
            }
            for book_id, quantity in quantities.items()
        ]
        amount = sum(line["lineTotal"] for line in lines)
        held_until = sql_time(moment + HOLD)
        order_id = connection.execute(
            "INSERT INTO orders (cart_id, status, amount, currency, revision, payment_intent_id,"
            " client_secret, intent_amount, created_at, updated_at, held_until)"
            " VALUES (?, 'pending', ?, ?, 1, ?, ?, ?, ?, ?, ?)",
            (
                cart_id,
                amount,
                CURRENCY,
                intent_id,
                client_secret,
                amount,
                now,
                now,
                held_until,
            ),
        ).lastrowid
        connection.executemany(
            "INSERT INTO order_lines (order_id, book_id, title, quantity, unit_amount,"
            " line_total) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    order_id,
                    line["id"],
                    line["title"],
                    line["quantity"],
                    line["unitAmount"],
                    line["lineTotal"],
                )
                for line in lines
            ],
        )
        connection.executemany(
            "INSERT INTO stock_holds (order_id, book_id, quantity, held_until) VALUES (?, ?, ?, ?)",
            [(order_id, book_id, quantity, held_until) for book_id, quantity in quantities.items()],
        )
        metadata = {"order_id": str(order_id)}
        params = {"amount": amount, "currency": CURRENCY, "metadata": metadata}
        connection.execute(
            "INSERT INTO demo_payment_intents (id, client_secret, amount, amount_received,"
            " currency, status, metadata, idempotency_key, create_params, created_at)"
            " VALUES (?, ?, ?, 0, ?, 'requires_payment_method', ?, ?, ?, ?)",
            (
                intent_id,
                client_secret,
                amount,
                CURRENCY,
                json.dumps(metadata),
                f"order-{order_id}-create",
                json.dumps(params),
                now,
            ),
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return {
        "clientSecret": client_secret,
        "paymentIntentId": intent_id,
        "amount": amount,
        "currency": CURRENCY,
        "items": lines,
    }
