"""`flask --app bookstore stock [list|set|threshold]`: copies on the shelf, held by orders,
available, and the low-stock thresholds; and `flask --app bookstore seed`, which adds the
catalogue's missing titles."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from bookstore.catalogue.books import Book, seed_catalogue
from bookstore.catalogue.shelf import (
    COMMAND_LINE,
    MAX_REASON,
    NoSuchBook,
    count_shelf,
    set_low_stock_threshold,
)
from bookstore.catalogue.stock import held_copies
from bookstore.config import current_settings
from bookstore.db import db, utcnow
from bookstore.domain_errors import DomainError

TITLE_WIDTH = 40


@click.group("stock", cls=AppGroup, invoke_without_command=True)
@click.pass_context
def stock_group(ctx: click.Context) -> None:
    """Copies of every title: list them (with no command), set a title's count or its
    low-stock threshold."""
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
@click.option(
    "--reason",
    default="",
    help=f"Why the count changed (a delivery, a stocktake...), kept in the stock history; "
    f"at most {MAX_REASON} characters.",
)
def set_command(book_id: str, count: int, reason: str) -> None:
    """Set the copies of BOOK_ID on the shelf to COUNT (what the owner counted)."""
    # ignore_unknown_options: "-1" reaches this check as a count, not as an unknown option.
    if count < 0:
        raise click.ClickException(f"the count cannot be negative ({count}).")
    try:
        counted = count_shelf(book_id, count, reason, by=COMMAND_LINE)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(_no_book(book_id, error)) from None
    db.session.commit()
    row = counted.row
    seconds = current_settings().catalogue_cache_seconds
    click.echo(
        f"{row.title} ({book_id}): {counted.old_count} -> {count} on the shelf; {row.held} "
        f"held by checkouts, {row.available} available."
    )
    click.echo(f"The shop shows it within {seconds:g} s (CATALOGUE_CACHE_SECONDS).")
    if counted.fell is not None:
        click.echo(_fell(counted.fell.threshold))


@stock_group.command("threshold", context_settings={"ignore_unknown_options": True})
@click.argument("book_id")
@click.argument("threshold", metavar="N|none")
def threshold_command(book_id: str, threshold: str) -> None:
    """Email the owners when BOOK_ID's available copies fall to N (once per fall); `none`
    stops it."""
    if threshold.strip().lower() == "none":
        new = None
    else:
        try:
            new = int(threshold)
        except ValueError:
            raise click.BadParameter(
                f"{threshold!r} is neither a whole number nor `none`.", param_hint="N|none"
            ) from None
        if new < 0:
            raise click.BadParameter(f"the threshold cannot be negative ({new}).")
    try:
        changed = set_low_stock_threshold(book_id, new)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(_no_book(book_id, error)) from None
    db.session.commit()
    row = changed.row
    click.echo(
        f"{row.title} ({book_id}): low-stock threshold {_shown(changed.old_threshold)} -> "
        f"{_shown(new)}; {row.available} available."
    )
    if changed.fell is not None:
        click.echo(_fell(changed.fell.threshold))


def _no_book(book_id: str, error: DomainError) -> str:
    """The error to show: an unknown id points at the list."""
    if isinstance(error, NoSuchBook):
        return f"No book has the id {book_id!r}: `flask --app bookstore stock` lists them."
    return error.message


def _shown(threshold: int | None) -> str:
    return "none" if threshold is None else str(threshold)


def _fell(threshold: int) -> str:
    return (
        f"At or below its low-stock threshold ({threshold}): the owners are emailed, once "
        "until it rises above it again."
    )


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Add the catalogue's missing titles; run after `db upgrade`, as often as you like."""
    added = seed_catalogue()
    click.echo(f"Catalogue: {added} title(s) added." if added else "Catalogue: up to date.")
