"""The owner's view of the orders: a searched, filtered page of them, and one order to change.

Reads only, but for `locked_order`, which takes the order's row for a change the caller
commits (the dashboard's actions lock it as the webhook and the CLI do).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, or_, select

from bookstore.db import db, lock_for_write
from bookstore.orders.models import Order, OrderStatus, normalized_number

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25


@dataclass(frozen=True)
class OrderSearch:
    """Which orders the owner asks for; every part optional."""

    # An order number as a customer reads it out ("sp-7k3m 9q", "7K3M"), or part of an email.
    text: str | None = None
    status: OrderStatus | None = None
    # Created on or after the first day, and on or before the last, in UTC.
    created_from: date | None = None
    created_to: date | None = None


@dataclass(frozen=True)
class OrderPage:
    """One page of the orders found, newest first, and how many were found in all."""

    orders: list[Order]
    page: int
    page_size: int
    total: int


def find_orders(
    search: OrderSearch, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
) -> OrderPage:
    """The `page`th page (from 1) of the orders `search` finds, newest first."""
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page from 1, page size 1 to {MAX_PAGE_SIZE}")
    conditions = _conditions(search)
    total = db.session.scalar(select(func.count()).select_from(Order).where(*conditions)) or 0
    query = (
        select(Order)
        .where(*conditions)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return OrderPage(list(db.session.scalars(query)), page, page_size, total)


def locked_order(number: str) -> Order | None:
    """The order with this number (forgiving case and spaces), its row locked until the caller
    commits or rolls back: FOR UPDATE on PostgreSQL, the write lock on SQLite."""
    lock_for_write()
    order = db.session.scalars(
        select(Order).where(Order.number == normalized_number(number))
    ).one_or_none()
    if order is not None:
        db.session.refresh(order, with_for_update=True)
    return order


def _conditions(search: OrderSearch) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a search."""
    conditions: list[ColumnElement[bool]] = []
    text = (search.text or "").strip()
    if text:
        conditions.append(_matches_text(text))
    if search.status is not None:
        conditions.append(Order.status == search.status)
    if search.created_from is not None:
        conditions.append(Order.created_at >= _start_of(search.created_from))
    if search.created_to is not None:
        conditions.append(Order.created_at < _start_of(search.created_to + timedelta(days=1)))
    return conditions


def _matches_text(text: str) -> ColumnElement[bool]:
    """Its number or part of it, as typed (any case, spaces and dashes, with or without the
    SP- prefix), or part of the email in any case."""
    compact = "".join(text.split()).upper().replace("-", "")
    email = func.lower(Order.email).contains(text.lower(), autoescape=True)
    if not compact:
        return email
    number = func.replace(Order.number, "-", "").contains(compact, autoescape=True)
    return or_(number, email)


def _start_of(day: date) -> datetime:
    """Midnight UTC at the start of the day."""
    return datetime.combine(day, time.min, tzinfo=UTC)
