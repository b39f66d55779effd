"""The Stripe gateway: PaymentIntents through stripe-python, Stripe's errors made shopper-safe."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import stripe

from bookstore.addresses import ShippingAddress
from bookstore.config import ConfigError
from bookstore.payments.gateway import (
    AlreadyRefunded,
    CardError,
    Mode,
    NotRefundable,
    PaymentError,
    PaymentEvent,
    PaymentIntent,
    ProviderUnavailable,
    Refund,
)
from bookstore.payments.stripe_events import ORDER_METADATA_KEY, describe_payment_method
from bookstore.payments.webhook_signing import verify_event
from bookstore.redaction import redact, redact_logger
from bookstore.tax import TaxableLine, TaxQuote

if TYPE_CHECKING:
    from bookstore.config import Settings

log = logging.getLogger(__name__)

BUSY_MESSAGE = "Payments are busy right now. Please try again in a few seconds."
UNREACHABLE_MESSAGE = "We couldn't reach our payment provider. Please try again."
UNAVAILABLE_MESSAGE = "Payments are unavailable right now. Please try again later."
REJECTED_MESSAGE = "We couldn't set up this payment. Please try again later."
DECLINED_MESSAGE = "Your card was declined."
ALREADY_REFUNDED_MESSAGE = "This payment has already been refunded."
NOT_REFUNDABLE_MESSAGE = "This payment has not been taken, so there is nothing to refund."
WEBHOOK_NOT_CONFIGURED_MESSAGE = "This server does not accept webhooks: no signing secret is set."

# Stripe's error code for a refund of a charge refunded in full already.
CHARGE_ALREADY_REFUNDED = "charge_already_refunded"
# How Stripe words its refusal (a 400 with no code) to refund a PaymentIntent not paid yet:
# "This PaymentIntent (pi_...) does not have a successful charge to refund."
NO_SUCCESSFUL_CHARGE = "does not have a successful charge to refund"

# Seconds a shopper (or Stripe's webhook retries) should wait before trying again.
DEFAULT_RETRY_AFTER = 5
MISCONFIGURED_RETRY_AFTER = 60


class StripeGateway:
    """PaymentIntents on Stripe, with one StripeClient per app (no module-level API key)."""

    mode: Mode = "stripe"

    def __init__(
        self,
        *,
        secret_key: str | None,
        publishable_key: str | None,
        webhook_secret: str | None = None,
        api_base: str | None = None,
        timeout_seconds: float = 4.0,
        max_network_retries: int = 1,
    ) -> None:
        # Fail at start, loudly, rather than at a shopper's first checkout.
        if not secret_key:
            raise ConfigError("STRIPE_SECRET_KEY is required for the Stripe gateway.")
        if not publishable_key:
            raise ConfigError("STRIPE_PUBLISHABLE_KEY is required for the Stripe gateway.")
        if not webhook_secret:
            log.warning(
                "STRIPE_WEBHOOK_SECRET is not set: /webhook will refuse every event, "
                "so paid orders will never be marked paid."
            )
        redact_logger("stripe")
        self.publishable_key: str | None = publishable_key
        # Test-mode and live-mode objects are separate worlds even on one account.
        live = secret_key.startswith(("sk_live_", "rk_live_"))
        self.name = "stripe_live" if live else "stripe_test"
        self._webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            api_key=secret_key,
            http_client=stripe.RequestsClient(timeout=timeout_seconds),
            max_network_retries=max_network_retries,
            base_addresses={"api": api_base} if api_base else None,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> StripeGateway:
        """Build the gateway from the app's settings."""
        return cls(
            secret_key=settings.stripe_secret_key,
            publishable_key=settings.stripe_publishable_key,
            webhook_secret=settings.stripe_webhook_secret,
            api_base=settings.stripe_api_base,
            timeout_seconds=settings.stripe_timeout_seconds,
            max_network_retries=settings.stripe_max_network_retries,
        )

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
        """Create a PaymentIntent; a retry with the same key gets the same one back.

        Shipping is set here, with the secret key, and never by the browser's confirmPayment:
        Stripe refuses a browser's shipping on a PaymentIntent whose shipping a secret key set.
        """
        params: stripe.params.PaymentIntentCreateParams = {
            "amount": amount,
            "currency": currency,
            "automatic_payment_methods": {"enabled": True},
            # Random per order: an event names its order however many databases share the account.
            "metadata": {ORDER_METADATA_KEY: order_token},
        }
        if shipping is not None:
            params["shipping"] = _shipping_params(shipping)
        if receipt_email is not None:
            params["receipt_email"] = receipt_email
        if tax_calculation is not None:
            # Stripe Tax records the transaction when this PaymentIntent succeeds.
            params["hooks"] = {"inputs": {"tax": {"calculation": tax_calculation}}}
        with stripe_errors("create a PaymentIntent"):
            intent = self._client.v1.payment_intents.create(
                params, {"idempotency_key": idempotency_key}
            )
        log.info(
            "Created PaymentIntent %s for order %s (%s %s)",
            intent.id,
            order_token,
            amount,
            currency,
        )
        return to_payment_intent(intent)

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
        """Change what the checkout changed, so nothing else the shopper started is disturbed."""
        params: stripe.params.PaymentIntentUpdateParams = {"amount": amount}
        if shipping is not None:
            params["shipping"] = _shipping_params(shipping)
        if receipt_email is not None:
            params["receipt_email"] = receipt_email
        if tax_calculation is not None:
            # Stripe Tax records the transaction when this PaymentIntent succeeds.
            params["hooks"] = {"inputs": {"tax": {"calculation": tax_calculation}}}
        with stripe_errors("update a PaymentIntent"):
            intent = self._client.v1.payment_intents.update(
                payment_intent_id, params, {"idempotency_key": idempotency_key}
            )
        log.info("Updated PaymentIntent %s to amount %s", intent.id, amount)
        return to_payment_intent(intent)

    def confirm_payment_intent(
        self,
        payment_intent_id: str,
        *,
        confirmation_token: str,
        idempotency_key: str,
        return_url: str | None = None,
    ) -> PaymentIntent:
        """Confirm with the ConfirmationToken the page made (Stripe's "finalize on the server").

        A refused card is Stripe's 402 card_error: CardError, with Stripe's message for people.
        """
        params: stripe.params.PaymentIntentConfirmParams = {
            "confirmation_token": confirmation_token
        }
        if return_url is not None:
            params["return_url"] = return_url
        with stripe_errors("confirm a PaymentIntent"):
            intent = self._client.v1.payment_intents.confirm(
                payment_intent_id, params, {"idempotency_key": idempotency_key}
            )
        log.info("Confirmed PaymentIntent %s: %s", intent.id, intent.status)
        return to_payment_intent(intent)

    def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntent:
        """Fetch a PaymentIntent's current state from Stripe, with how it is being paid."""
        params: stripe.params.PaymentIntentRetrieveParams = {"expand": ["payment_method"]}
        with stripe_errors("retrieve a PaymentIntent"):
            intent = self._client.v1.payment_intents.retrieve(payment_intent_id, params)
        return to_payment_intent(intent)

    def refund_payment_intent(
        self,
        payment_intent_id: str,
        *,
        order_token: str,
        idempotency_key: str,
        requested_by_customer: bool = False,
    ) -> Refund:
        """Refund a succeeded PaymentIntent's charge in full; Stripe sends charge.refunded.

        A retry with the same key gets the same refund back. Stripe's charge_already_refunded
        (refunded in full already, by another key or in the Dashboard) is AlreadyRefunded; a
        PaymentIntent with no successful charge yet is NotRefundable.
        """
        params: stripe.params.RefundCreateParams = {
            "payment_intent": payment_intent_id,
            "metadata": {ORDER_METADATA_KEY: order_token},
        }
        if requested_by_customer:
            params["reason"] = "requested_by_customer"
        with stripe_errors("refund a PaymentIntent"):
            refund = self._client.v1.refunds.create(params, {"idempotency_key": idempotency_key})
        log.info(
            "Refund %s of PaymentIntent %s for order %s: %s %s, %s",
            refund.id,
            payment_intent_id,
            order_token,
            refund.amount,
            refund.currency,
            refund.status,
        )
        return to_refund(refund, payment_intent_id)

    def tax_calculator(self) -> StripeTax:
        """Stripe Tax through this gateway's client (STRIPE_TAX=1)."""
        return StripeTax(self._client)

    def parse_event(self, payload: bytes, signature_header: str | None) -> PaymentEvent:
        """Verify a delivery from Stripe against the endpoint's signing secret; translate it."""
        if not self._webhook_secret:
            raise ProviderUnavailable(
                WEBHOOK_NOT_CONFIGURED_MESSAGE,
                code="webhook_not_configured",
                retry_after=MISCONFIGURED_RETRY_AFTER,
            )
        return verify_event(payload, signature_header, self._webhook_secret)


