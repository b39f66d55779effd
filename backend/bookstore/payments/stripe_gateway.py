"""The Stripe gateway: PaymentIntents through stripe-python, Stripe's errors made shopper-safe
(stripe_errors.py), and Stripe Tax through the same client (stripe_tax.py)."""

from __future__ import annotations

import logging

import stripe

from bookstore.addresses import ShippingAddress
from bookstore.config import ConfigError, Settings, reveal
from bookstore.payments.gateway import (
    Mode,
    PaymentEvent,
    PaymentIntent,
    ProviderMisconfigured,
    Refund,
)
from bookstore.payments.stripe_errors import MISCONFIGURED_RETRY_AFTER, stripe_errors
from bookstore.payments.stripe_events import ORDER_METADATA_KEY, describe_payment_method
from bookstore.payments.stripe_tax import StripeTax
from bookstore.payments.webhook_signing import verify_event
from bookstore.redaction import redact_logger

log = logging.getLogger(__name__)

WEBHOOK_NOT_CONFIGURED_MESSAGE = "This server does not accept webhooks: no signing secret is set."


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
            secret_key=reveal(settings.stripe_secret_key),
            publishable_key=settings.stripe_publishable_key,
            webhook_secret=reveal(settings.stripe_webhook_secret),
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
        _add_order_details(params, shipping, receipt_email, tax_calculation)
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
        _add_order_details(params, shipping, receipt_email, tax_calculation)
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
        amount: int | None = None,
    ) -> Refund:
        """Refund `amount` of a succeeded PaymentIntent's charge, or (None) what is left of it;
        Stripe sends charge.refunded.

        A retry with the same key gets the same refund back. Stripe's charge_already_refunded
        (nothing left: refunded by another key or in the Dashboard) is AlreadyRefunded; a
        PaymentIntent with no successful charge yet is NotRefundable; an amount over what is
        left is Stripe's 400 (a refusal).
        """
        params: stripe.params.RefundCreateParams = {
            "payment_intent": payment_intent_id,
            "metadata": {ORDER_METADATA_KEY: order_token},
        }
        if amount is not None:
            params["amount"] = amount
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
            # The shop's own setup: the owner must set STRIPE_WEBHOOK_SECRET.
            raise ProviderMisconfigured(
                WEBHOOK_NOT_CONFIGURED_MESSAGE,
                code="webhook_not_configured",
                retry_after=MISCONFIGURED_RETRY_AFTER,
            )
        return verify_event(payload, signature_header, self._webhook_secret)


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


def _add_order_details(
    params: stripe.params.PaymentIntentCreateParams | stripe.params.PaymentIntentUpdateParams,
    shipping: ShippingAddress | None,
    receipt_email: str | None,
    tax_calculation: str | None,
) -> None:
    """What a complete order tells its PaymentIntent, the same for a create and an update."""
    if shipping is not None:
        params["shipping"] = _shipping_params(shipping)
    if receipt_email is not None:
        params["receipt_email"] = receipt_email
    if tax_calculation is not None:
        # Stripe Tax records the transaction when this PaymentIntent succeeds.
        params["hooks"] = {"inputs": {"tax": {"calculation": tax_calculation}}}


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
