"""Stripe's own example objects (fixtures/stripe) served through requests-mock for tests.

Build a response from an official fixture with only the fields a test cares about changed:

    requests_mock.post(PAYMENT_INTENTS_URL, json=payment_intent(id="pi_1", amount=6000))

or let ``FakeStripe(requests_mock)`` answer create/update/confirm/retrieve of PaymentIntents and
refunds of them (in parts, up to what was received) with state, the way Stripe would
(idempotency keys replay the first response), and make its next answers fail with
``fake.fail("create", lost_response())``; ``fake.charge_refunded_event(intent_id)`` is the
charge.refunded Stripe sends with the charge as its refunds left it.
``answer_as_delivered(requests_mock, fake)`` (the ``fake_stripe`` fixture's default) serves a
PaymentIntent the fake never made as the webhook event being delivered shows it.
A test makes the ConfirmationToken a browser would send with ``fake.confirmation_token(...)``,
naming one of Stripe's test PaymentMethods (``pm_card_visa``...).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import requests_mock
import stripe
from flask import has_request_context
from flask import request as flask_request

# requests-mock's callback argument types (it exports no public names for them).
from requests_mock.request import _RequestObjectProxy
from requests_mock.response import _Context as Context

FIXTURES = Path(__file__).parent / "fixtures" / "stripe"
API_BASE = "https://api.stripe.com"
PAYMENT_INTENTS_PATH = "/v1/payment_intents"
PAYMENT_INTENTS_URL = API_BASE + PAYMENT_INTENTS_PATH
TAX_CALCULATIONS_PATH = "/v1/tax/calculations"
REFUNDS_PATH = "/v1/refunds"
REFUNDS_URL = API_BASE + REFUNDS_PATH
# FakeStripe's Stripe Tax charges this rate (basis points) on lines and shipping alike.
FAKE_TAX_RATE = 1000
# How long FakeStripe's tax calculations can be used (Stripe's expire_at).
TAX_CALCULATION_LIFETIME_SECONDS = 90 * 24 * 3600

# Stripe's test PaymentMethods, and what confirming a PaymentIntent with each does.
TEST_PAYMENT_METHODS: dict[str, str] = {
    "pm_card_visa": "succeeded",
    "pm_card_visa_chargeDeclinedInsufficientFunds": "declined",
    "pm_card_chargeDeclined": "declined",
    "pm_card_authenticationRequired": "requires_action",  # 3-D Secure
    "pm_sepa_debit": "processing",
}
# Statuses in which Stripe lets a PaymentIntent be confirmed.
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")

Json = dict[str, Any]
Request = _RequestObjectProxy  # a request as requests-mock recorded it
Operation = Literal["create", "update", "confirm", "retrieve", "tax", "refund"]


@cache
def _load(name: str) -> Json:
    """Read a fixture file once."""
    data: Json = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def fixture(name: str) -> Json:
    """A fresh copy of ``fixtures/stripe/<name>.json`` that a test may change freely."""
    return copy.deepcopy(_load(name))


def payment_intent(**changes: Any) -> Json:
    """Stripe's example PaymentIntent, reset to a fresh unpaid one, with ``changes`` applied."""
    intent = fixture("payment_intent")
    # The example object carries a sample error and next action; a new PaymentIntent has neither.
    intent.update(last_payment_error=None, next_action=None, canceled_at=None, metadata={})
    intent.update(changes)
    if "id" in changes and "client_secret" not in changes:
        intent["client_secret"] = f"{changes['id']}_secret_fake"
    return intent


def refund(**changes: Any) -> Json:
    """Stripe's example Refund (``fixtures/stripe/refund.json``) with ``changes`` applied."""
    result = fixture("refund")
    result.update(changes)
    return result


def event(event_type: str, data_object: Json, **changes: Any) -> Json:
    """Stripe's example Event of ``event_type`` carrying ``data_object``."""
    evt = fixture("event")
    evt.update(type=event_type, data={"object": data_object})
    evt.update(changes)
    return evt