class StripeTax:
    """Tax worked out by Stripe Tax; the calculation is linked to the PaymentIntent on update."""

    def __init__(self, client: stripe.StripeClient) -> None:
        self._client = client

    def calculate(
        self,
        lines: Sequence[TaxableLine],
        shipping_amount: int,
        address: ShippingAddress,
        currency: str,
    ) -> TaxQuote:
        """One tax calculation for the lines and shipping, to the shipping address."""
        params: stripe.params.tax.CalculationCreateParams = {
            "currency": currency,
            "line_items": [
                {"amount": line.amount, "reference": line.reference, "tax_behavior": "exclusive"}
                for line in lines
            ],
            "shipping_cost": {"amount": shipping_amount, "tax_behavior": "exclusive"},
            "customer_details": {
                "address": {
                    "line1": address.line1,
                    "line2": address.line2 or "",
                    "city": address.city,
                    "state": address.state or "",
                    "postal_code": address.postal_code,
                    "country": address.country,
                },
                "address_source": "shipping",
            },
        }
        with stripe_errors("calculate tax"):
            calculation = self._client.v1.tax.calculations.create(params)
        if calculation.id is None:
            raise PaymentError(REJECTED_MESSAGE)
        return TaxQuote(
            amount=calculation.tax_amount_exclusive,
            calculation_id=calculation.id,
            expires_at=calculation.expires_at,
        )


