"""Stripe's events (and the demo's copies of them) translated into the shop's PaymentEvent.

Both gateways deliver Stripe-shaped events, so both translate with this one module; nothing
past the gateways reads Stripe's JSON.
"""

from __future__ import annotations

from collections.abc import Mapping

from bookstore.payments.gateway import EventAction, PaymentEvent

# The metadata key checkout stores the order's random token under.
ORDER_METADATA_KEY = "order_token"

CARD_BRANDS = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "discover": "Discover",
    "jcb": "JCB",
    "diners": "Diners Club",
    "unionpay": "UnionPay",
}

METHOD_NAMES = {
    "sepa_debit": "SEPA Direct Debit",
    "us_bank_account": "US bank account",
    "bank_redirect": "Bank redirect (demo bank)",
}

# The events that tell of a refund failing after it was made (about a Refund object).
REFUND_FAILURE_EVENTS = frozenset({"refund.failed", "charge.refund.updated"})

_PAYMENT_INTENT_ACTIONS: Mapping[str, EventAction] = {
    "payment_intent.succeeded": "succeeded",
    "payment_intent.payment_failed": "failed",
    "payment_intent.processing": "processing",
    "payment_intent.canceled": "canceled",
}


def translate(event_id: str, event_type: str, obj: Mapping[str, object]) -> PaymentEvent:
    """The shop's view of a verified Stripe event about `obj` (its data.object)."""
    action = _PAYMENT_INTENT_ACTIONS.get(event_type)
    if action is not None:
        return PaymentEvent(
            id=event_id,
            type=event_type,
            action=action,
            payment_intent_id=_text(obj, "id"),
            order_token=_order_token(obj),
            # What arrived, for a payment; what was asked, before anything did.
            amount=_number(obj, "amount_received") or _number(obj, "amount"),
            currency=_text(obj, "currency"),
            failure_message=_error_message(obj) if action == "failed" else None,
        )
    if event_type == "charge.succeeded":
        # Sent with every successful payment; the PaymentIntent's own event names its payment
        # method only by id, this one says what it was (a card's brand and last four digits).
        return PaymentEvent(
            id=event_id,
            type=event_type,
            action="paid_with",
            payment_intent_id=_text(obj, "payment_intent"),
            order_token=_order_token(obj),
            payment_method=describe_payment_method(obj.get("payment_method_details")),
        )
    if event_type == "charge.refunded":
        return PaymentEvent(
            id=event_id,
            type=event_type,
            action="refunded",
            payment_intent_id=_text(obj, "payment_intent"),
            order_token=_order_token(obj),
            amount=_number(obj, "amount_refunded"),
            currency=_text(obj, "currency"),
            fully_refunded=obj.get("refunded") is not False,
        )
    if event_type in REFUND_FAILURE_EVENTS and obj.get("status") == "failed":
        # A refund Stripe made can fail later (the card was closed): `refund.failed`, or
        # `charge.refund.updated` on older API versions. Its failure_reason is Stripe's code.
        return PaymentEvent(
            id=event_id,
            type=event_type,
            action="refund_failed",
            payment_intent_id=_text(obj, "payment_intent"),
            order_token=_order_token(obj),
            amount=_number(obj, "amount"),
            currency=_text(obj, "currency"),
            failure_message=_text(obj, "failure_reason"),
            refund_id=_text(obj, "id"),
        )
    return PaymentEvent(id=event_id, type=event_type, action=None)


def describe_payment_method(details: object) -> str | None:
    """ "Visa •••• 4242" for a card, "Sepa debit" for other kinds; None if nothing is known.

    Takes a Charge's payment_method_details or a PaymentMethod: both have `type` and a
    sub-object named after it.
    """
    if not isinstance(details, Mapping):
        return None
    kind = _text(details, "type")
    if kind is None:
        return None
    method = details.get(kind)
    last4 = _text(method, "last4") if isinstance(method, Mapping) else None
    if kind == "card" and isinstance(method, Mapping):
        brand = _text(method, "brand")
        if brand and last4:
            return f"{CARD_BRANDS.get(brand, brand.title())} •••• {last4}"
    name = METHOD_NAMES.get(kind, kind.replace("_", " ").capitalize())
    return f"{name} •••• {last4}" if last4 else name


def _order_token(obj: Mapping[str, object]) -> str | None:
    """The order token in the object's metadata, if checkout put one there."""
    metadata = obj.get("metadata")
    return _text(metadata, ORDER_METADATA_KEY) if isinstance(metadata, Mapping) else None


def _error_message(obj: Mapping[str, object]) -> str | None:
    """Why the last payment attempt failed, in Stripe's shopper-safe words."""
    error = obj.get("last_payment_error")
    return _text(error, "message") if isinstance(error, Mapping) else None


def _text(obj: Mapping[str, object], key: str) -> str | None:
    """A string field, or None if absent or of another type."""
    value = obj.get(key)
    return value if isinstance(value, str) and value else None


def _number(obj: Mapping[str, object], key: str) -> int | None:
    """An integer field, or None (booleans are not amounts)."""
    value = obj.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
