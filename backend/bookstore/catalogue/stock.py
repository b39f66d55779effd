"""Copies on the shelf and copies held by orders, checked so that none is sold twice.

A book's `stock` counts the copies on the shelf; a paid order takes its copies off it. Between
Pay and payment, an order *holds* its lines' copies (StockHold rows, by order id) until they
expire. What can be ordered is the stock less every other order's active holds. What an order
does with its copies (hold, take when paid, give back) is the orders area's
(bookstore.orders.holds); this module knows orders by their id only.

Every check-then-write here runs with the books' rows locked (FOR UPDATE on PostgreSQL, the
database's one write lock on SQLite), always in id order, so two checkouts for the last copy,
on one server or several, take turns: one holds it, the other is told how many are left. The
`stock >= 0` constraint on the table backs this up.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import (
    ForeignKey,
    Index,
    ScalarSelect,
    String,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.catalogue.books import Book
from bookstore.config import current_settings
from bookstore.db import Model, UtcDateTime, db, lock_for_write, utcnow
from bookstore.domain_errors import Conflict

# An order, by its id or by a query for its id (a cart's order: see held_copies).
OrderId = int | ScalarSelect[int]


@dataclass(frozen=True)
class Shortage:
    """A title the cart asks for more copies of than can be ordered."""

    book_id: str
    title: str
    requested: int
    available: int


class InsufficientStock(Conflict):
    """The cart asks for more copies than can be ordered now (409 insufficient_stock)."""

    code = "insufficient_stock"

    def __init__(self, shortages: Collection[Shortage]) -> None:
        super().__init__(
            describe(shortages),
            details={
                "items": [
                    {
                        "id": short.book_id,
                        "title": short.title,
                        "requested": short.requested,
                        "available": short.available,
                    }
                    for short in shortages
                ]
            },
        )
        self.shortages = tuple(shortages)


def describe(shortages: Collection[Shortage]) -> str:
    """For people: "Not enough copies: The Big Score is sold out; Boom has 2 left."."""
    parts = [
        f"{short.title} is sold out"
        if short.available == 0
        else f"{short.title} has only {short.available} left"
        for short in shortages
    ]
    return "Not enough copies: " + "; ".join(parts) + "."


def hold_deadline(now: datetime) -> datetime:
    """When a hold taken now expires (STOCK_HOLD_MINUTES)."""
    return now + timedelta(minutes=current_settings().stock_hold_minutes)


class StockHold(Model):
    """Copies of one book held for one order until `held_until`.

    Kept apart from the order's lines so that what a checkout must read, the active holds on
    its own books, is one range of the (book_id, held_until) index, however many orders the
    shop has had or how many other titles are held.
    """

    __tablename__ = "stock_holds"
    __table_args__ = (Index("ix_stock_holds_book_id_held_until", "book_id", "held_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    book_id: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int]
    held_until: Mapped[datetime] = mapped_column(UtcDateTime)


def held_copies(
    book_ids: Collection[str] | None,
    now: datetime,
    *,
    excluding_order: OrderId | None = None,
) -> dict[str, int]:
    """Copies of each book held by active holds, other than one order's.

    `excluding_order` is an order's id, or a query for one that runs in the same statement:
    a cart's order, whichever request wrote it, so that a cart's twin requests never count
    each other's hold.
    """
    query = (
        select(StockHold.book_id, func.sum(StockHold.quantity))
        .where(StockHold.held_until > now)
        .group_by(StockHold.book_id)
    )
    if book_ids is not None:
        query = query.where(StockHold.book_id.in_(book_ids))
    if isinstance(excluding_order, int):
        query = query.where(StockHold.order_id != excluding_order)
    elif excluding_order is not None:
        query = query.where(StockHold.order_id != func.coalesce(excluding_order, 0))
    return {book_id: int(total) for book_id, total in db.session.execute(query)}


def books_on_sale_with_available(now: datetime | None = None) -> list[tuple[Book, int]]:
    """Books on sale in shelf order, each with the copies that can be ordered now; one query.

    For the catalogue's shelf: a hint, since checkout checks again with the rows locked.
    """
    held = (
        select(StockHold.book_id, func.sum(StockHold.quantity).label("copies"))
        .where(StockHold.held_until > (now or utcnow()))
        .group_by(StockHold.book_id)
        .subquery()
    )
    unheld = Book.stock - func.coalesce(held.c.copies, 0)
    available = case((unheld > 0, unheld), else_=0)
    query = (
        select(Book, available)
        .outerjoin(held, held.c.book_id == Book.id)
        .where(Book.active)
        .order_by(Book.position, Book.title)
    )
    return [(book, int(count)) for book, count in db.session.execute(query)]


def lock_books(book_ids: Collection[str]) -> dict[str, Book]:
    """The books, their rows locked until the transaction ends (always in the same order)."""
    lock_for_write()
    query = (
        select(Book)
        .where(Book.id.in_(sorted(book_ids)))
        .order_by(Book.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {book.id: book for book in db.session.scalars(query)}


class Shelf(NamedTuple):
    """What checking copies needs of a locked book: its title and copies on the shelf."""

    title: str
    stock: int


def lock_shelf(book_ids: Collection[str]) -> dict[str, Shelf]:
    """Lock the books' rows as lock_books does, reading only their titles and counts."""
    lock_for_write()
    query = (
        select(Book.id, Book.title, Book.stock)
        .where(Book.id.in_(sorted(book_ids)))
        .order_by(Book.id)
        .with_for_update()
    )
    return {row.id: Shelf(row.title, row.stock) for row in db.session.execute(query)}


