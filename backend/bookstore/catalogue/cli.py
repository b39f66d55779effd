"""`flask --app bookstore stock [list|set]`: copies on the shelf, held by orders, available;
and `flask --app bookstore seed`, which adds the catalogue's missing titles."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from bookstore.catalogue.books import Book, seed_catalogue
from bookstore.catalogue.stock import held_copies, lock_books, set_stock
from bookstore.config import current_settings
from bookstore.db import db, utcnow

TITLE_WIDTH = 40


@click.group("stock", cls=AppGroup, invoke_without_command=True)
@click.pass_context
def stock_group(ctx: click.Context) -> None:
    """Copies of every title: list them (with no command), or set a title's count."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_command)


@stock_group.command("list")
def list_command() -> None:
    """Every title: copies on the shelf, held by checkouts now, and available to order."""
    books = list(db.session.scalars(select(Book).order_by(Book.position, Book.title)))
    if not books:
        click.echo("No books: run `flask --app bookstore seed`.")
        return
    held = held_copies(None, utcnow())
    id_width = max(len("ID"), *(len(book.id) for book in books))
    click.echo(
        f"{'ID':<{id_width}}  {'TITLE':<{TITLE_WIDTH}}  {'ON SHELF':>8}  {'HELD':>6}  "
        f"{'AVAILABLE':>9}"
    )
    for book in books:
        title = book.title
        if len(title) > TITLE_WIDTH:
            title = title[: TITLE_WIDTH - 3] + "..."
        holding = held.get(book.id, 0)
        available = max(0, book.stock - holding)
        line = (
            f"{book.id:<{id_width}}  {title:<{TITLE_WIDTH}}  {book.stock:>8}  {holding:>6}  "
            f"{available:>9}"
        )
        click.echo(line if book.active else f"{line}  (not on sale)")


@stock_group.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("book_id")
@click.argument("count", type=int)
def set_command(book_id: str, count: int) -> None:
    """Set the copies of BOOK_ID on the shelf to COUNT (what the owner counted)."""
    # ignore_unknown_options: "-1" reaches this check as a count, not as an unknown option.
    if count < 0:
        raise click.ClickException(f"the count cannot be negative ({count}).")
    counted = lock_books([book_id]).get(book_id)
    if counted is None:
        db.session.rollback()
        raise click.ClickException(
            f"No book has the id {book_id!r}: `flask --app bookstore stock` lists them."
        )
    old, title = counted.stock, counted.title
    set_stock(book_id, count)
    db.session.commit()
    holding = held_copies([book_id], utcnow()).get(book_id, 0)
    db.session.rollback()
    seconds = current_settings().catalogue_cache_seconds
    click.echo(
        f"{title} ({book_id}): {old} -> {count} on the shelf; {holding} held by checkouts, "
        f"{max(0, count - holding)} available."
    )
    click.echo(f"The shop shows it within {seconds:g} s (CATALOGUE_CACHE_SECONDS).")


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Add the catalogue's missing titles; run after `db upgrade`, as often as you like."""
    added = seed_catalogue()
    click.echo(f"Catalogue: {added} title(s) added." if added else "Catalogue: up to date.")
