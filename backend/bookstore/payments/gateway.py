"""The one small interface every payment provider implements (Stripe, offline demo), and the
values it exchanges with the shop, tax calculations included."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal, Protocol

from bookstore.addresses import ShippingAddress
from bookstore.domain_errors import DomainError

Mode = Literal["stripe", "demo"]

# Stripe's PaymentIntent statuses, which the demo's PaymentIntents have too.
PaymentIntentStatus = Literal[
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "processing",
    "requires_capture",
    "canceled",
    "succeeded",
]

# What a provider event means for an order; anything else is acknowledged and ignored.
EventAction = Literal[
    "succeeded", "failed", "processing", "canceled", "refunded", "refund_failed", "paid_with"
]


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
    receipt_email: str | None = None
    shipping: ShippingAddress | None = None
    # How it was (or is being) paid, for people: "Visa •••• 4242", "Bank debit"...
    payment_method: str | None = None


@dataclass(frozen=True)
class Refund:
    """A refund of a PaymentIntent's payment, whichever gateway made it."""

    id: str  # "re_..." on Stripe, "re_demo_..." in the demo
    payment_intent_id: str
    amount: int
    currency: str
    # Stripe's refund statuses: "pending", "requires_action", "succeeded", "failed", "canceled".
    status: str


@dataclass(frozen=True)
class PaymentEvent:
    """A verified provider event, translated by its gateway into what the shop acts on."""

    id: str
    type: str  # the provider's own name for it, for the logs
    action: EventAction | None  # None: a kind of event the shop does not act on
    payment_intent_id: str | None = None
    # The order token checkout put in the PaymentIntent's metadata (see Order.token).
    order_token: str | None = None
    amount: int | None = None  # received (succeeded) or charged
    currency: str | None = None
    failure_message: str | None = None
    # For refunds: whether all of it has gone back now (`amount` is what went back in all).
    fully_refunded: bool = True
    # For people: how it was paid ("Visa •••• 4242"), when the event says.
    payment_method: str | None = None
    # For a refund that failed after it was made: which refund (re_...).
    refund_id: str | None = None


# --- what a tax calculation takes and gives: Stripe Tax's, and the shop's own rate table's ---


@dataclass(frozen=True)
class TaxableLine:
    """A priced line, as a tax calculation needs it."""

    reference: str  # the book id
    amount: int  # the line's total


@dataclass(frozen=True)
class TaxQuote:
    """The tax to add, and the provider's record of how it was worked out (if any)."""

    amount: int
    calculation_id: str | None = None
    # When the provider's calculation expires (Unix time): it cannot be linked to a
    # PaymentIntent after that. None: nothing expires (the rate table).
    expires_at: int | None = None


# What the shop does about a PaymentError: "temporary", try again later (with backoff);
# "refused", record the reason for the owner and do not retry by itself; "setup", the shop's
# own provider setup is wrong (a refused key, missing permissions): stop and tell the owner.
ErrorKind = Literal["temporary", "refused", "setup"]


class PaymentError(DomainError):
    """A payment step failed at the provider, or our request to it was refused."""

    code = "payment_provider_error"
    kind: ClassVar[ErrorKind] = "refused"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: object | None = None,
        retry_after: int | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message, code=code, details=details, retry_after=retry_after)
        # For the owner, never the shopper: the provider's own code and message, secrets
        # masked (e.g. "balance_insufficient: Insufficient funds in Stripe account...").
        self.reason = reason


class CardError(PaymentError):
    """The card was refused; the message is Stripe's user-safe text."""

    code = "card_declined"


class ProviderUnavailable(PaymentError):
    """The provider is unreachable, rate-limited or failed internally: try again later."""

    code = "payment_provider_unavailable"
    kind: ClassVar[ErrorKind] = "temporary"


class ProviderMisconfigured(ProviderUnavailable):
    """The provider refused our own setup (its API key, or the key's permissions).

    Shoppers get the same 503 as an outage (it is a ProviderUnavailable); the shop stops
    trying and tells the owner, who must fix the key.
    """

    kind: ClassVar[ErrorKind] = "setup"


class AlreadyRefunded(PaymentError):
    """The payment was refunded in full already (by another key, or in the Dashboard)."""

    code = "charge_already_refunded"


class NotRefundable(PaymentError):
    """The PaymentIntent has no successful charge to refund (not paid, or not paid yet)."""

    code = "payment_not_refundable"


class InvalidSignature(PaymentError):
    """A webhook payload whose signature, timestamp or body could not be verified."""

    code = "invalid_signature"


class PaymentGateway(Protocol):
    """Payment steps the shop needs; Stripe and the demo gateway both implement them.

    A gateway talks to its provider and returns results: it never commits, rolls back or
    otherwise touches the caller's database session.
    """

    mode: Mode
    # Which provider (and Stripe mode) holds the PaymentIntents this gateway makes:
    # "demo", "stripe_test" or "stripe_live". An order made under another name is not ours now.
    name: str
    publishable_key: str | None

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
        """Create a PaymentIntent for an order (automatic payment methods on)."""
        ...

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
        """Change an unpaid PaymentIntent as the checkout changes (None leaves a field be)."""
        ...

    def confirm_payment_intent(
        self,
        payment_intent_id: str,
        *,
        confirmation_token: str,
        idempotency_key: str,
        return_url: str | None = None,
    ) -> PaymentIntent:
        """Confirm a PaymentIntent on the server with the payment details the browser collected.

        `confirmation_token` is the ConfirmationToken (ctoken_...) the page made of them;
        `return_url` is where a redirect (3-D Secure, a bank) sends the shopper back to. A
        refused card raises CardError with the provider's user-safe message; a PaymentIntent
        the step is not allowed for (paid already, say) raises PaymentError.
        """
        ...

    def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntent:
        """Fetch the current state of a PaymentIntent."""
        ...

    def refund_payment_intent(
        self,
        payment_intent_id: str,
        *,
        order_token: str,
        idempotency_key: str,
        requested_by_customer: bool = False,
        amount: int | None = None,
    ) -> Refund:
        """Refund `amount` of a succeeded PaymentIntent, or (None) all that is not refunded
        yet; its charge.refunded event follows (`fully_refunded` once nothing is left).

        The same idempotency key returns the same refund. Raises AlreadyRefunded when nothing
        is left to refund (refunded in full already, by another key or in the Dashboard),
        NotRefundable when it has no successful charge (unpaid, processing, failed), and a
        PaymentError (refused) for an amount over what is left.
        """
        ...

    def parse_event(self, payload: bytes, signature_header: str | None) -> PaymentEvent:
        """Verify a webhook delivery and translate it; raises InvalidSignature."""
        ...
