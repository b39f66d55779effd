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
from database_setup import server_url
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from bookstore.config import Settings
from bookstore.db import db
from bookstore.domain_errors import InvalidRequest, NotFound
from bookstore.orders.models import Order
from bookstore.payments import build_gateway, current_gateway
from bookstore.payments.demo.cards import Card, card_details, card_outcome
from bookstore.payments.demo.gateway import DemoGateway
from bookstore.payments.demo.models import DemoPaymentIntent
from bookstore.payments.demo.storage import DemoIntentNotFound, UnexpectedIntentState
from bookstore.payments.gateway import (
    CardError,
    InvalidSignature,
    PaymentError,
    PaymentEvent,
    PaymentIntent,
)
from bookstore.payments.stripe_gateway import StripeGateway
from bookstore.web.errors import domain_status

PAYS = "4242424242424242"
NEEDS_AUTHENTICATION = "4000002500003155"
TOKEN = "tok_order_seven"


@pytest.fixture
def gateway(app: Flask) -> Iterator[DemoGateway]:
    """The app's demo gateway, inside an app context."""
    with app.app_context():
        found = current_gateway()
        assert isinstance(found, DemoGateway)
        yield found


def create(
    gateway: DemoGateway, amount: int = 6000, token: str = TOKEN, key: str = ""
) -> PaymentIntent:
    """A PaymentIntent for the order with this token, under checkout's key for it by default."""
    return gateway.create_payment_intent(
        amount=amount,
        currency="usd",
        order_token=token,
        idempotency_key=key or f"order-{token}-create",
    )


def card(number: str = PAYS) -> Card:
    return Card(number=number, exp_month=12, exp_year=date.today().year + 3, cvc="123")


def intent_count() -> int:
    return db.session.scalar(select(func.count()).select_from(DemoPaymentIntent)) or 0


def stored_intent(payment_intent_id: str) -> dict[str, Any] | None:
    """The PaymentIntent as committed, read on a connection of its own (not db.session's)."""
    table = DemoPaymentIntent.__table__
    with db.engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == payment_intent_id)).first()
    return None if row is None else dict(row._mapping)


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


def test_in_demo_mode_the_app_uses_the_demo_gateway(app: Flask) -> None:
    with app.app_context():
        gateway = current_gateway()

    assert isinstance(gateway, DemoGateway)
    assert (gateway.mode, gateway.name, gateway.publishable_key) == ("demo", "demo", None)


@pytest.mark.parametrize(
    ("secret_key", "publishable_key", "name"),
    [
        ("sk_test_123", "pk_test_123", "stripe_test"),
        ("rk_live_123", "pk_live_123", "stripe_live"),
    ],
)
def test_with_both_keys_build_gateway_picks_stripe_named_for_its_mode(
    secret_key: str, publishable_key: str, name: str
) -> None:
    settings = Settings(
        database_url="sqlite://",
        stripe_secret_key=secret_key,
        stripe_publishable_key=publishable_key,
    )

    gateway = build_gateway(settings)

    assert isinstance(gateway, StripeGateway)
    assert (gateway.mode, gateway.name) == ("stripe", name)
    assert gateway.publishable_key == publishable_key


# --- the gateway interface ----------------------------------------------------------------------


def test_create_makes_an_unpaid_payment_intent_naming_the_orders_token(
    gateway: DemoGateway,
) -> None:
    intent = create(gateway, amount=4500, token="tok_random_order")

    assert re.fullmatch(r"pi_demo_[0-9a-f]{24}", intent.id)
    assert re.fullmatch(re.escape(intent.id) + r"_secret_[0-9a-f]{32}", intent.client_secret)
    assert (intent.amount, intent.currency, intent.status) == (
        4500,
        "usd",
        "requires_payment_method",
    )
    # The order goes by its random token only: no sequential id another database also counts.
    assert intent.metadata == {"order_token": "tok_random_order"}
    assert gateway.retrieve_payment_intent(intent.id) == intent


def test_the_same_idempotency_key_returns_the_same_payment_intent(gateway: DemoGateway) -> None:
    first = create(gateway)
    again = create(gateway)
    other = create(gateway, token="tok_order_eight")

    assert again == first
    assert other.id != first.id
    assert intent_count() == 2


def test_reusing_a_key_with_other_parameters_is_refused_like_stripe(
    gateway: DemoGateway,
) -> None:
    create(gateway, amount=6000, key=f"order-{TOKEN}-create")

    with pytest.raises(PaymentError) as caught:
        create(gateway, amount=9000, key=f"order-{TOKEN}-create")

    assert caught.value.code == "payment_provider_error"
    assert domain_status(caught.value) == 502
    assert intent_count() == 1


