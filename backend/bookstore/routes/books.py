"""The catalogue as JSON."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from bookstore.catalogue import active_books, find_book
from bookstore.errors import ApiError
from bookstore.schemas import book_json

bp = Blueprint("books", __name__, url_prefix="/api/books")


@bp.get("")
def list_books() -> Response:
    """Every book on sale, in shelf order."""
    return jsonify(books=[book_json(book) for book in active_books()])


@bp.get("/<book_id>")
def get_book(book_id: str) -> Response:
    """One book on sale, or 404."""
    book = find_book(book_id)
    if book is None:
        raise ApiError(404, "not_found", "No such book.")
    return jsonify(book_json(book))
