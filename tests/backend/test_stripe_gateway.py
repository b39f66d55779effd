"""The Stripe gateway against Stripe's example objects served by requests-mock."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
import requests
import requests_mock as rm
import stripe
from stripe_fakes import (
    PAYMENT_INTENTS_URL,
    card_declined_body,
    error_body,
    event,
    fixture,
    form,
    payment_intent,
    skip_retry_backoff,
)

from bookstore.addresses import ShippingAddress
from bookstore.config import ConfigError, Settings
from bookstore.payments.gateway import (
    CardError,
    InvalidSignature,
    PaymentError,
    PaymentEvent,
    ProviderMisconfigured,
    ProviderUnavailable,
)
from bookstore.payments.stripe_gateway import StripeGateway
from bookstore.payments.webhook_signing import signature_header
from bookstore.redaction import redact
from bookstore.web.errors import domain_status

SECRET_KEY = "sk_test_123"
WEBHOOK_SECRET = "whsec_test"
INTENT_URL = PAYMENT_INTENTS_URL + "/pi_123"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Skip stripe-python's retry backoff so retry tests run instantly; records each retry."""
    return skip_retry_backoff(monkeypatch)


def make_gateway(**overrides: Any) -> StripeGateway:
    """A gateway with the test keys; tests override only what they are about."""
    options: dict[str, Any] = {
        "secret_key": SECRET_KEY,
        "publishable_key": "pk_test_123",
        "webhook_secret": WEBHOOK_SECRET,
        "max_network_retries": 2,
    }
    options.update(overrides)
    return StripeGateway(**options)


@pytest.fixture
def gateway() -> StripeGateway:
    return make_gateway()


def create(gateway: StripeGateway, amount: int = 6000) -> Any:
    return gateway.create_payment_intent(
        amount=amount, currency="usd", order_token="tok42", idempotency_key="order-tok42-create"
    )


# --- creating, updating, retrieving --------------------------------------------------------


def test_create_sends_the_server_amount_automatic_methods_and_order_token(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        PAYMENT_INTENTS_URL,
        json=payment_intent(id="pi_123", amount=6000, metadata={"order_token": "tok42"}),
    )

    intent = create(gateway)

    (sent,) = requests_mock.request_history
    assert sent.method == "POST"
    assert form(sent) == {
        "amount": "6000",
        "currency": "usd",
        "automatic_payment_methods[enabled]": "true",
        "metadata[order_token]": "tok42",
    }
    assert sent.headers["Idempotency-Key"] == "order-tok42-create"
    assert sent.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert (intent.id, intent.client_secret, intent.amount, intent.currency) == (
        "pi_123",
        "pi_123_secret_fake",
        6000,
        "usd",
    )
    assert intent.status == "requires_payment_method"
    assert intent.metadata == {"order_token": "tok42"}
    assert intent.last_error_message is None


def test_every_request_goes_to_the_configured_api_base(requests_mock: rm.Mocker) -> None:
    gateway = make_gateway(api_base="http://localhost:12111")
    requests_mock.post("http://localhost:12111/v1/payment_intents", json=payment_intent(id="pi_1"))

    intent = create(gateway)

    assert intent.id == "pi_1"
    assert requests_mock.request_history[0].url == "http://localhost:12111/v1/payment_intents"


