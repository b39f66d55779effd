"""The demo gateway on its own: PaymentIntents in the app's database, as Stripe's test mode."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import stripe
from flask import Flask
from sqlalchemy import func, select

from bookstore.config import Settings
from bookstore.db import db
from bookstore.payments import build_gateway, current_gateway
from bookstore.payments.demo_cards import Card
from bookstore.payments.demo_gateway import (
    DemoGateway,
    DemoIntentNotFound,
    DemoPaymentIntent,
    UnexpectedIntentState,
)
from bookstore.payments.gateway import InvalidSignature, PaymentError, PaymentIntent
from bookstore.payments.stripe_gateway import StripeGateway

PAYS = "4242424242424242"
NEEDS_AUTHENTICATION = "4000002500003155"


@pytest.fixture
def gateway(app: Flask) -> Iterator[DemoGateway]:
    """The app's demo gateway, inside an app context."""
    with app.app_context():
        found = current_gateway()
        assert isinstance(found, DemoGateway)
        yield found


def create(gateway: DemoGateway, amount: int = 6000, order_id: int = 7, key: str = "") -> Any:
    return gateway.create_payment_intent(
        amount=amount,
        currency="usd",
        order_id=order_id,
        idempotency_key=key or f"order-{order_id}-create",
    )


def card(number: str = PAYS) -> Card:
    return Card(number=number, exp_month=12, exp_year=date.today().year + 3, cvc="123")


def intent_count() -> int:
    return db.session.scalar(select(func.count()).select_from(DemoPaymentIntent)) or 0


def run_in_threads(app: Flask, count: int, work: Callable[[], object]) -> list[object]:
    """Run ``work`` in ``count`` threads at once, each in its own app context."""
    barrier = threading.Barrier(count)
    results: list[object] = []

    def target() -> None:
        with app.app_context():
            barrier.wait()
            try:
                results.append(work())
            except Exception as error:  # collected, so the test can show what failed
                results.append(error)

    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


# --- choosing a gateway -----------------------------------------------------------------------


def test_without_stripe_keys_the_app_uses_the_demo_gateway(app: Flask) -> None:
    with app.app_context():
        gateway = current_gateway()

    assert isinstance(gateway, DemoGateway)
    assert (gateway.mode, gateway.publishable_key) == ("demo", None)


def test_with_both_keys_build_gateway_picks_stripe() -> None:
    settings = Settings(
        database_url="sqlite://",
        stripe_secret_key="sk_test_123",
        stripe_publishable_key="pk_test_123",
    )

    gateway = build_gateway(settings)

    assert isinstance(gateway, StripeGateway)
    assert gateway.publishable_key == "pk_test_123"


# --- the gateway interface ----------------------------------------------------------------------


def test_create_makes_an_unpaid_payment_intent_for_the_order(gateway: DemoGateway) -> None:
    intent = create(gateway, amount=4500, order_id=12)

    assert re.fullmatch(r"pi_demo_[0-9a-f]{24}", intent.id)
    assert re.fullmatch(re.escape(intent.id) + r"_secret_[0-9a-f]{32}", intent.client_secret)
    assert (intent.amount, intent.currency, intent.status) == (
        4500,
        "usd",
        "requires_payment_method",
    )
    assert intent.metadata == {"order_id": "12"}
    assert gateway.retrieve_payment_intent(intent.id) == intent


def test_the_same_idempotency_key_returns_the_same_payment_intent(gateway: DemoGateway) -> None:
    first = create(gateway)
    again = create(gateway)
    other = create(gateway, order_id=8)

    assert again == first
    assert other.id != first.id
    assert intent_count() == 2


def test_reusing_a_key_with_other_parameters_is_refused_like_stripe(
    gateway: DemoGateway,
) -> None:
    create(gateway, amount=6000, key="order-7-create")

    with pytest.raises(PaymentError) as caught:
        create(gateway, amount=9000, key="order-7-create")

    assert (caught.value.status, caught.value.code) == (502, "payment_provider_error")
    assert intent_count() == 1


def test_concurrent_creates_with_one_key_make_one_payment_intent(
    app: Flask, gateway: DemoGateway
) -> None:
    results = run_in_threads(app, 8, lambda: create(gateway, key="order-99-create"))

    assert all(isinstance(r, PaymentIntent) for r in results), results
    assert len({r.id for r in results if isinstance(r, PaymentIntent)}) == 1
    assert intent_count() == 1


def test_update_changes_the_amount_of_an_unpaid_payment_intent(gateway: DemoGateway) -> None:
    intent = create(gateway, amount=6000)

    updated = gateway.update_payment_intent_amount(
        intent.id, amount=9000, idempotency_key="order-7-amount-9000-rev2"
    )

    assert (updated.id, updated.amount, updated.client_secret) == (
        intent.id,
        9000,
        intent.client_secret,
    )
    assert gateway.retrieve_payment_intent(intent.id).amount == 9000


