"""The books for sale: the Book table, lookups, and seeding it from data.py."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import NamedTuple

from sqlalchemy import CheckConstraint, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.catalogue.data import BOOKS
from bookstore.db import Model, db


class Book(Model):
    """A title in the shop, priced in the smallest currency unit."""

    __tablename__ = "book"
    # Never oversold, whatever the code above the database does (see bookstore.catalogue.stock).
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold_not_negative"),
    )

    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # a slug, used in URLs
    title: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(200))
    description: Mapped[str]
    format: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    price: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="usd")
    color: Mapped[str] = mapped_column(String(7))
    ink_color: Mapped[str] = mapped_column(String(7))
    position: Mapped[int] = mapped_column(default=0, index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Copies on the shelf, paid orders already taken off; checkouts' holds are counted apart.
    stock: Mapped[int] = mapped_column(default=0)
    # The owner's low-stock line: when the copies available fall to it, the owners are emailed
    # once (bookstore.catalogue.low_stock). None: never.
    low_stock_threshold: Mapped[int | None]
    # Whether the title's present fall to its threshold was reported; forgotten once the
    # copies available rise above it again. Falls are numbered (`low_stock_alerts`, reported
    # so far) so that each one's email has a key of its own and none goes out twice.
    low_stock_reported: Mapped[bool] = mapped_column(default=False)
    low_stock_alerts: Mapped[int] = mapped_column(default=0)


def active_books() -> list[Book]:
    """Books on sale, in shelf order."""
    query = select(Book).where(Book.active).order_by(Book.position, Book.title)
    return list(db.session.scalars(query))


def find_book(book_id: str) -> Book | None:
    """An active book by id, or None."""
    book = db.session.get(Book, book_id)
    return book if book is not None and book.active else None


class BookPrice(NamedTuple):
    """What pricing a cart needs of a book: its title and price."""

    title: str
    price: int


def prices_by_id(book_ids: Collection[str]) -> dict[str, BookPrice]:
    """Title and price of the active books among `book_ids` (unknown ids are simply absent).

    Reads the two columns only, not whole Book objects: every quote and Pay asks.
    """
    if not book_ids:
        return {}
    query = select(Book.id, Book.title, Book.price).where(Book.id.in_(book_ids), Book.active)
    return {row.id: BookPrice(row.title, row.price) for row in db.session.execute(query)}


def seed_catalogue(entries: Iterable[Mapping[str, object]] = BOOKS) -> int:
    """Add the titles that are missing; leave existing rows (and any edits to them) alone."""
    entries = list(entries)
    existing = set(db.session.scalars(select(Book.id)))
    added = 0
    for position, entry in enumerate(entries):
        if entry["id"] in existing:
            continue
        db.session.add(Book(position=position, **entry))
        added += 1
    if not added:
        return 0
    try:
        db.session.commit()
    except IntegrityError:
        # Another worker seeded the same titles at the same moment; its rows are just as good.
        db.session.rollback()
        return 0
    return added