def test_update_sends_only_the_new_amount_with_its_idempotency_key(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(INTENT_URL, json=payment_intent(id="pi_123", amount=2500))

    intent = gateway.update_payment_intent(
        "pi_123", amount=2500, idempotency_key="order-42-amount-2500-rev1"
    )

    (sent,) = requests_mock.request_history
    assert form(sent) == {"amount": "2500"}
    assert sent.headers["Idempotency-Key"] == "order-42-amount-2500-rev1"
    assert intent.amount == 2500


def test_create_sends_the_complete_orders_shipping_receipt_email_and_tax_calculation(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(PAYMENT_INTENTS_URL, json=payment_intent(id="pi_123", amount=6435))
    address = ShippingAddress(
        name="Ada Lovelace",
        line1="354 Oyster Point Blvd",
        line2=None,
        city="South San Francisco",
        state="CA",
        postal_code="94080",
        country="US",
    )

    gateway.create_payment_intent(
        amount=6435,
        currency="usd",
        order_token="tok42",
        idempotency_key="order-tok42-create-abc",
        shipping=address,
        receipt_email="ada@example.com",
        tax_calculation="taxcalc_123",
    )

    sent = form(requests_mock.last_request)
    assert sent["receipt_email"] == "ada@example.com"
    assert (sent["shipping[name]"], sent["shipping[address][postal_code]"]) == (
        "Ada Lovelace",
        "94080",
    )
    assert sent["hooks[inputs][tax][calculation]"] == "taxcalc_123"
    assert "shipping[phone]" not in sent


def test_confirm_sends_the_confirmation_token_and_return_url_with_its_key(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        INTENT_URL + "/confirm",
        json=payment_intent(id="pi_123", amount=6000, status="succeeded", amount_received=6000),
    )

    intent = gateway.confirm_payment_intent(
        "pi_123",
        confirmation_token="ctoken_123",
        return_url="http://localhost:3000/checkout",
        idempotency_key="order-tok42-confirm-rev1",
    )

    assert intent.status == "succeeded"
    sent = requests_mock.last_request
    assert form(sent) == {
        "confirmation_token": "ctoken_123",
        "return_url": "http://localhost:3000/checkout",
    }
    assert sent.headers["Idempotency-Key"] == "order-tok42-confirm-rev1"


def test_a_card_refused_at_confirmation_is_a_card_error_with_stripes_message(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(INTENT_URL + "/confirm", status_code=402, json=card_declined_body())

    with pytest.raises(CardError) as caught:
        gateway.confirm_payment_intent(
            "pi_123", confirmation_token="ctoken_123", idempotency_key="order-tok42-confirm-rev1"
        )

    assert (domain_status(caught.value), caught.value.code) == (402, "card_declined")
    assert caught.value.message == "Your card has insufficient funds."
    assert len(requests_mock.request_history) == 1  # a decline is never retried


def test_retrieve_reports_status_and_last_error_message(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    declined = card_declined_body()["error"]
    requests_mock.get(
        INTENT_URL,
        json=payment_intent(
            id="pi_123", status="requires_payment_method", last_payment_error=declined
        ),
    )

    intent = gateway.retrieve_payment_intent("pi_123")

    assert requests_mock.request_history[0].method == "GET"
    assert intent.status == "requires_payment_method"
    assert intent.last_error_message == "Your card has insufficient funds."


def test_built_from_settings_with_their_timeout_and_api_base(requests_mock: rm.Mocker) -> None:
    settings = Settings(
        database_url="sqlite://",
        stripe_secret_key=SECRET_KEY,
        stripe_publishable_key="pk_test_123",
        stripe_api_base="http://stripe.test",
        stripe_timeout_seconds=7.5,
        stripe_max_network_retries=0,
    )
    requests_mock.get("http://stripe.test/v1/payment_intents/pi_123", json=payment_intent())

    gateway = StripeGateway.from_settings(settings)
    gateway.retrieve_payment_intent("pi_123")

    assert gateway.mode == "stripe"
    assert gateway.publishable_key == "pk_test_123"
    assert requests_mock.request_history[0].timeout == 7.5


@pytest.mark.parametrize(
    ("secret_key", "publishable_key", "variable"),
    [
        (None, "pk_test_123", "STRIPE_SECRET_KEY"),
        ("", "pk_test_123", "STRIPE_SECRET_KEY"),
        (SECRET_KEY, None, "STRIPE_PUBLISHABLE_KEY"),
    ],
)
def test_a_missing_key_fails_when_the_gateway_is_built(
    secret_key: str | None, publishable_key: str | None, variable: str
) -> None:
    with pytest.raises(ConfigError, match=variable):
        StripeGateway(secret_key=secret_key, publishable_key=publishable_key)


def test_no_stripe_module_globals_are_set(gateway: StripeGateway, requests_mock: rm.Mocker) -> None:
    requests_mock.post(PAYMENT_INTENTS_URL, json=payment_intent())

    create(gateway)

    assert stripe.api_key is None
    assert stripe.api_base == "https://api.stripe.com"


# --- Stripe's errors, as the shopper and the logs see them ---------------------------------

BUSY = "Payments are busy right now. Please try again in a few seconds."
UNREACHABLE = "We couldn't reach our payment provider. Please try again."
UNAVAILABLE = "Payments are unavailable right now. Please try again later."
REJECTED = "We couldn't set up this payment. Please try again later."


@pytest.mark.parametrize(
    ("response", "error_class", "status", "code", "message", "retry_after"),
    [
        pytest.param(
            {"status_code": 402, "json": card_declined_body()},
            CardError,
            402,
            "card_declined",
            "Your card has insufficient funds.",
            None,
            id="card-declined",
        ),
        pytest.param(
            {
                "status_code": 402,
                "json": card_declined_body(
                    code="incorrect_number", message="Your card number is incorrect."
                ),
            },
            CardError,
            402,
            "incorrect_number",
            "Your card number is incorrect.",
            None,
            id="card-incorrect-number",
        ),
        pytest.param(
            {"status_code": 402, "json": error_body("card_error")},
            CardError,
            402,
            "card_declined",
            "Your card was declined.",
            None,
            id="card-error-without-details",
        ),
        pytest.param(
            {
                "status_code": 429,
                "json": error_body("invalid_request_error", "Too many requests", code="rate_limit"),
                "headers": {"Retry-After": "12"},
            },
            ProviderUnavailable,
            503,
            "payment_provider_unavailable",
            BUSY,
            12,
            id="rate-limited-with-retry-after",
        ),
        pytest.param(
            {"status_code": 429, "json": error_body("invalid_request_error", "Too many requests")},
            ProviderUnavailable,
            503,
            "payment_provider_unavailable",
            BUSY,
            5,
            id="rate-limited",
        ),
        pytest.param(
            {
                "status_code": 401,
                "json": error_body(
                    "invalid_request_error", "Invalid API Key provided: sk_test_***123"
                ),
            },
            ProviderMisconfigured,
            503,
            "payment_provider_unavailable",
            UNAVAILABLE,
            60,
            id="bad-api-key",
        ),
        pytest.param(
            {"status_code": 403, "json": error_body("invalid_request_error", "Not permitted")},
            ProviderMisconfigured,
            503,
            "payment_provider_unavailable",
            UNAVAILABLE,
            60,
            id="restricted-key-lacks-permission",
        ),
        pytest.param(
            {
                "status_code": 400,
                "json": error_body(
                    "invalid_request_error",
                    "Invalid integer: abc",
                    code="parameter_invalid_integer",
                    param="amount",
                ),
            },
            PaymentError,
            502,
            "payment_provider_error",
            REJECTED,
            None,
            id="invalid-request",
        ),
        pytest.param(
            {
                "status_code": 400,
                "json": error_body(
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters.",
                ),
            },
            PaymentError,
            502,
            "payment_provider_error",
            REJECTED,
            None,
            id="idempotency-key-reused-with-other-parameters",
        ),
        pytest.param(
            {"status_code": 500, "json": error_body("api_error", "Something went wrong")},
            ProviderUnavailable,
            503,
            "payment_provider_unavailable",
            UNREACHABLE,
            5,
            id="stripe-internal-error",
        ),
        pytest.param(
            {"exc": requests.exceptions.ConnectionError("connection refused")},
            ProviderUnavailable,
            503,
            "payment_provider_unavailable",
            UNREACHABLE,
            5,
            id="connection-refused",
        ),
        pytest.param(
            {"exc": requests.exceptions.ReadTimeout("read timed out")},
            ProviderUnavailable,
            503,
            "payment_provider_unavailable",
            UNREACHABLE,
            5,
            id="timeout",
        ),
    ],
)
def test_stripe_errors_become_shopper_safe_payment_errors(
    gateway: StripeGateway,
    requests_mock: rm.Mocker,
    response: dict[str, Any],
    error_class: type[PaymentError],
    status: int,
    code: str,
    message: str,
    retry_after: int | None,
) -> None:
    requests_mock.post(PAYMENT_INTENTS_URL, **response)

    with pytest.raises(PaymentError) as caught:
        create(gateway)

    error = caught.value
    assert type(error) is error_class
    assert (domain_status(error), error.code, error.message, error.retry_after) == (
        status,
        code,
        message,
        retry_after,
    )


def test_update_and_retrieve_translate_errors_too(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    missing = error_body(
        "invalid_request_error", "No such payment_intent: 'pi_123'", code="resource_missing"
    )
    requests_mock.post(INTENT_URL, status_code=404, json=missing)
    requests_mock.get(INTENT_URL, status_code=429, json=error_body("invalid_request_error"))

    with pytest.raises(PaymentError) as update_error:
        gateway.update_payment_intent("pi_123", amount=1, idempotency_key="k")
    with pytest.raises(ProviderUnavailable) as retrieve_error:
        gateway.retrieve_payment_intent("pi_123")

    assert domain_status(update_error.value) == 502
    assert retrieve_error.value.message == BUSY


def test_rejected_requests_log_code_and_param_but_no_secret(
    gateway: StripeGateway, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    client_secret = "pi_123_secret_abc"
    requests_mock.post(
        PAYMENT_INTENTS_URL,
        status_code=400,
        json=error_body(
            "invalid_request_error",
            f"The client_secret {client_secret} does not match",
            code="parameter_invalid",
            param="metadata",
        ),
    )
    caplog.set_level(logging.DEBUG)

    with pytest.raises(PaymentError):
        create(gateway)

    assert "code=parameter_invalid" in caplog.text
    assert "param=metadata" in caplog.text
    assert client_secret not in caplog.text
    assert SECRET_KEY not in caplog.text


def test_a_refused_key_is_logged_as_misconfiguration_without_the_key(
    gateway: StripeGateway, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.post(
        PAYMENT_INTENTS_URL,
        status_code=401,
        json=error_body("invalid_request_error", f"Invalid API Key provided: {SECRET_KEY}"),
    )
    caplog.set_level(logging.DEBUG)

    with pytest.raises(ProviderUnavailable) as caught:
        create(gateway)

    assert "STRIPE_SECRET_KEY" in caplog.text
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    assert SECRET_KEY not in caplog.text
    assert "key" not in caught.value.message.lower()


def test_stripe_pythons_debug_log_of_responses_hides_the_client_secret(
    gateway: StripeGateway, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.post(PAYMENT_INTENTS_URL, json=payment_intent(id="pi_123"))
    caplog.set_level(logging.DEBUG)

    intent = create(gateway)

    assert "API response body" in caplog.text  # stripe-python did log the body...
    assert intent.client_secret not in caplog.text  # ...with the secret masked
    assert SECRET_KEY not in caplog.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key sk_test_123 refused", "key [redacted] refused"),
        ("key rk_live_abc refused", "key [redacted] refused"),
        ("secret whsec_abc", "secret [redacted]"),
        ("pi_1_secret_xyz does not match", "[redacted] does not match"),
        ("No such payment_intent: 'pi_1'", "No such payment_intent: 'pi_1'"),
    ],
)
def test_redact_masks_stripe_secrets(text: str, expected: str) -> None:
    assert redact(text) == expected


# --- stripe-python's retries ----------------------------------------------------------------


def test_a_dropped_connection_is_retried_with_the_same_idempotency_key(
    gateway: StripeGateway, requests_mock: rm.Mocker, no_backoff: list[int]
) -> None:
    requests_mock.post(
        PAYMENT_INTENTS_URL,
        [
            {"exc": requests.exceptions.ConnectionError("reset")},
            {"json": payment_intent(id="pi_123")},
        ],
    )

    intent = create(gateway)

    assert intent.id == "pi_123"
    keys = [r.headers["Idempotency-Key"] for r in requests_mock.request_history]
    assert keys == ["order-tok42-create", "order-tok42-create"]
    assert no_backoff == [1]


def test_stripe_500s_are_retried_up_to_the_limit_with_one_key(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    server_error = {"status_code": 500, "json": error_body("api_error", "Something went wrong")}
    requests_mock.post(INTENT_URL, [server_error, server_error, server_error])

    with pytest.raises(ProviderUnavailable):
        gateway.update_payment_intent("pi_123", amount=100, idempotency_key="order-1-amount")

    history = requests_mock.request_history
    assert len(history) == 3  # the first try and two retries
    assert {r.headers["Idempotency-Key"] for r in history} == {"order-1-amount"}
    assert all(form(r) == {"amount": "100"} for r in history)


def test_a_500_then_success_returns_the_payment_intent(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        PAYMENT_INTENTS_URL,
        [
            {"status_code": 500, "json": error_body("api_error")},
            {"json": payment_intent(id="pi_9")},
        ],
    )

    assert create(gateway).id == "pi_9"
    assert len(requests_mock.request_history) == 2


def test_rate_limits_and_declines_are_not_retried(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(PAYMENT_INTENTS_URL, status_code=429, json=error_body("rate_limit_error"))
    requests_mock.post(INTENT_URL, status_code=402, json=card_declined_body())

    with pytest.raises(ProviderUnavailable):
        create(gateway)
    with pytest.raises(CardError):
        gateway.update_payment_intent("pi_123", amount=1, idempotency_key="k")

    assert len(requests_mock.request_history) == 2


def test_retries_follow_the_configured_limit(requests_mock: rm.Mocker) -> None:
    gateway = make_gateway(max_network_retries=0)
    requests_mock.post(PAYMENT_INTENTS_URL, exc=requests.exceptions.ConnectionError("down"))

    with pytest.raises(ProviderUnavailable):
        create(gateway)

    assert len(requests_mock.request_history) == 1


# --- webhook events ------------------------------------------------------------------------


def succeeded_event_payload() -> bytes:
    """Stripe's example event turned into a payment_intent.succeeded for order tok42."""
    intent = payment_intent(
        id="pi_123",
        amount=6000,
        amount_received=6000,
        status="succeeded",
        metadata={"order_token": "tok42"},
    )
    return json.dumps(event("payment_intent.succeeded", intent, id="evt_123")).encode()


def stripe_signed(payload: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """A Stripe-Signature header made by stripe-python's own helper."""
    return stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret, timestamp=at if at is not None else int(time.time())
    )


def test_a_correctly_signed_event_is_translated_into_the_shops_terms(
    gateway: StripeGateway,
) -> None:
    payload = succeeded_event_payload()

    evt = gateway.parse_event(payload, stripe_signed(payload))

    assert evt == PaymentEvent(
        id="evt_123",
        type="payment_intent.succeeded",
        action="succeeded",
        payment_intent_id="pi_123",
        order_token="tok42",
        amount=6000,
        currency="usd",
    )


def test_stripes_example_event_of_another_kind_is_one_the_shop_does_not_act_on(
    gateway: StripeGateway,
) -> None:
    original = fixture("event")  # a plan.created
    payload = json.dumps(original).encode()

    evt = gateway.parse_event(payload, stripe_signed(payload))

    assert evt == PaymentEvent(id=original["id"], type=original["type"], action=None)


def test_a_refund_event_names_its_payment_intent_and_whether_it_was_whole(
    gateway: StripeGateway,
) -> None:
    charge = fixture("charge")
    charge.update(payment_intent="pi_123", amount_refunded=2000, refunded=False)
    payload = json.dumps(event("charge.refunded", charge, id="evt_r")).encode()

    evt = gateway.parse_event(payload, stripe_signed(payload))

    assert (evt.action, evt.payment_intent_id, evt.amount) == ("refunded", "pi_123", 2000)
    assert evt.fully_refunded is False


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("nonsense", id="garbage"),
        pytest.param(f"t={int(time.time())}", id="no-v1-signature"),
        pytest.param(f"t={int(time.time())},v1=" + "0" * 64, id="wrong-signature"),
    ],
)
def test_bad_or_missing_signatures_are_rejected(gateway: StripeGateway, header: str | None) -> None:
    with pytest.raises(InvalidSignature) as caught:
        gateway.parse_event(succeeded_event_payload(), header)

    assert domain_status(caught.value) == 400


def test_a_payload_changed_after_signing_is_rejected(gateway: StripeGateway) -> None:
    payload = succeeded_event_payload()
    header = stripe_signed(payload)

    with pytest.raises(InvalidSignature):
        gateway.parse_event(payload.replace(b"6000", b"1"), header)


def test_an_event_signed_with_another_secret_is_rejected(gateway: StripeGateway) -> None:
    payload = succeeded_event_payload()

    with pytest.raises(InvalidSignature):
        gateway.parse_event(payload, stripe_signed(payload, secret="whsec_other"))


def test_a_stale_signature_is_rejected(gateway: StripeGateway) -> None:
    payload = succeeded_event_payload()
    ten_minutes_ago = int(time.time()) - 600

    with pytest.raises(InvalidSignature):
        gateway.parse_event(payload, stripe_signed(payload, at=ten_minutes_ago))


@pytest.mark.parametrize("payload", [b"not json", b"\xff\xfe", b"[]", b"{}", b'{"id": "evt_1"}'])
def test_signed_bodies_that_are_not_events_are_rejected(
    gateway: StripeGateway, payload: bytes
) -> None:
    header = signature_header(payload, WEBHOOK_SECRET)

    with pytest.raises(InvalidSignature):
        gateway.parse_event(payload, header)


def test_without_a_webhook_secret_events_are_refused_as_not_configured() -> None:
    gateway = make_gateway(webhook_secret=None)
    payload = succeeded_event_payload()

    with pytest.raises(ProviderUnavailable) as caught:
        gateway.parse_event(payload, stripe_signed(payload))

    assert (domain_status(caught.value), caught.value.code) == (503, "webhook_not_configured")


def test_our_signatures_match_stripe_pythons() -> None:
    payload = succeeded_event_payload()

    assert signature_header(payload, WEBHOOK_SECRET, 1_700_000_000) == stripe_signed(
        payload, at=1_700_000_000
    )
