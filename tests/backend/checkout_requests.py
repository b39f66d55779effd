"""What the checkout page sends: quotes while the shopper types, then Pay with complete details.

body = pay_body({"boom": 2}, cart_id)             # a complete Pay, no confirmation
answer = paid(client, {"boom": 2}, cart_id)        # POST it; the 200's JSON
token = demo_token(client, PAYS)                   # the demo's ConfirmationToken
pay(client, {"boom": 1}, confirmationToken=token, returnUrl=RETURN_URL)
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

EMAIL = "ada@example.com"
ADDRESS: dict[str, Any] = {
    "name": "Ada Lovelace",
    "phone": "+1 415 555 0100",
    "address": {
        "line1": "354 Oyster Point Blvd",
        "line2": "Suite 2",
        "city": "South San Francisco",
        "state": "CA",
        "postalCode": "94080",
        "country": "US",
    },
}
# A page of the shop (the default FRONTEND_ORIGIN), where a redirect may send the shopper back.
RETURN_URL = "http://localhost:3000/checkout"

PAYS = "4242424242424242"
DECLINED = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
NEEDS_AUTHENTICATION = "4000002500003155"


def new_cart_id() -> str:
    """A cart id like the browser makes."""
    return uuid.uuid4().hex


def items(cart: Mapping[str, int]) -> list[dict[str, Any]]:
    """A cart as the body's items."""
    return [{"id": book_id, "quantity": quantity} for book_id, quantity in cart.items()]


def quote_body(cart: Mapping[str, int], cart_id: str | None = None, **extra: Any) -> dict[str, Any]:
    """A quote's body: the cart, and whatever details are given in `extra`."""
    body: dict[str, Any] = {"items": items(cart)}
    if cart_id is not None:
        body["cartId"] = cart_id
    body.update(extra)
    return body


def pay_body(cart: Mapping[str, int], cart_id: str | None = None, **extra: Any) -> dict[str, Any]:
    """A Pay body with the email and shipping address a complete order needs."""
    return quote_body(cart, cart_id, **{"email": EMAIL, "shipping": ADDRESS, **extra})


def quote(
    client: FlaskClient, cart: Mapping[str, int], cart_id: str | None = None, **extra: Any
) -> TestResponse:
    """POST /api/quote."""
    return client.post("/api/quote", json=quote_body(cart, cart_id, **extra))


def pay(
    client: FlaskClient, cart: Mapping[str, int], cart_id: str | None = None, **extra: Any
) -> TestResponse:
    """POST /create-payment-intent with complete details (and `extra`)."""
    return client.post("/create-payment-intent", json=pay_body(cart, cart_id, **extra))


def paid(
    client: FlaskClient, cart: Mapping[str, int], cart_id: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A Pay that must succeed; its JSON."""
    response = pay(client, cart, cart_id, **extra)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def card(number: str = PAYS, **changes: Any) -> dict[str, Any]:
    """Card fields as the demo stand-in's form sends them."""
    fields: dict[str, Any] = {
        "number": number,
        "exp_month": 12,
        "exp_year": date.today().year + 3,
        "cvc": "123",
    }
    fields.update(changes)
    return fields


def demo_token(client: FlaskClient, number: str = PAYS, **method: Any) -> str:
    """A demo ConfirmationToken for a card (or `method`: sepa_debit=..., bank_redirect=...)."""
    body = method or {"card": card(number)}
    if "bank_redirect" in body:
        body.setdefault("return_url", RETURN_URL)
    response = client.post("/demo/confirmation_tokens", json=body)
    assert response.status_code == 200, response.get_json()
    token: str = response.get_json()["id"]
    return token


def confirmed(token: str) -> dict[str, Any]:
    """The fields that make Pay confirm the PaymentIntent with a ConfirmationToken."""
    return {"confirmationToken": token, "returnUrl": RETURN_URL}
