"""The demo's refunds, each made once, keeping Stripe's rules for keys, repeats and amounts.

A PaymentIntent may be refunded several times, in parts, up to the amount it received: its
`amount_refunded` counts what its refunds (those not failed) gave back. A refund takes its part
with one conditional UPDATE of that count, which repeats the count it read, so two refunds
racing (even in two processes) cannot both take the same money: the loser reads again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from typing import Any, cast

from sqlalchemy import CursorResult, Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bookstore.db import provider_session
from bookstore.money import format_amount
from bookstore.payments.demo.cards import refund_fails_later
from bookstore.payments.demo.models import SUCCEEDED, DemoPaymentIntent, DemoRefund
from bookstore.payments.demo.storage import (
    REFUND_FAILED_MESSAGE,
    find_intent,
    refund_failed,
    reused_key,
)
from bookstore.payments.demo.stripe_objects import to_refund
from bookstore.payments.gateway import (
    AlreadyRefunded,
    NotRefundable,
    PaymentError,
    ProviderUnavailable,
    Refund,
)
from bookstore.payments.stripe_events import ORDER_METADATA_KEY

log = logging.getLogger(__name__)

ALREADY_REFUNDED_MESSAGE = "This payment has already been refunded."
NOT_REFUNDABLE_MESSAGE = "This payment has not been taken, so there is nothing to refund."
# Why a refund was made, as Stripe's refund `reason` says it.
REQUESTED_BY_CUSTOMER = "requested_by_customer"
FAILED = "failed"
# Tries at taking a refund's part while other refunds of the same payment keep winning.
MAX_TRIES = 20


def refund(
    payment_intent_id: str,
    *,
    order_token: str,
    idempotency_key: str,
    requested_by_customer: bool = False,
    amount: int | None = None,
) -> tuple[Refund, bool]:
    """Refund `amount` of a succeeded PaymentIntent, or (None) what is left of it, once; the
    refund, and whether it is new.

    The same key with the same parameters returns the first refund (not new: no second event
    follows); with other parameters it is refused like Stripe's 400. Nothing left to refund
    raises AlreadyRefunded, an amount over what is left a PaymentError (Stripe's 400), a
    PaymentIntent not paid NotRefundable.
    """
    params: dict[str, object] = {
        "payment_intent": payment_intent_id,
        "metadata": {ORDER_METADATA_KEY: order_token},
    }
    if requested_by_customer:
        params["reason"] = REQUESTED_BY_CUSTOMER
    if amount is not None:
        params["amount"] = amount
    fingerprint = _fingerprint(params)
    with provider_session() as session:
        for _ in range(MAX_TRIES):
            # Reads and the write in transactions of their own: on SQLite a read transaction
            # that then writes fails at once if another process wrote in between. The payment
            # is read before the key: a refund under this key that a racing request commits
            # in between is then found by the key (replayed), never taken for another's.
            with session.begin():
                intent = find_intent(session, payment_intent_id)
                earlier = _refund_by_idempotency_key(session, idempotency_key)
            if earlier is not None:
                return _replayed(earlier, fingerprint), False
            made = _take(session, intent, payment_intent_id, amount, idempotency_key, fingerprint)
            if made is not None:
                break
        else:
            raise ProviderUnavailable(REFUND_FAILED_MESSAGE, retry_after=1)
    log.info(
        "Demo refund %s of PaymentIntent %s for order %s (%s %s)",
        made.id,
        payment_intent_id,
        order_token,
        made.amount,
        made.currency,
    )
    return made, True


def _take(
    session: Session,
    intent: DemoPaymentIntent | None,
    payment_intent_id: str,
    amount: int | None,
    idempotency_key: str,
    fingerprint: str,
) -> Refund | None:
    """Make the refund if the PaymentIntent still has what `intent` shows left; None if another
    refund (or a request with this key) changed it first, to read again and retry."""
    if intent is None:
        raise refund_failed(payment_intent_id, "no such PaymentIntent")
    if intent.status != SUCCEEDED:
        log.info(
            "Demo refund of PaymentIntent %s refused: status is %s",
            payment_intent_id,
            intent.status,
        )
        raise NotRefundable(NOT_REFUNDABLE_MESSAGE)
    left = intent.amount_received - intent.amount_refunded
    if left <= 0:
        log.info("Demo PaymentIntent %s already refunded in full", payment_intent_id)
        raise AlreadyRefunded(ALREADY_REFUNDED_MESSAGE)
    taking = left if amount is None else amount
    if not 0 < taking <= left:
        raise _amount_refused(taking, left, intent.currency)
    made = Refund(
        id="re_demo_" + secrets.token_hex(12),
        payment_intent_id=intent.id,
        amount=taking,
        currency=intent.currency,
        status=SUCCEEDED,
    )
    # Only if the count is still what was read: a refund that won meanwhile makes this retry.
    count = (
        update(DemoPaymentIntent)
        .where(
            DemoPaymentIntent.id == intent.id,
            DemoPaymentIntent.amount_refunded == intent.amount_refunded,
        )
        .values(amount_refunded=intent.amount_refunded + taking)
        .execution_options(synchronize_session=False)
    )
    row = insert(cast(Table, DemoRefund.__table__)).values(
        id=made.id,
        payment_intent_id=made.payment_intent_id,
        amount=made.amount,
        currency=made.currency,
        status=made.status,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
    )
    try:
        with session.begin():
            counted = cast(CursorResult[Any], session.execute(count)).rowcount == 1
            if counted:
                # The unique key decides a race of one key: one refund per key.
                session.execute(row)
    except IntegrityError:
        return None  # another request with this key made its refund: read it and replay
    return made if counted else None


def _amount_refused(amount: int, left: int, currency: str) -> PaymentError:
    """Stripe's 400 for a refund of more than the charge has left (or of nothing)."""
    if amount <= 0:
        return PaymentError(REFUND_FAILED_MESSAGE, reason="amount must be at least 1")
    return PaymentError(
        REFUND_FAILED_MESSAGE,
        reason=f"amount_too_large: Refund amount ({format_amount(amount, currency)}) is "
        f"greater than unrefunded amount on charge ({format_amount(left, currency)})",
    )


def will_fail(refund: Refund) -> bool:
    """Whether this refund fails after it was made, as Stripe's test card 5126's do."""
    with provider_session() as session:
        intent = find_intent(session, refund.payment_intent_id)
        return intent is not None and refund_fails_later(intent.payment_method)


def fail(refund_id: str) -> DemoRefund | None:
    """Turn a succeeded refund `failed`: it no longer counts against its PaymentIntent, which
    can be refunded again (under a new key). None if it is not a succeeded refund (a retried
    step)."""
    with provider_session() as session, session.begin():
        failed = session.execute(
            update(DemoRefund)
            .where(DemoRefund.id == refund_id, DemoRefund.status == SUCCEEDED)
            .values(status=FAILED)
            .execution_options(synchronize_session=False)
        )
        if not getattr(failed, "rowcount", 0):
            return None
        refund = session.get(DemoRefund, refund_id, populate_existing=True)
        assert refund is not None  # just updated, and demo refunds stay
        session.execute(
            update(DemoPaymentIntent)
            .where(DemoPaymentIntent.id == refund.payment_intent_id)
            .values(amount_refunded=DemoPaymentIntent.amount_refunded - refund.amount)
            .execution_options(synchronize_session=False)
        )
    log.info("Demo refund %s failed afterwards", refund_id)
    return refund


def _refund_by_idempotency_key(session: Session, key: str) -> DemoRefund | None:
    """The refund an earlier request with this idempotency key made, if any."""
    query = select(DemoRefund).where(DemoRefund.idempotency_key == key)
    return session.scalars(query).one_or_none()


def _replayed(earlier: DemoRefund, fingerprint: str) -> Refund:
    """The first refund again for a repeated key, or Stripe's refusal if it asked for another."""
    if not hmac.compare_digest(earlier.request_fingerprint, fingerprint):
        raise reused_key(earlier.idempotency_key, earlier.id, REFUND_FAILED_MESSAGE)
    return to_refund(earlier)


def _fingerprint(params: dict[str, object]) -> str:
    """A digest of a request's parameters that does not depend on their order."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
