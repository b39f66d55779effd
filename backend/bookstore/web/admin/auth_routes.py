"""Enrolment, sign-in, the session, sign-out (here or everywhere) and the activity log.

Thin: parse the body, call bookstore.owners, shape the answer. The guard in __init__.py has
already checked the Origin of every change, and the session and CSRF token of every route
but the public ones.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from pydantic import ValidationError

from bookstore.api_error import ApiError
from bookstore.owners import activity, enrolment, sessions, totp
from bookstore.owners.clock import owner_clock
from bookstore.owners.sign_in import Client, SignInFailed, sign_in
from bookstore.request_bodies import parse_body
from bookstore.web.admin import admin_bp, current_owner, current_session
from bookstore.web.admin.schemas import (
    ActivityQuery,
    AuthenticatorResponse,
    EnrolmentFinishRequest,
    EnrolmentStartRequest,
    RecoveryCodesResponse,
    SessionsEndedResponse,
    SignedOutResponse,
    SignInRequest,
    activity_json,
    iso_utc,
    session_json,
)
from bookstore.web.admin.session_cookie import (
    SESSION_COOKIE,
    clear_session_cookie,
    set_session_cookie,
)
from bookstore.web.clients import client_key


@admin_bp.post("/enrolment/start")
def enrolment_start() -> Response:
    """The authenticator app's secret, as a QR code and as text, for a valid enrolment link."""
    body = parse_body(EnrolmentStartRequest)
    setup = enrolment.start_enrolment(body.token, owner_clock())
    return jsonify(
        AuthenticatorResponse(
            email=setup.email,
            secret=setup.secret,
            otpauth_uri=setup.uri,
            qr_svg=setup.qr_svg,
            digits=totp.DIGITS,
            period=totp.STEP_SECONDS,
            link_expires_at=iso_utc(setup.link_expires_at),
        ).model_dump(mode="json")
    )


@admin_bp.post("/enrolment/finish")
def enrolment_finish() -> Response:
    """Set the password, confirm the app with a code, use up the link: the recovery codes."""
    body = parse_body(EnrolmentFinishRequest)
    codes = enrolment.finish_enrolment(
        body.token, body.password, body.code, owner_clock(), request.remote_addr
    )
    return jsonify(RecoveryCodesResponse(recovery_codes=codes).model_dump(mode="json"))


@admin_bp.post("/session")
def create_session() -> Response:
    """Sign in: a new session in a new cookie, whatever cookie the browser sent."""
    body = parse_body(SignInRequest)
    now = owner_clock()
    client = Client(address=request.remote_addr, key=client_key(request.remote_addr))
    try:
        token, session = sign_in(
            body.email,
            body.password,
            body.code,
            client=client,
            now=now,
            replacing=request.cookies.get(SESSION_COOKIE),
        )
    except SignInFailed as failed:
        raise ApiError(401, failed.code, failed.message) from None
    response = jsonify(session_json(session))
    set_session_cookie(response, token, sessions.expires_at(session))
    return response


@admin_bp.get("/session")
def read_session() -> Response:
    """The current session and its CSRF token (how the dashboard learns it after a reload)."""
    return jsonify(session_json(current_session()))


@admin_bp.delete("/session")
def delete_session() -> Response:
    """Sign out: the session ends on the server, and the cookie goes."""
    sessions.sign_out(current_session(), request.remote_addr, owner_clock())
    response = jsonify(SignedOutResponse(signed_out=True).model_dump(mode="json"))
    clear_session_cookie(response)
    return response


@admin_bp.post("/sessions/revoke-all")
def revoke_all_sessions() -> Response:
    """Sign out everywhere: every session of the owner ends, this one too."""
    ended = sessions.sign_out_everywhere(current_owner(), request.remote_addr, owner_clock())
    response = jsonify(SessionsEndedResponse(sessions_ended=ended).model_dump(mode="json"))
    clear_session_cookie(response)
    return response


@admin_bp.get("/activity")
def list_activity() -> Response:
    """A page of the activity log, newest first; `before` pages back."""
    try:
        query = ActivityQuery.model_validate(request.args.to_dict())
    except ValidationError as error:
        details = [
            {"field": ".".join(str(part) for part in issue["loc"]), "message": issue["msg"]}
            for issue in error.errors(include_url=False, include_input=False)
        ]
        raise ApiError(400, "validation_error", "The query is not valid.", details) from None
    # One more than asked for tells whether there is an older page.
    entries = activity.newest(query.limit + 1, query.before)
    page = entries[: query.limit]
    next_before = page[-1].id if len(entries) > query.limit else None
    return jsonify(activity_json(page, next_before))
