"""Full refunds through the Stripe gateway, against Stripe's example Refund served by requests-mock.

Also the other half of a refund: Stripe's charge.refunded event, translated for the shop.
"""

from __future__ import annotations

import json
import logging

import pytest
import requests
import requests_mock as rm
from stripe_fakes import (
    REFUNDS_URL,
    FakeStripe,
    already_refunded_body,
    error_body,
    event,
    fixture,
    form,
    nothing_to_refund_body,
    refund,
    skip_retry_backoff,
)

from bookstore.payments.gateway import (
    AlreadyRefunded,
    NotRefundable,
    PaymentError,
    PaymentEvent,
    ProviderMisconfigured,
    ProviderUnavailable,
    Refund,
)
from bookstore.payments.stripe_gateway import StripeGateway
from bookstore.payments.webhook_signing import signature_header
from bookstore.web.errors import domain_status

SECRET_KEY = "sk_test_123"
WEBHOOK_SECRET = "whsec_test"
TOKEN = "tok42"
KEY = f"order-{TOKEN}-refund"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Skip stripe-python's retry backoff; records each retry."""
    return skip_retry_backoff(monkeypatch)


@pytest.fixture
def gateway() -> StripeGateway:
    """A Stripe gateway with the test keys, retrying once as the app's does."""
    return StripeGateway(
        secret_key=SECRET_KEY,
        publishable_key="pk_test_123",
        webhook_secret=WEBHOOK_SECRET,
        max_network_retries=1,
    )


def refund_order(
    gateway: StripeGateway,
    intent_id: str = "pi_123",
    *,
    key: str = KEY,
    requested_by_customer: bool = False,
) -> Refund:
    """Refund the order's PaymentIntent as the shop does, with its refund key."""
    return gateway.refund_payment_intent(
        intent_id,
        order_token=TOKEN,
        idempotency_key=key,
        requested_by_customer=requested_by_customer,
    )


def stripes_refund(**changes: object) -> dict[str, object]:
    """Stripe's answer to a refund of pi_123 for 6000 cents, from its example Refund."""
    fields: dict[str, object] = {
        "id": "re_123",
        "amount": 6000,
        "payment_intent": "pi_123",
        "metadata": {"order_token": TOKEN},
    }
    fields.update(changes)
    return refund(**fields)


# --- the request and what comes back --------------------------------------------------------


