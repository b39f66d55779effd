"""The benchmark's baseline: a minimal Flask app answering the shop's benchmarked routes.

Same paths, JSON of the same shape and size, no database, no extensions: what Flask and
gunicorn cost on their own. bench/run.py runs it under the shop's own gunicorn settings.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from bookstore.catalogue_data import BOOKS

app = Flask(__name__)
app.json.sort_keys = False  # type: ignore[attr-defined]

# Built once: the baseline does no per-request work beyond Flask's own.
CATALOGUE = {
    "books": [
        {
            "id": book["id"],
            "title": book["title"],
            "author": book["author"],
            "description": book["description"],
            "format": book["format"],
            "year": book["year"],
            "price": book["price"],
            "currency": "usd",
            "color": book["color"],
            "inkColor": book["ink_color"],
        }
        for book in BOOKS
    ]
}
CONFIG = {"publishableKey": None, "mode": "demo", "currency": "usd"}
PAYMENT = {
    "clientSecret": "pi_bench_secret_123",
    "paymentIntentId": "pi_bench",
    "orderId": 1,
    "amount": 6000,
    "currency": "usd",
    "items": [
        {
            "id": "the-dream-machine",
            "title": "The Dream Machine",
            "quantity": 2,
            "unitAmount": 3000,
            "lineTotal": 6000,
        }
    ],
}


@app.get("/api/books")
def books() -> Response:
    """The catalogue, constant."""
    return jsonify(CATALOGUE)


@app.get("/config")
def config() -> Response:
    """The demo mode's /config, constant."""
    return jsonify(CONFIG)


@app.post("/create-payment-intent")
def create_payment_intent() -> Response:
    """Read the cart as any JSON endpoint would, then answer constant JSON."""
    request.get_json()
    return jsonify(PAYMENT)