def test_concurrent_creates_with_one_key_make_one_payment_intent(
    app: Flask, gateway: DemoGateway
) -> None:
    results = run_in_threads(app, 8, lambda: create(gateway, key="order-tok_race-create"))

    assert all(isinstance(r, PaymentIntent) for r in results), results
    assert len({r.id for r in results if isinstance(r, PaymentIntent)}) == 1
    assert intent_count() == 1


def test_update_changes_the_amount_of_an_unpaid_payment_intent(gateway: DemoGateway) -> None:
    intent = create(gateway, amount=6000)

    updated = gateway.update_payment_intent(
        intent.id, amount=9000, idempotency_key=f"order-{TOKEN}-amount-9000-rev2"
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

    updated = gateway.update_payment_intent(intent.id, amount=1, idempotency_key="k")

    assert updated.status == "requires_payment_method"


def test_a_paid_payment_intent_cannot_change_amount(gateway: DemoGateway) -> None:
    intent = create(gateway, amount=6000)
    gateway.confirm(intent.id, intent.client_secret, card(PAYS))

    with pytest.raises(PaymentError) as caught:
        gateway.update_payment_intent(intent.id, amount=1, idempotency_key="k")

    assert domain_status(caught.value) == 502
    assert gateway.retrieve_payment_intent(intent.id).amount == 6000


@pytest.mark.parametrize("operation", ["update", "retrieve"])
def test_unknown_payment_intents_are_a_provider_error(gateway: DemoGateway, operation: str) -> None:
    with pytest.raises(PaymentError) as caught:
        if operation == "update":
            gateway.update_payment_intent("pi_demo_nope", amount=1, idempotency_key="k")
        else:
            gateway.retrieve_payment_intent("pi_demo_nope")

    assert caught.value.code == "payment_provider_error"
    assert domain_status(caught.value) == 502


# --- owning no transaction of the caller ------------------------------------------------------

# Each gateway step, on a PaymentIntent made beforehand (3D Secure pending for "authenticate").
GATEWAY_CALLS: dict[str, Callable[[DemoGateway, PaymentIntent], object]] = {
    "create": lambda gateway, intent: create(gateway, token="tok_another_order"),
    "update": lambda gateway, intent: gateway.update_payment_intent(
        intent.id, amount=9000, idempotency_key=f"order-{TOKEN}-amount-9000-rev2"
    ),
    "retrieve": lambda gateway, intent: gateway.retrieve_payment_intent(intent.id),
    "get": lambda gateway, intent: gateway.get(intent.id, intent.client_secret),
    "confirm": lambda gateway, intent: gateway.confirm(intent.id, intent.client_secret, card(PAYS)),
    "authenticate": lambda gateway, intent: gateway.authenticate(
        intent.id, intent.client_secret, True
    ),
}
READ_ONLY_CALLS = {"retrieve", "get"}


def prepared_intent(gateway: DemoGateway, call: str) -> PaymentIntent:
    """The PaymentIntent a call is made about, in a state where the call is allowed."""
    intent = create(gateway, token=f"tok_before_{call}")
    if call == "authenticate":
        gateway.confirm(intent.id, intent.client_secret, card(NEEDS_AUTHENTICATION))
    return intent


def gateway_effect_is_stored(call: str, intent: PaymentIntent, result: object) -> None:
    """Assert the call's own write is committed, read on another connection."""
    if call == "create":
        assert isinstance(result, PaymentIntent)
        stored = stored_intent(result.id)
        assert stored is not None
        assert stored["metadata"] == {"order_token": "tok_another_order"}
        return
    stored = stored_intent(intent.id)
    assert stored is not None
    expected = {
        "update": ("requires_payment_method", 9000),
        "confirm": ("succeeded", 6000),
        "authenticate": ("succeeded", 6000),
    }.get(call, ("requires_payment_method", 6000))
    assert (stored["status"], stored["amount"]) == expected


def caller_states(call: str) -> list[Any]:
    """The caller's work left pending, and flushed where this run's database allows it.

    SQLite has one writer: a caller holding a flushed write must commit before a gateway call
    that writes (checkout does), or the call waits for it. PostgreSQL runs those cases too.
    """
    states = [pytest.param(call, False, id=f"{call}-pending")]
    if server_url() is not None or call in READ_ONLY_CALLS:
        states.append(pytest.param(call, True, id=f"{call}-flushed"))
    return states


@pytest.mark.parametrize(
    ("call", "flushed"), [state for call in GATEWAY_CALLS for state in caller_states(call)]
)
def test_a_gateway_call_neither_commits_nor_rolls_back_the_callers_work(
    gateway: DemoGateway, call: str, flushed: bool
) -> None:
    intent = prepared_intent(gateway, call)
    db.session.scalar(select(func.count()).select_from(Order))  # the caller's transaction
    callers_transaction = db.session().get_transaction()
    callers_order = Order(currency="usd", amount=100, cart_id="the-callers-own-cart")
    db.session.add(callers_order)
    if flushed:
        db.session.flush()

    result = GATEWAY_CALLS[call](gateway, intent)

    # The caller's transaction is as the caller left it: not ended, its work neither
    # committed nor thrown away (a flush or commit would have emptied `new`).
    assert db.session().get_transaction() is callers_transaction
    assert callers_transaction is not None and callers_transaction.is_active
    assert (callers_order in db.session.new) is not flushed
    assert callers_order in db.session
    gateway_effect_is_stored(call, intent, result)

    db.session.rollback()

    caller_rows = select(func.count()).where(Order.cart_id == "the-callers-own-cart")
    assert db.session.scalar(caller_rows) == 0
    gateway_effect_is_stored(call, intent, result)  # the gateway's write outlives it


def test_the_gateways_writes_survive_a_rollback_of_the_callers_session(
    gateway: DemoGateway,
) -> None:
    db.session.scalar(select(func.count()).select_from(Order))
    intent = create(gateway, amount=4200)
    gateway.confirm(intent.id, intent.client_secret, card(PAYS))

    db.session.rollback()

    assert gateway.retrieve_payment_intent(intent.id).status == "succeeded"
    stored = stored_intent(intent.id)
    assert stored is not None
    assert (stored["status"], stored["amount_received"]) == ("succeeded", 4200)


def test_gateway_calls_begin_and_commit_sessions_of_their_own(gateway: DemoGateway) -> None:
    begun: list[Session] = []
    committed: list[Session] = []
    rolled_back: list[Session] = []
    callers_session = db.session()

    def on_begin(session: Session, transaction: SessionTransaction, connection: object) -> None:
        begun.append(session)

    def on_commit(session: Session) -> None:
        committed.append(session)

    def on_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
        rolled_back.append(session)

    listeners = [
        ("after_begin", on_begin),
        ("after_commit", on_commit),
        ("after_soft_rollback", on_rollback),
    ]
    for name, listener in listeners:
        event.listen(Session, name, listener)
    try:
        for call in GATEWAY_CALLS:
            GATEWAY_CALLS[call](gateway, prepared_intent(gateway, call))
    finally:
        for name, listener in listeners:
            event.remove(Session, name, listener)

    assert begun and committed  # the gateway's sessions were seen...
    assert callers_session not in begun + committed + rolled_back  # ...never the caller's
    assert not callers_session.in_transaction()


# --- what the browser's stand-in does --------------------------------------------------------


def test_get_needs_the_matching_client_secret(gateway: DemoGateway) -> None:
    intent = create(gateway)
    other = create(gateway, token="tok_order_eight")

    assert gateway.get(intent.id, intent.client_secret).id == intent.id
    for intent_id, secret in [
        (intent.id, other.client_secret),
        (intent.id, intent.client_secret + "x"),
        (intent.id, ""),
        ("pi_demo_unknown", intent.client_secret),
    ]:
        with pytest.raises(DemoIntentNotFound) as caught:
            gateway.get(intent_id, secret)
        assert isinstance(caught.value, NotFound)
        assert (domain_status(caught.value), caught.value.code) == (404, "not_found")


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

    assert isinstance(caught.value, InvalidRequest)
    assert (domain_status(caught.value), caught.value.code) == (
        400,
        "payment_intent_unexpected_state",
    )
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

    with pytest.raises(UnexpectedIntentState) as caught:
        gateway.authenticate(intent.id, intent.client_secret, True)

    assert caught.value.message == "This payment is not waiting for authentication."
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
    for index, number in enumerate(numbers, start=1):
        intent = create(gateway, token=f"tok_order_{index}")
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
    intent = create(gateway, amount=4200, token="tok_order_31")
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
        {"order_token": "tok_order_31"},
        None,
    )
    assert intent.client_secret not in payload.decode()


