"""Orders for the tests of the dashboard's orders API, made the real way, and a signed-in owner.

shop = demo_shop(settings, tmp_path)          # demo mode, emails as .eml files
admin = signed_in_owner(shop)                 # a browser signed in as an owner
number = demo_order(shop, email="...")        # paid with a test card (the worker ran)
admin.client.get("/api/admin/orders")         # reads
admin.change("POST", f"/orders/{number}/notes", {"text": "..."})   # changes
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from checkout_requests import confirmed, demo_token, pay
from flask import Flask
from owner_support import SignedIn, enrolled_owner, signed_in, use_clock
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from bookstore import create_app
from bookstore.config import Settings
from bookstore.db import db
from bookstore.notifications.outbox import OutboxMessage
from bookstore.orders.models import Order, find_order_by_number
from bookstore.owners.models import Activity
from bookstore.worker.lanes import run_everything_due

BOOM = "boom"  # 30.00 USD, plenty of copies
_carts = itertools.count(1)


def demo_shop(settings: Settings, tmp_path: Path) -> Flask:
    """The app in demo mode, its emails written as .eml files under tmp_path/mail."""
    app = create_app(settings.replace(mail_dir=tmp_path / "mail"))
    app.config["TESTING"] = True
    return app


def signed_in_owner(app: Flask) -> SignedIn:
    """A browser signed in as a freshly enrolled owner (on a clock the test could move)."""
    clock = use_clock(app)
    return signed_in(app, enrolled_owner(app, clock), clock)


def demo_order(
    app: Flask,
    cart: Mapping[str, int] | None = None,
    *,
    email: str = "ada@example.com",
    paid: bool = True,
) -> str:
    """An order placed at Pay; paid with a test card (and the worker run) unless paid=False.
    Its number."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"192.0.2.{next(_carts) % 250 + 1}"  # no hold cap
    extra: dict[str, Any] = {"email": email, "deliveryMethod": "express"}
    if paid:
        extra.update(confirmed(demo_token(client)))
    response = pay(client, cart or {BOOM: 1}, f"admin-orders-cart-{next(_carts):06d}", **extra)
    assert response.status_code == 200, response.get_json()
    if paid:
        run_worker(app)
    number: str = response.get_json()["orderNumber"]
    return number


def run_worker(app: Flask) -> int:
    """Do what the worker process would do now (demo events, refunds, emails), here."""
    with app.app_context():
        return run_everything_due()


def order_of(app: Flask, number: str) -> Order:
    """The order as committed, detached, with its lines and history."""
    with app.app_context():
        order = find_order_by_number(number)
        assert order is not None
        _ = order.lines, order.history
        db.session.expunge(order)
        return order


def created_at(app: Flask, number: str, when: datetime) -> None:
    """Date the order as if it had been placed then."""
    with app.app_context():
        db.session.execute(update(Order).where(Order.number == number).values(created_at=when))
        db.session.commit()


def outbox(app: Flask, number: str, kind: str) -> list[OutboxMessage]:
    """The order's emails of this kind in the outbox, detached."""
    with app.app_context():
        order_id = order_of(app, number).id
        rows = list(
            db.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.order_id == order_id, OutboxMessage.kind == kind
                )
            )
        )
        db.session.expunge_all()
        return rows


def activity_count(app: Flask) -> int:
    """Entries in the owners' activity log."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Activity)) or 0


def assert_error(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    """The status, and the one error shape with this code; its `error` object."""
    assert response.status_code == status, (response.status_code, response.get_data(True))
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error
