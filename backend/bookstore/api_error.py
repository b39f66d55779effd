"""A failure the HTTP edge answers as-is, with its own status (bookstore.web.errors renders it)."""

from __future__ import annotations


class ApiError(Exception):
    """A failure the client should see as-is: HTTP status, stable code, human message."""

    def __init__(self, status: int, code: str, message: str, details: object | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
