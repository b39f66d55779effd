"""Commands for the shop owner: `flask --app bookstore orders`, `... seed`, `... outbox`.

The schema commands (`flask --app bookstore db upgrade`, ...) come from Flask-Migrate.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from bookstore.catalogue import seed_catalogue
from bookstore.money import format_amount
from bookstore.orders import recent_orders
from bookstore.outbox_cli import outbox_group


@click.command("orders")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@with_appcontext
def orders_command(limit: int) -> None:
    """List the most recent orders, newest first."""
    orders = recent_orders(limit)
    if not orders:
        click.echo("No orders yet.")
        return
    click.echo(
        f"{'ORDER':>6}  {'NUMBER':<9}  {'STATUS':<10}  {'AMOUNT':>12}  {'MODE':<11}  "
        f"{'PAYMENT INTENT':<32}  CREATED (UTC)"
    )
    for order in orders:
        # The gateway that holds the PaymentIntent: demo, stripe_test or stripe_live.
        click.echo(
            f"{order.id:>6}  {order.number:<9}  {order.status:<10}  "
            f"{format_amount(order.amount, order.currency):>12}  {order.gateway or '?':<11}  "
            f"{order.payment_intent_id or '-':<32}  {order.created_at:%Y-%m-%d %H:%M:%S}"
        )


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Add the catalogue's missing titles; run after `db upgrade`, as often as you like."""
    added = seed_catalogue()
    click.echo(f"Catalogue: {added} title(s) added." if added else "Catalogue: up to date.")


def register_commands(app: Flask) -> None:
    """Add the shop's commands to `flask --app bookstore ...`."""
    app.cli.add_command(orders_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(outbox_group)
