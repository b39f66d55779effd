"""The demo provider's tables: its PaymentIntents, ConfirmationTokens and refunds.

They live in the shop's database, beside its own tables, and hold what Stripe would hold:
outcomes and previews of payment methods, never a card number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bookstore.db import Model, UtcDateTime, utcnow
from bookstore.payments.demo.cards import CardOutcome

REQUIRES_PAYMENT_METHOD = "requires_payment_method"
REQUIRES_ACTION = "requires_action"
SUCCEEDED = "succeeded"
# Stripe lets a PaymentIntent be confirmed, or its amount changed, only until it is paid.
PROCESSING = "processing"
UNPAID = (REQUIRES_PAYMENT_METHOD, "requires_confirmation", REQUIRES_ACTION)
# The demo's redirect payment method: the shopper approves at the demo bank's page.
BANK_REDIRECT = "bank_redirect"
BANK_PAGE = "/demo/bank/{id}"


class DemoPaymentIntent(Model):
    """A PaymentIntent of the demo gateway: the outcome of card attempts, never card data."""

    __tablename__ = "demo_payment_intents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_secret: Mapped[str] = mapped_column(String(128))
    amount: Mapped[int]
    amount_received: Mapped[int] = mapped_column(default=0)
    # What its refunds that still count (not failed) gave back, as a Charge's amount_refunded:
    # a refund may take at most amount_received less this (refunds.py).
    amount_refunded: Mapped[int] = mapped_column(default=0, server_default="0")
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(32), default=REQUIRES_PAYMENT_METHOD)
    # "metadata" is taken on declarative classes; the column keeps Stripe's name.
    intent_metadata: Mapped[dict[str, str]] = mapped_column("metadata", JSON, default=dict)
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    last_decline_code: Mapped[str | None] = mapped_column(String(64))
    last_error_message: Mapped[str | None] = mapped_column(String(255))
    # Unique: the same key always names the same PaymentIntent, across server processes.
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    # Stripe's shipping object ({name, phone, address: {...}}), set with the secret key only.
    shipping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    receipt_email: Mapped[str | None] = mapped_column(String(254))
    # Where a redirect payment method sends the shopper back to, as Stripe's return_url.
    return_url: Mapped[str | None] = mapped_column(String(2000))
    # How the last attempt paid, as a Charge's payment_method_details: {"type": "card",
    # "card": {"brand": "visa", "last4": "4242"}}. Never the card number.
    payment_method: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What the creating request asked for, to refuse the key's reuse with other parameters.
    create_params: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DemoConfirmationToken(Model):
    """A ConfirmationToken of the demo: what confirming with it will do, never the card itself.

    Made from the payment details the stand-in's form collected (Stripe.js's
    createConfirmationToken); the outcome is decided then by Stripe's test-card rules and kept
    with a preview of the payment method (brand and last four digits). Used once.
    """

    __tablename__ = "demo_confirmation_tokens"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The outcome: "succeeded", "requires_action", "processing" or "declined", with the
    # decline's codes and message for people.
    result: Mapped[str] = mapped_column(String(32))
    error_code: Mapped[str | None] = mapped_column(String(64))
    decline_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(String(255))
    # As a Charge's payment_method_details: {"type": "card", "card": {"brand", "last4"}}.
    payment_method: Mapped[dict[str, Any]] = mapped_column(JSON)
    return_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set when it is used: when, for which PaymentIntent, under which idempotency key.
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    payment_intent_id: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))

    @property
    def outcome(self) -> CardOutcome:
        """What confirming with it does."""
        return CardOutcome(
            self.result,  # type: ignore[arg-type]  # written from a CardOutcome
            self.error_code,
            self.decline_code,
            self.error_message,
        )


class DemoRefund(Model):
    """A refund the demo gateway made of a succeeded PaymentIntent: part of it, or what was
    left; several per PaymentIntent, up to the amount received."""

    __tablename__ = "demo_refunds"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payment_intent_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("demo_payment_intents.id")
    )
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(32))
    # Unique: the same key always names the same refund, across server processes.
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    # SHA-256 of what the creating request asked for, to refuse the key's reuse with others.
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