def test_the_gateway_translates_its_events_into_payment_events(gateway: DemoGateway) -> None:
    intent = create(gateway, amount=4200, token="tok_order_31")
    paid = gateway.confirm(intent.id, intent.client_secret, card(PAYS))
    payload, header = gateway.signed_event("payment_intent.succeeded", paid)

    event = gateway.parse_event(payload, header)

    assert event == PaymentEvent(
        id=json.loads(payload)["id"],
        type="payment_intent.succeeded",
        action="succeeded",
        payment_intent_id=intent.id,
        order_token="tok_order_31",
        amount=4200,
        currency="usd",
        failure_message=None,
    )


def test_failed_attempt_events_carry_the_last_payment_error(gateway: DemoGateway) -> None:
    intent = create(gateway)
    declined = gateway.confirm(intent.id, intent.client_secret, card("4000000000009995"))

    payload, header = gateway.signed_event("payment_intent.payment_failed", declined)

    assert json.loads(payload)["data"]["object"]["last_payment_error"] == {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.",
    }
    event = gateway.parse_event(payload, header)
    assert (event.action, event.payment_intent_id, event.order_token) == (
        "failed",
        intent.id,
        TOKEN,
    )
    assert event.failure_message == "Your card has insufficient funds."


def test_events_the_shop_does_not_act_on_are_translated_without_an_action(
    gateway: DemoGateway,
) -> None:
    intent = gateway.get(create(gateway).id, create(gateway).client_secret)
    payload, header = gateway.signed_event("payment_intent.created", intent)

    event = gateway.parse_event(payload, header)

    assert (event.type, event.action) == ("payment_intent.created", None)


