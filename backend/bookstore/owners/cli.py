"""`flask --app bookstore owners [add|list|remove|reset]`: who may sign in to the dashboard.

`add` and `reset` print a one-time enrolment link for the owner to open within 30 minutes.
The token is in the link's fragment (after #), which browsers never send to a server, so it
stays out of every access log on the way.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from bookstore.config import current_settings
from bookstore.domain_errors import DomainError
from bookstore.owners.accounts import add_owner, owner_summaries, remove_owner, reset_owner
from bookstore.owners.clock import owner_clock
from bookstore.owners.enrolment import LINK_LIFETIME

# Where the dashboard's enrolment page lives in the SPA.
ENROL_PATH = "/admin/enrol"

owners_group = AppGroup("owners", help="The shop's owners, who sign in to the dashboard at /admin.")


def enrolment_link(token: str) -> str:
    """The link that enrols an owner: the shop's first origin, the page, the token."""
    return f"{current_settings().frontend_origins[0]}{ENROL_PATH}#token={token}"


def _echo_link(email: str, token: str, expires: datetime | None) -> None:
    """Print the enrolment link and how long it lasts."""
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    until = f" (until {expires:%Y-%m-%d %H:%M} UTC)" if expires else ""
    click.echo(
        f"Send this one-time link to {email}, privately; it works for {minutes} minutes{until}:"
    )
    click.echo(enrolment_link(token))


@owners_group.command("add")
@click.argument("email")
def add_command(email: str) -> None:
    """Add an owner by EMAIL and print their enrolment link."""
    try:
        owner, token = add_owner(email, owner_clock())
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Added {owner.email}.")
    _echo_link(owner.email, token, owner.enrolment_expires_at)


@owners_group.command("list")
def list_command() -> None:
    """Every owner: enrolled or not, sessions open now, last sign-in."""
    now = owner_clock()
    owners = owner_summaries(now)
    if not owners:
        click.echo("No owners yet: `flask --app bookstore owners add EMAIL` adds one.")
        return
    width = max(len("EMAIL"), *(len(owner.email) for owner in owners))
    click.echo(f"{'EMAIL':<{width}}  {'STATUS':<28}  {'SESSIONS':>8}  LAST SIGN-IN (UTC)")
    for owner in owners:
        if owner.enrolled_at is not None:
            status = "enrolled"
        elif owner.enrolment_expires_at is not None and owner.enrolment_expires_at > now:
            status = f"link valid until {owner.enrolment_expires_at:%H:%M}"
        else:
            status = "link expired: owners reset"
        last = f"{owner.last_sign_in:%Y-%m-%d %H:%M}" if owner.last_sign_in else "never"
        click.echo(f"{owner.email:<{width}}  {status:<28}  {owner.sessions:>8}  {last}")


@owners_group.command("remove")
@click.argument("email")
def remove_command(email: str) -> None:
    """Remove the owner EMAIL: their sessions end at once."""
    try:
        remove_owner(email, owner_clock())
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Removed {email.strip().lower()}; their sessions have ended.")


@owners_group.command("reset")
@click.argument("email")
def reset_command(email: str) -> None:
    """Forget EMAIL's password, authenticator and recovery codes, end their sessions, and
    print a new enrolment link."""
    try:
        owner, token, ended = reset_owner(email, owner_clock())
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Reset {owner.email}: password, authenticator and recovery codes forgotten, "
        f"{ended} session(s) ended."
    )
    _echo_link(owner.email, token, owner.enrolment_expires_at)