def error_body(
    error_type: str,
    message: str | None = None,
    *,
    code: str | None = None,
    param: str | None = None,
    decline_code: str | None = None,
) -> Json:
    """An error response body in Stripe's shape (``{"error": {"type", "message", ...}}``)."""
    error: Json = {"type": error_type}
    for key, value in (
        ("message", message),
        ("code", code),
        ("param", param),
        ("decline_code", decline_code),
    ):
        if value is not None:
            error[key] = value
    return {"error": error}


def card_declined_body(**changes: Any) -> Json:
    """The 402 body of a declined card (``fixtures/stripe/error_card_declined.json``)."""
    body = fixture("error_card_declined")
    body["error"].update(changes)
    return body


def nested(fields: Mapping[str, str]) -> Json:
    """Form fields as the object they spell: ``shipping[address][city]`` -> nested dicts."""
    result: Json = {}
    for key, value in fields.items():
        path = key.replace("]", "").split("[")
        node = result
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return result


def form(request: Request) -> dict[str, str]:
    """The form fields stripe-python sent, flattened as on the wire (``metadata[order_token]``)."""
    return dict(parse_qsl(request.text or "", keep_blank_values=True))


def skip_retry_backoff(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make stripe-python's retry backoff sleep 0 s; the list records each retry's number."""
    retries: list[int] = []

    def sleep_time(self: object, num_retries: int) -> float:
        retries.append(num_retries)
        return 0.0

    monkeypatch.setattr(stripe.HTTPClient, "_sleep_time_seconds", sleep_time)
    return retries


@dataclass(frozen=True)
class Fault:
    """One failed answer: raise ``exc`` as requests would, or reply ``status`` with ``body``."""

    status: int = 500
    body: Json = field(default_factory=lambda: error_body("api_error", "Something went wrong"))
    headers: Mapping[str, str] = field(default_factory=dict)
    exc: Exception | None = None
    # Stripe carried the request out and only its answer was lost on the way back.
    processed: bool = False


def network_error(exc: Exception) -> Fault:
    """The request never reached Stripe (refused, reset, or timed out connecting)."""
    return Fault(exc=exc)


def lost_response() -> Fault:
    """Stripe did the work, but the answer timed out on the way back to us."""
    return Fault(exc=requests.exceptions.ReadTimeout("read timed out"), processed=True)


def server_error(status: int = 500) -> Fault:
    """Stripe failed internally."""
    return Fault(status=status, body=error_body("api_error", "Something went wrong on our end."))


def rate_limited(retry_after: str | None = None) -> Fault:
    """Stripe's 429, with a ``Retry-After`` header when given."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    body = error_body(
        "invalid_request_error",
        "Request rate limit exceeded. Learn more about rate limits here "
        "https://stripe.com/docs/rate-limits.",
        code="rate_limit",
    )
    return Fault(status=429, body=body, headers=headers)


def idempotency_conflict() -> Fault:
    """Stripe's 409: another request with the same Idempotency-Key is still being processed."""
    body = error_body(
        "idempotency_error",
        "There is currently another in-progress request using this idempotent key (that "
        "probably means you submitted twice, and the other request is still going through). "
        "Please try again later.",
    )
    return Fault(status=409, body=body)


def declined(**changes: Any) -> Fault:
    """Stripe's 402 for a refused card (``fixtures/stripe/error_card_declined.json``)."""
    return Fault(status=402, body=card_declined_body(**changes))


def already_refunded_body(charge_id: str) -> Json:
    """Stripe's 400 for a refund of a charge refunded in full already."""
    return error_body(
        "invalid_request_error",
        f"Charge {charge_id} has already been refunded.",
        code="charge_already_refunded",
    )


def amount_too_large_body(amount: int, left: int, currency: str) -> Json:
    """Stripe's 400 for a refund of more than the charge has left."""

    def money(cents: int) -> str:
        return f"{cents / 100:.2f} {currency.upper()}"

    return error_body(
        "invalid_request_error",
        f"Refund amount ({money(amount)}) is greater than unrefunded amount on charge "
        f"({money(left)})",
        code="amount_too_large",
        param="amount",
    )


def nothing_to_refund_body(intent_id: str) -> Json:
    """Stripe's 400 (no code) for a refund of a PaymentIntent that has no successful charge."""
    return error_body(
        "invalid_request_error",
        f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
        param="payment_intent",
    )


