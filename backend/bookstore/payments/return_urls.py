"""Where a payment's redirect (3-D Secure, a bank) may send the shopper back: this shop only."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from bookstore.config import current_settings
from bookstore.domain_errors import InvalidRequest


def checked_return_url(url: str | None, field: str) -> str:
    """A return URL on the shop's own origins, never elsewhere (no open redirect).

    `field` names the body's field in the 400 `invalid_return_url`.
    """
    parts = urlsplit(url or "")
    origin = f"{parts.scheme}://{parts.netloc}"
    own = {*current_settings().frontend_origins, request.host_url.rstrip("/")}
    if parts.scheme not in ("http", "https") or origin not in own:
        message = "Not a page of this shop." if url else "Required with a payment to confirm."
        raise InvalidRequest(
            "The return URL must be a page of this shop.",
            code="invalid_return_url",
            details=[{"field": field, "message": message}],
        )
    return url or ""
