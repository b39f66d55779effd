"""Probes for load balancers and orchestrators: is the process up, can it serve shoppers."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bookstore.api_error import ApiError
from bookstore.config import Settings, current_settings
from bookstore.db import db
from bookstore.jobs.alerts import PAYMENT_SETUP, active_alerts

bp = Blueprint("health", __name__)

OK = "ok"


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers HTTP. Touches nothing else, so it cannot fail on them."""
    return _no_store(jsonify(status=OK))


@bp.get("/readyz")
def readyz() -> Response:
    """Readiness: the database answers and the payment settings are complete and were not
    refused by the provider; else 503."""
    database = _database_check()
    payments = _payments_check(current_settings())
    if database == OK and payments == OK:
        payments = _payment_setup_alert()
    checks = {"database": database, "payments": payments}
    if any(result != OK for result in checks.values()):
        raise ApiError(503, "not_ready", "This server cannot serve shoppers yet.", checks)
    return _no_store(jsonify(status="ready", checks=checks))


def _database_check() -> str:
    """`SELECT 1` on the app's database."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        # The driver's message can name hosts and users: it goes to the log, not the client.
        current_app.logger.warning("readiness: the database did not answer: %s", error)
        db.session.rollback()
        return "the database did not answer"
    return OK


def _payments_check(settings: Settings) -> str:
    """Stripe mode needs the webhook secret, or paid orders are never marked paid.

    Stripe itself is not called: a probe that fails whenever Stripe is slow would take every
    server out of the load balancer at once, and checkout already reports Stripe outages.
    """
    if settings.mode == "stripe" and not settings.stripe_webhook_secret:
        return "STRIPE_WEBHOOK_SECRET is not set"
    return OK


def _payment_setup_alert() -> str:
    """What any process (the worker sending a refund, say) found wrong with the payment
    provider's key, until a later call succeeds: the owner must fix it."""
    try:
        alerts = [alert for alert in active_alerts() if alert.name == PAYMENT_SETUP]
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness: could not read alerts: %s", type(error).__name__)
        db.session.rollback()
        return "the alerts could not be read"
    return alerts[0].message if alerts else OK


def _no_store(response: Response) -> Response:
    """A probe's answer is only true now: no cache may keep it."""
    response.headers["Cache-Control"] = "no-store"
    return response
