"""Stripe failing under a checkout, through the API: retries, one PaymentIntent, clear answers.

Stripe's answers come from FakeStripe (Stripe's fixture objects on requests-mock) with faults
injected in front of them; stripe-python retries as configured, its backoff sleep skipped.
"""

from __future__ import annotations

import socket
import threading
import uuid

import pytest
import requests
import requests_mock as rm
from checkout_requests import confirmed, pay
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from stripe_fakes import (
    PAYMENT_INTENTS_URL,
    FakeStripe,
    Fault,
    Request,
    declined,
    form,
    idempotency_conflict,
    lost_response,
    network_error,
    rate_limited,
    server_error,
    skip_retry_backoff,
)
from werkzeug.test import TestResponse

from bookstore import create_app
from bookstore.catalogue.data import BOOKS
from bookstore.config import Settings
from bookstore.db import db
from bookstore.orders.models import Order
from bookstore.payments.gateway import PaymentError
from bookstore.payments.stripe_gateway import StripeGateway
from bookstore.web.errors import domain_status

# stripe-python retries this many times after the first attempt (production's default too).
RETRIES = 1
ATTEMPTS = RETRIES + 1

PRICES = {book["id"]: book["price"] for book in BOOKS}
BOOM = "boom"

BUSY = "Payments are busy right now. Please try again in a few seconds."
UNREACHABLE = "We couldn't reach our payment provider. Please try again."

NETWORK_FAULTS = [
    pytest.param(requests.exceptions.ConnectTimeout("connect timed out"), id="connect-timeout"),
    pytest.param(requests.exceptions.ReadTimeout("read timed out"), id="read-timeout"),
    pytest.param(requests.exceptions.ConnectionError("connection reset"), id="connection-error"),
]


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Retries without stripe-python's sleeps; lists each retry's number."""
    return skip_retry_backoff(monkeypatch)


@pytest.fixture
def stripe_settings(stripe_settings: Settings) -> Settings:
    """The Stripe-mode app of conftest, with stripe-python's retries on as in production."""
    return stripe_settings.replace(stripe_max_network_retries=RETRIES)


def checkout(client: FlaskClient, cart_id: str, quantity: int = 1, **extra: object) -> TestResponse:
    """Pay for one line of BOOM (POST /create-payment-intent), as the checkout page sends it."""
    return pay(client, {BOOM: quantity}, cart_id, **extra)


def new_cart() -> str:
    """A cart id like the browser's."""
    return uuid.uuid4().hex


def order_count(app: Flask) -> int:
    """Rows in the orders table."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Order)) or 0


def only_order_token(app: Flask) -> str:
    """The token of the one order there must be (its idempotency keys are made from it)."""
    with app.app_context():
        [token] = db.session.scalars(select(Order.token)).all()
        return token


def keys(requests_sent: list[Request]) -> list[str]:
    """The Idempotency-Key header of each request."""
    return [sent.headers["Idempotency-Key"] for sent in requests_sent]


def create_keys(app: Flask, requests_sent: list[Request]) -> set[str]:
    """The distinct keys of these creates, each checked to be the order's create key."""
    token = only_order_token(app)
    sent = set(keys(requests_sent))
    # Made of the order's random token and a digest of what the PaymentIntent is made with.
    assert all(key.startswith(f"order-{token}-create-") for key in sent), sent
    return sent


def assert_unavailable(response: TestResponse, message: str, retry_after: str) -> None:
    """A 503 the checkout can show: the JSON error, a message, and when to try again."""
    assert response.status_code == 503
    assert response.headers["Retry-After"] == retry_after
    assert response.get_json() == {
        "error": {"code": "payment_provider_unavailable", "message": message}
    }


# --- creating the PaymentIntent -------------------------------------------------------------