def test_each_event_has_its_own_id(gateway: DemoGateway) -> None:
    intent = gateway.get(create(gateway).id, create(gateway).client_secret)

    first, _ = gateway.signed_event("payment_intent.succeeded", intent)
    second, _ = gateway.signed_event("payment_intent.succeeded", intent)

    assert json.loads(first)["id"] != json.loads(second)["id"]


def test_events_from_another_process_or_tampered_are_rejected(gateway: DemoGateway) -> None:
    intent = gateway.get(create(gateway).id, create(gateway).client_secret)
    payload, header = gateway.signed_event("payment_intent.succeeded", intent)

    with pytest.raises(InvalidSignature) as caught:
        DemoGateway().parse_event(payload, header)  # another process, another secret
    assert domain_status(caught.value) == 400
    with pytest.raises(InvalidSignature):
        gateway.parse_event(payload.replace(b"6000", b"6001"), header)
    with pytest.raises(InvalidSignature):
        gateway.parse_event(payload, None)


# --- confirming on the server with a ConfirmationToken (Pay) ----------------------------------


def token_for(gateway: DemoGateway, number: str = PAYS) -> str:
    """A ConfirmationToken as POST /demo/confirmation_tokens makes it."""
    made = gateway.create_confirmation_token(
        card_outcome(card(number), date.today()), card_details(card(number)), None
    )
    return made.id


def test_a_token_confirms_once_and_its_replay_under_the_same_key_answers_the_same(
    gateway: DemoGateway,
) -> None:
    told: list[str] = []
    gateway.after_attempt = lambda intent: told.append(intent.status)
    intent = create(gateway)
    token = token_for(gateway)

    first = gateway.confirm_payment_intent(
        intent.id, confirmation_token=token, idempotency_key="order-tok-confirm-rev1"
    )
    replay = gateway.confirm_payment_intent(
        intent.id, confirmation_token=token, idempotency_key="order-tok-confirm-rev1"
    )
    with pytest.raises(PaymentError):
        gateway.confirm_payment_intent(
            intent.id, confirmation_token=token, idempotency_key="order-tok-confirm-rev2"
        )

    assert first.status == replay.status == "succeeded"
    assert told == ["succeeded"]  # the events of one attempt, sent once


def test_a_declined_token_raises_card_error_and_leaves_the_payment_intent_payable(
    gateway: DemoGateway,
) -> None:
    intent = create(gateway)

    with pytest.raises(CardError) as caught:
        gateway.confirm_payment_intent(
            intent.id,
            confirmation_token=token_for(gateway, "4000000000000002"),
            idempotency_key="order-tok-confirm-rev1",
        )

    assert (domain_status(caught.value), caught.value.message) == (402, "Your card was declined.")
    after = gateway.retrieve_payment_intent(intent.id)
    assert after.status == "requires_payment_method"
    paid = gateway.confirm_payment_intent(
        intent.id, confirmation_token=token_for(gateway), idempotency_key="order-tok-confirm-rev2"
    )
    assert paid.status == "succeeded"


def test_confirming_a_paid_payment_intent_is_refused_as_stripe_refuses_it(
    gateway: DemoGateway,
) -> None:
    intent = create(gateway)
    gateway.confirm_payment_intent(
        intent.id, confirmation_token=token_for(gateway), idempotency_key="order-tok-confirm-rev1"
    )

    with pytest.raises(PaymentError) as caught:
        gateway.confirm_payment_intent(
            intent.id,
            confirmation_token=token_for(gateway),
            idempotency_key="order-tok-confirm-rev2",
        )

    assert domain_status(caught.value) == 502
    assert gateway.retrieve_payment_intent(intent.id).status == "succeeded"
