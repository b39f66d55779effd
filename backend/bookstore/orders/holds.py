"""An order's copies: held for it until it is paid, taken off the shelf when it is, given back.

The shelf and the holds are the catalogue's (bookstore.catalogue.stock), which knows orders by
id only; this is what an order does with them, keeping its own columns in step: `held_until`
(STOCK_HOLD_MINUTES after Pay, or PROCESSING_HOLD while its payment is `processing`, as a bank
debit's answer can take days) and `stock_taken`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import ScalarSelect, select

from bookstore.catalogue.low_stock import check_low_stock
from bookstore.catalogue.stock import (
    InsufficientStock,
    Shortage,
    add_to_shelf,
    check_available,
    held_copies,
    hold_rows,
    lock_shelf,
    release_holds,
)
from bookstore.db import utcnow
from bookstore.orders.models import Order

# How long a `processing` payment (a bank debit) keeps its copies: SEPA debits are decided
# within 14 business days; the hold ends sooner when the payment's outcome arrives.
PROCESSING_HOLD = timedelta(days=30)


def hold_is_active(order: Order, now: datetime) -> bool:
    """Whether the order's copies are held for it now."""
    return order.held_until is not None and order.held_until > now


def hold(order: Order, quantities: Mapping[str, int], until: datetime) -> None:
    """Hold these copies for the order until `until` (checked first with check_available)."""
    hold_rows(order.id, quantities, until)
    order.held_until = until


def take_for_paid_order(order: Order) -> list[Shortage]:
    """Take the order's copies off the shelf as its payment arrives; what is short, if any.

    An order whose hold is active has its copies set aside already. One whose hold expired (or
    was released by a failed attempt) gets them only if nobody else holds them now. All or
    nothing: with any shortage, no copy is taken and the order must be refunded.

    Holds are judged at the time read once the books' rows are locked, not before: a hold
    that lapsed while this waited for the lock is lapsed, and the copies may be another
    shopper's by then.
    """
    if order.stock_taken:
        return []
    wanted = copies_in(order)
    titles = {line.book_id: line.title for line in order.lines}
    books = lock_shelf(wanted.keys())
    locked_at = utcnow()
    held_by_others = (
        {}
        if hold_is_active(order, locked_at)
        else held_copies(wanted.keys(), locked_at, excluding_order=order.id)
    )
    shortages = []
    for book_id, quantity in wanted.items():
        book = books.get(book_id)
        on_shelf = book.stock if book is not None else 0
        available = max(0, on_shelf - held_by_others.get(book_id, 0))
        if quantity > available:
            shortages.append(Shortage(book_id, titles[book_id], quantity, available))
    release(order)
    if shortages:
        return shortages
    add_to_shelf(wanted, -1)
    order.stock_taken = True
    # A sale is final here: a title it takes to its low-stock threshold is reported with it.
    check_low_stock(wanted.keys())
    return []


def hold_while_processing(order: Order) -> bool:
    """Hold the order's copies for as long as a bank debit may take, if nobody else has them.

    Its own active hold carries over; one that lapsed is taken again only if the copies are
    still free. False if they are not: the payment's success then finds out, and refunds.
    As in take_for_paid_order, the books are locked first and the hold judged at the time
    read after that, so a hold that lapsed during the wait is not carried over.
    """
    wanted = copies_in(order)
    lock_shelf(wanted.keys())
    locked_at = utcnow()
    if not hold_is_active(order, locked_at):
        try:
            check_available(wanted, locked_at, excluding_order=order.id)
        except InsufficientStock:
            return False
    hold(order, wanted, locked_at + PROCESSING_HOLD)
    return True


def release(order: Order) -> None:
    """Give the order's held copies back (paid, failed, canceled or refunded)."""
    release_holds(order.id)
    order.held_until = None


def restock(order: Order, back_already: Mapping[str, int] | None = None) -> bool:
    """Put a paid order's copies back on the shelf (a refund of books that came back), but for
    those back already (`back_already`: put back by its partial refunds)."""
    if not order.stock_taken:
        return False
    back = back_already or {}
    wanted = {book: count - back.get(book, 0) for book, count in copies_in(order).items()}
    put_back({book: count for book, count in wanted.items() if count > 0})
    order.stock_taken = False
    return True


def put_back(copies: Mapping[str, int]) -> None:
    """Return these copies to the shelf, the books' rows locked first."""
    if copies:
        lock_shelf(copies.keys())
        add_to_shelf(copies, +1)


def copies_in(order: Order) -> dict[str, int]:
    """Copies of each book the order's lines are for."""
    wanted: dict[str, int] = {}
    for line in order.lines:
        wanted[line.book_id] = wanted.get(line.book_id, 0) + line.quantity
    return wanted


def cart_order_id(cart_id: str) -> ScalarSelect[int]:
    """The id of the cart's order as a subquery, read when the statement using it runs.

    For leaving the cart's own hold out of a count: whichever request wrote the order (a
    twin's included), it is the shopper's own.
    """
    return select(Order.id).where(Order.cart_id == cart_id).scalar_subquery()
