"""The owner's orders: the list, one order's view, and what the owner does to an order.

Thin: parse, call bookstore.orders, shape the answer. Each change locks the order's row, calls
the domain function `flask --app bookstore orders ...` calls too, adds the owner's activity
entry and commits once; a refusal rolls everything back and answers in the error shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Response, jsonify

from bookstore.api_error import ApiError
from bookstore.db import db
from bookstore.orders.admin_queries import OrderSearch, find_orders, locked_order
from bookstore.orders.models import Order, find_order_by_number
from bookstore.orders.notes import add_note
from bookstore.orders.review import resolve_paid, resolve_refund
from bookstore.orders.shipping import mark_shipped
from bookstore.request_bodies import parse_body, parse_query
from bookstore.web.admin import admin_bp, current_owner, record_owner_action
from bookstore.web.admin.order_schemas import (
    NoteRequest,
    OrdersQuery,
    ResolveRequest,
    ShipmentRequest,
    order_page_json,
    order_view_json,
)

NOT_FOUND_MESSAGE = "No order has that number."


@admin_bp.get("/orders")
def list_orders() -> Response:
    """A page of the orders, newest first, searched and filtered as the query says."""
    query = parse_query(OrdersQuery)
    search = OrderSearch(
        text=query.q,
        status=query.status,
        created_from=query.created_from,
        created_to=query.created_to,
    )
    return jsonify(order_page_json(find_orders(search, query.page, query.page_size)))


@admin_bp.get("/orders/<number>")
def show_order(number: str) -> Response:
    """Everything about one order, and its timeline."""
    order = find_order_by_number(number)
    if order is None:
        raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
    return jsonify(order_view_json(order))


@admin_bp.post("/orders/<number>/shipment")
def ship_order(number: str) -> Response:
    """Mark the paid order shipped: the shopper's email with the tracking link goes out."""
    body = parse_body(ShipmentRequest)
    with _changing(number) as order:
        shipment = mark_shipped(order, body.carrier, body.tracking_number, by=current_owner().email)
        record_owner_action(
            "order_shipped", f"{order.number}: {shipment.carrier} {shipment.tracking_number}"
        )
    return jsonify(order_view_json(order))


@admin_bp.post("/orders/<number>/notes")
def add_order_note(number: str) -> Response:
    """Add an internal note to the order's timeline (never shown to the shopper)."""
    body = parse_body(NoteRequest)
    with _changing(number) as order:
        add_note(order, body.text, author=current_owner().email)
        record_owner_action("order_note", f"{order.number}: {body.text.strip()}")
    return jsonify(order_view_json(order))


@admin_bp.post("/orders/<number>/resolve")
def resolve_order(number: str) -> Response:
    """Settle an order under review: accept its payment, or refund it in full."""
    body = parse_body(ResolveRequest)
    reason = (body.reason or "").strip() or None
    with _changing(number) as order:
        if body.outcome == "paid":
            resolve_paid(order, reason)
        else:
            resolve_refund(order, reason)
        record_owner_action(
            "order_resolved", f"{order.number}: {body.outcome}" + (f"; {reason}" if reason else "")
        )
    return jsonify(order_view_json(order))


@contextmanager
def _changing(number: str) -> Iterator[Order]:
    """The order, its row locked, for one change: committed if the block ends, rolled back if
    it raises (a domain refusal then answers in the error shape), 404 if there is no order."""
    order = locked_order(number)
    if order is None:
        db.session.rollback()
        raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
    try:
        yield order
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
