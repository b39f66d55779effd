"""The offline demo gateway: plays Stripe's test mode with PaymentIntents kept in our database."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any, cast

import stripe
from sqlalchemy import JSON, CursorResult, ForeignKey, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from bookstore.addresses import ShippingAddress
from bookstore.db import Model, UtcDateTime, provider_session, utcnow
from bookstore.domain_errors import InvalidRequest, NotFound
from bookstore.payments.demo_cards import (
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
from bookstore.payments.gateway import (
    AlreadyRefunded,
    CardError,
    Mode,
    NotRefundable,
    PaymentError,
    PaymentEvent,
    PaymentIntent,
    Refund,
)
from bookstore.payments.stripe_events import ORDER_METADATA_KEY, describe_payment_method
from bookstore.payments.webhook_signing import signature_header, verify_event

log = logging.getLogger(__name__)

REQUIRES_PAYMENT_METHOD = "requires_payment_method"
REQUIRES_ACTION = "requires_action"
SUCCEEDED = "succeeded"
# Stripe lets a PaymentIntent be confirmed, or its amount changed, only until it is paid.
PROCESSING = "processing"
UNPAID = (REQUIRES_PAYMENT_METHOD, "requires_confirmation", REQUIRES_ACTION)
# The demo's redirect payment method: the shopper approves at the demo bank's page.
BANK_REDIRECT = "bank_redirect"
BANK_PAGE = "/demo/bank/{id}"

SETUP_FAILED_MESSAGE = "We couldn't set up this payment. Please try again later."
REFUND_FAILED_MESSAGE = "We couldn't refund this payment. Please try again later."
ALREADY_REFUNDED_MESSAGE = "This payment has already been refunded."
NOT_REFUNDABLE_MESSAGE = "This payment has not been taken, so there is nothing to refund."
# Why a refund was made, as Stripe's refund `reason` says it.
REQUESTED_BY_CUSTOMER = "requested_by_customer"

# A ConfirmationToken can be used once, within this time of being made, as on Stripe.
CONFIRMATION_TOKEN_LIFETIME = timedelta(hours=12)

# Told of each new demo refund once it is committed (demo_delivery sends its charge.refunded).
RefundListener = Callable[[Refund], None]
# Told of each payment attempt made on the server (confirm_payment_intent) once it is committed,
# so that the events Stripe would send about it can follow (demo_delivery sends them).
AttemptListener = Callable[["DemoPaymentIntent"], None]


class DemoIntentNotFound(NotFound):
    """Unknown PaymentIntent id, or a client secret that does not match it (same answer)."""


class UnexpectedIntentState(InvalidRequest):
    """A step the PaymentIntent's status does not allow, e.g. confirming a paid one."""

    code = "payment_intent_unexpected_state"


class DemoPaymentIntent(Model):
    """A PaymentIntent of the demo gateway: the outcome of card attempts, never card data."""

    __tablename__ = "demo_payment_intents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_secret: Mapped[str] = mapped_column(String(128))
    amount: Mapped[int]
    amount_received: Mapped[int] = mapped_column(default=0)
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


def confirmation_token_object(token: DemoConfirmationToken) -> dict[str, Any]:
    """The ConfirmationToken as Stripe's API shows it (the parts the stand-in reads)."""
    method = token.payment_method
    preview: dict[str, Any] = {"type": method["type"]}
    if method["type"] in method:
        preview[method["type"]] = method[method["type"]]
    return {
        "id": token.id,
        "object": "confirmation_token",
        "payment_method_preview": preview,
        "return_url": token.return_url,
        "created": int(token.created_at.timestamp()),
        "expires_at": int(token.expires_at.timestamp()),
        "livemode": False,
    }


class DemoRefund(Model):
    """A refund the demo gateway made: always of a succeeded PaymentIntent's whole amount."""

    __tablename__ = "demo_refunds"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Unique: a full refund is made once; a second is Stripe's charge_already_refunded.
    payment_intent_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("demo_payment_intents.id"), unique=True
    )
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(32))
    # Unique: the same key always names the same refund, across server processes.
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    # SHA-256 of what the creating request asked for, to refuse the key's reuse with others.
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


def stripe_object(intent: DemoPaymentIntent) -> dict[str, Any]:
    """The PaymentIntent as Stripe's API shows it (without the client secret)."""
    error = None
    if intent.last_error_code is not None:
        error = {
            "type": "card_error",
            "code": intent.last_error_code,
            "decline_code": intent.last_decline_code,
            "message": intent.last_error_message,
        }
    return {
        "id": intent.id,
        "object": "payment_intent",
        "amount": intent.amount,
        "amount_received": intent.amount_received,
        "currency": intent.currency,
        "status": intent.status,
        "metadata": dict(intent.intent_metadata),
        "last_payment_error": error,
        "next_action": _next_action(intent),
        "created": int(intent.created_at.timestamp()),
        "livemode": False,
        "shipping": intent.shipping,
        "receipt_email": intent.receipt_email,
    }


