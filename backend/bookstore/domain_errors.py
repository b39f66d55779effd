"""Errors the shop's domain raises; the HTTP edge (bookstore.web.errors) gives each its status."""

from __future__ import annotations


class DomainError(Exception):
    """A failure the shopper should hear about: a stable code and a message for people."""

    code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: object | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details
        # Seconds after which trying again may succeed (sent as Retry-After).
        self.retry_after = retry_after


class InvalidRequest(DomainError):
    """What was asked for cannot be done as asked (an empty cart, a book not sold here)."""

    code = "invalid_request"


class NotFound(DomainError):
    """No such thing, or not for whoever asks (the same answer either way)."""

    code = "not_found"


class Conflict(DomainError):
    """The request clashes with the state it would change (a cart already paid for)."""

    code = "conflict"


class LimitReached(DomainError):
    """A per-client limit was reached: wait (Retry-After, when waiting helps) or do less."""

    code = "limit_reached"