class FakeStripe:
    """Stripe's PaymentIntents API, stateful, on a requests-mock Mocker (or pytest fixture)."""

    def __init__(self, mocker: requests_mock.Mocker, api_base: str = API_BASE) -> None:
        self.api_base = api_base.rstrip("/")
        self.intents: dict[str, Json] = {}
        self._mocker = mocker
        # Idempotency-Key -> the first request's (path, form fields), Stripe's answer and status.
        self._replays: dict[str, tuple[tuple[str, dict[str, str]], Json, int]] = {}
        self._ids = itertools.count(1)
        self._faults: dict[Operation, deque[Fault]] = {
            "create": deque(),
            "update": deque(),
            "confirm": deque(),
            "retrieve": deque(),
            "tax": deque(),
            "refund": deque(),
        }
        self.tax_calculations: dict[str, Json] = {}
        # ConfirmationTokens by id: the test PaymentMethod each pays with, and whether used.
        self.confirmation_tokens: dict[str, Json] = {}
        # Refunds by id; a PaymentIntent is refunded in parts, up to what it received.
        self.refunds: dict[str, Json] = {}
        all_intents = self.api_base + PAYMENT_INTENTS_PATH
        mocker.post(all_intents, json=self._failing("create", self._create))
        one_intent = re.compile(re.escape(all_intents) + r"/[^/?]+")
        mocker.post(one_intent, json=self._failing("update", self._update))
        mocker.get(one_intent, json=self._failing("retrieve", self._retrieve))
        mocker.post(
            self.api_base + TAX_CALCULATIONS_PATH, json=self._failing("tax", self._calculate_tax)
        )
        mocker.post(self.api_base + REFUNDS_PATH, json=self._failing("refund", self._refund))
        # Last: requests-mock tries the newest matcher first, before the update's.
        confirm = re.compile(re.escape(all_intents) + r"/[^/?]+/confirm")
        mocker.post(confirm, json=self._failing("confirm", self._confirm))

    def fail(self, operation: Operation, *faults: Fault) -> None:
        """Answer the next calls of ``operation`` with these faults, in order, then normally."""
        self._faults[operation].extend(faults)

    def pending_faults(self, operation: Operation) -> int:
        """How many injected faults no request has used yet."""
        return len(self._faults[operation])

    def requests(self, method: str | None = None) -> list[Request]:
        """Requests sent to this fake Stripe, oldest first, optionally of one HTTP method."""
        return [
            r
            for r in self._mocker.request_history
            if r.url.startswith(self.api_base) and method in (None, r.method)
        ]

    def creates(self) -> list[Request]:
        """The create-PaymentIntent calls."""
        return [r for r in self.requests("POST") if _path(r) == PAYMENT_INTENTS_PATH]

    def updates(self) -> list[Request]:
        """The update-PaymentIntent calls."""
        return [
            r
            for r in self.requests("POST")
            if _path(r).startswith(PAYMENT_INTENTS_PATH + "/") and not _path(r).endswith("/confirm")
        ]

    def confirms(self) -> list[Request]:
        """The confirm-PaymentIntent calls."""
        return [
            r
            for r in self.requests("POST")
            if _path(r).startswith(PAYMENT_INTENTS_PATH + "/") and _path(r).endswith("/confirm")
        ]

    def confirmation_token(self, payment_method: str = "pm_card_visa") -> str:
        """A ConfirmationToken as the browser's createConfirmationToken makes it; its id."""
        assert payment_method in TEST_PAYMENT_METHODS, payment_method
        token_id = f"ctoken_fake{next(self._ids)}"
        self.confirmation_tokens[token_id] = {"payment_method": payment_method, "used": False}
        return token_id

    def tax_requests(self) -> list[Request]:
        """The Stripe Tax calculations asked for."""
        return [r for r in self.requests("POST") if _path(r) == TAX_CALCULATIONS_PATH]

    def refund_requests(self) -> list[Request]:
        """The create-Refund calls."""
        return [r for r in self.requests("POST") if _path(r) == REFUNDS_PATH]

    def set_status(self, intent_id: str, status: str) -> Json:
        """Move a PaymentIntent on, as a shopper's confirmation on Stripe.js would."""
        intent = self.intents[intent_id]
        intent["status"] = status
        if status == "succeeded":
            intent["amount_received"] = intent["amount"]
        return intent

    def _failing(
        self, operation: Operation, handler: Callable[[Request, Context], Json]
    ) -> Callable[[Request, Context], Json]:
        """Wrap a handler so that queued faults answer before it does."""

        def answer(request: Request, context: Context) -> Json:
            queued = self._faults[operation]
            if not queued:
                return handler(request, context)
            fault = queued.popleft()
            if fault.processed:
                handler(request, context)
            if fault.exc is not None:
                raise fault.exc
            context.status_code = fault.status
            context.headers.update(fault.headers)
            return copy.deepcopy(fault.body)

        return answer

    def _replay(self, request: Request, context: Context) -> Json | None:
        """The first response again for a repeated Idempotency-Key, as Stripe answers."""
        # A key reused with other parameters (or on another path) is refused, changing nothing.
        key = request.headers.get("Idempotency-Key")
        if key not in self._replays:
            return None
        first_request, body, status = self._replays[key]
        if first_request != (_path(request), form(request)):
            context.status_code = 400
            return error_body(
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request.",
            )
        context.status_code = status
        context.headers["Idempotent-Replayed"] = "true"
        return copy.deepcopy(body)

    def _remember(self, request: Request, body: Json, status: int = 200) -> Json:
        """Store a response for its Idempotency-Key and return a copy of it."""
        key = request.headers.get("Idempotency-Key")
        if key:
            self._replays[key] = ((_path(request), form(request)), copy.deepcopy(body), status)
        return copy.deepcopy(body)

    def _create(self, request: Request, context: Context) -> Json:
        replay = self._replay(request, context)
        if replay is not None:
            return replay
        fields = form(request)
        intent_id = f"pi_fake{next(self._ids)}"
        intent = payment_intent(
            id=intent_id,
            amount=int(fields["amount"]),
            currency=fields["currency"],
            amount_received=0,
            status="requires_payment_method",
            metadata={
                key[len("metadata[") : -1]: value
                for key, value in fields.items()
                if key.startswith("metadata[")
            },
        )
        _set_details(intent, fields)
        self.intents[intent_id] = intent
        return self._remember(request, intent)

    def _update(self, request: Request, context: Context) -> Json:
        replay = self._replay(request, context)
        if replay is not None:
            return replay
        intent = self._find(request, context)
        if intent is None:
            return _missing(request)
        if intent["status"] in ("processing", "succeeded", "canceled"):
            context.status_code = 400
            return error_body(
                "invalid_request_error",
                f"This PaymentIntent's amount could not be updated because it has a status of "
                f"{intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        fields = form(request)
        if "amount" in fields:
            intent["amount"] = int(fields["amount"])
        _set_details(intent, fields)
        return self._remember(request, intent)

    def _calculate_tax(self, request: Request, context: Context) -> Json:
        """Stripe Tax, at FAKE_TAX_RATE on every line and the shipping."""
        fields = form(request)
        lines = sum(
            int(value)
            for key, value in fields.items()
            if key.startswith("line_items[") and key.endswith("][amount]")
        )
        shipping = int(fields.get("shipping_cost[amount]", "0"))
        tax = ((lines + shipping) * FAKE_TAX_RATE + 5000) // 10000
        calculation = fixture("tax_calculation")
        calculation.update(
            id=f"taxcalc_fake{next(self._ids)}",
            currency=fields["currency"],
            tax_amount_exclusive=tax,
            amount_total=lines + shipping + tax,
            expires_at=int(time.time()) + TAX_CALCULATION_LIFETIME_SECONDS,
        )
        self.tax_calculations[calculation["id"]] = calculation
        return copy.deepcopy(calculation)

    def refunded_amount(self, intent_id: str) -> int:
        """What the PaymentIntent's refunds that count (not failed or canceled) gave back: its
        charge's amount_refunded."""
        return sum(
            done["amount"]
            for done in self.refunds.values()
            if done["payment_intent"] == intent_id and done["status"] not in ("failed", "canceled")
        )

    def charge_refunded_event(self, intent_id: str, **changes: Any) -> Json:
        """Stripe's charge.refunded for the PaymentIntent's charge as it is now: amount_refunded
        is what all its refunds gave back, and `refunded` is true only once that is all of it."""
        intent = self.intents[intent_id]
        charge = fixture("charge")
        refunded = self.refunded_amount(intent_id)
        charge.update(
            id="ch_" + intent_id.removeprefix("pi_"),
            payment_intent=intent_id,
            amount=intent["amount_received"],
            amount_captured=intent["amount_received"],
            amount_refunded=refunded,
            refunded=refunded >= intent["amount_received"],
            currency=intent["currency"],
            metadata=copy.deepcopy(intent["metadata"]),
        )
        return event("charge.refunded", charge, id=f"evt_fake{next(self._ids)}", **changes)

    def refund_failed_event(self, refund_id: str, reason: str = "expired_or_canceled_card") -> Json:
        """Fail a refund afterwards, as the bank of Stripe's test card 5126 does: it no longer
        counts against its charge; Stripe's refund.failed about it."""
        failed = self.refunds[refund_id]
        failed.update(status="failed", failure_reason=reason)
        return event("refund.failed", copy.deepcopy(failed), id=f"evt_fake{next(self._ids)}")

    def _refund(self, request: Request, context: Context) -> Json:
        """Refund `amount` of a succeeded PaymentIntent's charge, or (none given) what is left
        of it, as Stripe does: never more than is left, nothing once it is all refunded."""
        replay = self._replay(request, context)
        if replay is not None:
            return replay
        fields = form(request)
        intent_id = fields.get("payment_intent", "")
        intent = self.intents.get(intent_id)
        if intent is None:
            context.status_code = 404
            return error_body(
                "invalid_request_error",
                f"No such payment_intent: '{intent_id}'",
                code="resource_missing",
                param="payment_intent",
            )
        charge_id = "ch_" + intent_id.removeprefix("pi_")
        if intent["status"] != "succeeded":
            context.status_code = 400
            return nothing_to_refund_body(intent_id)
        left = intent["amount_received"] - self.refunded_amount(intent_id)
        if left <= 0:
            # Answered again on a retry with this key too, as Stripe replays it.
            context.status_code = 400
            return already_refunded_body(charge_id)
        amount = int(fields.get("amount", left))
        if amount < 1 or amount > left:
            context.status_code = 400
            if amount > left:
                return amount_too_large_body(amount, left, intent["currency"])
            return error_body(
                "invalid_request_error",
                "This value must be greater than or equal to 1.",
                code="parameter_invalid_integer",
                param="amount",
            )
        made = refund(
            id=f"re_fake{next(self._ids)}",
            amount=amount,
            currency=intent["currency"],
            charge=charge_id,
            payment_intent=intent_id,
            reason=fields.get("reason"),
            metadata=nested(fields).get("metadata", {}),
            status="succeeded",
        )
        self.refunds[made["id"]] = made
        return self._remember(request, made)

    def _confirm(self, request: Request, context: Context) -> Json:
        """Confirm with a ConfirmationToken, as Stripe does with its test PaymentMethods."""
        replay = self._replay(request, context)
        if replay is not None:
            return replay
        intent_id = _path(request).rsplit("/", 2)[-2]
        intent = self.intents.get(intent_id)
        if intent is None:
            context.status_code = 404
            return _missing(request, intent_id)
        if intent["status"] not in CONFIRMABLE:
            context.status_code = 400
            return error_body(
                "invalid_request_error",
                f"This PaymentIntent's payment could not be confirmed because it has a status "
                f"of {intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        fields = form(request)
        token_id = fields.get("confirmation_token", "")
        token = self.confirmation_tokens.get(token_id)
        if token is None or token["used"]:
            # A ConfirmationToken is used once; an unknown one is a 400 naming it.
            context.status_code = 400
            return error_body(
                "invalid_request_error",
                f"No such confirmation_token: '{token_id}'"
                if token is None
                else f"This ConfirmationToken ({token_id}) has already been used.",
                code="resource_missing" if token is None else "confirmation_token_used",
                param="confirmation_token",
            )
        token["used"] = True
        outcome = TEST_PAYMENT_METHODS[token["payment_method"]]
        intent.update(payment_method=f"pm_fake{next(self._ids)}", last_payment_error=None)
        intent["next_action"] = None
        if outcome == "declined":
            body = card_declined_body()
            if token["payment_method"] == "pm_card_chargeDeclined":
                body["error"].update(
                    decline_code="generic_decline", message="Your card was declined."
                )
            intent.update(status="requires_payment_method", last_payment_error=body["error"])
            body["error"]["payment_intent"] = copy.deepcopy(intent)
            context.status_code = 402
            return self._remember(request, body, 402)
        intent["status"] = outcome
        if outcome == "succeeded":
            intent["amount_received"] = intent["amount"]
        if outcome == "requires_action":
            intent["next_action"] = {
                "type": "use_stripe_sdk",
                "use_stripe_sdk": {"type": "three_d_secure_redirect"},
            }
        return self._remember(request, intent)

    def _retrieve(self, request: Request, context: Context) -> Json:
        intent = self._find(request, context)
        return copy.deepcopy(intent) if intent is not None else _missing(request)

    def _find(self, request: Request, context: Context) -> Json | None:
        """The PaymentIntent named in the URL, or None after setting a 404."""
        intent_id = _path(request).rsplit("/", 1)[-1]
        intent = self.intents.get(intent_id)
        if intent is None:
            context.status_code = 404
        return intent


def answer_as_delivered(mocker: requests_mock.Mocker, fake: FakeStripe) -> None:
    """Answer a retrieve of a PaymentIntent ``fake`` never made as the event in delivery shows it.

    Many tests deliver events about PaymentIntents they made up (``pi_1``); the webhook asks
    Stripe for one before a payment_failed or canceled acts on it. Stripe would have it, as the
    event being delivered shows it (a test wanting it otherwise makes it at the fake). Only
    during a POST /webhook handled in this thread, about that PaymentIntent; anything else
    gets the fake's 404.
    """
    all_intents = fake.api_base + PAYMENT_INTENTS_PATH
    one_intent = re.compile(re.escape(all_intents) + r"/[^/?]+")

    def delivered(request: Request) -> Json | None:
        intent_id = _path(request).rsplit("/", 1)[-1]
        if intent_id in fake.intents or not has_request_context():
            return None
        if flask_request.method != "POST" or flask_request.path != "/webhook":
            return None
        shown = json.loads(flask_request.get_data(cache=True))["data"]["object"]
        if shown.get("id") != intent_id:
            return None
        return payment_intent(
            id=intent_id,
            amount=shown.get("amount"),
            currency=shown.get("currency"),
            status=shown.get("status"),
            metadata=shown.get("metadata") or {},
        )

    def answer(request: Request, context: Context) -> Json:
        intent = delivered(request)
        assert intent is not None
        return intent

    # Newer than the fake's own matcher, so tried first; it steps aside when this has no answer.
    mocker.get(
        one_intent,
        json=answer,
        additional_matcher=lambda request: delivered(request) is not None,
    )


def _set_details(intent: Json, fields: dict[str, str]) -> None:
    """Store the shipping and receipt email sent, as Stripe shows them (absent fields null)."""
    sent = nested(fields)
    if "receipt_email" in sent:
        intent["receipt_email"] = sent["receipt_email"]
    if "shipping" in sent:
        shipping = sent["shipping"]
        address = {
            key: shipping.get("address", {}).get(key) or None
            for key in ("city", "country", "line1", "line2", "postal_code", "state")
        }
        intent["shipping"] = {
            "address": address,
            "carrier": None,
            "name": shipping.get("name"),
            "phone": shipping.get("phone"),
            "tracking_number": None,
        }


def _path(request: Request) -> str:
    """The request's path with its case kept (requests-mock lower-cases ``request.path``)."""
    return str(urlsplit(request.url).path)


def _missing(request: Request, intent_id: str | None = None) -> Json:
    """Stripe's 404 body for an unknown PaymentIntent id."""
    intent_id = intent_id or _path(request).rsplit("/", 1)[-1]
    return error_body(
        "invalid_request_error",
        f"No such payment_intent: '{intent_id}'",
        code="resource_missing",
        param="intent",
    )
