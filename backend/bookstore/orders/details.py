"""`flask --app bookstore orders show NUMBER`: one order, its money, payment, refund and history."""

from __future__ import annotations

from datetime import datetime

from bookstore.addresses import parcel_lines
from bookstore.db import utcnow
from bookstore.delivery import describe_delivery
from bookstore.jobs.alerts import active_alerts
from bookstore.jobs.claims import QueueStatus
from bookstore.jobs.queue import dead_jobs_for, jobs
from bookstore.money import format_amount
from bookstore.notifications.outbox import OutboxStatus, messages
from bookstore.orders.fulfilment import INCOMPLETE_ORDER
from bookstore.orders.holds import hold_is_active
from bookstore.orders.models import Order, OrderStatus, orders_owing_refund
from bookstore.orders.shipping import shipment_of

S = OrderStatus


def order_details(order: Order) -> list[str]:
    """`orders show`: the order's fields, lines, money, payment, refund and history."""
    money = money_text
    rows: list[tuple[str, str]] = [
        ("Status", order.status),
        ("Mode", order.gateway or "?"),
        ("PaymentIntent", order.payment_intent_id or "-"),
        ("Email", order.email or "-"),
        ("Created", when_text(order.created_at)),
    ]
    lines = [f"Order {order.number}"]
    lines += _rows(rows)
    stored = order.shipping_address or {}
    phone = stored.get("phone")
    address = parcel_lines(stored) + ([phone] if phone else [])
    lines += _rows([("Ship to", address[0] if address else "-")])
    lines += [f"  {'':<16}{part}" for part in address[1:]]
    delivery = describe_delivery(
        order.delivery_method, order.delivery_min_days, order.delivery_max_days
    )
    lines += _rows([("Delivery", delivery or "-")])
    lines.append("Lines")
    if not order.lines:
        lines.append("  (none)")
    for line in order.lines:
        lines.append(
            f"  {line.quantity} x {line.title} ({line.book_id}) at "
            f"{money(order, line.unit_amount)}: {money(order, line.line_total)}"
        )
    paid = "-"
    if order.paid_amount is not None:
        paid = f"{money(order, order.paid_amount)} at {when_text(order.paid_at)}"
        if order.paid_amount != order.amount:
            paid += " (not the order's total)"
    if order.held_until is None:
        held = "-"
    else:
        active = "holding" if hold_is_active(order, utcnow()) else "expired"
        held = f"{when_text(order.held_until)} ({active})"
    lines += _rows(
        [
            ("Subtotal", money(order, order.subtotal)),
            ("Shipping", money(order, order.shipping_amount)),
            ("Tax", money(order, order.tax_amount)),
            ("Total", money(order, order.amount)),
            ("Paid", paid),
            ("Payment method", order.payment_method or "-"),
            ("Held until", held),
            ("Stock taken", "yes" if order.stock_taken else "no"),
        ]
    )
    shipment = shipment_of(order.id)
    if shipment is not None:
        parcel = f"{shipment.carrier} {shipment.tracking_number}"
        lines += _rows([("Shipped", f"{when_text(shipment.shipped_at)}, {parcel}")])
        if shipment.tracking_url:
            lines.append(f"  {'':<16}{shipment.tracking_url}")
    if order.refund_cause is not None or order.refund_requested_at is not None:
        lines.append("Refund")
        not_sent = "not sent yet" if order.status == S.REFUNDING else "-"
        lines += _rows(
            [
                ("Cause", order.refund_cause or "-"),
                ("Note", order.refund_note or "-"),
                ("Requested", when_text(order.refund_requested_at)),
                ("Refund id", order.refund_id or not_sent),
            ]
        )
        if order.refund_error:
            lines += _rows([("Not refunded", order.refund_error)])
            lines.append(
                f"  {'':<16}Try again: flask --app bookstore orders refund {order.number}; or, "
                "if the money went back another way: ... orders refund "
                f"{order.number} --returned-another-way 'how'"
            )
    if order.failure_message:
        lines += _rows([("Failure", order.failure_message)])
    if order.status == S.REVIEW:
        lines += _rows([("Review", review_reason(order))])
    for job in dead_jobs_for(order.id):
        lines += _rows([("Dead job", f"{job.id} ({job.kind}): {job.last_error or '-'}")])
    lines.append("History (UTC, oldest first)")
    if not order.history:
        lines.append("  (none)")
    for event in order.history:
        lines.append(f"  {event.at:%Y-%m-%d %H:%M:%S}  {event.kind:<26}  {event.detail}".rstrip())
    return lines


def attention_lines(limit: int = 20) -> list[str]:
    """What the owner must act on, above the orders list: alerts, refunds not made, work the
    worker gave up on. Nothing when all is well."""
    lines = [
        f"!! {alert.message} (since {when_text(alert.raised_at)})" for alert in active_alerts()
    ]
    for order in orders_owing_refund(limit):
        lines.append(
            f"!! Order {order.number} is not refunded: {order.refund_error}. "
            f"See `orders show {order.number}`."
        )
    dead = len(jobs(QueueStatus.DEAD, limit))
    failed_emails = len(messages(OutboxStatus.FAILED, limit))
    if dead or failed_emails:
        lines.append(
            f"!! The worker gave up on {dead} job(s) and {failed_emails} email(s): "
            "see `flask --app bookstore outbox list --status dead`, then `outbox retry`."
        )
    return lines + ([""] if lines else [])


def review_reason(order: Order) -> str:
    """Why the order waits for the owner: paid without its details, or not its total."""
    reasons = [event.detail for event in order.history if event.kind == INCOMPLETE_ORDER]
    if order.paid_amount is not None and order.paid_amount != order.amount:
        received, total = money_text(order, order.paid_amount), money_text(order, order.amount)
        reasons.append(f"paid {received} for an order of {total}")
    return "; ".join(reasons) or "-"


def _rows(rows: list[tuple[str, str]]) -> list[str]:
    """Label-value lines, the values in one column."""
    return [f"  {label:<16}{value}" for label, value in rows]


def money_text(order: Order, amount: int | None) -> str:
    """An amount in the order's currency, or "-"."""
    return "-" if amount is None else format_amount(amount, order.currency)


def when_text(at: datetime | None) -> str:
    """A timestamp in UTC, to the second, or "-"."""
    return "-" if at is None else f"{at:%Y-%m-%d %H:%M:%S} UTC"
