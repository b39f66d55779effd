"""What Stripe.js does in the browser, played by the demo gateway for the stand-in's routes.

A ConfirmationToken made of the payment details the form collected, and the steps of a
payment confirmed from the page: a card, a bank redirect, a SEPA debit, 3D Secure. The
outcome comes from Stripe's test-card rules (cards.py); the card itself is never stored.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import Any

from bookstore.db import provider_session, utcnow
from bookstore.payments.demo.cards import (
    NEEDS_AUTHENTICATION,
    SUCCESS,
    Card,
    CardOutcome,
    authentication_failure,
    card_details,
    card_outcome,
    sepa_details,
    sepa_outcome,
    sepa_settlement,
)
from bookstore.payments.demo.models import (
    BANK_REDIRECT,
    PROCESSING,
    REQUIRES_ACTION,
    UNPAID,
    DemoConfirmationToken,
    DemoPaymentIntent,
)
from bookstore.payments.demo.storage import (
    DemoIntentNotFound,
    find_intent,
    record_attempt,
    setup_failed,
)

# A ConfirmationToken can be used once, within this time of being made, as on Stripe.
CONFIRMATION_TOKEN_LIFETIME = timedelta(hours=12)


class StripeJsSide:
    """The demo gateway's browser-side steps (DemoGateway has them with its server-side ones)."""

    def create_confirmation_token(
        self, outcome: CardOutcome, payment_method: dict[str, Any], return_url: str | None
    ) -> DemoConfirmationToken:
        """Keep an attempt's outcome and payment method preview under a new token id."""
        now = utcnow()
        token = DemoConfirmationToken(
            id="ctoken_demo_" + secrets.token_hex(12),
            result=outcome.result,
            error_code=outcome.code,
            decline_code=outcome.decline_code,
            error_message=outcome.message,
            payment_method=payment_method,
            return_url=return_url,
            created_at=now,
            expires_at=now + CONFIRMATION_TOKEN_LIFETIME,
        )
        with provider_session() as session, session.begin():
            session.add(token)
        return token

    def get(self, payment_intent_id: str, client_secret: str) -> DemoPaymentIntent:
        """A PaymentIntent for its client secret; a wrong secret looks like an unknown id."""
        with provider_session() as session:
            intent = find_intent(session, payment_intent_id)
        if intent is None or not hmac.compare_digest(
            intent.client_secret.encode(), client_secret.encode()
        ):
            raise DemoIntentNotFound("No such payment intent.")
        return intent

    def confirm(self, payment_intent_id: str, client_secret: str, card: Card) -> DemoPaymentIntent:
        """Attempt a payment with a card; Stripe's test-card table decides the outcome."""
        intent = self.get(payment_intent_id, client_secret)
        outcome = card_outcome(card, utcnow().date())
        return record_attempt(
            intent.id, outcome, UNPAID, "confirm", payment_method=card_details(card)
        )

    def confirm_bank_redirect(
        self, payment_intent_id: str, client_secret: str, return_url: str
    ) -> DemoPaymentIntent:
        """Start a redirect payment: the shopper must approve it at the demo bank's page."""
        intent = self.get(payment_intent_id, client_secret)
        return record_attempt(
            intent.id,
            NEEDS_AUTHENTICATION,
            UNPAID,
            "confirm",
            payment_method={"type": BANK_REDIRECT},
            return_url=return_url,
        )

    def confirm_sepa_debit(
        self, payment_intent_id: str, client_secret: str, iban: str
    ) -> DemoPaymentIntent:
        """Submit a debit: `processing` for a test IBAN (settle() ends it), else refused."""
        intent = self.get(payment_intent_id, client_secret)
        return record_attempt(
            intent.id, sepa_outcome(iban), UNPAID, "confirm", payment_method=sepa_details(iban)
        )

    def settle(self, payment_intent_id: str) -> DemoPaymentIntent:
        """End a processing debit as its bank would, days later on Stripe, seconds here."""
        with provider_session() as session:
            intent = find_intent(session, payment_intent_id)
        if intent is None:
            raise setup_failed("settle", payment_intent_id, "no such PaymentIntent")
        outcome = sepa_settlement(intent.payment_method)
        return record_attempt(payment_intent_id, outcome, (PROCESSING,), "settle")

    def authenticate(
        self, payment_intent_id: str, client_secret: str, approve: bool
    ) -> DemoPaymentIntent:
        """Finish a 3D Secure challenge: approved pays, anything else fails the attempt."""
        intent = self.get(payment_intent_id, client_secret)
        outcome = SUCCESS if approve else authentication_failure()
        return record_attempt(intent.id, outcome, (REQUIRES_ACTION,), "authenticate")
