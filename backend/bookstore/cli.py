"""Commands for the shop owner: `flask --app bookstore orders`, `... stock`, `... outbox`, `seed`.

The orders commands live in orders_cli.py, the stock ones in stock_cli.py, the outbox's in
outbox_cli.py. The schema commands (`flask --app bookstore db upgrade`, ...) come from
Flask-Migrate.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from bookstore.catalogue import seed_catalogue
from bookstore.notifications.cli import register_outbox_commands
from bookstore.orders.cli import orders_group
from bookstore.orders.models import numbers_by_id
from bookstore.stock_cli import stock_group


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Add the catalogue's missing titles; run after `db upgrade`, as often as you like."""
    added = seed_catalogue()
    click.echo(f"Catalogue: {added} title(s) added." if added else "Catalogue: up to date.")


def register_commands(app: Flask) -> None:
    """Add the shop's commands to `flask --app bookstore ...`."""
    app.cli.add_command(orders_group)
    app.cli.add_command(stock_group)
    app.cli.add_command(seed_command)
    register_outbox_commands(app, numbers_by_id)