def to_payment_intent(intent: stripe.PaymentIntent) -> PaymentIntent:
    """Keep the fields the shop relies on from stripe-python's PaymentIntent."""
    error = intent.last_payment_error
    return PaymentIntent(
        id=intent.id,
        client_secret=intent.client_secret or "",
        amount=intent.amount,
        currency=intent.currency,
        status=intent.status,
        metadata={key: str(value) for key, value in intent.metadata.to_dict().items()},
        last_error_message=error.message if error is not None else None,
        receipt_email=intent.receipt_email,
        shipping=_shipping_address(intent.shipping),
        payment_method=_payment_method(intent.payment_method),
    )


def to_refund(refund: stripe.Refund, payment_intent_id: str) -> Refund:
    """Keep the fields the shop relies on from stripe-python's Refund."""
    # The PaymentIntent as Stripe names it (an id, or an object if expanded), else the one asked.
    refunded = refund.payment_intent
    if isinstance(refunded, stripe.PaymentIntent):
        refunded = refunded.id
    return Refund(
        id=refund.id,
        payment_intent_id=refunded or payment_intent_id,
        amount=refund.amount,
        currency=refund.currency,
        status=refund.status or "pending",
    )


def _shipping_params(address: ShippingAddress) -> stripe.params.PaymentIntentUpdateParamsShipping:
    """A shipping address in Stripe's form fields (the same for a create and an update)."""
    params: stripe.params.PaymentIntentUpdateParamsShipping = {
        "name": address.name,
        "address": {
            "line1": address.line1,
            "line2": address.line2 or "",
            "city": address.city,
            "state": address.state or "",
            "postal_code": address.postal_code,
            "country": address.country,
        },
    }
    if address.phone:
        params["phone"] = address.phone
    return params


def _shipping_address(shipping: stripe.PaymentIntent.Shipping | None) -> ShippingAddress | None:
    """Stripe's shipping details as the shop's address."""
    # Stripe's own example objects carry an empty shipping object: treat it as none.
    address = getattr(shipping, "address", None)
    if shipping is None or address is None:
        return None
    return ShippingAddress(
        name=shipping.name or "",
        line1=address.line1 or "",
        line2=address.line2 or None,
        city=address.city or "",
        state=address.state or None,
        postal_code=address.postal_code or "",
        country=address.country or "",
        phone=shipping.phone or None,
    )


def _payment_method(method: object) -> str | None:
    """How an expanded PaymentMethod pays, for people; None for a bare id."""
    if not isinstance(method, stripe.PaymentMethod):
        return None  # not expanded: an id says nothing to a shopper
    return describe_payment_method(method.to_dict())


@contextmanager
def stripe_errors(action: str) -> Iterator[None]:
    """Turn stripe-python's exceptions into the shop's PaymentErrors, logging each once."""
    try:
        yield
    except stripe.StripeError as exc:
        raise payment_error(exc, action) from exc


def payment_error(exc: stripe.StripeError, action: str) -> PaymentError:
    """The shop's error for a Stripe failure; the log says what happened, never a secret."""
    if exc.http_status == 409:
        # stripe-python raises a v1 409 as a plain APIError, so match the status, not the class.
        return _conflict(exc, action)
    refusal = _refund_refusal(exc, action)
    if refusal is not None:
        return refusal
    for stripe_class, translate in _TRANSLATIONS:
        if isinstance(exc, stripe_class):
            return translate(exc, action)
    log.error("Stripe failed to %s: %s %s", action, type(exc).__name__, _describe(exc))
    return PaymentError(REJECTED_MESSAGE)


