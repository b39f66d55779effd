"""`flask --app bookstore orders [list|show|refund|resolve|ship|note|send-refunds]`: orders.

Listing and showing only read. A refund is asked for in one transaction (the order's row
locked, as the webhook locks it), which queues it for the worker; the command then sends it at
once itself, under the same idempotency key (refunds.py), to show the gateway's answer. The
order becomes `refunded` only when the gateway's charge.refunded event arrives through the
webhook, as payments do. `orders show` is laid out by details.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import click
from flask.cli import AppGroup
from sqlalchemy import select

from bookstore.catalogue.stock import InsufficientStock
from bookstore.db import db, lock_for_write
from bookstore.domain_errors import DomainError
from bookstore.jobs.queue import RetryLater, run_due
from bookstore.money import format_amount
from bookstore.orders.details import attention_lines, money_text, order_details, when_text
from bookstore.orders.models import (
    Order,
    OrderStatus,
    find_order_by_number,
    orders_with_status,
)
from bookstore.orders.notes import add_note
from bookstore.orders.partial_refund_cli import RefundLine, refund_part
from bookstore.orders.partial_refund_outcomes import PARTIAL_REFUND_KIND
from bookstore.orders.partial_refunds import counted_amount
from bookstore.orders.refunds import (
    ALREADY_REFUNDED,
    REFUND_KIND,
    refund_key,
    request_refund,
    retry_refund,
    returned_another_way,
    send_refund,
)
from bookstore.orders.review import resolve_paid
from bookstore.orders.shipping import CARRIER_NAMES, OTHER, mark_shipped
from bookstore.payments import current_gateway

# How long `orders refund` waits for the charge.refunded event, and how often it looks.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.25

S = OrderStatus
# What `orders refund` refunds: paid, under review, or refunding with its refund not sent yet.
_REFUNDABLE = frozenset({S.PAID, S.REVIEW, S.REFUNDING, S.PARTIALLY_REFUNDED})
F = TypeVar("F", bound=Callable[..., object])


def _list_options(command: F) -> F:
    """The options of the list: `orders` and `orders list` take the same ones."""
    status = click.option(
        "--status",
        type=click.Choice([status.value for status in OrderStatus]),
        help="Only the orders in this status.",
    )
    limit = click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
    return status(limit(command))


@click.group("orders", cls=AppGroup, invoke_without_command=True)
@_list_options
@click.pass_context
def orders_group(ctx: click.Context, status: str | None, limit: int) -> None:
    """Orders: list the newest (with no command), show one, refund one, resolve a review."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_command, status=status, limit=limit)


@orders_group.command("list")
@_list_options
def list_command(status: str | None, limit: int) -> None:
    """The newest orders first: status, amount, mode (gateway), PaymentIntent."""
    for line in attention_lines():
        click.echo(line)
    orders = orders_with_status(None if status is None else OrderStatus(status), limit)
    if not orders:
        click.echo("No orders yet." if status is None else f"No {status} orders.")
        return
    click.echo(
        f"{'NUMBER':<9}  {'STATUS':<10}  {'AMOUNT':>12}  {'MODE':<11}  "
        f"{'PAYMENT INTENT':<32}  CREATED (UTC)"
    )
    for order in orders:
        # The gateway that holds the PaymentIntent: demo, stripe_test or stripe_live.
        click.echo(
            f"{order.number:<9}  {order.status:<10}  "
            f"{format_amount(order.amount, order.currency):>12}  {order.gateway or '?':<11}  "
            f"{order.payment_intent_id or '-':<32}  {order.created_at:%Y-%m-%d %H:%M:%S}"
        )


@orders_group.command("show")
@click.argument("number")
def show_command(number: str) -> None:
    """Everything about one order, by the NUMBER the customer quotes, and its history."""
    order = find_order_by_number(number)
    if order is None:
        raise _no_such_order(number)
    for line in order_details(order):
        click.echo(line)


