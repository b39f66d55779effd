"""CORS with Flask-CORS: only the shop's own origins may call the API from a browser.

Flask-CORS works out its headers on every response, about 25 microseconds, a quarter of what a
/config request costs in all. Only requests that carry an `Origin` header (cross-origin browser
requests and preflights) have anything to work out; for every other request its answer is the
same, so it is computed once at start and added as is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

from flask import Flask, Response, request
from flask_cors import CORS

ALLOW_ORIGIN = "Access-Control-Allow-Origin"

AfterRequest = Callable[[Response], Response]


def init_cors(app: Flask, origins: Iterable[str]) -> None:
    """Let `origins` call the API; Flask-CORS decides only for requests with an Origin."""
    app_hooks = app.after_request_funcs.setdefault(None, [])
    before = list(app_hooks)
    CORS(app, origins=list(origins))
    added = [hook for hook in app_hooks if hook not in before]
    if len(added) != 1:  # a Flask-CORS that hooks in another way: leave it as it is
        return
    # Flask types its hooks loosely (they may be async); Flask-CORS's is a plain function.
    cors_hook = cast(AfterRequest, added[0])
    app_hooks[app_hooks.index(cors_hook)] = _only_for_origins(
        cors_hook, _answer_without_origin(app, cors_hook)
    )


def _answer_without_origin(app: Flask, cors_hook: AfterRequest) -> tuple[tuple[str, str], ...]:
    """The headers Flask-CORS adds to a response to a request without an Origin header."""
    with app.test_request_context("/"):
        blank = list(Response().headers)
        answered = list(cors_hook(Response()).headers)
    return tuple(header for header in answered if header not in blank)


def _only_for_origins(
    cors_hook: AfterRequest, without_origin: tuple[tuple[str, str], ...]
) -> AfterRequest:
    """Flask-CORS's hook for requests with an Origin, its precomputed answer for the others."""

    def cors_headers(response: Response) -> Response:
        """Allow the configured origins (Flask-CORS skips a response that chose its own)."""
        # Flask-CORS treats an empty Origin header as none too.
        if request.environ.get("HTTP_ORIGIN"):
            return cors_hook(response)
        if without_origin and ALLOW_ORIGIN not in response.headers:
            response.headers.extend(without_origin)
        return response

    return cors_headers
