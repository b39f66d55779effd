"""The catalogue as JSON, served from the per-process catalogue cache with ETags."""

from __future__ import annotations

from flask import Blueprint, Response, request

from bookstore.api_error import ApiError
from bookstore.web.catalogue_cache import current_catalogue

bp = Blueprint("books", __name__, url_prefix="/api/books")


@bp.get("")
def list_books() -> Response:
    """Every book on sale, in shelf order; 304 when the client's copy is current."""
    return current_catalogue().listing.response(request)


@bp.get("/<book_id>")
def get_book(book_id: str) -> Response:
    """One book on sale, or 404."""
    document = current_catalogue().books.get(book_id)
    if document is None:
        raise ApiError(404, "not_found", "No such book.")
    return document.response(request)
