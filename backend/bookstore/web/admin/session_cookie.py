"""The owner's session cookie: `__Host-owner_session`, Secure, HttpOnly, SameSite=Strict.

The __Host- prefix makes browsers refuse the cookie unless it is Secure, has Path=/ and no
Domain, so no other host (a subdomain) can set or overwrite it. HttpOnly keeps it from
scripts; SameSite=Strict keeps it off requests other sites start.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response

SESSION_COOKIE = "__Host-owner_session"


def set_session_cookie(response: Response, token: str, expires: datetime) -> None:
    """Give the browser the session id, until the session's absolute expiry."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        expires=expires,
        path="/",
        secure=True,
        httponly=True,
        samesite="Strict",
    )


def clear_session_cookie(response: Response) -> None:
    """Tell the browser to drop the cookie (same attributes, or it would not match)."""
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="Strict")
