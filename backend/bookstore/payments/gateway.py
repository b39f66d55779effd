"""The one small interface every payment provider implements (Stripe, offline demo)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

Mode = Literal["stripe", "demo"]


@dataclass(frozen=True)
class PaymentIntent:
    """The part of a PaymentIntent the shop relies on, whichever gateway made it."""

    id: str
    client_secret: str
    amount: int
    currency: str
    status: str  # Stripe's PaymentIntent statuses, e.g. "requires_payment_method", "succeeded"
    metadata: Mapping[str, str] = field(default_factory=dict)
    last_error_message: str | None = None


@dataclass(frozen=True)
class GatewayEvent:
    """A verified event from the gateway (a Stripe event, or the demo's copy of one)."""

    id: str
    type: str
    data_object: Mapping[str, object]


class PaymentError(Exception):
    """A payment step failed; carries a shopper-safe message and an HTTP status."""

    status = 502
    code = "payment_provider_error"

    def __init__(self, message: str, *, code: str | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.retry_after = retry_after


class CardError(PaymentError):
    """The card was refused; the message is Stripe's user-safe text."""

    status = 402
    code = "card_declined"


class ProviderUnavailable(PaymentError):
    """The provider is unreachable, rate-limited or misconfigured: try again later."""

    status = 503
    code = "payment_provider_unavailable"


class InvalidSignature(PaymentError):
    """A webhook payload whose signature, timestamp or body could not be verified."""

    status = 400
    code = "invalid_signature"


class PaymentGateway(Protocol):
    """Payment steps the shop needs; Stripe and the demo gateway both implement them."""

    mode: Mode
    publishable_key: str | None

    def create_payment_intent(
        self, *, amount: int, currency: str, order_id: int, idempotency_key: str
    ) -> PaymentIntent:
        """Create a PaymentIntent for an order (automatic payment methods on)."""
        ...

    def update_payment_intent_amount(
        self, payment_intent_id: str, *, amount: int, idempotency_key: str
    ) -> PaymentIntent:
        """Change the amount of an unpaid PaymentIntent when the cart changes."""
        ...

    def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntent:
        """Fetch the current state of a PaymentIntent."""
        ...

    def construct_event(self, payload: bytes, signature_header: str | None) -> GatewayEvent:
        """Verify a webhook delivery and return its event; raises InvalidSignature."""
        ...