def _next_action(intent: DemoPaymentIntent) -> dict[str, Any] | None:
    """What the shopper must do: 3D Secure in the page, or approve at the demo bank."""
    if intent.status != REQUIRES_ACTION:
        return None
    if (intent.payment_method or {}).get("type") == BANK_REDIRECT:
        url = BANK_PAGE.format(id=intent.id)
        return {
            "type": "redirect_to_url",
            "redirect_to_url": {"url": url, "return_url": intent.return_url},
        }
    return {"type": "demo_authenticate"}


def charge_object(intent: DemoPaymentIntent, amount_refunded: int = 0) -> dict[str, Any]:
    """The charge of a succeeded PaymentIntent, as Stripe's API shows it.

    `refunded` is Stripe's: true once `amount_refunded` is the whole amount.
    """
    return {
        "id": "ch_demo_" + intent.id.removeprefix("pi_demo_"),
        "object": "charge",
        "amount": intent.amount_received,
        "amount_captured": intent.amount_received,
        "amount_refunded": amount_refunded,
        "captured": True,
        "currency": intent.currency,
        "paid": True,
        "refunded": 0 < intent.amount_received <= amount_refunded,
        "status": SUCCEEDED,
        "payment_intent": intent.id,
        "payment_method_details": intent.payment_method,
        "metadata": dict(intent.intent_metadata),
        "livemode": False,
    }


