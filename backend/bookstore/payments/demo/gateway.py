"""The offline demo gateway: plays Stripe's test mode with PaymentIntents kept in our database.

This module is the gateway interface the shop calls, and the webhook events it signs. The
demo's tables are in models.py, its storage in storage.py, its refunds in refunds.py, and the
steps Stripe.js takes in the browser in browser.py.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, cast

import stripe
from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError

from bookstore.addresses import ShippingAddress
from bookstore.db import provider_session
from bookstore.payments.demo.browser import StripeJsSide
from bookstore.payments.demo.cards import REFUND_FAILURE_REASON
from bookstore.payments.demo.models import (
    BANK_REDIRECT,
    REQUIRES_PAYMENT_METHOD,
    UNPAID,
    DemoPaymentIntent,
)
from bookstore.payments.demo.refunds import fail, refund, will_fail
from bookstore.payments.demo.storage import (
    UnexpectedIntentState,
    compare_and_set,
    find_intent,
    intent_by_idempotency_key,
    record_attempt,
    refund_failed,
    reused_key,
    setup_failed,
    use_confirmation_token,
)
from bookstore.payments.demo.stripe_objects import (
    charge_object,
    refund_object,
    shipping_object,
    stripe_object,
    to_payment_intent,
)
from bookstore.payments.gateway import CardError, Mode, PaymentEvent, PaymentIntent, Refund
from bookstore.payments.stripe_events import ORDER_METADATA_KEY
from bookstore.payments.webhook_signing import signature_header, verify_event

log = logging.getLogger(__name__)

# Told of each new demo refund once it is committed (delivery.py sends its charge.refunded).
RefundListener = Callable[[Refund], None]
# Told of each payment attempt made on the server (confirm_payment_intent) once it is committed,
# so that the events Stripe would send about it can follow (delivery.py sends them).
AttemptListener = Callable[[DemoPaymentIntent], None]


class DemoGateway(StripeJsSide):
    """Stripe's part, played locally, with PaymentIntents kept in tables of the shop's database.

    Like a remote API, each call is done in a database session of its own, committed before it
    returns; the caller's session is never touched. Webhook events are signed with a secret
    made fresh for each server process: the process that takes a demo payment is the one that
    signs and verifies its event.

    Whoever builds the gateway may give it ``after_refund`` and ``after_attempt``: they are told
    of each new refund, and each payment attempt confirmed on the server, once committed, so
    that the events Stripe would send can follow (for the app's gateway,
    delivery.init_demo_delivery sets them). The gateway itself delivers nothing.
    """

    mode: Mode = "demo"
    name = "demo"
    publishable_key: str | None = None

    def __init__(
        self,
        after_refund: RefundListener | None = None,
        after_attempt: AttemptListener | None = None,
    ) -> None:
        self._webhook_secret = "whsec_demo_" + secrets.token_hex(24)
        self.after_refund = after_refund
        self.after_attempt = after_attempt

    def create_payment_intent(
        self,
        *,
        amount: int,
        currency: str,
        order_token: str,
        idempotency_key: str,
        shipping: ShippingAddress | None = None,
        receipt_email: str | None = None,
        tax_calculation: str | None = None,
    ) -> PaymentIntent:
        """Create a PaymentIntent; the same idempotency key returns the same one."""
        metadata = {ORDER_METADATA_KEY: order_token}
        shipping_json = shipping_object(shipping) if shipping is not None else None
        params: dict[str, object] = {"amount": amount, "currency": currency, "metadata": metadata}
        if shipping_json is not None:
            params["shipping"] = shipping_json
        if receipt_email is not None:
            params["receipt_email"] = receipt_email
        intent_id = "pi_demo_" + secrets.token_hex(12)
        client_secret = f"{intent_id}_secret_{secrets.token_hex(16)}"
        # A plain INSERT, not an ORM object and a flush: Pay makes one for every new cart.
        row = insert(cast(Table, DemoPaymentIntent.__table__)).values(
            id=intent_id,
            client_secret=client_secret,
            amount=amount,
            currency=currency,
            status=REQUIRES_PAYMENT_METHOD,
            metadata=metadata,
            idempotency_key=idempotency_key,
            shipping=shipping_json,
            receipt_email=receipt_email,
            create_params=params,
        )
        with provider_session() as session:
            try:
                # Insert first: under a race the unique key decides, without a stale read first.
                with session.begin():
                    session.execute(row)
            except IntegrityError:
                existing = intent_by_idempotency_key(session, idempotency_key)
                if existing.create_params != params:
                    raise reused_key(existing.idempotency_key, existing.id) from None
                return to_payment_intent(existing)
        log.info("Demo PaymentIntent %s created for order %s", intent_id, order_token)
        return PaymentIntent(
            id=intent_id,
            client_secret=client_secret,
            amount=amount,
            currency=currency,
            status=REQUIRES_PAYMENT_METHOD,
            metadata=dict(metadata),
            receipt_email=receipt_email,
            shipping=shipping,
        )

    def update_payment_intent(
        self,
        payment_intent_id: str,
        *,
        amount: int,
        idempotency_key: str,
        shipping: ShippingAddress | None = None,
        receipt_email: str | None = None,
        tax_calculation: str | None = None,
    ) -> PaymentIntent:
        """Change what the checkout changed while unpaid (setting values again is idempotent)."""
        values: dict[str, object] = {"amount": amount, "status": REQUIRES_PAYMENT_METHOD}
        if shipping is not None:
            values["shipping"] = shipping_object(shipping)
        if receipt_email is not None:
            values["receipt_email"] = receipt_email
        with provider_session() as session, session.begin():
            # A pending 3D Secure challenge was for the old amount, so it lapses like on Stripe.
            if compare_and_set(session, payment_intent_id, UNPAID, values):
                intent = find_intent(session, payment_intent_id)
                assert intent is not None  # just updated, and demo PaymentIntents stay
                return to_payment_intent(intent)
            current = find_intent(session, payment_intent_id)
        reason = "no such PaymentIntent" if current is None else f"status is {current.status}"
        raise setup_failed("update", payment_intent_id, reason)

    def confirm_payment_intent(
        self,
        payment_intent_id: str,
        *,
        confirmation_token: str,
        idempotency_key: str,
        return_url: str | None = None,
    ) -> PaymentIntent:
        """Attempt payment with a ConfirmationToken, as the /confirm route does with a card.

        3-D Secure cards leave it `requires_action`, a bank redirect `requires_action` with the
        bank's page to visit, a SEPA debit `processing`; a refused attempt raises CardError.
        The token is used once: the same token again under the same idempotency key answers as
        the first time (Stripe's replay), under any other it is refused like Stripe's 400.
        """
        token, replay = use_confirmation_token(
            confirmation_token, payment_intent_id, idempotency_key
        )
        if replay:
            with provider_session() as session:
                intent = find_intent(session, payment_intent_id)
            if intent is None:
                raise setup_failed("confirm", payment_intent_id, "no such PaymentIntent")
        else:
            method = token.payment_method
            redirect_to = return_url or token.return_url
            if method["type"] == BANK_REDIRECT and redirect_to is None:
                raise setup_failed("confirm", payment_intent_id, "a redirect needs a return_url")
            try:
                intent = record_attempt(
                    payment_intent_id,
                    token.outcome,
                    UNPAID,
                    "confirm",
                    payment_method=method,
                    return_url=redirect_to if method["type"] == BANK_REDIRECT else None,
                )
            except UnexpectedIntentState as refused:
                # Stripe's 400 for a PaymentIntent paid (or being paid) already.
                raise setup_failed("confirm", payment_intent_id, refused.message) from None
            self._tell_of_attempt(intent)
        if intent.status == REQUIRES_PAYMENT_METHOD and intent.last_error_code is not None:
            raise CardError(
                intent.last_error_message or "Your card was declined.", code=intent.last_error_code
            )
        return to_payment_intent(intent)

    def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntent:
        """The PaymentIntent's current state."""
        with provider_session() as session:
            intent = find_intent(session, payment_intent_id)
        if intent is None:
            raise setup_failed("retrieve", payment_intent_id, "no such PaymentIntent")
        return to_payment_intent(intent)

    def refund_payment_intent(
        self,
        payment_intent_id: str,
        *,
        order_token: str,
        idempotency_key: str,
        requested_by_customer: bool = False,
        amount: int | None = None,
    ) -> Refund:
        """Refund `amount` of a succeeded PaymentIntent, or what is left of it, once, keeping
        Stripe's rules (refunds.py).

        A repeated key returns the first refund; a new refund is told to ``after_refund`` once
        committed.
        """
        made, new = refund(
            payment_intent_id,
            order_token=order_token,
            idempotency_key=idempotency_key,
            requested_by_customer=requested_by_customer,
            amount=amount,
        )
        if new:
            self._tell_of_refund(made)
        return made

    def parse_event(self, payload: bytes, signature_header: str | None) -> PaymentEvent:
        """Verify a demo event exactly as a Stripe delivery is verified, and translate it."""
        return verify_event(payload, signature_header, self._webhook_secret)

    def signed_event(self, event_type: str, intent: DemoPaymentIntent) -> tuple[bytes, str]:
        """A Stripe-shaped event about a PaymentIntent (or its charge), and its signature.

        `charge.succeeded` carries the charge Stripe makes when a PaymentIntent succeeds.
        """
        return self.sign(self.intent_event(event_type, intent))

    def refund_event(self, refund: Refund) -> dict[str, Any]:
        """Stripe's `charge.refunded` for a demo refund: the charge as it is now, with what all
        its refunds gave back (`refunded` once that is everything)."""
        with provider_session() as session:
            intent = find_intent(session, refund.payment_intent_id)
        if intent is None:
            raise refund_failed(refund.payment_intent_id, "no such PaymentIntent")
        return self.event("charge.refunded", charge_object(intent, intent.amount_refunded))

    def stored_intent(self, payment_intent_id: str) -> DemoPaymentIntent | None:
        """The demo PaymentIntent as stored now, or None."""
        with provider_session() as session:
            return find_intent(session, payment_intent_id)

    def refund_fails_later(self, refund: Refund) -> bool:
        """Whether the refund will fail after it was made (Stripe's test card 5126)."""
        return will_fail(refund)

    def fail_refund(self, refund_id: str) -> dict[str, Any] | None:
        """Fail a refund made of a 5126 card, as its bank does later; the `refund.failed` event,
        or None if the refund is not a succeeded one any more (done already)."""
        refund = fail(refund_id)
        if refund is None:
            return None
        with provider_session() as session:
            intent = find_intent(session, refund.payment_intent_id)
        if intent is None:
            return None
        return self.event("refund.failed", refund_object(refund, intent, REFUND_FAILURE_REASON))

    def event(self, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
        """A new event of `event_type` about `data`, as Stripe creates it when a thing happens
        (its id and time fixed then; each delivery of it signs it anew)."""
        return {
            "id": "evt_demo_" + secrets.token_hex(12),
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "api_version": stripe.api_version,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "data": {"object": data},
        }

    def intent_event(self, event_type: str, intent: DemoPaymentIntent) -> dict[str, Any]:
        """A new event about a PaymentIntent (or, for `charge.*`, the charge it made)."""
        data = charge_object(intent) if event_type.startswith("charge.") else stripe_object(intent)
        return self.event(event_type, data)

    def sign(self, event: dict[str, Any]) -> tuple[bytes, str]:
        """The event's body and its Stripe-Signature header as of now, for one delivery."""
        payload = json.dumps(event).encode()
        return payload, signature_header(payload, self._webhook_secret)

    def _tell_of_attempt(self, intent: DemoPaymentIntent) -> None:
        """Tell ``after_attempt`` of a committed attempt; the attempt stands whatever it does."""
        if self.after_attempt is None:
            return
        try:
            self.after_attempt(intent)
        except Exception:
            # As on Stripe, a webhook that cannot be sent does not undo the payment.
            log.exception("Demo PaymentIntent %s: its events were not sent", intent.id)

    def _tell_of_refund(self, refund: Refund) -> None:
        """Tell ``after_refund`` of a new refund; the refund stands whatever it does."""
        if self.after_refund is None:
            return
        try:
            self.after_refund(refund)
        except Exception:
            # As on Stripe, a webhook that cannot be sent does not undo the refund.
            log.exception("Demo refund %s: its charge.refunded event was not sent", refund.id)
