"""`flask --app bookstore orders refund NUMBER --line BOOK_ID:QTY ... [--shipping] [--amount N]`:
a partial refund from the shell, through the same domain function as the dashboard's.

The refund is asked for in one transaction (the order's row locked), then sent at once under
its own idempotency key to show the gateway's answer (the worker would send it otherwise; the
key makes it one refund either way). The gateway's charge.refunded event settles it.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from bookstore.db import db
from bookstore.domain_errors import DomainError
from bookstore.jobs.queue import RetryLater
from bookstore.money import format_amount
from bookstore.orders.admin_queries import locked_order
from bookstore.orders.partial_refund_outcomes import send_partial_refund
from bookstore.orders.partial_refunds import (
    PartialRefundAsk,
    describe,
    request_partial_refund,
)


class RefundLine(click.ParamType[tuple[str, int], object]):
    """BOOK_ID:QTY, e.g. boom:1."""

    name = "BOOK_ID:QTY"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, int]:
        """The book id and a whole number of copies, at least 1."""
        if isinstance(value, tuple):
            return value  # a default already converted
        book_id, _, count = str(value).rpartition(":")
        if not book_id or not count.isdigit() or int(count) < 1:
            self.fail(f"{value!r} is not BOOK_ID:QTY with QTY a whole number from 1", param, ctx)
        return book_id, int(count)


def refund_part(
    number: str,
    lines: Sequence[tuple[str, int]],
    *,
    shipping: bool,
    amount: int | None,
    reason: str | None,
    restock: bool,
    notify: bool,
) -> None:
    """Ask for the partial refund and commit, then send it and say what the gateway answered."""
    copies: dict[str, int] = {}
    for book_id, count in lines:
        copies[book_id] = copies.get(book_id, 0) + count
    order = locked_order(number)
    if order is None:
        db.session.rollback()
        raise click.ClickException(f"No order has the number {number!r}.")
    ask = PartialRefundAsk(copies, shipping, amount, reason, restock, notify)
    try:
        refund = request_partial_refund(order, ask)
    except DomainError as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from None
    number, refund_id, summary = order.number, refund.id, describe(order, refund)
    money = format_amount(refund.amount, refund.currency)
    db.session.commit()
    click.echo(f"Order {number}: partial refund {summary}; asked for.")
    try:
        attempt = send_partial_refund(refund_id)
    except RetryLater as error:
        click.echo(
            f"The gateway could not be reached ({error.reason}): the worker sends it again "
            "under the same idempotency key, so never twice."
        )
        return
    if attempt is not None and attempt.gateway_refund_id is None:
        raise click.ClickException(f"the gateway did not refund {money}: {attempt.error}")
    if attempt is not None:
        click.echo(f"Refund {attempt.gateway_refund_id} of {money} sent.")
    told = "the customer is emailed then" if notify else "no email (--no-notify)"
    click.echo(
        f"The gateway's charge.refunded event settles it: order {number} is then partially "
        f"refunded (refunded, if nothing is left); {told}."
    )
