"""What the end-to-end tests know of the servers they started."""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from pathlib import Path
from typing import Any


class Servers:
    """Addresses of the running API and web servers, and the API's database file."""

    def __init__(self, api_url: str, web_url: str, database: Path) -> None:
        self.api_url = api_url
        self.web_url = web_url
        self.database = database

    def get_json(self, path: str) -> Any:
        """GET a path of the API directly (not through the browser)."""
        with urllib.request.urlopen(self.api_url + path, timeout=10) as response:  # noqa: S310
            return json.load(response)

    def processed_events(self, event_type: str) -> int:
        """How many webhook events of a type the API has applied (read from its database)."""
        with sqlite3.connect(self.database) as connection:
            (count,) = connection.execute(
                "SELECT COUNT(*) FROM processed_events WHERE type = ?", (event_type,)
            ).fetchone()
        return int(count)

    def payment_intents_of_order(self, payment_intent_id: str) -> int:
        """How many demo PaymentIntents were made for the order that this one pays."""
        with sqlite3.connect(self.database) as connection:
            (token,) = connection.execute(
                "SELECT token FROM orders WHERE payment_intent_id = ?", (payment_intent_id,)
            ).fetchone()
            (count,) = connection.execute(
                "SELECT COUNT(*) FROM demo_payment_intents WHERE metadata LIKE ?", (f"%{token}%",)
            ).fetchone()
        return int(count)