def test_a_refund_sends_the_payment_intent_order_token_and_idempotency_key(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(REFUNDS_URL, json=stripes_refund())

    made = refund_order(gateway)

    (sent,) = requests_mock.request_history
    assert (sent.method, sent.url) == ("POST", REFUNDS_URL)
    # No amount: Stripe refunds the whole charge. No reason unless the customer asked.
    assert form(sent) == {"payment_intent": "pi_123", "metadata[order_token]": TOKEN}
    assert sent.headers["Idempotency-Key"] == KEY
    assert sent.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert made == Refund(
        id="re_123", payment_intent_id="pi_123", amount=6000, currency="usd", status="succeeded"
    )


def test_a_refund_the_customer_asked_for_says_so(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(REFUNDS_URL, json=stripes_refund(reason="requested_by_customer"))

    refund_order(gateway, requested_by_customer=True)

    assert form(requests_mock.last_request) == {
        "payment_intent": "pi_123",
        "metadata[order_token]": TOKEN,
        "reason": "requested_by_customer",
    }


@pytest.mark.parametrize("status", ["pending", "requires_action", "failed", "canceled"])
def test_the_refunds_own_status_is_passed_on(
    gateway: StripeGateway, requests_mock: rm.Mocker, status: str
) -> None:
    requests_mock.post(REFUNDS_URL, json=stripes_refund(status=status))

    assert refund_order(gateway).status == status


def test_a_refund_naming_no_payment_intent_is_of_the_one_asked_for(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(REFUNDS_URL, json=refund())  # Stripe's example itself: payment_intent null

    made = refund_order(gateway, "pi_asked")

    assert (made.id, made.payment_intent_id, made.amount) == (
        "re_1Pgc72B7WZ01zgkWqPvrRrPE",
        "pi_asked",
        100,
    )


# --- Stripe's refusals -------------------------------------------------------------------------


def test_a_charge_refunded_already_is_already_refunded(
    gateway: StripeGateway, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.post(REFUNDS_URL, status_code=400, json=already_refunded_body("ch_123"))

    with caplog.at_level(logging.INFO), pytest.raises(AlreadyRefunded) as caught:
        refund_order(gateway)

    assert isinstance(caught.value, PaymentError)
    assert caught.value.code == "charge_already_refunded"
    assert "refunded already" in caplog.text
    assert len(requests_mock.request_history) == 1  # a 400 is an answer: never retried


def test_a_payment_intent_without_a_successful_charge_is_not_refundable(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(REFUNDS_URL, status_code=400, json=nothing_to_refund_body("pi_123"))

    with pytest.raises(NotRefundable) as caught:
        refund_order(gateway)

    assert isinstance(caught.value, PaymentError)
    assert caught.value.code == "payment_not_refundable"
    assert caught.value.message == (
        "This payment has not been taken, so there is nothing to refund."
    )


@pytest.mark.parametrize(
    ("status", "body", "kind", "code"),
    [
        pytest.param(
            404,
            error_body(
                "invalid_request_error",
                "No such payment_intent: 'pi_123'",
                code="resource_missing",
                param="payment_intent",
            ),
            PaymentError,
            "payment_provider_error",
            id="unknown-payment-intent",
        ),
        pytest.param(
            400,
            error_body(
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same parameters they "
                "were first used with.",
            ),
            PaymentError,
            "payment_provider_error",
            id="key-reused-with-other-parameters",
        ),
        pytest.param(
            429,
            error_body("invalid_request_error", "Rate limit", code="rate_limit"),
            ProviderUnavailable,
            "payment_provider_unavailable",
            id="rate-limited",
        ),
        pytest.param(
            401,
            error_body("invalid_request_error", "Invalid API Key provided: sk_test_***123"),
            ProviderMisconfigured,
            "payment_provider_unavailable",
            id="refused-key",
        ),
        pytest.param(
            500,
            error_body("api_error", "Something went wrong on our end."),
            ProviderUnavailable,
            "payment_provider_unavailable",
            id="stripe-failed",
        ),
    ],
)
def test_other_errors_map_as_every_stripe_error_does(
    gateway: StripeGateway,
    requests_mock: rm.Mocker,
    status: int,
    body: dict[str, object],
    kind: type[PaymentError],
    code: str,
) -> None:
    requests_mock.post(REFUNDS_URL, status_code=status, json=body)

    with pytest.raises(PaymentError) as caught:
        refund_order(gateway)

    assert type(caught.value) is kind
    assert caught.value.code == code
    assert domain_status(caught.value) >= 500


def test_a_dropped_connection_is_retried_with_the_same_idempotency_key(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        REFUNDS_URL,
        [
            {"exc": requests.exceptions.ConnectionError("connection reset")},
            {"json": stripes_refund()},
        ],
    )

    made = refund_order(gateway)

    assert made.id == "re_123"
    keys = [sent.headers["Idempotency-Key"] for sent in requests_mock.request_history]
    assert keys == [KEY, KEY]


def test_no_answer_at_all_is_provider_unavailable(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(REFUNDS_URL, exc=requests.exceptions.ConnectTimeout("timed out"))

    with pytest.raises(ProviderUnavailable) as caught:
        refund_order(gateway)

    assert caught.value.retry_after is not None


# --- against FakeStripe's rules ------------------------------------------------------------------


@pytest.fixture
def paid_intent(fake_stripe: FakeStripe, gateway: StripeGateway) -> str:
    """A PaymentIntent FakeStripe holds, paid."""
    intent = gateway.create_payment_intent(
        amount=6000, currency="usd", order_token=TOKEN, idempotency_key=f"order-{TOKEN}-create"
    )
    fake_stripe.set_status(intent.id, "succeeded")
    return intent.id


def test_the_same_key_gets_the_same_refund_and_refunds_once(
    gateway: StripeGateway, fake_stripe: FakeStripe, paid_intent: str
) -> None:
    first = refund_order(gateway, paid_intent)
    again = refund_order(gateway, paid_intent)

    assert again == first
    assert (first.amount, first.currency, first.status) == (6000, "usd", "succeeded")
    assert list(fake_stripe.refunds) == [first.id]
    assert fake_stripe.refunds[first.id]["metadata"] == {"order_token": TOKEN}


def test_a_new_key_after_a_full_refund_is_already_refunded(
    gateway: StripeGateway, fake_stripe: FakeStripe, paid_intent: str
) -> None:
    refund_order(gateway, paid_intent)

    with pytest.raises(AlreadyRefunded):
        refund_order(gateway, paid_intent, key="refunded-in-the-dashboard")

    assert len(fake_stripe.refunds) == 1


def test_the_same_key_for_another_payment_intent_is_refused(
    gateway: StripeGateway, fake_stripe: FakeStripe, paid_intent: str
) -> None:
    refund_order(gateway, paid_intent)
    other = gateway.create_payment_intent(
        amount=100, currency="usd", order_token="tok43", idempotency_key="order-tok43-create"
    )
    fake_stripe.set_status(other.id, "succeeded")

    with pytest.raises(PaymentError) as caught:
        refund_order(gateway, other.id)

    assert type(caught.value) is PaymentError
    assert len(fake_stripe.refunds) == 1


def test_an_unpaid_payment_intent_cannot_be_refunded(
    gateway: StripeGateway, fake_stripe: FakeStripe
) -> None:
    intent = gateway.create_payment_intent(
        amount=6000, currency="usd", order_token=TOKEN, idempotency_key=f"order-{TOKEN}-create"
    )

    with pytest.raises(NotRefundable):
        refund_order(gateway, intent.id)

    assert fake_stripe.refunds == {}
    assert len(fake_stripe.refund_requests()) == 1


# --- the charge.refunded event that follows ------------------------------------------------------


def test_stripes_charge_refunded_event_names_the_payment_intent_and_order(
    gateway: StripeGateway,
) -> None:
    charge = fixture("charge")
    charge.update(
        payment_intent="pi_123",
        amount=6000,
        amount_captured=6000,
        amount_refunded=6000,
        refunded=True,
        metadata={"order_token": TOKEN},
    )
    payload = json.dumps(event("charge.refunded", charge, id="evt_refunded")).encode()

    evt = gateway.parse_event(payload, signature_header(payload, WEBHOOK_SECRET))

    assert evt == PaymentEvent(
        id="evt_refunded",
        type="charge.refunded",
        action="refunded",
        payment_intent_id="pi_123",
        order_token=TOKEN,
        amount=6000,
        currency="usd",
        fully_refunded=True,
    )