@orders_group.command("refund")
@click.argument("number")
@click.option("--reason", help="Why, for the order's history (the customer is not shown it).")
@click.option(
    "--restock", is_flag=True, help="Put the copies back on the shelf (the books came back)."
)
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help=f"Wait up to {WAIT_SECONDS:g} s for the gateway's charge.refunded event (delivered "
    "by the webhook; in demo mode by the worker).",
)
@click.option(
    "--returned-another-way",
    "another_way",
    metavar="HOW",
    help="The money went back outside the gateway (e.g. 'bank transfer 2026-12-07'): mark the "
    "refunding order refunded and email the customer once.",
)
@click.option(
    "--line",
    "lines",
    multiple=True,
    type=RefundLine(),
    help="Refund only these copies (a partial refund), e.g. --line boom:1; repeatable.",
)
@click.option("--shipping", is_flag=True, help="Refund the shipping (a partial refund).")
@click.option(
    "--amount",
    type=click.IntRange(min=1),
    help="Refund this amount, in the smallest unit (cents), instead of what the lines cost.",
)
@click.option(
    "--notify/--no-notify",
    default=True,
    show_default=True,
    help="Email the customer the amount of a partial refund once it has gone through.",
)
def refund_command(
    number: str,
    reason: str | None,
    restock: bool,
    wait: bool,
    another_way: str | None,
    lines: tuple[tuple[str, int], ...],
    shipping: bool,
    amount: int | None,
    notify: bool,
) -> None:
    """Refund a paid order in full (or one under review, or try a refused refund again), or
    part of it (--line, --shipping, --amount).

    The order is `refunding` at once and becomes `refunded` when the gateway's charge.refunded
    event reaches the webhook (the server, or `stripe listen` in development). A partial
    refund makes it `partially_refunded` then.
    """
    if another_way is not None:
        _record_returned_another_way(number, another_way)
        return
    if lines or shipping or amount is not None:
        refund_part(
            number,
            lines,
            shipping=shipping,
            amount=amount,
            reason=reason,
            restock=restock,
            notify=notify,
        )
        return
    order_id = _ask_for_refund(number, reason, put_back=restock, allowed=_REFUNDABLE)
    _send_refund_and_wait(order_id, wait)


@orders_group.command("resolve")
@click.argument("number")
@click.option("--paid", "outcome", flag_value="paid", help="Accept the payment as it is.")
@click.option(
    "--refund", "outcome", flag_value="refund", help="Refund it in full; the copies go back."
)
@click.option("--reason", help="Why, for the order's history.")
def resolve_command(number: str, outcome: str | None, reason: str | None) -> None:
    """Settle an order under review (its payment did not match it): --paid or --refund.

    --paid takes its copies off the shelf if they are not yet, marks it paid and sends the
    confirmation email. --refund refunds it as `orders refund` does and puts its copies back
    on the shelf, since an order under review was never sent.
    """
    if outcome is None:
        raise click.UsageError("say how: --paid (accept the payment) or --refund.")
    if outcome == "refund":
        order_id = _ask_for_refund(number, reason, put_back=True, allowed=frozenset({S.REVIEW}))
        _send_refund_and_wait(order_id, wait=True)
        return
    _resolve_paid(number, reason)


@orders_group.command("ship")
@click.argument("number")
@click.option(
    "--carrier",
    required=True,
    type=click.Choice(CARRIER_NAMES, case_sensitive=False),
    help=f"Who carries the parcel ({OTHER}: one with no tracking link).",
)
@click.option(
    "--tracking", required=True, help="The tracking number: 4 to 40 letters, digits, spaces, -."
)
def ship_command(number: str, carrier: str, tracking: str) -> None:
    """Mark a paid order shipped: the customer is emailed the tracking link, once."""
    _ship(number, carrier, tracking)


@orders_group.command("note")
@click.argument("number")
@click.argument("text")
@click.option("--by", "author", default="command line", show_default=True, help="Who wrote it.")
def note_command(number: str, text: str, author: str) -> None:
    """Add an internal note to the order's history (never shown to the customer)."""
    _note(number, text, author)


@orders_group.command("send-refunds")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1))
def send_refunds_command(limit: int) -> None:
    """Send the refunds due now, in the foreground (the worker does this by itself)."""
    ran = run_due([REFUND_KIND, PARTIAL_REFUND_KIND], limit=limit)
    click.echo(
        "No refunds due."
        if not ran
        else f"{ran} refund job(s) run: see `orders` for any "
        "refused, and `outbox list` for any to retry."
    )


# --- refunds -----------------------------------------------------------------------------------


