"""The owner's stock page: every title's copies, a new count of a shelf with its reason, and
the low-stock threshold.

Thin: parse the body, call bookstore.catalogue.shelf (as `flask stock` does), record the
owner's action in the same transaction, commit, shape the answer. An unknown title is the
domain's NoSuchBook (404); a bad body is parse_body's 400.
"""

from __future__ import annotations

from flask import Response, jsonify

from bookstore.catalogue import shelf
from bookstore.db import db
from bookstore.request_bodies import parse_body
from bookstore.web.admin import admin_bp, current_owner, record_owner_action
from bookstore.web.admin.stock_schemas import (
    ShelfCountRequest,
    ThresholdRequest,
    stock_list_json,
    stock_row_json,
)

# The activity log's names for these actions.
STOCK_COUNTED = "stock_counted"
STOCK_THRESHOLD_SET = "stock_threshold_set"


@admin_bp.get("/stock")
def list_stock() -> Response:
    """Every title: on the shelf, held by checkouts, available, and its threshold."""
    return jsonify(stock_list_json(shelf.stock_rows()))


@admin_bp.put("/stock/<book_id>")
def count_shelf(book_id: str) -> Response:
    """Set the title's copies on the shelf, with the reason; its row after."""
    body = parse_body(ShelfCountRequest)
    counted = shelf.count_shelf(book_id, body.on_shelf, body.reason, by=current_owner().email)
    record_owner_action(
        STOCK_COUNTED,
        f"{book_id}: {counted.old_count} -> {body.on_shelf} on the shelf ({body.reason})",
    )
    db.session.commit()
    return jsonify(stock_row_json(counted.row))


@admin_bp.put("/stock/<book_id>/threshold")
def set_threshold(book_id: str) -> Response:
    """Set or remove the title's low-stock threshold; its row after."""
    body = parse_body(ThresholdRequest)
    changed = shelf.set_low_stock_threshold(book_id, body.low_stock_threshold)
    record_owner_action(
        STOCK_THRESHOLD_SET,
        f"{book_id}: low-stock threshold {_shown(changed.old_threshold)} -> "
        f"{_shown(body.low_stock_threshold)}",
    )
    db.session.commit()
    return jsonify(stock_row_json(changed.row))


def _shown(threshold: int | None) -> str:
    return "none" if threshold is None else str(threshold)
