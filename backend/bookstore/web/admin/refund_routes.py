"""Partial refunds of an order from the dashboard's refund dialog, and what is left to refund.

Thin: parse, call bookstore.orders.partial_refunds (as `flask --app bookstore orders refund
--line ...` does), shape the answer. The refund is asked for with the order's row locked, with
the owner's activity entry, in one commit; a refusal changes nothing and answers 400 or 409.
"""

from __future__ import annotations

from flask import Response, jsonify

from bookstore.api_error import ApiError
from bookstore.db import db
from bookstore.orders.admin_queries import locked_order
from bookstore.orders.models import find_order_by_number
from bookstore.orders.partial_refunds import (
    PartialRefundAsk,
    describe,
    refundable,
    refunds_of,
    request_partial_refund,
)
from bookstore.request_bodies import parse_body
from bookstore.web.admin import admin_bp, current_owner, record_owner_action
from bookstore.web.admin.refund_schemas import RefundRequest, created_json, refunds_json

NOT_FOUND_MESSAGE = "No order has that number."


@admin_bp.get("/orders/<number>/refunds")
def list_refunds(number: str) -> Response:
    """The order's partial refunds, oldest first, and what is left to refund."""
    order = find_order_by_number(number)
    if order is None:
        raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
    return jsonify(refunds_json(order, refunds_of(order.id), refundable(order)))


@admin_bp.post("/orders/<number>/refunds")
def create_refund(number: str) -> tuple[Response, int]:
    """Refund part of the order (lines, shipping, or an amount): the refund, asked for."""
    body = parse_body(RefundRequest)
    copies: dict[str, int] = {}
    for line in body.lines:
        copies[line.book_id] = copies.get(line.book_id, 0) + line.quantity
    reason = (body.reason or "").strip() or None
    ask = PartialRefundAsk(
        lines=copies,
        shipping=body.shipping,
        amount=body.amount,
        reason=reason,
        restock=body.restock,
        notify=body.notify,
        requested_by=current_owner().email,
    )
    order = locked_order(number)
    if order is None:
        db.session.rollback()
        raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
    try:
        refund = request_partial_refund(order, ask)
    except BaseException:
        db.session.rollback()
        raise
    record_owner_action("order_refund_requested", f"{order.number}: {describe(order, refund)}")
    answer = created_json(order, refund)
    db.session.commit()
    return jsonify(answer), 201