def test_an_amount_change_lapses_a_pending_authentication(gateway: DemoGateway) -> None:
    intent = create(gateway)
    gateway.confirm(intent.id, intent.client_secret, card(NEEDS_AUTHENTICATION))

    updated = gateway.update_payment_intent_amount(intent.id, amount=1, idempotency_key="k")

    assert updated.status == "requires_payment_method"


def test_a_paid_payment_intent_cannot_change_amount(gateway: DemoGateway) -> None:
    intent = create(gateway, amount=6000)
    gateway.confirm(intent.id, intent.client_secret, card(PAYS))

    with pytest.raises(PaymentError) as caught:
        gateway.update_payment_intent_amount(intent.id, amount=1, idempotency_key="k")

    assert caught.value.status == 502
    assert gateway.retrieve_payment_intent(intent.id).amount == 6000


@pytest.mark.parametrize("operation", ["update", "retrieve"])
def test_unknown_payment_intents_are_a_provider_error(gateway: DemoGateway, operation: str) -> None:
    with pytest.raises(PaymentError) as caught:
        if operation == "update":
            gateway.update_payment_intent_amount("pi_demo_nope", amount=1, idempotency_key="k")
        else:
            gateway.retrieve_payment_intent("pi_demo_nope")

    assert caught.value.status == 502


# --- what the browser's stand-in does --------------------------------------------------------


def test_get_needs_the_matching_client_secret(gateway: DemoGateway) -> None:
    intent = create(gateway)
    other = create(gateway, order_id=8)

    assert gateway.get(intent.id, intent.client_secret).id == intent.id
    for intent_id, secret in [
        (intent.id, other.client_secret),
        (intent.id, intent.client_secret + "x"),
        (intent.id, ""),
        ("pi_demo_unknown", intent.client_secret),
    ]:
        with pytest.raises(DemoIntentNotFound) as caught:
            gateway.get(intent_id, secret)
        assert (caught.value.status, caught.value.code) == (404, "not_found")


@pytest.mark.parametrize(
    ("number", "status", "code", "decline_code", "message"),
    [
        (PAYS, "succeeded", None, None, None),
        (NEEDS_AUTHENTICATION, "requires_action", None, None, None),
        (
            "4000000000000002",
            "requires_payment_method",
            "card_declined",
            "generic_decline",
            "Your card was declined.",
        ),
        (
            "4000000000009995",
            "requires_payment_method",
            "card_declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        (
            "4242424242424241",
            "requires_payment_method",
            "incorrect_number",
            None,
            "Your card number is incorrect.",
        ),
    ],
)
def test_confirm_records_the_outcome_of_stripes_test_cards(
    gateway: DemoGateway,
    number: str,
    status: str,
    code: str | None,
    decline_code: str | None,
    message: str | None,
) -> None:
    intent = create(gateway, amount=4200)

    confirmed = gateway.confirm(intent.id, intent.client_secret, card(number))

    assert confirmed.status == status
    assert (
        confirmed.last_error_code,
        confirmed.last_decline_code,
        confirmed.last_error_message,
    ) == (code, decline_code, message)
    assert confirmed.amount_received == (4200 if status == "succeeded" else 0)
    assert gateway.retrieve_payment_intent(intent.id).status == status


def test_a_declined_payment_intent_can_be_paid_with_another_card(gateway: DemoGateway) -> None:
    intent = create(gateway)
    gateway.confirm(intent.id, intent.client_secret, card("4000000000000002"))

    paid = gateway.confirm(intent.id, intent.client_secret, card(PAYS))

    assert paid.status == "succeeded"
    assert paid.last_error_code is None
    assert paid.last_error_message is None


def test_a_paid_payment_intent_cannot_be_confirmed_again(gateway: DemoGateway) -> None:
    intent = create(gateway)
    gateway.confirm(intent.id, intent.client_secret, card(PAYS))

    with pytest.raises(UnexpectedIntentState) as caught:
        gateway.confirm(intent.id, intent.client_secret, card("4000000000000002"))

    assert caught.value.status == 400
    assert caught.value.message == "This payment has already succeeded."
    assert gateway.retrieve_payment_intent(intent.id).status == "succeeded"


def test_confirm_with_a_wrong_secret_changes_nothing(gateway: DemoGateway) -> None:
    intent = create(gateway)

    with pytest.raises(DemoIntentNotFound):
        gateway.confirm(intent.id, "pi_demo_x_secret_y", card(PAYS))

    assert gateway.retrieve_payment_intent(intent.id).status == "requires_payment_method"