def _ask_for_refund(
    number: str, reason: str | None, *, put_back: bool, allowed: frozenset[OrderStatus]
) -> int:
    """Move the order to `refunding` and commit; its id. Refuses, changing nothing, if it can't.

    An order refunding already (a refund the gateway did not take yet) is left as it is, to be
    sent again.
    """
    order = _locked_order(number)
    refusal = _refund_refusal(order, allowed)
    if refusal is not None:
        db.session.rollback()
        raise click.ClickException(refusal)
    amount = money_text(order, _refunded_amount(order))
    if order.status == S.REFUNDING:
        when = when_text(order.refund_requested_at)
        click.echo(f"Order {order.number}: its refund of {amount} was asked for at {when}.")
        error = order.refund_error
        if error is not None and retry_refund(order):
            click.echo(f"It was not refunded ({error}); trying again under {refund_key(order)}.")
        if reason is not None or put_back:
            click.echo("(--reason and --restock apply only when a refund is first asked for.)")
    else:
        had_copies = order.stock_taken
        if not request_refund(order, "shop", reason, put_back=put_back):
            db.session.rollback()
            raise click.ClickException(
                f"Order {order.number}'s partial refunds give back all that was paid already."
            )
        click.echo(f"Order {order.number}: refund of {amount} asked for; it is refunding.")
        if put_back:
            click.echo(
                "Its copies are back on the shelf."
                if had_copies and not order.stock_taken
                else "No copies to put back: none were taken off the shelf for it."
            )
    order_id = order.id
    db.session.commit()
    return order_id


def _refund_refusal(order: Order, allowed: frozenset[OrderStatus]) -> str | None:
    """Why the order cannot be refunded from here, for the owner; None if it can."""
    number, status = order.number, order.status
    if status not in allowed:
        if status in (S.PENDING, S.FAILED):
            return f"Order {number} has not been paid ({status}): there is nothing to refund."
        if status == S.PROCESSING:
            return f"Order {number}'s payment is still processing: refund it once it is paid."
        if status == S.CANCELED:
            return f"Order {number} was canceled: nothing was paid."
        if status == S.REFUNDED:
            return f"Order {number} was refunded already ({order.refund_id or 'no refund id'})."
        return f"Order {number} is {status}, not under review: see `orders refund`."
    gateway = current_gateway()
    if order.gateway != gateway.name:
        return (
            f"Order {number} was paid through the {order.gateway or 'unknown'} gateway, and "
            f"this command runs {gateway.name}: run it with the server's settings (.env)."
        )
    return None


def _refunded_amount(order: Order) -> int:
    """What a full refund gives back: what was received, less what partial refunds did."""
    paid = order.paid_amount if order.paid_amount is not None else order.amount
    return paid - counted_amount(order.id)


def _send_refund_and_wait(order_id: int, wait: bool) -> None:
    """Ask the gateway for the refund, say what it answered, then wait for charge.refunded."""
    try:
        attempt = send_refund(order_id)
    except RetryLater as error:
        raise click.ClickException(
            f"the gateway could not be reached: {error.reason}\nThe refund stays due: the "
            "worker (`flask --app bookstore worker`) sends it again under the same idempotency "
            "key, so never twice."
        ) from None
    order = _reread(order_id)
    if attempt is None:
        if order.status == S.REFUNDING:
            click.echo(f"Refund {order.refund_id} was sent already.")
    elif attempt.refund_id is None:
        raise click.ClickException(
            f"the gateway did not take the refund of order {attempt.number}: {attempt.error}\n"
            f"Try again with `flask --app bookstore orders refund {attempt.number}` (under a "
            "new idempotency key when the gateway refused this one), or record that the money "
            f"went back another way: `... orders refund {attempt.number} "
            "--returned-another-way 'how'`."
        )
    elif attempt.refund_id == ALREADY_REFUNDED:
        click.echo(
            "The gateway says the payment was refunded already (from the Dashboard?): its "
            "charge.refunded event settles the order."
        )
    else:
        click.echo(f"Refund {attempt.refund_id} sent to the {order.gateway} gateway.")
    db.session.rollback()
    if order.status == S.REFUNDING and wait:
        click.echo("Waiting for the gateway's charge.refunded event...")
    refunded = _wait_until_refunded(order_id, WAIT_SECONDS if wait else 0.0)
    if refunded:
        click.echo(
            f"Order {order.number} is refunded; the customer's refund email is queued for the "
            "worker."
        )
    else:
        demo = current_gateway().mode == "demo"
        where = (
            " (the worker, `flask --app bookstore worker`, delivers the demo's events: "
            "`./start.sh` runs it)"
            if demo
            else " (through the webhook: the server, or `stripe listen` in development, must "
            "be running)"
        )
        click.echo(
            f"Order {order.number} is refunding: it becomes refunded when the gateway's "
            f"charge.refunded event arrives{where}."
        )


