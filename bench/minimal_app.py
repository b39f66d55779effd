"""The benchmark's baseline: the least the shop's routes can do in the same stack.

A bare Flask app, no extensions, the stdlib's sqlite3, under the shop's own gunicorn settings
(bench/run.py starts it), so a ratio against it says what the shop's structure costs:

- GET /api/books, GET /config and POST /api/quote answer constant bytes: the shop's own
  answers (for the quote, to the one body the benchmark sends), which bench/run.py fetches
  from the shop before the load and hands over in files (BENCH_BOOKS_FILE, BENCH_CONFIG_FILE,
  BENCH_QUOTE_FILE).
- POST /create-payment-intent does Pay's work once, minimally, for an API client (no
  confirmation token: an unconfirmed PaymentIntent). It validates the body (the shop's shape
  and limits; email, a complete United States address and the delivery method are required),
  then in one transaction that holds SQLite's write lock from its start (BEGIN IMMEDIATE, as
  the shop locks the books' rows) reads the cart's books' price and stock, deletes their
  expired holds, sums their active holds (one range of the (book_id, held_until) index per
  book, as the shop's query), refuses a short cart (409), prices shipping and tax from the
  shop's example tables (the United States' rows, copied below), and writes the order with its
  details and totals (held_until STOCK_HOLD_MINUTES from now), its lines, one hold row per book
  and a PaymentIntent record (like the demo gateway's), durable when it commits (WAL,
  synchronous=FULL, as the shop). It answers JSON of the shop's shape.

Its SQLite file (BENCH_MINIMAL_DATABASE) holds the tables, indexes and constraints of the
shop's schema that Pay reads and writes; its catalogue is the shop's own (the titles and prices
of the shop's GET /api/books answer), loaded when the app is built.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request

CURRENCY = "usd"
MAX_QUANTITY = 10  # copies of one book per order, as the shop's default
MAX_CART_LINES = 50
MAX_BODY_BYTES = 64 * 1024
MAX_TEXT = 200
CART_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
PHONE = re.compile(r"\+?[\d ()./-]{6,24}")
US_POSTAL_CODE = re.compile(r"\d{5}(-\d{4})?")
BUSY_TIMEOUT_SECONDS = 15  # as the shop: a writer waits for the one write lock, then fails
# How long Pay holds its copies, as the shop's setting of the same name (default 15).
HOLD = timedelta(minutes=float(os.environ.get("STOCK_HOLD_MINUTES", "15")))

# The shop's example tables (bookstore's shipping and tax modules), United States rows only:
# method -> (label, cents, business days at the earliest, at the latest); standard is free
# from a $50.00 subtotal; tax in basis points by state, on the lines and shipping alike.
DELIVERY = {"standard": ("Standard", 599, 3, 5), "express": ("Express", 1499, 1, 2)}
FREE_STANDARD_FROM = 5000
STATE_TAX = {"CA": 725, "NY": 400, "TX": 625, "WA": 650, "IL": 625, "MA": 625}

NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # as the shop's order numbers

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
    id INTEGER PRIMARY KEY, token VARCHAR(32) NOT NULL UNIQUE, number VARCHAR(16) NOT NULL UNIQUE,
    cart_id VARCHAR(64) UNIQUE, status VARCHAR(20) NOT NULL, amount INTEGER NOT NULL,
    currency VARCHAR(3) NOT NULL, subtotal INTEGER NOT NULL, shipping_amount INTEGER NOT NULL,
    tax_amount INTEGER NOT NULL, email VARCHAR(254), shipping_address JSON,
    delivery_method VARCHAR(20), delivery_min_days INTEGER, delivery_max_days INTEGER,
    quote_fingerprint VARCHAR(16), revision INTEGER NOT NULL,
    payment_intent_id VARCHAR(255) UNIQUE, client_secret VARCHAR(255),
    paid_amount INTEGER, paid_at DATETIME, failure_message VARCHAR(500),
    created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, held_until DATETIME
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
    shipping JSON, receipt_email VARCHAR(254), create_params JSON NOT NULL,
    created_at DATETIME NOT NULL
);
"""


