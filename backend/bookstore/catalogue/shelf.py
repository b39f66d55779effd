"""The owner's stock: every title's copies on the shelf, held and available; a new count of the
shelf, with its reason, kept in the stock history; and each title's low-stock threshold.

The dashboard (/api/admin/stock) and `flask --app bookstore stock` both call these. A change
runs with the book's row locked, judges the title's low stock in the same transaction
(bookstore.catalogue.low_stock), and leaves the commit to the caller, who may add to it (the
owner's activity log).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.catalogue.books import Book
from bookstore.catalogue.low_stock import LowStock, check_low_stock
from bookstore.catalogue.stock import held_copies, lock_books, set_stock
from bookstore.db import Model, UtcDateTime, db, utcnow
from bookstore.domain_errors import InvalidRequest, NotFound

MAX_REASON = 200
MAX_CHANGED_BY = 254  # an owner's email
COMMAND_LINE = "the command line"


class StockChange(Model):
    """One new count of a title's shelf: from what, to what, why, by whom and when."""

    __tablename__ = "stock_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[str] = mapped_column(ForeignKey("book.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    old_count: Mapped[int]
    new_count: Mapped[int]
    reason: Mapped[str] = mapped_column(String(MAX_REASON))
    # The owner's email, or COMMAND_LINE.
    changed_by: Mapped[str] = mapped_column(String(MAX_CHANGED_BY))


class NoSuchBook(NotFound):
    """No title has this id."""

    def __init__(self, book_id: str) -> None:
        super().__init__(f"No book has the id {book_id!r}.")


@dataclass(frozen=True)
class StockRow:
    """One title as the owner's stock table shows it."""

    id: str
    title: str
    on_sale: bool
    on_shelf: int
    held: int  # by checkouts' active holds now
    available: int  # on the shelf less held, never below 0
    low_stock_threshold: int | None


@dataclass(frozen=True)
class ShelfCount:
    """What a new count changed: the title's row after it, and whether it fell to its
    threshold (the owners are told)."""

    old_count: int
    row: StockRow
    fell: LowStock | None


@dataclass(frozen=True)
class ThresholdChange:
    """What a new threshold changed: the old one, the row after, and whether the title fell
    to it (the owners are told)."""

    old_threshold: int | None
    row: StockRow
    fell: LowStock | None


def stock_rows(book_ids: Collection[str] | None = None) -> list[StockRow]:
    """Every title (or these), in shelf order, those not on sale too."""
    query = select(Book).order_by(Book.position, Book.title)
    if book_ids is not None:
        query = query.where(Book.id.in_(book_ids))
    books = list(db.session.scalars(query))
    held = held_copies(book_ids, utcnow())
    return [
        StockRow(
            id=book.id,
            title=book.title,
            on_sale=book.active,
            on_shelf=book.stock,
            held=held.get(book.id, 0),
            available=max(0, book.stock - held.get(book.id, 0)),
            low_stock_threshold=book.low_stock_threshold,
        )
        for book in books
    ]


def stock_row(book_id: str) -> StockRow:
    """One title's row, or NoSuchBook."""
    rows = stock_rows([book_id])
    if not rows:
        raise NoSuchBook(book_id)
    return rows[0]


def count_shelf(book_id: str, count: int, reason: str, *, by: str) -> ShelfCount:
    """Set the title's copies on the shelf to what the owner counted, in the stock history
    with the reason; the caller commits."""
    if count < 0:
        raise InvalidRequest(f"The count cannot be negative ({count}).")
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise InvalidRequest(f"The reason is longer than {MAX_REASON} characters.")
    book = lock_books([book_id]).get(book_id)
    if book is None:
        raise NoSuchBook(book_id)
    old = book.stock
    set_stock(book_id, count)
    db.session.add(
        StockChange(
            book_id=book_id,
            at=utcnow(),
            old_count=old,
            new_count=count,
            reason=reason,
            changed_by=by[:MAX_CHANGED_BY],
        )
    )
    fell = check_low_stock([book_id])
    return ShelfCount(old, stock_row(book_id), fell[0] if fell else None)


def set_low_stock_threshold(book_id: str, threshold: int | None) -> ThresholdChange:
    """Set (or, with None, remove) the title's low-stock threshold; the caller commits.

    A threshold at or above what is available now is a fall, reported at once.
    """
    if threshold is not None and threshold < 0:
        raise InvalidRequest(f"The threshold cannot be negative ({threshold}).")
    book = lock_books([book_id]).get(book_id)
    if book is None:
        raise NoSuchBook(book_id)
    old = book.low_stock_threshold
    book.low_stock_threshold = threshold
    fell = check_low_stock([book_id])
    return ThresholdChange(old, stock_row(book_id), fell[0] if fell else None)