def _card_declined(exc: stripe.StripeError, action: str) -> PaymentError:
    """A refused card: the shopper can fix it, so pass on Stripe's user-safe message."""
    decline_code = exc.error.decline_code if exc.error is not None else None
    log.info("Card declined while trying to %s: %s/%s", action, exc.code, decline_code)
    return CardError(exc.user_message or DECLINED_MESSAGE, code=exc.code or "card_declined")


def _refund_refusal(exc: stripe.StripeError, action: str) -> PaymentError | None:
    """Stripe's refusals of a refund that the caller acts on, or None for other errors."""
    if not isinstance(exc, stripe.InvalidRequestError):
        return None
    if exc.code == CHARGE_ALREADY_REFUNDED:
        # Done already, by another key or in the Dashboard: the caller treats it as done.
        log.info("Stripe says the charge is refunded already (trying to %s)", action)
        return AlreadyRefunded(ALREADY_REFUNDED_MESSAGE)
    if NO_SUCCESSFUL_CHARGE in (exc.user_message or ""):
        log.warning("Stripe found nothing to refund trying to %s: %s", action, _describe(exc))
        return NotRefundable(NOT_REFUNDABLE_MESSAGE)
    return None


def _rate_limited(exc: stripe.StripeError, action: str) -> PaymentError:
    """Too many requests: transient, tell the shopper when to try again."""
    retry_after = _retry_after(exc.headers)
    log.warning("Stripe rate-limited us trying to %s; retry after %ss", action, retry_after)
    return ProviderUnavailable(BUSY_MESSAGE, retry_after=retry_after)


def _conflict(exc: stripe.StripeError, action: str) -> PaymentError:
    """Stripe is still running an earlier request with our idempotency key: try again soon."""
    # A double submit: once the first request finishes, the same key replays its result.
    log.warning(
        "Stripe is still processing an earlier request with the same idempotency key "
        "while we tried to %s: %s",
        action,
        _describe(exc),
    )
    return ProviderUnavailable(BUSY_MESSAGE, retry_after=DEFAULT_RETRY_AFTER)


def _unreachable(exc: stripe.StripeError, action: str) -> PaymentError:
    """No answer, or a timeout, even after stripe-python's own retries."""
    log.warning("Could not reach Stripe to %s: %s", action, redact(exc.user_message or ""))
    return ProviderUnavailable(UNREACHABLE_MESSAGE, retry_after=DEFAULT_RETRY_AFTER)


def _misconfigured(exc: stripe.StripeError, action: str) -> PaymentError:
    """Stripe refused our key: an operator must fix STRIPE_SECRET_KEY; the shopper waits."""
    log.error(
        "Stripe refused our API key trying to %s (check STRIPE_SECRET_KEY and its "
        "permissions): %s %s",
        action,
        type(exc).__name__,
        _describe(exc),
    )
    return ProviderUnavailable(UNAVAILABLE_MESSAGE, retry_after=MISCONFIGURED_RETRY_AFTER)


def _rejected_request(exc: stripe.StripeError, action: str) -> PaymentError:
    """Stripe says our request is wrong: a bug on our side, so a 502 and a detailed log."""
    log.error("Stripe rejected our request to %s: %s", action, _describe(exc))
    return PaymentError(REJECTED_MESSAGE)


def _provider_error(exc: stripe.StripeError, action: str) -> PaymentError:
    """Stripe had an internal problem that its retries did not get past."""
    log.error("Stripe failed internally while we tried to %s: %s", action, _describe(exc))
    return ProviderUnavailable(UNREACHABLE_MESSAGE, retry_after=DEFAULT_RETRY_AFTER)


# Most specific first: stripe-python's error classes are siblings today, but order guards that.
_TRANSLATIONS: tuple[
    tuple[type[stripe.StripeError], Callable[[stripe.StripeError, str], PaymentError]], ...
] = (
    (stripe.CardError, _card_declined),
    (stripe.RateLimitError, _rate_limited),
    (stripe.APIConnectionError, _unreachable),
    (stripe.AuthenticationError, _misconfigured),
    (stripe.PermissionError, _misconfigured),
    (stripe.InvalidRequestError, _rejected_request),
    (stripe.IdempotencyError, _rejected_request),
    (stripe.APIError, _provider_error),
)


def _describe(exc: stripe.StripeError) -> str:
    """Status, code, param, request id and message of a Stripe error, secrets masked."""
    param = getattr(exc, "param", None)
    return redact(
        f"status={exc.http_status} code={exc.code} param={param} "
        f"request_id={exc.request_id} message={exc.user_message!r}"
    )


def _retry_after(headers: Mapping[str, str] | None) -> int:
    """Seconds from a Retry-After header (whole seconds only), else the default."""
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after" and value.strip().isdigit():
            return max(1, int(value.strip()))
    return DEFAULT_RETRY_AFTER