class InvalidError(Exception):
    """The body cannot be paid as sent; the code and message say why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ShortError(Exception):
    """The cart asks for more copies than can be held now; the message says which."""


def create_app(
    database: Path | None = None,
    books_body: bytes | None = None,
    config_body: bytes | None = None,
    quote_body: bytes | None = None,
) -> Flask:
    """The baseline app; arguments left out come from the BENCH_* variables."""
    database = database or Path(_environment("BENCH_MINIMAL_DATABASE"))
    books_body = _body(books_body, "BENCH_BOOKS_FILE")
    config_body = _body(config_body, "BENCH_CONFIG_FILE")
    quote_body = _body(quote_body, "BENCH_QUOTE_FILE")
    create_database(database, json.loads(books_body)["books"])
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

    @app.post("/api/quote")
    def quote() -> Response:
        """The shop's quote for the benchmark's one body, as bytes (the body is read, unused)."""
        request.get_data()
        return Response(quote_body, mimetype="application/json")

    @app.post("/create-payment-intent")
    def create_payment_intent() -> Response | tuple[Response, int]:
        """Check the details, then price, hold and write the order with its PaymentIntent."""
        try:
            cart = read_body(request.get_json(silent=True))
            return jsonify(pay(connections.get(), cart))
        except InvalidError as error:
            return jsonify({"error": {"code": error.code, "message": str(error)}}), 400
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


def _body(given: bytes | None, variable: str) -> bytes:
    """An answer's bytes: as given, or from the file the variable names."""
    return given if given is not None else Path(_environment(variable)).read_bytes()


def create_database(path: Path, books: Sequence[dict[str, Any]]) -> None:
    """The tables Pay touches, and the shop's catalogue, once (safe to repeat, per worker)."""
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
                    book["inkColor"],
                    position,
                    book["available"],
                )
                for position, book in enumerate(books)
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


