"""Settling an order under review (its payment did not match it): accept it, or refund it.

Both work in the caller's transaction, on the order's locked row; the caller commits, or rolls
back when they raise. `flask --app bookstore orders resolve` and the dashboard call them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bookstore.catalogue.stock import InsufficientStock
from bookstore.domain_errors import Conflict
from bookstore.notifications.emails import queue_confirmation
from bookstore.orders.details import money_text
from bookstore.orders.holds import take_for_paid_order
from bookstore.orders.models import Order, OrderStatus, record, transition
from bookstore.orders.refunds import request_refund
from bookstore.payments import current_gateway

RESOLVED_PAID = "resolved_paid"


class NotUnderReview(Conflict):
    """Only an order under review is resolved (409)."""

    code = "not_under_review"


class PaidElsewhere(Conflict):
    """The order was paid through another gateway than this server runs (409)."""

    code = "wrong_gateway"


@dataclass(frozen=True)
class Accepted:
    """What accepting a review order's payment did."""

    detail: str  # "accepted 31.00 USD for an order of 30.00 USD", as its history says
    confirmation_queued: bool


def resolve_paid(order: Order, reason: str | None = None) -> Accepted:
    """Accept the payment as it is: the copies off the shelf, `paid`, its confirmation email.

    InsufficientStock when its copies are gone: the order stays under review (the caller rolls
    back), to be refunded instead.
    """
    _check_under_review(order)
    shortages = take_for_paid_order(order)
    if shortages:
        raise InsufficientStock(shortages)
    transition(order, OrderStatus.PAID)
    queued = queue_confirmation(order)
    received = money_text(order, order.paid_amount)
    detail = f"accepted {received} for an order of {money_text(order, order.amount)}"
    record(order, RESOLVED_PAID, detail + (f"; {reason}" if reason else ""))
    return Accepted(detail, queued)


def resolve_refund(order: Order, reason: str | None = None) -> bool:
    """Refund it in full (refunds.request_refund: the worker sends it), copies back on the
    shelf since an order under review was never sent; whether copies went back."""
    _check_under_review(order)
    gateway = current_gateway()
    if order.gateway != gateway.name:
        raise PaidElsewhere(
            f"Order {order.number} was paid through the {order.gateway or 'unknown'} gateway, "
            f"and this server runs {gateway.name}: refund it from a server in that mode."
        )
    had_copies = order.stock_taken
    if not request_refund(order, "shop", reason, put_back=True):
        raise Conflict(f"Order {order.number} has no payment to refund.", code="nothing_paid")
    return had_copies and not order.stock_taken


def _check_under_review(order: Order) -> None:
    if order.status != OrderStatus.REVIEW:
        raise NotUnderReview(
            f"Order {order.number} is {order.status}: only an order under review is resolved."
        )
