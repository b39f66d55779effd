"""The demo provider's storage: its rows read, and every change a conditional UPDATE.

Each call runs in a session of its own (db.provider_session), never the caller's, as a
remote API would. A change is one UPDATE whose WHERE repeats the state it expects, so two
attempts racing, even in two processes, cannot both win. Refusals are logged and worded as
Stripe words them.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from bookstore.db import provider_session, utcnow
from bookstore.domain_errors import InvalidRequest, NotFound
from bookstore.payments.demo.cards import CardOutcome
from bookstore.payments.demo.models import (
    REQUIRES_PAYMENT_METHOD,
    SUCCEEDED,
    DemoConfirmationToken,
    DemoPaymentIntent,
)
from bookstore.payments.gateway import PaymentError

log = logging.getLogger(__name__)

SETUP_FAILED_MESSAGE = "We couldn't set up this payment. Please try again later."
REFUND_FAILED_MESSAGE = "We couldn't refund this payment. Please try again later."


class DemoIntentNotFound(NotFound):
    """Unknown PaymentIntent id, or a client secret that does not match it (same answer)."""


class UnexpectedIntentState(InvalidRequest):
    """A step the PaymentIntent's status does not allow, e.g. confirming a paid one."""

    code = "payment_intent_unexpected_state"


def find_intent(session: Session, payment_intent_id: str) -> DemoPaymentIntent | None:
    """The PaymentIntent as stored now."""
    return session.get(DemoPaymentIntent, payment_intent_id, populate_existing=True)


def intent_by_idempotency_key(session: Session, key: str) -> DemoPaymentIntent:
    """The PaymentIntent an earlier request with this idempotency key created."""
    query = select(DemoPaymentIntent).where(DemoPaymentIntent.idempotency_key == key)
    return session.scalars(query).one()


def compare_and_set(
    session: Session, payment_intent_id: str, expected: Collection[str], values: dict[str, object]
) -> bool:
    """Update the PaymentIntent only if its status is still one of ``expected``.

    One conditional UPDATE, so two attempts racing (even in two processes) cannot both win.
    """
    statement = (
        update(DemoPaymentIntent)
        .where(DemoPaymentIntent.id == payment_intent_id)
        .where(DemoPaymentIntent.status.in_(expected))
        .values(values)
        .execution_options(synchronize_session=False)
    )
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount == 1


def record_attempt(
    payment_intent_id: str,
    outcome: CardOutcome,
    expected: Collection[str],
    step: str,
    payment_method: dict[str, object] | None = None,
    return_url: str | None = None,
) -> DemoPaymentIntent:
    """Store an attempt's outcome (never the card) if the status still allows the step."""
    values = _attempt_values(outcome)
    if payment_method is not None:
        values["payment_method"] = payment_method
    if return_url is not None:
        values["return_url"] = return_url
    with provider_session() as session, session.begin():
        recorded = compare_and_set(session, payment_intent_id, expected, values)
        current = find_intent(session, payment_intent_id)
    if not recorded:
        status = current.status if current is not None else "unknown"
        raise UnexpectedIntentState(_unexpected_state_message(step, status))
    log.info(
        "Demo PaymentIntent %s: %s attempt %s%s",
        payment_intent_id,
        step,
        outcome.result,
        f" ({outcome.code}/{outcome.decline_code})" if outcome.code else "",
    )
    assert current is not None  # demo PaymentIntents are never deleted
    return current


def _attempt_values(outcome: CardOutcome) -> dict[str, object]:
    """Columns to write for an attempt's outcome."""
    if outcome.result == "declined":
        # Like Stripe: the PaymentIntent stays payable and remembers why the last try failed.
        return {
            "status": REQUIRES_PAYMENT_METHOD,
            "last_error_code": outcome.code,
            "last_decline_code": outcome.decline_code,
            "last_error_message": outcome.message,
        }
    values: dict[str, object] = {
        "status": outcome.result,
        "last_error_code": None,
        "last_decline_code": None,
        "last_error_message": None,
    }
    if outcome.result == SUCCEEDED:
        # Read in the UPDATE itself, so a concurrent amount change cannot slip in between.
        values["amount_received"] = DemoPaymentIntent.amount
    return values


def _unexpected_state_message(step: str, status: str) -> str:
    """Why a confirm or authenticate was refused, in the shopper's terms."""
    if status == SUCCEEDED:
        return "This payment has already succeeded."
    if step == "authenticate":
        return "This payment is not waiting for authentication."
    return f"This payment cannot be confirmed while its status is {status}."


def use_confirmation_token(
    token_id: str, payment_intent_id: str, idempotency_key: str
) -> tuple[DemoConfirmationToken, bool]:
    """Mark the token used for this PaymentIntent; whether this call is a replay of that."""
    claim = (
        update(DemoConfirmationToken)
        .where(
            DemoConfirmationToken.id == token_id,
            DemoConfirmationToken.used_at.is_(None),
            DemoConfirmationToken.expires_at > utcnow(),
        )
        .values(
            used_at=utcnow(),
            payment_intent_id=payment_intent_id,
            idempotency_key=idempotency_key,
        )
        .execution_options(synchronize_session=False)
    )
    with provider_session() as session, session.begin():
        # One conditional UPDATE: of two confirmations racing, one uses the token.
        claimed = cast(CursorResult[Any], session.execute(claim)).rowcount == 1
        token = session.get(DemoConfirmationToken, token_id, populate_existing=True)
    if token is None:
        raise setup_failed("confirm", payment_intent_id, f"no such ConfirmationToken {token_id}")
    if claimed:
        return token, False
    if token.idempotency_key == idempotency_key and token.payment_intent_id == payment_intent_id:
        return token, True
    raise setup_failed(
        "confirm", payment_intent_id, f"ConfirmationToken {token_id} used or expired"
    )


def reused_key(key: str, object_id: str, message: str = SETUP_FAILED_MESSAGE) -> PaymentError:
    """Like Stripe, refuse an idempotency key reused with other parameters: a bug on our side."""
    log.error("Demo idempotency key %s reused with other parameters (%s)", key, object_id)
    return PaymentError(message)


def setup_failed(action: str, payment_intent_id: str, reason: str) -> PaymentError:
    """A request the demo refuses as Stripe would refuse it: a bug on our side, logged."""
    log.error("Demo gateway refused to %s PaymentIntent %s: %s", action, payment_intent_id, reason)
    return PaymentError(SETUP_FAILED_MESSAGE)


def refund_failed(payment_intent_id: str, reason: str) -> PaymentError:
    """A refund the demo refuses as Stripe would (an unknown PaymentIntent): logged."""
    log.error("Demo gateway refused to refund PaymentIntent %s: %s", payment_intent_id, reason)
    return PaymentError(REFUND_FAILED_MESSAGE)
