"""The owners' dashboard API, /api/admin: one blueprint, and one door into it.

Every route on `admin_bp` is behind `_guard`, which runs before each request:

- a change (any method but GET, HEAD and OPTIONS) must come from one of the shop's own pages:
  its Origin header is one of FRONTEND_ORIGIN's, else 403 `origin_not_allowed`;
- the request must carry the cookie of an active session, else 401 `not_signed_in`;
- a change must carry the session's CSRF token in X-CSRF-Token, else 403 `csrf_failed`.

Only the endpoints in PUBLIC_ENDPOINTS (enrolment and sign-in, which cannot have a session
yet) skip the last two checks; the Origin check applies to them too. A route added to the
blueprint is guarded without a word: `current_owner()` is the signed-in owner, and
`record_owner_action` writes the activity log. Answers are never cached (no-store).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, g, request

from bookstore.api_error import ApiError
from bookstore.config import current_settings
from bookstore.owners.activity import record
from bookstore.owners.clock import owner_clock
from bookstore.owners.models import Owner, OwnerSession
from bookstore.owners.sessions import active_session
from bookstore.web.admin.session_cookie import SESSION_COOKIE, clear_session_cookie

admin_bp = Blueprint("admin", __name__, url_prefix="/api/admin")

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The only endpoints open without a session: nobody has one before enrolling or signing in.
PUBLIC_ENDPOINTS = frozenset(
    {"admin.enrolment_start", "admin.enrolment_finish", "admin.create_session"}
)


@admin_bp.before_request
def _guard() -> None:
    """Let the request through only as the module's docstring says."""
    if request.method == "OPTIONS":
        return  # a CORS preflight: no view runs, and browsers send no cookie with it
    is_change = request.method not in SAFE_METHODS
    if is_change and request.headers.get("Origin") not in current_settings().frontend_origins:
        raise ApiError(
            403, "origin_not_allowed", "Changes are only accepted from the shop's own pages."
        )
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    token = request.cookies.get(SESSION_COOKIE)
    session = active_session(token, owner_clock()) if token else None
    if session is None:
        # An ended or unknown session's cookie is of no more use: the browser may drop it.
        g.owner_clear_cookie = token is not None
        raise ApiError(401, "not_signed_in", "Sign in to continue.")
    if is_change:
        given = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(given.encode(), session.csrf_token.encode()):
            raise ApiError(
                403,
                "csrf_failed",
                "This request did not carry the session's CSRF token: reload the page.",
            )
    g.owner_session = session


@admin_bp.after_request
def _never_cached(response: Response) -> Response:
    """No browser or proxy keeps an answer about owners; an ended session's cookie goes."""
    response.headers["Cache-Control"] = "no-store"
    if g.get("owner_clear_cookie"):
        clear_session_cookie(response)
    return response


def current_session() -> OwnerSession:
    """The session of the request the guard let through (only inside a guarded route)."""
    session: OwnerSession | None = g.get("owner_session")
    if session is None:
        raise RuntimeError("current_session() is only known inside a guarded /api/admin route")
    return session


def current_owner() -> Owner:
    """The signed-in owner making this request (only inside a guarded route)."""
    return current_session().owner


def record_owner_action(action: str, detail: str = "") -> None:
    """Add an activity entry for the signed-in owner's action to the route's transaction
    (written when the route commits its change)."""
    record(
        action,
        at=owner_clock(),
        owner=current_owner(),
        client_address=request.remote_addr,
        detail=detail,
    )


# The routes attach themselves to admin_bp when imported: last, once admin_bp and the
# helpers they use exist (Flask's pattern for a blueprint split over modules).
from bookstore.web.admin import auth_routes as auth_routes  # noqa: E402
from bookstore.web.admin import orders_routes as orders_routes  # noqa: E402
from bookstore.web.admin import refund_routes as refund_routes  # noqa: E402
from bookstore.web.admin import stock_routes as stock_routes  # noqa: E402
