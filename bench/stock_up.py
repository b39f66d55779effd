"""Copies enough for a whole benchmark run, on every title of both apps' databases.

    DATABASE_URL=sqlite:///... .venv/bin/python bench/stock_up.py 10000000

A run makes thousands of checkouts and every one holds its copies for STOCK_HOLD_MINUTES; with
the seeded counts (0 to 250 copies a title) most checkouts would soon be refused (409
insufficient_stock) and the benchmark would measure refusals. The shop's titles get the
count through its own command, `flask --app bookstore stock set ID COUNT`, run for every title
in one process (through Flask's CLI runner, so the app is loaded once rather than once per
title); the minimal app's through a plain UPDATE, since it has no owner's commands.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

BENCH_STOCK = 10_000_000  # far more copies than any run holds (tens of thousands at most)


def stock_shop(app: Flask, count: int) -> str:
    """Set every title of the shop's database to `count` copies, with `stock set`; say how."""
    from sqlalchemy import text

    from bookstore.db import db

    # Plain SQL on the catalogue's table, so this works wherever the shop keeps its models.
    with app.app_context():
        book_ids = list(db.session.scalars(text("SELECT id FROM book")))
        if "stock" in app.cli.commands:
            runner = app.test_cli_runner()
            for book_id in book_ids:
                result = runner.invoke(args=["stock", "set", book_id, str(count)])
                if result.exit_code != 0:
                    raise SystemExit(f"flask stock set {book_id} {count} failed:\n{result.output}")
            how = "flask --app bookstore stock set"
        else:
            # A checkout from before the owner's `stock` command: the same change in plain SQL.
            db.session.execute(text("UPDATE book SET stock = :count"), {"count": count})
            db.session.commit()
            how = "a plain UPDATE (no `stock set` command here)"
        counts = set(db.session.scalars(text("SELECT DISTINCT stock FROM book")))
        db.session.rollback()
    if not book_ids or counts != {count}:
        raise SystemExit(f"the shop's titles were not all set to {count} copies: {counts}")
    return how


def stock_minimal(database: Path, count: int) -> None:
    """Set every title of the minimal app's database to `count` copies."""
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("UPDATE book SET stock = ?", (count,))
        counts = {stock for (stock,) in connection.execute("SELECT DISTINCT stock FROM book")}
    if counts != {count}:
        raise SystemExit(f"the minimal app's titles were not all set to {count} copies: {counts}")


def main(argv: list[str]) -> int:
    """Stock the shop whose database the environment names (DATABASE_URL, as the server)."""
    from bookstore import create_app

    count = int(argv[0]) if argv else BENCH_STOCK
    how = stock_shop(create_app(), count)
    print(how)  # for bench/run.py's report
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