def read_body(body: Any) -> dict[str, Any]:
    """The cart and its details, checked as the shop checks them; a complete US address only."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise InvalidError("validation_error", "Send a JSON object with a list of items.")
    items = body["items"]
    if not items:
        raise InvalidError("empty_cart", "The cart is empty.")
    if len(items) > MAX_CART_LINES:
        raise InvalidError("validation_error", f"At most {MAX_CART_LINES} lines.")
    quantities: dict[str, int] = {}
    for item in items:
        book_id = item.get("id") if isinstance(item, dict) else None
        quantity = item.get("quantity") if isinstance(item, dict) else None
        if not isinstance(book_id, str) or not 1 <= len(book_id) <= 100:
            raise InvalidError("validation_error", "Each item needs a book id.")
        if type(quantity) is not int or quantity < 1:
            raise InvalidError("validation_error", "Each quantity is a whole number from 1.")
        quantities[book_id] = quantities.get(book_id, 0) + quantity
        if quantities[book_id] > MAX_QUANTITY:
            raise InvalidError("validation_error", f"At most {MAX_QUANTITY} copies of a book.")
    cart_id = body.get("cartId")
    if cart_id is not None and not (isinstance(cart_id, str) and CART_ID.fullmatch(cart_id)):
        raise InvalidError("validation_error", "cartId is 16 to 64 letters, digits, - or _.")
    email, shipping = body.get("email"), body.get("shipping")
    if not isinstance(email, str) or not email.strip() or not isinstance(shipping, dict):
        raise InvalidError("missing_details", "An email and a shipping address are needed.")
    email = email.strip()
    if len(email) > 254 or not EMAIL.fullmatch(email):
        raise InvalidError("invalid_email", "Not an email address.")
    method = body.get("deliveryMethod") or "standard"
    if method not in DELIVERY:
        raise InvalidError("validation_error", "deliveryMethod is standard or express.")
    return {
        "quantities": quantities,
        "cart_id": cart_id,
        "email": email,
        "address": read_address(shipping),
        "method": method,
    }


def read_address(shipping: dict[str, Any]) -> dict[str, str | None]:
    """A complete United States address, trimmed, in the shop's answer's shape."""
    address = shipping.get("address")
    if not isinstance(address, dict):
        raise InvalidError("validation_error", "shipping.address is required.")

    def text(source: dict[str, Any], name: str, required: bool = True) -> str | None:
        value = source.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise InvalidError("validation_error", f"{name} is text of at most {MAX_TEXT}.")
        value = value.strip()
        if required and not value:
            raise InvalidError("invalid_address", f"{name} is required.")
        return value or None

    fields = {
        "name": text(shipping, "name"),
        "line1": text(address, "line1"),
        "line2": text(address, "line2", required=False),
        "city": text(address, "city"),
        "state": text(address, "state"),
        "postalCode": (text(address, "postalCode") or "").upper(),
        "country": (text(address, "country") or "").upper(),
        "phone": text(shipping, "phone", required=False),
    }
    if fields["country"] != "US":
        raise InvalidError("invalid_address", "This baseline ships to the United States only.")
    if not US_POSTAL_CODE.fullmatch(fields["postalCode"] or ""):
        raise InvalidError("invalid_address", "Not a postal code of the United States.")
    if fields["phone"] is not None and not PHONE.fullmatch(fields["phone"]):
        raise InvalidError("invalid_address", "Not a phone number.")
    return fields


def delivery_options(subtotal: int) -> list[dict[str, Any]]:
    """Both delivery methods to the United States, priced for this subtotal."""
    return [
        {
            "method": method,
            "label": label,
            "amount": 0 if method == "standard" and subtotal >= FREE_STANDARD_FROM else amount,
            "minDays": min_days,
            "maxDays": max_days,
        }
        for method, (label, amount, min_days, max_days) in DELIVERY.items()
    ]


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


def pay(connection: sqlite3.Connection, cart: dict[str, Any]) -> dict[str, Any]:
    """In one transaction: price the order, check its stock, write it, its lines and holds."""
    quantities: dict[str, int] = cart["quantities"]
    address: dict[str, str | None] = cart["address"]
    marks = ", ".join("?" * len(quantities))
    intent_id = "pi_bench_" + secrets.token_hex(12)
    client_secret = f"{intent_id}_secret_{secrets.token_hex(16)}"
    token = secrets.token_urlsafe(16)
    number = "SP-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    moment = datetime.now(UTC)
    now = sql_time(moment)

    # The write lock before the stock is read, as the shop locks the books' rows: a Pay for
    # the last copy waits for the one before it, then finds that copy held.
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
            raise InvalidError("unknown_books", f"Not sold here: {', '.join(unknown)}.")
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
        subtotal = sum(line["lineTotal"] for line in lines)
        options = delivery_options(subtotal)
        delivery = next(option for option in options if option["method"] == cart["method"])
        shipping_amount = delivery["amount"]
        rate = STATE_TAX.get((address["state"] or "").upper(), 0)
        tax_amount = ((subtotal + shipping_amount) * rate + 5000) // 10000
        amount = subtotal + shipping_amount + tax_amount
        quote_id = hashlib.sha256(
            json.dumps(
                [lines, cart["email"], address, cart["method"], shipping_amount, tax_amount],
                sort_keys=True,
                separators=(",", ":"),
            ).encode()
        ).hexdigest()[:16]
        held_until = sql_time(moment + HOLD)
        address_json = json.dumps(address)
        order_id = connection.execute(
            "INSERT INTO orders (token, number, cart_id, status, amount, currency, subtotal,"
            " shipping_amount, tax_amount, email, shipping_address, delivery_method,"
            " delivery_min_days, delivery_max_days, quote_fingerprint, revision,"
            " payment_intent_id, client_secret, created_at, updated_at, held_until)"
            " VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
            (
                token,
                number,
                cart["cart_id"],
                amount,
                CURRENCY,
                subtotal,
                shipping_amount,
                tax_amount,
                cart["email"],
                address_json,
                delivery["method"],
                delivery["minDays"],
                delivery["maxDays"],
                quote_id,
                intent_id,
                client_secret,
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
        metadata = {"order_token": token}
        params = {"amount": amount, "currency": CURRENCY, "metadata": metadata}
        connection.execute(
            "INSERT INTO demo_payment_intents (id, client_secret, amount, amount_received,"
            " currency, status, metadata, idempotency_key, shipping, receipt_email,"
            " create_params, created_at)"
            " VALUES (?, ?, ?, 0, ?, 'requires_payment_method', ?, ?, ?, ?, ?, ?)",
            (
                intent_id,
                client_secret,
                amount,
                CURRENCY,
                json.dumps(metadata),
                f"order-{token}-create",
                address_json,
                cart["email"],
                json.dumps(params),
                now,
            ),
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return {
        "amount": amount,
        "currency": CURRENCY,
        "items": lines,
        "subtotal": subtotal,
        "shippingAmount": shipping_amount,
        "taxAmount": tax_amount,
        "email": cart["email"],
        "shipping": address,
        "deliveryMethod": delivery["method"],
        "deliveryOptions": options,
        "readyToPay": True,
        "quoteId": quote_id,
        "clientSecret": client_secret,
        "paymentIntentId": intent_id,
        "orderNumber": number,
        "status": "requires_payment_method",
    }
