"""The stock page's /api/admin operations in the OpenAPI document (bookstore.web.openapi lists
them after the other admin operations); test_openapi checks every route is documented."""

from __future__ import annotations

from typing import Any

from bookstore.web.admin import stock_schemas as st
from bookstore.web.admin.openapi import BODY, CSRF_PARAMETER, E401, E403, SESSION_PARAMETER, TAG
from bookstore.web.openapi import ERRORS, Operation, path_parameter

BOOK_ID = path_parameter("book_id", "The title's id (its slug), e.g. the-dream-machine.")
E404 = "`not_found`: no title has that id."


def _change(path: str, summary: str, body: Any, e400: str, description: str) -> Operation:
    """A PUT behind the guard: session, Origin and CSRF token, a JSON body, a title's row."""
    return Operation(
        "put",
        path,
        summary,
        st.StockRowResponse,
        {**{status: ERRORS[status] for status in BODY}, 400: e400, 401: E401, 403: E403, 404: E404},
        body=body,
        parameters=(SESSION_PARAMETER, BOOK_ID, CSRF_PARAMETER),
        description=description,
        tag=TAG,
    )


STOCK_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get",
        "/api/admin/stock",
        "Every title's copies: on the shelf, held by checkouts, available; and its threshold",
        st.StockListResponse,
        {401: E401},
        parameters=(SESSION_PARAMETER,),
        description="Every title in shelf order, those no longer on sale too (`onSale`).",
        tag=TAG,
    ),
    _change(
        "/api/admin/stock/{book_id}",
        "Set a title's copies on the shelf, with the reason",
        st.ShelfCountRequest,
        "`invalid_json` or `validation_error`: `onShelf` is not a whole number from 0, or "
        "`reason` is missing, blank or over 200 characters.",
        "What the owner counted replaces the count (under the shelf's lock); the reason goes "
        "into the stock history and the activity log. If the copies available fall to the "
        "title's low-stock threshold, the owners are emailed, once per fall.",
    ),
    _change(
        "/api/admin/stock/{book_id}/threshold",
        "Set or remove a title's low-stock threshold",
        st.ThresholdRequest,
        "`invalid_json` or `validation_error`: `lowStockThreshold` is not null or a whole "
        "number from 0.",
        "When the copies available are at or below it, the owners are emailed once; again "
        "only after they have risen above it and fallen back. A threshold at or above what "
        "is available now emails at once.",
    ),
)