@pytest.mark.parametrize(
    ("approve", "status", "code"),
    [
        (True, "succeeded", None),
        (False, "requires_payment_method", "payment_intent_authentication_failure"),
    ],
)
def test_authentication_finishes_a_requires_action_attempt(
    gateway: DemoGateway, approve: bool, status: str, code: str | None
) -> None:
    intent = create(gateway)
    gateway.confirm(intent.id, intent.client_secret, card(NEEDS_AUTHENTICATION))

    done = gateway.authenticate(intent.id, intent.client_secret, approve)

    assert (done.status, done.last_error_code) == (status, code)
    if not approve:
        assert done.last_error_message == (
            "We are unable to authenticate your payment method. "
            "Please choose a different payment method and try again."
        )


def test_authentication_is_refused_when_none_is_pending(gateway: DemoGateway) -> None:
    intent = create(gateway)

    with pytest.raises(UnexpectedIntentState):
        gateway.authenticate(intent.id, intent.client_secret, True)

    assert gateway.retrieve_payment_intent(intent.id).status == "requires_payment_method"


def test_two_simultaneous_confirmations_pay_only_once(app: Flask, gateway: DemoGateway) -> None:
    intent = create(gateway)

    results = run_in_threads(
        app, 6, lambda: gateway.confirm(intent.id, intent.client_secret, card(PAYS))
    )

    paid = [r for r in results if isinstance(r, DemoPaymentIntent)]
    refused = [r for r in results if isinstance(r, UnexpectedIntentState)]
    assert (len(paid), len(refused)) == (1, 5), results


@pytest.mark.sqlite_only  # reads SQLite's own files and settings
def test_card_numbers_are_never_written_to_the_database(
    gateway: DemoGateway, database_url: str
) -> None:
    numbers = ["4000000000000002", "4000000000009995", NEEDS_AUTHENTICATION, PAYS]
    for order_id, number in enumerate(numbers, start=1):
        intent = create(gateway, order_id=order_id)
        gateway.confirm(intent.id, intent.client_secret, card(number))
    db.session.remove()

    database = database_url.removeprefix("sqlite:///")
    files = [Path(database + suffix) for suffix in ("", "-wal", "-journal")]
    stored = b"".join(path.read_bytes() for path in files if path.exists())
    assert stored  # the files were found and read
    for number in numbers:
        assert number.encode() not in stored


# --- events ------------------------------------------------------------------------------------


def test_signed_events_are_stripe_shaped_and_verify(gateway: DemoGateway) -> None:
    intent = create(gateway, amount=4200, order_id=31)
    paid = gateway.confirm(intent.id, intent.client_secret, card(PAYS))

    payload, header = gateway.signed_event("payment_intent.succeeded", paid)

    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", header)
    body = json.loads(payload)
    assert body["id"].startswith("evt_demo_")
    assert (body["object"], body["type"], body["livemode"]) == (
        "event",
        "payment_intent.succeeded",
        False,
    )
    assert body["api_version"] == stripe.api_version
    data = body["data"]["object"]
    assert {k: data[k] for k in ("id", "object", "amount", "amount_received", "currency")} == {
        "id": intent.id,
        "object": "payment_intent",
        "amount": 4200,
        "amount_received": 4200,
        "currency": "usd",
    }
    assert (data["status"], data["metadata"], data["last_payment_error"]) == (
        "succeeded",
        {"order_id": "31"},
        None,
    )
    assert intent.client_secret not in payload.decode()

    event = gateway.construct_event(payload, header)
    assert (event.id, event.type) == (body["id"], "payment_intent.succeeded")
    assert event.data_object == data


def test_failed_attempt_events_carry_the_last_payment_error(gateway: DemoGateway) -> None:
    intent = create(gateway)
    declined = gateway.confirm(intent.id, intent.client_secret, card("4000000000009995"))

    payload, header = gateway.signed_event("payment_intent.payment_failed", declined)

    assert gateway.construct_event(payload, header).data_object["last_payment_error"] == {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.",
    }


def test_each_event_has_its_own_id(gateway: DemoGateway) -> None:
    intent = gateway.get(create(gateway).id, create(gateway).client_secret)

    first, _ = gateway.signed_event("payment_intent.succeeded", intent)
    second, _ = gateway.signed_event("payment_intent.succeeded", intent)

    assert json.loads(first)["id"] != json.loads(second)["id"]


def test_events_from_another_process_or_tampered_are_rejected(gateway: DemoGateway) -> None:
    intent = gateway.get(create(gateway).id, create(gateway).client_secret)
    payload, header = gateway.signed_event("payment_intent.succeeded", intent)

    with pytest.raises(InvalidSignature):
        DemoGateway().construct_event(payload, header)  # another process, another secret
    with pytest.raises(InvalidSignature):
        gateway.construct_event(payload.replace(b"6000", b"6001"), header)
    with pytest.raises(InvalidSignature):
        gateway.construct_event(payload, None)