@pytest.mark.parametrize("exc", NETWORK_FAULTS)
def test_a_network_fault_on_create_is_retried_with_the_same_key(
    stripe_app: Flask,
    stripe_client: FlaskClient,
    fake_stripe: FakeStripe,
    no_backoff: list[int],
    exc: Exception,
) -> None:
    fake_stripe.fail("create", network_error(exc))

    response = checkout(stripe_client, new_cart())

    assert response.status_code == 200
    body = response.get_json()
    creates = fake_stripe.creates()
    assert len(creates) == 2 and len(create_keys(stripe_app, creates)) == 1
    assert form(creates[0]) == form(creates[1])
    assert no_backoff == [1]
    assert list(fake_stripe.intents) == [body["paymentIntentId"]]
    assert order_count(stripe_app) == 1


def test_a_create_whose_answer_was_lost_gets_the_same_payment_intent_on_retry(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    fake_stripe.fail("create", lost_response())

    response = checkout(stripe_client, new_cart())

    assert response.status_code == 200
    # Stripe made a PaymentIntent for the first attempt; the retry's key replays it.
    [intent_id] = fake_stripe.intents
    assert response.get_json()["paymentIntentId"] == intent_id
    assert len(fake_stripe.creates()) == 2
    assert len(set(keys(fake_stripe.creates()))) == 1
    assert order_count(stripe_app) == 1


def test_a_lost_create_then_a_changed_cart_pays_with_the_new_amount_only(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    # Stripe makes the PaymentIntent each time but every answer is lost: the shopper gets 503.
    fake_stripe.fail("create", *[lost_response()] * ATTEMPTS)
    cart_id = new_cart()
    assert checkout(stripe_client, cart_id).status_code == 503
    [lost] = fake_stripe.intents

    # The shopper adds a copy and pays: a create for the new quote, under its own key. The lost
    # one was never shown to anyone, so it can never be confirmed.
    token = fake_stripe.confirmation_token()
    response = checkout(stripe_client, cart_id, quantity=2, **confirmed(token))

    assert response.status_code == 200
    paid_with = response.get_json()["paymentIntentId"]
    assert paid_with != lost
    assert fake_stripe.intents[paid_with]["amount"] == response.get_json()["amount"]
    assert fake_stripe.intents[paid_with]["status"] == "succeeded"
    assert fake_stripe.intents[lost]["status"] == "requires_payment_method"
    assert len(create_keys(stripe_app, fake_stripe.creates())) == 2
    assert fake_stripe.updates() == []
    assert order_count(stripe_app) == 1


@pytest.mark.parametrize("exc", NETWORK_FAULTS)
def test_stripe_unreachable_on_create_is_a_503_to_try_again(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe, exc: Exception
) -> None:
    fake_stripe.fail("create", *[network_error(exc)] * ATTEMPTS)

    response = checkout(stripe_client, new_cart())

    assert_unavailable(response, UNREACHABLE, "5")
    assert len(fake_stripe.creates()) == ATTEMPTS
    assert len(create_keys(stripe_app, fake_stripe.creates())) == 1
    assert fake_stripe.intents == {}


def test_the_browsers_retry_after_an_outage_reuses_the_order_and_the_key(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart()
    fake_stripe.fail("create", *[network_error(requests.exceptions.ConnectTimeout())] * ATTEMPTS)
    assert checkout(stripe_client, cart_id).status_code == 503
    token = only_order_token(stripe_app)

    again = checkout(stripe_client, cart_id)

    assert again.status_code == 200
    body = again.get_json()
    assert only_order_token(stripe_app) == token
    assert len(fake_stripe.creates()) == ATTEMPTS + 1
    assert len(create_keys(stripe_app, fake_stripe.creates())) == 1
    assert list(fake_stripe.intents) == [body["paymentIntentId"]]
    assert order_count(stripe_app) == 1


def test_an_outage_after_stripe_created_the_intent_still_ends_with_one_payment_intent(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id = new_cart()
    # Every answer is lost, though Stripe created the PaymentIntent on the first attempt.
    fake_stripe.fail("create", *[lost_response()] * ATTEMPTS)
    assert checkout(stripe_client, cart_id).status_code == 503
    [created] = fake_stripe.intents

    again = checkout(stripe_client, cart_id)

    assert again.status_code == 200
    assert again.get_json()["paymentIntentId"] == created
    assert list(fake_stripe.intents) == [created]
    assert len(set(keys(fake_stripe.creates()))) == 1
    assert order_count(stripe_app) == 1


# --- changing the amount --------------------------------------------------------------------


def prepared_cart(client: FlaskClient) -> tuple[str, dict[str, object]]:
    """A cart with a PaymentIntent for one book, and the response that set it up."""
    cart_id = new_cart()
    first = checkout(client, cart_id)
    assert first.status_code == 200
    return cart_id, first.get_json()


@pytest.mark.parametrize("exc", NETWORK_FAULTS)
def test_a_network_fault_on_update_is_retried_with_the_same_key(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe, exc: Exception
) -> None:
    cart_id, first = prepared_cart(stripe_client)
    fake_stripe.fail("update", network_error(exc))

    response = checkout(stripe_client, cart_id, quantity=2)

    assert response.status_code == 200
    amount = response.get_json()["amount"]
    sent = keys(fake_stripe.updates())
    assert sent[0].startswith(f"order-{only_order_token(stripe_app)}-update-rev2-")
    assert sent == [sent[0]] * 2
    assert fake_stripe.intents[str(first["paymentIntentId"])]["amount"] == amount
    assert len(fake_stripe.creates()) == 1


def test_the_browsers_retry_after_an_update_outage_sends_the_change_again(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id, first = prepared_cart(stripe_client)
    fake_stripe.fail("update", *[lost_response()] * ATTEMPTS)

    outage = checkout(stripe_client, cart_id, quantity=3)
    again = checkout(stripe_client, cart_id, quantity=3)

    assert_unavailable(outage, UNREACHABLE, "5")
    assert again.status_code == 200
    assert again.get_json()["paymentIntentId"] == first["paymentIntentId"]
    amount = again.get_json()["amount"]
    # stripe-python's retries reuse the Pay's key; the next Pay (its own key) sends the same
    # change again, since whether the lost one was made is not known.
    token = only_order_token(stripe_app)
    sent = keys(fake_stripe.updates())
    assert sent[:ATTEMPTS] == [sent[0]] * ATTEMPTS
    assert sent[0].startswith(f"order-{token}-update-rev2-")
    assert sent[ATTEMPTS:] == [sent[0].replace("-rev2-", "-rev3-")]
    assert len(fake_stripe.creates()) == 1
    assert len(fake_stripe.intents) == 1
    assert order_count(stripe_app) == 1
    with stripe_app.app_context():
        order = db.session.scalars(select(Order)).one()
        assert order.amount == amount
        assert fake_stripe.intents[str(first["paymentIntentId"])]["amount"] == amount


# --- Stripe's own errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(server_error(500), id="500"),
        pytest.param(server_error(503), id="503"),
        pytest.param(idempotency_conflict(), id="409-idempotency-conflict"),
    ],
)
def test_transient_stripe_errors_are_retried_with_the_same_key(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe, fault: Fault
) -> None:
    fake_stripe.fail("create", fault)

    response = checkout(stripe_client, new_cart())

    assert response.status_code == 200
    assert len(fake_stripe.creates()) == 2
    assert len(create_keys(stripe_app, fake_stripe.creates())) == 1
    assert len(fake_stripe.intents) == 1
    assert order_count(stripe_app) == 1


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        pytest.param(server_error(500), UNREACHABLE, id="500"),
        # Another request with our key is still running: it will finish, so "busy".
        pytest.param(idempotency_conflict(), BUSY, id="409-idempotency-conflict"),
    ],
)
def test_stripe_errors_that_outlast_the_retries_are_a_503(
    stripe_app: Flask,
    stripe_client: FlaskClient,
    fake_stripe: FakeStripe,
    fault: Fault,
    message: str,
) -> None:
    fake_stripe.fail("create", *[fault] * ATTEMPTS)

    response = checkout(stripe_client, new_cart())

    assert_unavailable(response, message, "5")
    assert len(fake_stripe.creates()) == ATTEMPTS
    assert len(set(keys(fake_stripe.creates()))) == 1
    assert order_count(stripe_app) == 1


def test_a_proxys_html_error_page_instead_of_stripes_json_is_a_503(
    stripe_app: Flask, stripe_client: FlaskClient, requests_mock: rm.Mocker
) -> None:
    # Registered after FakeStripe's handlers, so it answers first.
    bad_gateway = {"status_code": 502, "text": "<html><h1>502 Bad Gateway</h1></html>"}
    requests_mock.post(PAYMENT_INTENTS_URL, [bad_gateway] * ATTEMPTS)

    response = checkout(stripe_client, new_cart())

    assert_unavailable(response, UNREACHABLE, "5")
    assert len(requests_mock.request_history) == ATTEMPTS
    assert order_count(stripe_app) == 1


@pytest.mark.parametrize(
    ("header", "retry_after"),
    [pytest.param("17", "17", id="with-retry-after"), pytest.param(None, "5", id="without")],
)
def test_a_rate_limit_on_create_is_a_503_with_retry_after(
    stripe_app: Flask,
    stripe_client: FlaskClient,
    fake_stripe: FakeStripe,
    header: str | None,
    retry_after: str,
) -> None:
    cart_id = new_cart()
    fake_stripe.fail("create", rate_limited(header))

    limited = checkout(stripe_client, cart_id)
    later = checkout(stripe_client, cart_id)

    assert_unavailable(limited, BUSY, retry_after)
    assert later.status_code == 200
    # stripe-python does not retry a 429 by itself; the shopper's retry used the same key.
    assert len(fake_stripe.creates()) == 2
    assert len(create_keys(stripe_app, fake_stripe.creates())) == 1
    assert len(fake_stripe.intents) == 1
    assert order_count(stripe_app) == 1


def test_a_rate_limit_on_update_is_a_503_with_retry_after(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    cart_id, _ = prepared_cart(stripe_client)
    fake_stripe.fail("update", rate_limited("30"))

    response = checkout(stripe_client, cart_id, quantity=2)

    assert_unavailable(response, BUSY, "30")
    assert len(fake_stripe.updates()) == 1


@pytest.mark.parametrize("operation", ["create", "update"])
def test_a_declined_card_shows_stripes_message_and_is_not_retried(
    stripe_client: FlaskClient, fake_stripe: FakeStripe, operation: str
) -> None:
    cart_id = new_cart()
    if operation == "update":
        assert checkout(stripe_client, cart_id).status_code == 200
    fake_stripe.fail("confirm", declined())
    token = fake_stripe.confirmation_token()
    calls = len(fake_stripe.requests("POST"))

    response = checkout(stripe_client, cart_id, quantity=2, **confirmed(token))

    assert response.status_code == 402
    assert response.get_json() == {
        "error": {"code": "card_declined", "message": "Your card has insufficient funds."}
    }
    assert "Retry-After" not in response.headers
    # The PaymentIntent made or changed, then one confirmation: a decline is never retried.
    assert len(fake_stripe.requests("POST")) == calls + 2
    assert len(fake_stripe.confirms()) == 1


def test_a_decline_without_a_message_gets_a_generic_one(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    fake_stripe.fail("confirm", declined(message=None, decline_code="generic_decline"))
    token = fake_stripe.confirmation_token()

    response = checkout(stripe_client, new_cart(), **confirmed(token))

    assert response.status_code == 402
    assert response.get_json()["error"]["message"] == "Your card was declined."


def test_an_idempotency_key_reused_with_another_amount_is_refused_and_changes_nothing(
    fake_stripe: FakeStripe,
) -> None:
    gateway = StripeGateway(secret_key="sk_test_123", publishable_key="pk_test_123")
    first = gateway.create_payment_intent(
        amount=3000, currency="usd", order_token="tok7", idempotency_key="order-tok7-create"
    )

    with pytest.raises(PaymentError) as caught:
        gateway.create_payment_intent(
            amount=6000, currency="usd", order_token="tok7", idempotency_key="order-tok7-create"
        )

    # Our bug, not the shopper's: a 502 and a log line, and Stripe kept the first intent as is.
    assert (domain_status(caught.value), caught.value.code) == (502, "payment_provider_error")
    assert list(fake_stripe.intents) == [first.id]
    assert fake_stripe.intents[first.id]["amount"] == 3000


def test_the_order_page_still_answers_while_stripe_is_down(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    _, first = prepared_cart(stripe_client)
    fake_stripe.fail("retrieve", *[network_error(requests.exceptions.ReadTimeout())] * ATTEMPTS)

    response = stripe_client.get(
        f"/api/orders/{first['paymentIntentId']}",
        query_string={"client_secret": first["clientSecret"]},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["paymentStatus"]) == ("pending", None)
    assert len(fake_stripe.requests("GET")) == ATTEMPTS


# --- the client's settings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timeout", "retries"),
    [pytest.param("1.5", "3", id="more-retries"), pytest.param("0.25", "0", id="no-retries")],
)
def test_stripe_timeout_and_retries_come_from_the_environment(
    database_url: str, fake_stripe: FakeStripe, timeout: str, retries: str
) -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": database_url,
            "STRIPE_SECRET_KEY": "sk_test_123",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_123",
            "STRIPE_TIMEOUT_SECONDS": timeout,
            "STRIPE_MAX_NETWORK_RETRIES": retries,
        }
    )
    client = create_app(settings).test_client()
    attempts = int(retries) + 1
    fake_stripe.fail("create", *[network_error(requests.exceptions.ReadTimeout())] * attempts)

    response = checkout(client, new_cart())

    assert response.status_code == 503
    sent = fake_stripe.creates()
    # Neither value is the default (4 s, 1 retry), so each must have been passed through.
    assert [request.timeout for request in sent] == [float(timeout)] * attempts
    assert fake_stripe.pending_faults("create") == 0


def test_by_default_a_stripe_that_never_answers_is_given_up_on_within_ten_seconds(
    database_url: str, fake_stripe: FakeStripe
) -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": database_url,
            "STRIPE_SECRET_KEY": "sk_test_123",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_123",
        }
    )
    client = create_app(settings).test_client()
    fake_stripe.fail("create", *[network_error(requests.exceptions.ReadTimeout())] * 5)

    response = checkout(client, new_cart())

    assert_unavailable(response, UNREACHABLE, "5")
    sent = fake_stripe.creates()
    # Every attempt waits at most its timeout, then one 0.5 s backoff: 4 + 0.5 + 4 s in all.
    assert [request.timeout for request in sent] == [4.0, 4.0]
    assert len(set(keys(sent))) == 1
    assert settings.worst_stripe_wait_seconds <= 10


def test_a_stripe_that_accepts_the_connection_and_never_answers_gets_a_503(
    database_url: str, requests_mock: rm.Mocker
) -> None:
    # A real socket that takes each connection and never says a word.
    requests_mock.real_http = True
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    settings = Settings(
        database_url=database_url,
        stripe_secret_key="sk_test_123",
        stripe_publishable_key="pk_test_123",
        stripe_api_base=f"http://127.0.0.1:{listener.getsockname()[1]}",
        stripe_timeout_seconds=0.3,
        stripe_max_network_retries=1,
    )
    try:
        response = checkout(create_app(settings).test_client(), new_cart())
    finally:
        stop.set()
        acceptor.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()

    assert_unavailable(response, UNREACHABLE, "5")
    assert len(held) == 2  # the first attempt and its one retry, each timed out