def _record_returned_another_way(number: str, how: str) -> None:
    """Mark a refunding order refunded outside the gateway, with the one refund email."""
    order = _locked_order(number)
    if not returned_another_way(order, how):
        status = order.status
        db.session.rollback()
        raise click.ClickException(
            f"Order {number} owes no refund ({status}): only a refunding order whose refund the "
            "gateway has not made can be marked returned another way."
        )
    number = order.number
    db.session.commit()
    click.echo(
        f"Order {number} is refunded ({how}); the customer's refund email is queued for the worker."
    )


def _wait_until_refunded(order_id: int, seconds: float) -> bool:
    """Whether the order is `refunded`, looking every POLL_SECONDS for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        status = db.session.scalar(select(Order.status).where(Order.id == order_id))
        # Each look in a transaction of its own: SQLite's would keep showing the same snapshot.
        db.session.rollback()
        if status == S.REFUNDED:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)


# --- resolving a review ------------------------------------------------------------------------


def _resolve_paid(number: str, reason: str | None) -> None:
    """Accept a review order's payment (review.resolve_paid), in one commit, and say so."""
    order = _locked_order(number)
    try:
        accepted = resolve_paid(order, reason)
    except InsufficientStock as short:
        db.session.rollback()
        raise click.ClickException(
            f"{short.message} Order {order.number} stays under review: refund it with "
            f"`flask --app bookstore orders resolve {order.number} --refund`."
        ) from None
    except DomainError as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from None
    number, email = order.number, order.email
    db.session.commit()
    click.echo(f"Order {number} is paid ({accepted.detail}); its copies are off the shelf.")
    if not accepted.confirmation_queued:
        click.echo(
            "Its confirmation was queued already."
            if email
            else "It has no email address: no confirmation to send."
        )
        return
    click.echo("Its confirmation email is queued; the worker sends it.")


# --- shipping and notes ------------------------------------------------------------------------


def _ship(number: str, carrier: str, tracking: str) -> None:
    """Mark the paid order shipped (shipping.mark_shipped), in one commit, and say so."""
    order = _locked_order(number)
    try:
        shipment = mark_shipped(order, carrier, tracking)
    except DomainError as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from None
    number, link = order.number, shipment.tracking_url
    parcel = f"{shipment.carrier} {shipment.tracking_number}"
    db.session.commit()
    click.echo(f"Order {number} is shipped ({parcel}).")
    if link:
        click.echo(f"Tracking: {link}")
    click.echo("The customer's email is queued; the worker sends it.")


def _note(number: str, text: str, author: str) -> None:
    """Add an internal note to the order's history (notes.add_note), in one commit."""
    order = _locked_order(number)
    try:
        add_note(order, text, author=author)
    except DomainError as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from None
    number = order.number
    db.session.commit()
    click.echo(f"Note added to order {number}.")


# --- shared ------------------------------------------------------------------------------------


def _locked_order(number: str) -> Order:
    """The order with this number, its row locked until the commit, as the webhook locks it.

    A webhook event for the order then waits for the command's transaction, or the command for
    the event's: on PostgreSQL for the row (FOR UPDATE), on SQLite for the write lock.
    """
    lock_for_write()
    order = find_order_by_number(number)
    if order is None:
        db.session.rollback()
        raise _no_such_order(number)
    db.session.refresh(order, with_for_update=True)
    return order


def _reread(order_id: int) -> Order:
    """The order as committed now."""
    order = db.session.get(Order, order_id, populate_existing=True)
    assert order is not None  # orders are never deleted
    return order


def _no_such_order(number: str) -> click.ClickException:
    return click.ClickException(f"No order has the number {number!r}.")
