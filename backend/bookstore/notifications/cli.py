"""`flask --app bookstore outbox send|list|retry`: the emails and jobs waiting, done, or given
up on (dead), for the owner; the worker process does the sending."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bookstore.db import utcnow
from bookstore.jobs.claims import QueueStatus
from bookstore.jobs.queue import jobs, retry_dead
from bookstore.notifications.mail import current_transport
from bookstore.notifications.outbox import OutboxStatus, messages, requeue, send_outbox

# The numbers of orders, by id: the outbox knows an order by its id only, and `outbox list`
# shows the number the owner knows it by. Given by the orders area (see create_app).
OrderNumbers = Callable[[Collection[int]], Mapping[int, str]]
ORDER_NUMBERS_KEY = "outbox_order_numbers"

outbox_group = AppGroup(
    "outbox", help="Emails to customers and the worker's jobs: list, retry, send emails now."
)


def register_outbox_commands(app: Flask, order_numbers: OrderNumbers) -> None:
    """Add `flask --app bookstore outbox ...`; `order_numbers` names the messages' orders."""
    app.extensions[ORDER_NUMBERS_KEY] = order_numbers
    app.cli.add_command(outbox_group)


@outbox_group.command("send")
def send_command() -> None:
    """Send every email due now, in the foreground (the worker does this by itself)."""
    report = send_outbox()
    click.echo(
        f"Sent {report.sent} email(s) through {current_transport().describe()}; "
        f"{report.retrying} to retry later, {report.failed} given up."
    )


# An email's dead state is "failed"; a job's is "dead": either asks for both.
_STATUSES = sorted({*(status.value for status in OutboxStatus), *(s.value for s in QueueStatus)})


@outbox_group.command("list")
@click.option(
    "--status",
    type=click.Choice([*_STATUSES, "all"]),
    default="all",
    show_default=True,
    help="failed and dead both mean given up on.",
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
def list_command(status: str, limit: int) -> None:
    """The newest emails, then the newest jobs, with their state: pending (or working), sent
    or done, failed or dead (given up on; `outbox retry` makes them due again)."""
    given_up = status in (OutboxStatus.FAILED, QueueStatus.DEAD)
    email_status = OutboxStatus.FAILED if given_up else status
    job_status = QueueStatus.DEAD if given_up else status
    rows = messages(None if status == "all" else email_status, limit)
    job_rows = jobs(None if status == "all" else job_status, limit)
    order_numbers: OrderNumbers = current_app.extensions[ORDER_NUMBERS_KEY]
    numbers = order_numbers(
        {message.order_id for message in rows if message.order_id is not None}
        | {job.order_id for job in job_rows if job.order_id is not None}
    )
    now = utcnow()
    header = (
        f"{'ID':>6}  {'ORDER':<9}  {'KIND':<12}  {'STATUS':<8}  {'TRIES':>5}  "
        f"{'WHEN (UTC)':<19}  LAST ERROR"
    )
    click.echo("Emails" + ("" if rows else ": none."))
    if rows:
        click.echo(header)
    for message in rows:
        when = message.sent_at if message.status == OutboxStatus.SENT else message.next_attempt_at
        _echo_row(
            message.id,
            numbers.get(message.order_id, "-") if message.order_id is not None else "-",
            message.kind,
            message.status,
            message.claim,
            message.attempts,
            when,
            message.last_error,
            now,
        )
    click.echo("Jobs" + ("" if job_rows else ": none."))
    if job_rows:
        click.echo(header)
    for job in job_rows:
        when = job.finished_at if job.status == QueueStatus.DONE else job.next_attempt_at
        number = numbers.get(job.order_id, "-") if job.order_id is not None else "-"
        _echo_row(
            job.id, number, job.kind, job.status, job.claim, job.attempts, when, job.last_error, now
        )


def _echo_row(
    row_id: int,
    number: str,
    kind: str,
    state: str,
    claim: str | None,
    attempts: int,
    when: datetime | None,
    last_error: str | None,
    now: datetime,
) -> None:
    """One line of `outbox list`."""
    if state == QueueStatus.PENDING and claim is not None and when and when > now:
        state = "working"
    given_up = state in (OutboxStatus.FAILED, QueueStatus.DEAD)
    shown = "" if given_up or when is None else f"{when:%Y-%m-%d %H:%M:%S}"
    click.echo(
        f"{row_id:>6}  {number:<9}  {kind:<12}  {state:<8}  {attempts:>5}  {shown:<19}  "
        f"{last_error or ''}"
    )


@outbox_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--job", "job_ids", multiple=True, type=int, help="A dead job's ID (repeatable).")
@click.option("--all-failed", is_flag=True, help="Every failed email and every dead job.")
def retry_command(ids: tuple[int, ...], job_ids: tuple[int, ...], all_failed: bool) -> None:
    """Make failed emails (by ID) and dead jobs (--job ID), or all (--all-failed), due again;
    the worker takes them up."""
    if not ids and not job_ids and not all_failed:
        raise click.UsageError(
            "name the failed emails' IDs, or --job ID for a dead job (see `outbox list`), or "
            "--all-failed."
        )
    emails = requeue(None) if all_failed else (requeue(list(ids)) if ids else 0)
    dead = retry_dead(None) if all_failed else (retry_dead(list(job_ids)) if job_ids else 0)
    click.echo(f"{emails} failed email(s) and {dead} dead job(s) due again.")
