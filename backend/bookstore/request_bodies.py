"""Request bodies (and query strings) validated with a pydantic model, or refused as ApiErrors.

Shared by every blueprint: the shop's API (bookstore.web) and the demo's stand-in for Stripe
(bookstore.payments.demo), which sits below it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from bookstore.api_error import ApiError

T = TypeVar("T", bound=BaseModel)


def request_body() -> bytes:
    """The raw body, or 413 when it is over MAX_CONTENT_LENGTH, however it was sent."""
    body = request.get_data(cache=True)
    limit = request.max_content_length
    # Werkzeug refuses a Content-Length over the limit, but cuts a chunked body off at the
    # limit without a word: a body that filled the limit was longer than allowed.
    if limit is not None and request.content_length is None and len(body) >= limit:
        raise RequestEntityTooLarge()
    return body


def parse_body(model: type[T], context: Mapping[str, Any] | None = None) -> T:
    """Read the request's JSON body and validate it with `model`, or raise an ApiError."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    try:
        data = json.loads(request_body())
    # ValueError also covers bodies that are not UTF-8; RecursionError, absurdly deep nesting.
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(
            400,
            "validation_error",
            "The request body is not valid.",
            [{"field": "body", "message": "The body must be a JSON object."}],
        )
    try:
        return model.model_validate(data, context=dict(context or {}))
    except ValidationError as error:
        details = [
            {
                "field": ".".join(str(part) for part in issue["loc"]) or "body",
                "message": issue["msg"],
            }
            for issue in error.errors(include_url=False, include_input=False)
        ]
        raise ApiError(400, "validation_error", "The request body is not valid.", details) from None


def parse_query(model: type[T]) -> T:
    """Validate the request's query string with `model`, or raise a 400 naming the fields."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        details = [
            {
                "field": ".".join(str(part) for part in issue["loc"]) or "query",
                "message": issue["msg"],
            }
            for issue in error.errors(include_url=False, include_input=False)
        ]
        raise ApiError(400, "validation_error", "The query is not valid.", details) from None
