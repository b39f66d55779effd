"""One JSON shape for every failure: `{"error": {"code", "message", "details"?}}`."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, jsonify
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException

from bookstore.api_error import ApiError
from bookstore.domain_errors import Conflict, DomainError, InvalidRequest, LimitReached, NotFound
from bookstore.payments.gateway import CardError, InvalidSignature, ProviderUnavailable
from bookstore.web.response_schemas import QuoteResponse

__all__ = ["ApiError", "ErrorResponse", "domain_status", "error_response"]


class FieldError(BaseModel):
    """One reason a request body was refused."""

    field: str = Field(description='Dotted path, e.g. "items.0.quantity", or "body".')
    message: str


class StockShortage(BaseModel):
    """A title in the cart with fewer copies available than asked for."""

    id: str = Field(description="The book's id.")
    title: str
    requested: int = Field(ge=1)
    available: int = Field(ge=0, description="Copies that can be ordered now; 0: sold out.")


class InsufficientStockDetails(BaseModel):
    """`details` of a 409 `insufficient_stock`: every title the cart asks too much of."""

    items: list[StockShortage]


class QuoteChangedDetails(BaseModel):
    """`details` of a 409 `quote_changed`: the quote as it is now, to show before paying."""

    quote: QuoteResponse


class ErrorDetail(BaseModel):
    """The error itself: a stable code to branch on and a message for people."""

    code: str
    message: str
    details: (
        list[FieldError] | InsufficientStockDetails | QuoteChangedDetails | dict[str, Any] | None
    ) = Field(
        default=None, description="Validation errors list fields; some codes carry an object."
    )


class ErrorResponse(BaseModel):
    """Every failure: {"error": {"code", "message", "details"?}}."""

    error: ErrorDetail


# Werkzeug's names for these ("Request Entity Too Large") are not the codes our API documents.
_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}
_HTTP_MESSAGES = {
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
    415: "Send the body as application/json.",
    429: "Too many requests; wait a moment and try again.",
}


# The HTTP status of each kind of domain error; the first class an error is an instance of wins.
_DOMAIN_STATUSES: tuple[tuple[type[DomainError], int], ...] = (
    (CardError, 402),  # the shopper can fix it with another card
    (ProviderUnavailable, 503),  # try again later (with Retry-After)
    (InvalidSignature, 400),
    (InvalidRequest, 400),
    (NotFound, 404),
    (Conflict, 409),
    (LimitReached, 429),  # per client: wait, or ask for less
    (DomainError, 502),  # the payment provider refused our request: a bug or an outage there
)


def domain_status(error: DomainError) -> int:
    """The HTTP status for a domain error."""
    return next(status for kind, status in _DOMAIN_STATUSES if isinstance(error, kind))


def error_response(
    status: int, code: str, message: str, details: object | None = None
) -> tuple[Response, int]:
    """Render the error shape of docs/api.md (`details` left out when there are none)."""
    body = ErrorResponse.model_validate(
        {"error": {"code": code, "message": message, "details": details}}
    )
    return jsonify(body.model_dump(mode="json", exclude_none=True)), status


def register_error_handlers(app: Flask) -> None:
    """Turn ApiError, domain errors, HTTP errors and unexpected exceptions into JSON errors."""

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError) -> tuple[Response, int]:
        return error_response(error.status, error.code, error.message, error.details)

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError) -> tuple[Response, int]:
        status = domain_status(error)
        # Card declines and refused carts are routine; a 5xx means the provider is off.
        log = app.logger.info if status < 500 else app.logger.warning
        log("%s %s (%s): %s", type(error).__name__, status, error.code, error.message)
        response, status = error_response(status, error.code, error.message, error.details)
        if error.retry_after is not None:
            response.headers["Retry-After"] = str(error.retry_after)
        return response, status

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException) -> tuple[Response, int]:
        status = error.code or 500
        code = _HTTP_CODES.get(status) or _snake_case(error.name)
        message = _HTTP_MESSAGES.get(status) or f"{error.name}."
        response, status = error_response(status, code, message)
        # Keep headers such as 405's Allow; the body's own Content-Type wins.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, status

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> tuple[Response, int]:
        # The traceback stays in the server log; the client learns nothing about internals.
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side.")


def _snake_case(name: str) -> str:
    """Werkzeug's error name as a code: I'm a teapot -> i_m_a_teapot."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
