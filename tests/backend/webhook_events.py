"""Stripe-shaped webhook deliveries for tests, signed the way Stripe signs them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from flask.testing import FlaskClient
from stripe_fakes import event, payment_intent

# The signing secret of the Stripe-mode test app (short and fake, so scanners ignore it).
STRIPE_WEBHOOK_SECRET = "whsec_test"

_ids = itertools.count(1)


def sign(payload: bytes, secret: str = STRIPE_WEBHOOK_SECRET, at: int | None = None) -> str:
    """A Stripe-Signature header: HMAC-SHA256 over f"{t}.{payload}" with the signing secret."""
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def intent_event(
    event_type: str,
    intent_id: str,
    *,
    amount: int,
    order_token: str | None = None,
    currency: str = "usd",
    event_id: str | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """A payment_intent.* event about one PaymentIntent, from Stripe's example objects."""
    status = {
        "payment_intent.succeeded": "succeeded",
        "payment_intent.processing": "processing",
        "payment_intent.canceled": "canceled",
    }.get(event_type, "requires_payment_method")
    intent = payment_intent(
        id=intent_id,
        amount=amount,
        amount_received=amount if status == "succeeded" else 0,
        currency=currency,
        status=status,
        metadata={} if order_token is None else {"order_token": order_token},
    )
    intent.update(changes)
    return event(event_type, intent, id=event_id or f"evt_test{next(_ids)}")


def refund_event(intent_id: str, *, amount: int, refunded: bool = True) -> dict[str, Any]:
    """A charge.refunded event for the charge of a PaymentIntent."""
    charge = {
        "id": f"ch_test{next(_ids)}",
        "object": "charge",
        "payment_intent": intent_id,
        "amount": amount,
        "amount_refunded": amount if refunded else amount // 2,
        "refunded": refunded,
        "currency": "usd",
    }
    return event("charge.refunded", charge, id=f"evt_test{next(_ids)}")


def delivery(evt: dict[str, Any], **sign_options: Any) -> tuple[bytes, dict[str, str]]:
    """Body and headers of a webhook delivery of `evt`."""
    payload = json.dumps(evt).encode()
    return payload, {"Stripe-Signature": sign(payload, **sign_options)}


def post_event(client: FlaskClient, evt: dict[str, Any]) -> str:
    """Deliver `evt`, signed, to the app's webhook; what the handler did with it."""
    payload, headers = delivery(evt)
    response = client.post("/webhook", data=payload, headers=headers)
    assert response.status_code == 200, response.get_json()
    result: str = response.get_json()["result"]
    return result
