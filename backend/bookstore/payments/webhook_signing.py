"""Stripe's webhook signatures: verifying deliveries (both gateways) and signing demo events."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

import stripe

from bookstore.payments.gateway import InvalidSignature, PaymentEvent
from bookstore.payments.stripe_events import translate

log = logging.getLogger(__name__)

INVALID_MESSAGE = "The webhook signature could not be verified."


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header for a payload: ``t=<unix time>,v1=<HMAC-SHA256 hex>``."""
    signed_at = int(time.time()) if timestamp is None else timestamp
    signed_payload = f"{signed_at}.".encode() + payload
    digest = hmac.new(secret.encode(), signed_payload, hashlib.sha256).hexdigest()
    return f"t={signed_at},v1={digest}"


def verify_event(payload: bytes, header: str | None, secret: str) -> PaymentEvent:
    """Check a delivery with stripe-python (default 5-minute tolerance) and translate it."""
    try:
        event = stripe.Webhook.construct_event(payload, header, secret)
    except stripe.SignatureVerificationError as exc:
        # The library's text only describes the header (never the secret), so it is safe to log.
        log.warning("Rejected a webhook delivery: %s", exc.user_message)
        raise InvalidSignature(INVALID_MESSAGE) from exc
    except ValueError as exc:  # not UTF-8 or not JSON, yet correctly signed
        log.warning("Rejected a signed webhook delivery whose body is not JSON")
        raise InvalidSignature("The webhook body is not valid JSON.") from exc
    except (AttributeError, TypeError) as exc:  # stripe-python assumes a JSON object
        raise _not_an_event() from exc
    # for_json keeps values as they were sent (stripe-python would turn *_decimal into Decimal).
    return _payment_event(event.to_dict(for_json=True))


def _not_an_event() -> InvalidSignature:
    """The error for a correctly signed body that is not shaped like a Stripe event."""
    log.warning("Rejected a signed webhook delivery that is not a Stripe event")
    return InvalidSignature("The webhook body is not a Stripe event.")


def _payment_event(event: dict[str, object]) -> PaymentEvent:
    """Translate a verified event into the shop's terms."""
    event_id, event_type, data = event.get("id"), event.get("type"), event.get("data")
    data_object = data.get("object") if isinstance(data, dict) else None
    if not (
        isinstance(event_id, str) and isinstance(event_type, str) and isinstance(data_object, dict)
    ):
        raise _not_an_event()
    return translate(event_id, event_type, data_object)
