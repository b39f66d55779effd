"""The /api/admin operations of the OpenAPI document (bookstore.web.openapi lists them).

Routes added to admin_bp are documented here too; test_openapi checks that every route is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bookstore.orders.admin_queries import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from bookstore.orders.models import OrderStatus
from bookstore.owners.passwords import MAX_LENGTH, MIN_LENGTH
from bookstore.web.admin import CSRF_HEADER
from bookstore.web.admin import order_schemas as o
from bookstore.web.admin import schemas as s
from bookstore.web.admin.session_cookie import SESSION_COOKIE
from bookstore.web.openapi import ERRORS, Method, Operation, path_parameter

TAG = "admin"
# The largest activity id (PostgreSQL's integer), as the query's schema refuses past it.
ACTIVITY_ID_MAX = 2**31 - 1
BODY = (400, 413, 415)
E401 = (
    "`not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours "
    "after sign-in, signed out, or the owner was reset)."
)
E403_ORIGIN = "`origin_not_allowed`: the Origin header is not one of the shop's own."
E403 = E403_ORIGIN + " Or `csrf_failed`: X-CSRF-Token is not the session's `csrfToken`."

SESSION_PARAMETER: Mapping[str, Any] = {
    "name": SESSION_COOKIE,
    "in": "cookie",
    "required": True,
    "description": "The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the "
    "browser sends it by itself.",
    "schema": {"type": "string"},
}
CSRF_PARAMETER: Mapping[str, Any] = {
    "name": CSRF_HEADER,
    "in": "header",
    "required": True,
    "description": "The session's `csrfToken` (from POST or GET /api/admin/session).",
    "schema": {"type": "string"},
}

ORDER_404 = "`not_found`: no order has that number."
ORDER_NUMBER = path_parameter(
    "number", "The order number, e.g. SP-7K3M9Q (any case; spaces are ignored)."
)
ORDERS_QUERY: tuple[Mapping[str, Any], ...] = (
    {
        "name": "q",
        "in": "query",
        "required": False,
        "description": "An order number or part of one (any case, with or without SP-), or "
        "part of the email (any case).",
        "schema": {"type": "string", "maxLength": o.MAX_SEARCH},
    },
    {
        "name": "status",
        "in": "query",
        "required": False,
        "description": "Only orders in this status.",
        "schema": {"type": "string", "enum": [status.value for status in OrderStatus]},
    },
    {
        "name": "from",
        "in": "query",
        "required": False,
        "description": "Only orders created on or after this day (UTC).",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "to",
        "in": "query",
        "required": False,
        "description": "Only orders created on or before this day (UTC).",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "Which page, from 1.",
        "schema": {"type": "integer", "minimum": 1, "maximum": o.MAX_PAGE, "default": 1},
    },
    {
        "name": "pageSize",
        "in": "query",
        "required": False,
        "description": "Orders per page.",
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PAGE_SIZE,
            "default": DEFAULT_PAGE_SIZE,
        },
    },
)


def _errors(*statuses: int, **overrides: str) -> dict[int, str]:
    """The standard descriptions of `statuses`, with `e401="..."` style overrides."""
    table = {status: ERRORS[status] for status in statuses}
    table.update({int(key[1:]): text for key, text in overrides.items()})
    return table


def _guarded(method: Method, path: str, summary: str, response: Any, **more: Any) -> Operation:
    """An operation behind the guard: a session always, Origin and CSRF token for changes."""
    errors: dict[int, str] = {401: E401, **more.pop("errors", {})}
    parameters: tuple[Mapping[str, Any], ...] = (SESSION_PARAMETER, *more.pop("parameters", ()))
    if method != "get":
        errors[403] = E403
        parameters = (*parameters, CSRF_PARAMETER)
    return Operation(
        method, path, summary, response, errors, parameters=parameters, tag=TAG, **more
    )


ADMIN_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "post",
        "/api/admin/enrolment/start",
        "Set up the authenticator app: its secret, as a QR code and as text",
        s.AuthenticatorResponse,
        _errors(
            *BODY,
            e400="`invalid_json`, `validation_error`, or `enrolment_link_invalid` (unknown, "
            "used or expired link: links last 30 minutes).",
            e403=E403_ORIGIN,
        ),
        body=s.EnrolmentStartRequest,
        description="Public (no session yet). The token is the enrolment link's fragment "
        "(`/admin/enrol#token=...`, printed by `flask owners add` or `owners reset`). The "
        "secret is made at the link's first use and is the same at every reload.",
        tag=TAG,
    ),
    Operation(
        "post",
        "/api/admin/enrolment/finish",
        "Choose the password and confirm the app with a code: the recovery codes, once",
        s.RecoveryCodesResponse,
        _errors(
            *BODY,
            e400="`invalid_json`, `validation_error`, `enrolment_link_invalid`, "
            f"`password_too_short` (under {MIN_LENGTH} characters), `password_too_long` "
            f"(over {MAX_LENGTH}), `common_password`, `password_guessable` (holds the shop's "
            "name or the owner's email), or `wrong_code`.",
            e403=E403_ORIGIN,
        ),
        body=s.EnrolmentFinishRequest,
        description="Public (no session yet). Uses up the link. Does not sign in: sign in "
        "next, with the app's next code (each code works once).",
        tag=TAG,
    ),
    Operation(
        "post",
        "/api/admin/session",
        "Sign in with email, password and a code from the app (or a recovery code)",
        s.SessionResponse,
        _errors(
            *BODY,
            429,
            e401="`sign_in_failed`: the same answer for an unknown email, a wrong password, "
            "and a wrong, old or already used code.",
            e403=E403_ORIGIN,
            e429="`sign_in_throttled`: too many failed sign-ins from this connection (at this "
            "email, or in all); see `Retry-After`. Other connections are not affected.",
        ),
        body=s.SignInRequest,
        description="Public. Sets a new `__Host-owner_session` cookie (a new id every time; "
        "any session the browser had ends). Keep `csrfToken` for the changes to come.",
        tag=TAG,
    ),
    _guarded(
        "get",
        "/api/admin/session",
        "The current session and its CSRF token (after a reload)",
        s.SessionResponse,
    ),
    _guarded("delete", "/api/admin/session", "Sign out: end this session", s.SignedOutResponse),
    _guarded(
        "post",
        "/api/admin/sessions/revoke-all",
        "Sign out everywhere: end every session of this owner",
        s.SessionsEndedResponse,
    ),
    _guarded(
        "get",
        "/api/admin/activity",
        "The activity log, newest first, a page at a time",
        s.ActivityResponse,
        errors={400: "`validation_error`: `before` or `limit` is not valid."},
        parameters=(
            {
                "name": "before",
                "in": "query",
                "required": False,
                "description": "Only entries older than this id (`nextBefore` of a page).",
                "schema": {"type": "integer", "minimum": 1, "maximum": ACTIVITY_ID_MAX},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": "Entries per page.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": s.MAX_ACTIVITY_PAGE,
                    "default": s.DEFAULT_ACTIVITY_PAGE,
                },
            },
        ),
    ),
    _guarded(
        "get",
        "/api/admin/orders",
        "The orders, newest first, a page at a time: searched and filtered",
        o.OrderListResponse,
        errors={400: "`validation_error`: a query parameter is not valid (`from` after `to` too)."},
        parameters=ORDERS_QUERY,
    ),
    _guarded(
        "get",
        "/api/admin/orders/{number}",
        "One order: everything `flask orders show` prints, its shipment and its timeline",
        o.OrderViewResponse,
        errors=_errors(404, e404=ORDER_404),
        parameters=(ORDER_NUMBER,),
    ),
    _guarded(
        "post",
        "/api/admin/orders/{number}/shipment",
        "Mark a paid order shipped: the customer is emailed the tracking link, once",
        o.OrderViewResponse,
        errors=_errors(
            *BODY,
            404,
            409,
            e400="`invalid_json`, `validation_error` (carrier or tracking number).",
            e404=ORDER_404,
            e409="`not_paid`: only a paid order ships; `already_shipped`.",
        ),
        body=o.ShipmentRequest,
        parameters=(ORDER_NUMBER,),
        description='Answers the order as it is now. The "Your books are on their way" '
        'email goes through the outbox (the worker sends it). "Find your order" shows the '
        "shipment from now on.",
    ),
    _guarded(
        "post",
        "/api/admin/orders/{number}/notes",
        "Add an internal note to the order's timeline",
        o.OrderViewResponse,
        errors=_errors(
            *BODY,
            404,
            e400="`invalid_json`, `validation_error` (empty, or over 500 characters).",
            e404=ORDER_404,
        ),
        body=o.NoteRequest,
        parameters=(ORDER_NUMBER,),
        description="Signed with the owner's email; never shown to the customer.",
    ),
    _guarded(
        "post",
        "/api/admin/orders/{number}/resolve",
        "Settle an order under review: accept its payment, or refund it in full",
        o.OrderViewResponse,
        errors=_errors(
            *BODY,
            404,
            409,
            e404=ORDER_404,
            e409="`not_under_review`; `insufficient_stock` (accepting it needs copies that "
            "are gone: `details.items`; refund it instead); `wrong_gateway` (paid through "
            "another gateway than this server runs).",
        ),
        body=o.ResolveRequest,
        parameters=(ORDER_NUMBER,),
        description="`paid` takes its copies off the shelf, marks it paid and queues its "
        "confirmation email. `refund` asks for a full refund with its copies back on the "
        "shelf: the order is `refunding` until the gateway's charge.refunded event.",
    ),
)
