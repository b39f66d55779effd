"""The demo's objects as Stripe's API shows them (JSON), and as the gateway interface's types."""

from __future__ import annotations

from typing import Any

from bookstore.addresses import ShippingAddress
from bookstore.payments.demo.models import (
    BANK_PAGE,
    BANK_REDIRECT,
    REQUIRES_ACTION,
    SUCCEEDED,
    DemoConfirmationToken,
    DemoPaymentIntent,
    DemoRefund,
)
from bookstore.payments.gateway import PaymentIntent, Refund
from bookstore.payments.stripe_events import describe_payment_method


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


def refund_object(
    refund: DemoRefund, intent: DemoPaymentIntent, failure_reason: str | None = None
) -> dict[str, Any]:
    """The refund as Stripe's API shows it (a failed one with Stripe's failure_reason)."""
    return {
        "id": refund.id,
        "object": "refund",
        "amount": refund.amount,
        "currency": refund.currency,
        "status": refund.status,
        "failure_reason": failure_reason,
        "payment_intent": refund.payment_intent_id,
        "charge": "ch_demo_" + intent.id.removeprefix("pi_demo_"),
        "metadata": dict(intent.intent_metadata),
    }


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


def to_refund(refund: DemoRefund) -> Refund:
    """The gateway-neutral view of a demo refund."""
    return Refund(
        id=refund.id,
        payment_intent_id=refund.payment_intent_id,
        amount=refund.amount,
        currency=refund.currency,
        status=refund.status,
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