def check_available(
    quantities: Mapping[str, int],
    now: datetime,
    *,
    excluding_order: OrderId | None = None,
) -> None:
    """Lock the books and raise InsufficientStock unless every quantity can be held.

    The hold of `excluding_order` (the order's own, or its cart's) does not count against it:
    a returning cart may keep what it holds. Call in the transaction that then writes the hold.
    """
    books = lock_shelf(quantities.keys())
    # Expired holds on these books are read by nobody any more: cleared while locked here.
    db.session.execute(
        delete(StockHold)
        .where(StockHold.book_id.in_(quantities.keys()), StockHold.held_until <= now)
        .execution_options(synchronize_session=False)
    )
    held = held_copies(quantities.keys(), now, excluding_order=excluding_order)
    shortages = _shortages(quantities, books, held)
    if shortages:
        raise InsufficientStock(shortages)


def check_available_now(
    quantities: Mapping[str, int], now: datetime, *, excluding_order: OrderId | None = None
) -> None:
    """Raise InsufficientStock unless every quantity could be held now; reads only, locks nothing.

    For a quote: a hint that Pay, which checks again under the books' locks, confirms. The
    hold of `excluding_order` (the cart's own order) does not count against it.
    """
    query = select(Book.id, Book.title, Book.stock).where(Book.id.in_(quantities.keys()))
    books = {row.id: Shelf(row.title, row.stock) for row in db.session.execute(query)}
    held = held_copies(quantities.keys(), now, excluding_order=excluding_order)
    shortages = _shortages(quantities, books, held)
    if shortages:
        raise InsufficientStock(shortages)


def _shortages(
    quantities: Mapping[str, int], books: Mapping[str, Shelf], held: Mapping[str, int]
) -> list[Shortage]:
    """The titles asked for in more copies than are on the shelf and not held."""
    shortages = []
    for book_id, requested in quantities.items():
        book = books.get(book_id)
        if book is None:
            continue  # priced already: a book that is gone is the quote's error, not ours
        available = max(0, book.stock - held.get(book_id, 0))
        if requested > available:
            shortages.append(Shortage(book_id, book.title, requested, available))
    return shortages


def hold_rows(
    order_id: int, quantities: Mapping[str, int], until: datetime, *, new_order: bool = False
) -> None:
    """Hold these copies for the order until `until`, instead of what it held before.

    The caller stores `until` as the order's held_until.
    """
    if not new_order:  # a new order holds nothing yet
        db.session.execute(
            delete(StockHold)
            .where(StockHold.order_id == order_id)
            .execution_options(synchronize_session=False)
        )
    rows = [
        {"order_id": order_id, "book_id": book_id, "quantity": count, "held_until": until}
        for book_id, count in quantities.items()
    ]
    if rows:  # an INSERT of no rows would insert one of defaults
        db.session.execute(insert(StockHold), rows)


def release_holds(order_id: int) -> None:
    """Give back whatever copies the order holds (the caller clears its held_until)."""
    db.session.execute(
        delete(StockHold)
        .where(StockHold.order_id == order_id)
        .execution_options(synchronize_session=False)
    )


def delete_expired_holds(now: datetime) -> int:
    """Delete the holds that ended by `now` (they count for nothing already); how many."""
    result = db.session.execute(
        delete(StockHold)
        .where(StockHold.held_until <= now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def add_to_shelf(quantities: Mapping[str, int], sign: int) -> None:
    """Add (sign +1) or take (sign -1) copies, in the database, not in loaded objects."""
    for book_id, quantity in quantities.items():
        db.session.execute(
            update(Book)
            .where(Book.id == book_id)
            .values(stock=Book.stock + sign * quantity)
            .execution_options(synchronize_session=False)
        )


def set_stock(book_id: str, count: int) -> Book | None:
    """Set a book's copies on the shelf (the owner's count); None if there is no such book."""
    if count < 0:
        raise ValueError("stock cannot be negative")
    books = lock_books([book_id])
    book = books.get(book_id)
    if book is not None:
        book.stock = count
    return book