class DemoGateway:
    """Stripe's part, played locally, with PaymentIntents kept in tables of the shop's database.

    Like a remote API, each call is done in a database session of its own, committed before it
    returns; the caller's session is never touched. Webhook events are signed with a secret
    made fresh for each server process: the process that takes a demo payment is the one that
    signs and verifies its event.

    Whoever builds the gateway may give it ``after_refund`` and ``after_attempt``: they are told
    of each new refund, and each payment attempt confirmed on the server, once committed, so
    that the events Stripe would send can follow (for the app's gateway,
    demo_delivery.init_demo_delivery sets them). The gateway itself delivers nothing.
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

    # --- the gateway interface ---------------------------------------------------------------

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
        # A plain INSERT, not an ORM object and a flush: the same row for a fraction of the CPU,
        # which checkout spends on every new cart.
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
                existing = _by_idempotency_key(session, idempotency_key)
                if existing.create_params != params:
                    raise _reused_key(existing.idempotency_key, existing.id) from None
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
            if _compare_and_set(session, payment_intent_id, UNPAID, values):
                intent = _find(session, payment_intent_id)
                assert intent is not None  # just updated, and demo PaymentIntents stay
                return to_payment_intent(intent)
            current = _find(session, payment_intent_id)
        reason = "no such PaymentIntent" if current is None else f"status is {current.status}"
        raise _setup_failed("update", payment_intent_id, reason)

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
        token, replay = self._use_token(confirmation_token, payment_intent_id, idempotency_key)
        if replay:
            with provider_session() as session:
                intent = _find(session, payment_intent_id)
            if intent is None:
                raise _setup_failed("confirm", payment_intent_id, "no such PaymentIntent")
        else:
            method = token.payment_method
            redirect_to = return_url or token.return_url
            if method["type"] == BANK_REDIRECT and redirect_to is None:
                raise _setup_failed("confirm", payment_intent_id, "a redirect needs a return_url")
            try:
                intent = _record_attempt(
                    payment_intent_id,
                    token.outcome,
                    UNPAID,
                    "confirm",
                    payment_method=method,
                    return_url=redirect_to if method["type"] == BANK_REDIRECT else None,
                )
            except UnexpectedIntentState as refused:
                # Stripe's 400 for a PaymentIntent paid (or being paid) already.
                raise _setup_failed("confirm", payment_intent_id, refused.message) from None
            self._tell_of_attempt(intent)
        if intent.status == REQUIRES_PAYMENT_METHOD and intent.last_error_code is not None:
            raise CardError(
                intent.last_error_message or "Your card was declined.", code=intent.last_error_code
            )
        return to_payment_intent(intent)

    def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntent:
        """The PaymentIntent's current state."""
        with provider_session() as session:
            intent = _find(session, payment_intent_id)
        if intent is None:
            raise _setup_failed("retrieve", payment_intent_id, "no such PaymentIntent")
        return to_payment_intent(intent)

    def refund_payment_intent(
        self,
        payment_intent_id: str,
        *,
        order_token: str,
        idempotency_key: str,
        requested_by_customer: bool = False,
    ) -> Refund:
        """Refund a succeeded PaymentIntent in full, once, keeping Stripe's rules.

        The same key with the same parameters returns the first refund (and sends no second
        event); with other parameters it is refused like Stripe's 400. A new key on a refunded
        PaymentIntent raises AlreadyRefunded, one not paid NotRefundable. A new refund is told
        to ``after_refund`` once committed.
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
                intent = _find(session, payment_intent_id)
            if earlier is not None:
                return _replayed(earlier, fingerprint)
            if intent is None:
                raise _refund_failed(payment_intent_id, "no such PaymentIntent")
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
                    return _replayed(earlier, fingerprint)
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
        self._tell_of_refund(refund)
        return refund

    def parse_event(self, payload: bytes, signature_header: str | None) -> PaymentEvent:
        """Verify a demo event exactly as a Stripe delivery is verified, and translate it."""
        return verify_event(payload, signature_header, self._webhook_secret)

    # --- what Stripe.js does in the browser, for the demo's stand-in ------------------------

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
            intent = _find(session, payment_intent_id)
        if intent is None or not hmac.compare_digest(
            intent.client_secret.encode(), client_secret.encode()
        ):
            raise DemoIntentNotFound("No such payment intent.")
        return intent

    def confirm(self, payment_intent_id: str, client_secret: str, card: Card) -> DemoPaymentIntent:
        """Attempt a payment with a card; Stripe's test-card table decides the outcome."""
        intent = self.get(payment_intent_id, client_secret)
        outcome = card_outcome(card, utcnow().date())
        return _record_attempt(
            intent.id, outcome, UNPAID, "confirm", payment_method=card_details(card)
        )

    def confirm_bank_redirect(
        self, payment_intent_id: str, client_secret: str, return_url: str
    ) -> DemoPaymentIntent:
        """Start a redirect payment: the shopper must approve it at the demo bank's page."""
        intent = self.get(payment_intent_id, client_secret)
        return _record_attempt(
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
        return _record_attempt(
            intent.id, sepa_outcome(iban), UNPAID, "confirm", payment_method=sepa_details(iban)
        )

    def settle(self, payment_intent_id: str) -> DemoPaymentIntent:
        """End a processing debit as its bank would, days later on Stripe, seconds here."""
        with provider_session() as session:
            intent = _find(session, payment_intent_id)
        if intent is None:
            raise _setup_failed("settle", payment_intent_id, "no such PaymentIntent")
        outcome = sepa_settlement(intent.payment_method)
        return _record_attempt(payment_intent_id, outcome, (PROCESSING,), "settle")

    def authenticate(
        self, payment_intent_id: str, client_secret: str, approve: bool
    ) -> DemoPaymentIntent:
        """Finish a 3D Secure challenge: approved pays, anything else fails the attempt."""
        intent = self.get(payment_intent_id, client_secret)
        outcome = SUCCESS if approve else authentication_failure()
        return _record_attempt(intent.id, outcome, (REQUIRES_ACTION,), "authenticate")

    def signed_event(self, event_type: str, intent: DemoPaymentIntent) -> tuple[bytes, str]:
        """A Stripe-shaped event about a PaymentIntent (or its charge), and its signature.

        `charge.succeeded` carries the charge Stripe makes when a PaymentIntent succeeds.
        """
        data = charge_object(intent) if event_type.startswith("charge.") else stripe_object(intent)
        return self._signed(event_type, data)

    def signed_refund_event(self, refund: Refund) -> tuple[bytes, str]:
        """Stripe's `charge.refunded` for a demo refund (the charge, refunded in full), signed."""
        with provider_session() as session:
            intent = _find(session, refund.payment_intent_id)
        if intent is None:
            raise _refund_failed(refund.payment_intent_id, "no such PaymentIntent")
        return self._signed("charge.refunded", charge_object(intent, refund.amount))

    def _signed(self, event_type: str, data: dict[str, Any]) -> tuple[bytes, str]:
        """An event of `event_type` about `data` as Stripe sends it, and its signature."""
        event = {
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
        payload = json.dumps(event).encode()
        return payload, signature_header(payload, self._webhook_secret)

    def _use_token(
        self, token_id: str, payment_intent_id: str, idempotency_key: str
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
            raise _setup_failed(
                "confirm", payment_intent_id, f"no such ConfirmationToken {token_id}"
            )
        if claimed:
            return token, False
        if (
            token.idempotency_key == idempotency_key
            and token.payment_intent_id == payment_intent_id
        ):
            return token, True
        raise _setup_failed(
            "confirm", payment_intent_id, f"ConfirmationToken {token_id} used or expired"
        )

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


# --- the demo provider's storage ------------------------------------------------------------


def _find(session: Session, payment_intent_id: str) -> DemoPaymentIntent | None:
    """The PaymentIntent as stored now."""
    return session.get(DemoPaymentIntent, payment_intent_id, populate_existing=True)


def _by_idempotency_key(session: Session, key: str) -> DemoPaymentIntent:
    """The PaymentIntent an earlier request with this idempotency key created."""
    query = select(DemoPaymentIntent).where(DemoPaymentIntent.idempotency_key == key)
    return session.scalars(query).one()


def _refund_by_idempotency_key(session: Session, key: str) -> DemoRefund | None:
    """The refund an earlier request with this idempotency key made, if any."""
    query = select(DemoRefund).where(DemoRefund.idempotency_key == key)
    return session.scalars(query).one_or_none()


def _refund_of(session: Session, payment_intent_id: str) -> DemoRefund | None:
    """The PaymentIntent's refund, if it has been refunded."""
    query = select(DemoRefund).where(DemoRefund.payment_intent_id == payment_intent_id)
    return session.scalars(query).one_or_none()


def to_refund(refund: DemoRefund) -> Refund:
    """The gateway-neutral view of a demo refund."""
    return Refund(
        id=refund.id,
        payment_intent_id=refund.payment_intent_id,
        amount=refund.amount,
        currency=refund.currency,
        status=refund.status,
    )


def _replayed(earlier: DemoRefund, fingerprint: str) -> Refund:
    """The first refund again for a repeated key, or Stripe's refusal if it asked for another."""
    if not hmac.compare_digest(earlier.request_fingerprint, fingerprint):
        raise _reused_key(earlier.idempotency_key, earlier.id, REFUND_FAILED_MESSAGE)
    return to_refund(earlier)


def _fingerprint(params: dict[str, object]) -> str:
    """A digest of a request's parameters that does not depend on their order."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _compare_and_set(
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


def _record_attempt(
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
        recorded = _compare_and_set(session, payment_intent_id, expected, values)
        current = _find(session, payment_intent_id)
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


def to_payment_intent(intent: DemoPaymentIntent) -> PaymentIntent:
    """The gateway-neutral view of a demo PaymentIntent."""
    return PaymentIntent(
        id=intent.id,
        client_secret=intent.client_secret,
        amount=intent.amount,
        currency=intent.currency,
        status=intent.status,
        metadata=dict(intent.intent_metadata),
        last_error_message=intent.last_error_message,
        receipt_email=intent.receipt_email,
        shipping=shipping_address(intent.shipping),
        payment_method=describe_payment_method(intent.payment_method),
    )


def shipping_object(address: ShippingAddress) -> dict[str, Any]:
    """An address as Stripe's PaymentIntent shows its shipping."""
    return {
        "name": address.name,
        "phone": address.phone,
        "address": {
            "line1": address.line1,
            "line2": address.line2,
            "city": address.city,
            "state": address.state,
            "postal_code": address.postal_code,
            "country": address.country,
        },
    }


def shipping_address(shipping: dict[str, Any] | None) -> ShippingAddress | None:
    """Stripe's shipping object back as the shop's address."""
    if not shipping:
        return None
    address = shipping["address"]
    return ShippingAddress(
        name=shipping["name"],
        line1=address["line1"],
        line2=address["line2"],
        city=address["city"],
        state=address["state"],
        postal_code=address["postal_code"],
        country=address["country"],
        phone=shipping["phone"],
    )


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


def _reused_key(key: str, object_id: str, message: str = SETUP_FAILED_MESSAGE) -> PaymentError:
    """Like Stripe, refuse an idempotency key reused with other parameters: a bug on our side."""
    log.error("Demo idempotency key %s reused with other parameters (%s)", key, object_id)
    return PaymentError(message)


def _setup_failed(action: str, payment_intent_id: str, reason: str) -> PaymentError:
    """A request the demo refuses as Stripe would refuse it: a bug on our side, logged."""
    log.error("Demo gateway refused to %s PaymentIntent %s: %s", action, payment_intent_id, reason)
    return PaymentError(SETUP_FAILED_MESSAGE)


def _refund_failed(payment_intent_id: str, reason: str) -> PaymentError:
    """A refund the demo refuses as Stripe would (an unknown PaymentIntent): logged."""
    log.error("Demo gateway refused to refund PaymentIntent %s: %s", payment_intent_id, reason)
    return PaymentError(REFUND_FAILED_MESSAGE)
