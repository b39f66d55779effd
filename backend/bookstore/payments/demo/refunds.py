"""The demo's full refunds, made once each, keeping Stripe's rules for keys and repeats."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from typing import cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bookstore.db import provider_session
from bookstore.payments.demo.cards import refund_fails_later
from bookstore.payments.demo.models import SUCCEEDED, DemoRefund
from bookstore.payments.demo.storage import (
    REFUND_FAILED_MESSAGE,
    find_intent,
    refund_failed,
    reused_key,
)
from bookstore.payments.demo.stripe_objects import to_refund
from bookstore.payments.gateway import AlreadyRefunded, NotRefundable, Refund
from bookstore.payments.stripe_events import ORDER_METADATA_KEY

log = logging.getLogger(__name__)

ALREADY_REFUNDED_MESSAGE = "This payment has already been refunded."
NOT_REFUNDABLE_MESSAGE = "This payment has not been taken, so there is nothing to refund."
# Why a refund was made, as Stripe's refund `reason` says it.
REQUESTED_BY_CUSTOMER = "requested_by_customer"
FAILED = "failed"


def refund_in_full(
    payment_intent_id: str,
    *,
    order_token: str,
    idempotency_key: str,
    requested_by_customer: bool = False,
) -> tuple[Refund, bool]:
    """Refund a succeeded PaymentIntent in full, once; the refund, and whether it is new.

    The same key with the same parameters returns the first refund (not new: no second event
    follows); with other parameters it is refused like Stripe's 400. A new key on a refunded
    PaymentIntent raises AlreadyRefunded, one not paid NotRefundable.
    """
    params: dict[str, object] = {
        "payment_intent": payment_intent_id,
        "metadata": {ORDER_METADATA_KEY: order_token},
    }
    if requested_by_customer:
        params["reason"] = REQUESTED_BY_CUSTOMER
    fingerprint = _fingerprint(params)
    with provider_session() as session:
        # Reads and the insert in transactions of their own: on SQLite a read transaction
        # that then writes fails at once if another process wrote in between.
        with session.begin():
            earlier = _refund_by_idempotency_key(session, idempotency_key)
            intent = find_intent(session, payment_intent_id)
        if earlier is not None:
            return _replayed(earlier, fingerprint), False
        if intent is None:
            raise refund_failed(payment_intent_id, "no such PaymentIntent")
        if intent.status != SUCCEEDED:
            log.info(
                "Demo refund of PaymentIntent %s refused: status is %s",
                payment_intent_id,
                intent.status,
            )
            raise NotRefundable(NOT_REFUNDABLE_MESSAGE)
        refund = Refund(
            id="re_demo_" + secrets.token_hex(12),
            payment_intent_id=intent.id,
            amount=intent.amount_received,
            currency=intent.currency,
            status=SUCCEEDED,
        )
        row = insert(cast(Table, DemoRefund.__table__)).values(
            id=refund.id,
            payment_intent_id=refund.payment_intent_id,
            open_payment_intent_id=refund.payment_intent_id,
            amount=refund.amount,
            currency=refund.currency,
            status=refund.status,
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint,
        )
        try:
            # The unique keys decide a race: one refund per key, one per PaymentIntent.
            with session.begin():
                session.execute(row)
        except IntegrityError:
            with session.begin():
                earlier = _refund_by_idempotency_key(session, idempotency_key)
                done = _refund_of(session, payment_intent_id)
            if earlier is not None:
                return _replayed(earlier, fingerprint), False
            if done is None:
                raise
            log.info("Demo PaymentIntent %s already refunded (%s)", payment_intent_id, done.id)
            raise AlreadyRefunded(ALREADY_REFUNDED_MESSAGE) from None
    log.info(
        "Demo refund %s of PaymentIntent %s for order %s (%s %s)",
        refund.id,
        payment_intent_id,
        order_token,
        refund.amount,
        refund.currency,
    )
    return refund, True


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
            .values(status=FAILED, open_payment_intent_id=None)
            .execution_options(synchronize_session=False)
        )
        if not getattr(failed, "rowcount", 0):
            return None
        refund = session.get(DemoRefund, refund_id, populate_existing=True)
    log.info("Demo refund %s failed afterwards", refund_id)
    return refund


def _refund_by_idempotency_key(session: Session, key: str) -> DemoRefund | None:
    """The refund an earlier request with this idempotency key made, if any."""
    query = select(DemoRefund).where(DemoRefund.idempotency_key == key)
    return session.scalars(query).one_or_none()


def _refund_of(session: Session, payment_intent_id: str) -> DemoRefund | None:
    """The PaymentIntent's refund that still counts (not failed), if it has been refunded."""
    query = select(DemoRefund).where(DemoRefund.open_payment_intent_id == payment_intent_id)
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
