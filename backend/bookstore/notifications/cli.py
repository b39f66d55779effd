"""`flask --app bookstore outbox send|list|retry`: the emails waiting, sent, or given up on."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bookstore.db import utcnow
from bookstore.notifications.mail import current_transport
from bookstore.notifications.outbox import OutboxStatus, messages, requeue
from bookstore.notifications.worker import send_outbox

# The numbers of orders, by id: the outbox knows an order by its id only, and `outbox list`
# shows the number the owner knows it by. Given by the orders area (see create_app).
OrderNumbers = Callable[[Collection[int]], Mapping[int, str]]
ORDER_NUMBERS_KEY = "outbox_order_numbers"

outbox_group = AppGroup("outbox", help="Emails to customers: send what is due, list, retry.")


def register_outbox_commands(app: Flask, order_numbers: OrderNumbers) -> None:
    """Add `flask --app bookstore outbox ...`; `order_numbers` names the messages' orders."""
    app.extensions[ORDER_NUMBERS_KEY] = order_numbers
    app.cli.add_command(outbox_group)


@outbox_group.command("send")
def send_command() -> None:
    """Send every email due now (for cron, e.g. every minute); failures are retried later."""
    report = send_outbox()
    click.echo(
        f"Sent {report.sent} email(s) through {current_transport().describe()}; "
        f"{report.retrying} to retry later, {report.failed} given up."
    )


@outbox_group.command("list")
@click.option(
    "--status",
    type=click.Choice([*(status.value for status in OutboxStatus), "all"]),
    default="all",
    show_default=True,
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
def list_command(status: str, limit: int) -> None:
    """The newest emails with their state: pending (or sending), sent, failed."""
    rows = messages(None if status == "all" else status, limit)
    if not rows:
        click.echo("No emails.")
        return
    order_numbers: OrderNumbers = current_app.extensions[ORDER_NUMBERS_KEY]
    numbers = order_numbers({message.order_id for message in rows})
    now = utcnow()
    click.echo(
        f"{'ID':>6}  {'ORDER':<9}  {'KIND':<12}  {'STATUS':<8}  {'TRIES':>5}  "
        f"{'WHEN (UTC)':<19}  LAST ERROR"
    )
    for message in rows:
        number = numbers[message.order_id]
        state = message.status
        when = message.sent_at if state == OutboxStatus.SENT else message.next_attempt_at
        if state == OutboxStatus.PENDING and message.claim is not None and when and when > now:
            state = "sending"
        shown = "" if state == OutboxStatus.FAILED or when is None else f"{when:%Y-%m-%d %H:%M:%S}"
        click.echo(
            f"{message.id:>6}  {number:<9}  {message.kind:<12}  {state:<8}  "
            f"{message.attempts:>5}  {shown:<19}  {message.last_error or ''}"
        )


@outbox_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Every failed email.")
def retry_command(ids: tuple[int, ...], all_failed: bool) -> None:
    """Make failed emails (by ID, or --all-failed) due again; `outbox send` sends them."""
    if not ids and not all_failed:
        raise click.UsageError("name the failed emails' IDs (see `outbox list`) or --all-failed.")
    moved = requeue(None if all_failed else list(ids))
    click.echo(f"{moved} failed email(s) due again.")
