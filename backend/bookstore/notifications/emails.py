"""What the shop emails its customers, from the templates in templates/email/.

Called inside the transaction that pays or refunds an order: the email is rendered and put in
the outbox there, and bookstore.notifications.outbox sends it once that transaction has
committed. An order is read through OrderForEmail, the fields the emails show, so the orders
area hands its Order in without this area depending on it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Literal, Protocol

from flask import Blueprint, Flask, render_template

from bookstore.addresses import parcel_lines
from bookstore.config import current_settings
from bookstore.delivery import describe_delivery
from bookstore.money import format_amount
from bookstore.notifications.outbox import Email, is_queued, queue

EmailKind = Literal["confirmation", "refund", "shipped"]
SHOP_NAME = "Stripe Press"

# No routes: it lends the app's render_template this area's templates (templates/email/).
templates = Blueprint("emails", __name__, template_folder="templates")


class LineForEmail(Protocol):
    """What an email shows of an order line."""

    title: str
    quantity: int
    unit_amount: int
    line_total: int


class OrderForEmail(Protocol):
    """What an email shows of an order (bookstore.orders.models.Order has all of it)."""

    id: int
    number: str
    email: str | None
    currency: str
    subtotal: int
    shipping_amount: int
    tax_amount: int
    amount: int
    paid_amount: int | None
    delivery_method: str | None
    delivery_min_days: int | None
    delivery_max_days: int | None
    payment_method: str | None
    refund_cause: str | None

    # Read-only, so that an Order's list of lines and dict of address fields match them.
    @property
    def lines(self) -> Sequence[LineForEmail]: ...
    @property
    def shipping_address(self) -> Mapping[str, str | None] | None: ...


@dataclass(frozen=True)
class LineView:
    """One line of the order, formatted for people."""

    title: str
    quantity: int
    unit_amount: str
    line_total: str


def init_emails(app: Flask) -> None:
    """Let the app render the emails' templates."""
    app.register_blueprint(templates)


def queue_confirmation(order: OrderForEmail) -> bool:
    """Queue the order's confirmation (once per order); False when there is none to send."""
    return _queue(order, "confirmation", f"Your {SHOP_NAME} order {order.number}")


def queue_refund_notice(order: OrderForEmail, amount: int | None = None) -> bool:
    """Queue the email saying the order was refunded (once per order), stating `amount`, what
    its refund gave back (None: all that was paid); False if none."""
    subject = f"Your {SHOP_NAME} order {order.number} was refunded"
    return _queue_refund(order, "refund", subject, amount, [])


def queue_partial_refund_notice(
    order: OrderForEmail, refund_id: int, amount: int, covers: Sequence[str]
) -> bool:
    """Queue the email stating what one partial refund gave back and for what (once per
    refund: its kind is "refund-<id>"); False if none."""
    subject = f"Part of your {SHOP_NAME} order {order.number} was refunded"
    return _queue_refund(order, f"refund-{refund_id}", subject, amount, covers)


def queue_shipped_notice(
    order: OrderForEmail, *, carrier: str | None, tracking_number: str, tracking_url: str | None
) -> bool:
    """Queue the "on their way" email with the parcel's tracking (once per order); False if
    none. `carrier` is None for one the shop has no name or link for."""
    parcel = {"carrier": carrier, "tracking_number": tracking_number, "tracking_url": tracking_url}
    return _queue(
        order, "shipped", f"Your books are on their way: {SHOP_NAME} order {order.number}", parcel
    )


def _queue(
    order: OrderForEmail,
    kind: EmailKind,
    subject: str,
    extra: Mapping[str, object] | None = None,
) -> bool:
    """Render the email and add it to the outbox in the caller's transaction."""
    if not order.email or is_queued(order.id, kind):
        return False
    context = {**_context(order), **(extra or {})}
    queue(
        order.id,
        kind,
        Email(
            recipient=order.email,
            subject=subject,
            # .txt is rendered as it is; .html with autoescaping (Flask's default for .html).
            text=render_template(f"email/{kind}.txt", **context),
            html=render_template(f"email/{kind}.html", **context),
            message_id=_message_id(kind, order),
        ),
    )
    return True


def _queue_refund(
    order: OrderForEmail, kind: str, subject: str, amount: int | None, covers: Sequence[str]
) -> bool:
    """Render a refund email (templates/email/refund.*) and add it to the outbox as `kind`."""
    if not order.email or is_queued(order.id, kind):
        return False
    context = _context(order)
    if amount is not None:
        context["refunded"] = format_amount(amount, order.currency)
    context["partial"] = kind != "refund"
    context["covers"] = list(covers)
    queue(
        order.id,
        kind,
        Email(
            recipient=order.email,
            subject=subject,
            text=render_template("email/refund.txt", **context),
            html=render_template("email/refund.html", **context),
            message_id=_message_id(kind, order),
        ),
    )
    return True


def _context(order: OrderForEmail) -> dict[str, object]:
    """Everything the templates show, formatted: they only lay it out."""

    def money(amount: int) -> str:
        return format_amount(amount, order.currency)

    address = order.shipping_address or {}
    refunded = order.paid_amount if order.paid_amount is not None else order.amount
    return {
        "shop": SHOP_NAME,
        "number": order.number,
        "name": address.get("name") or "",
        "lines": [
            LineView(line.title, line.quantity, money(line.unit_amount), money(line.line_total))
            for line in order.lines
        ],
        "subtotal": money(order.subtotal),
        "shipping": money(order.shipping_amount),
        "tax": money(order.tax_amount),
        "total": money(order.amount),
        "refunded": money(refunded),
        "address_lines": parcel_lines(address),
        "delivery": describe_delivery(
            order.delivery_method, order.delivery_min_days, order.delivery_max_days
        ),
        "payment_method": order.payment_method,
        # Paid for copies that had gone by the time the money came: nothing will be sent.
        "sold_out": order.refund_cause == "sold_out",
    }


def _message_id(kind: str, order: OrderForEmail) -> str:
    """A Message-ID of its own, kept for every attempt: <confirmation.SP-7K3M9Q.x@domain>."""
    domain = parseaddr(current_settings().mail_from)[1].rpartition("@")[2] or "localhost"
    return f"<{kind}.{order.number}.{secrets.token_hex(8)}@{domain}>"
