"""Stripe's errors in the shop's three kinds: temporary (try again later), refused (record the
reason, no retry by itself) and setup (our key: stop and tell the owner).

Stripe's answers are its own error JSON shapes on requests-mock; stripe-python retries as the
app's does (once), its backoff sleep skipped.
"""

from __future__ import annotations

import uuid

import pytest
import requests
import requests_mock as rm
from checkout_requests import confirmed, pay
from flask.testing import FlaskClient
from stripe_fakes import (
    PAYMENT_INTENTS_URL,
    REFUNDS_URL,
    FakeStripe,
    Fault,
    already_refunded_body,
    card_declined_body,
    error_body,
    nothing_to_refund_body,
    skip_retry_backoff,
)

from bookstore.payments.gateway import (
    AlreadyRefunded,
    CardError,
    NotRefundable,
    PaymentError,
    ProviderMisconfigured,
    ProviderUnavailable,
)
from bookstore.payments.stripe_gateway import StripeGateway
from bookstore.web.errors import domain_status

SECRET_KEY = "sk_test_123"
# A restricted key as Stripe quotes it back in a 403 (the test asserts it never leaks).
RESTRICTED_KEY = "rk_test_restricted"

UNAVAILABLE = "Payments are unavailable right now. Please try again later."
REJECTED = "We couldn't set up this payment. Please try again later."

# Stripe's 401 for a key it does not know (it masks most of the key itself).
INVALID_KEY_BODY = error_body("invalid_request_error", "Invalid API Key provided: sk_test_***123")
# Stripe's 403 for a restricted key without the right to refund.
NO_REFUND_PERMISSION_BODY = error_body(
    "invalid_request_error",
    f"The provided key '{RESTRICTED_KEY}' does not have the required permissions for this "
    "endpoint on account 'acct_1Hx0aQ9z'. Having the 'rak_refund_write' permission would "
    "allow this request to continue.",
)
INSUFFICIENT_BALANCE_MESSAGE = (
    "Insufficient funds in Stripe account. In test mode, you can add funds to your available "
    "balance (bypassing your pending balance) by creating a charge with 4000 0000 0000 0077 as "
    "the card number. You can use the /v1/balance endpoint to view your Stripe balance (for "
    "more details, see stripe.com/docs/api#balance)."
)
# Stripe's 400 for a refund larger than the account's available balance.
BALANCE_INSUFFICIENT_BODY = error_body(
    "invalid_request_error", INSUFFICIENT_BALANCE_MESSAGE, code="balance_insufficient"
)


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Skip stripe-python's retry backoff."""
    return skip_retry_backoff(monkeypatch)


@pytest.fixture
def gateway() -> StripeGateway:
    """A Stripe gateway with the test keys, retrying once as the app's does."""
    return StripeGateway(
        secret_key=SECRET_KEY, publishable_key="pk_test_123", max_network_retries=1
    )


def refund_error(gateway: StripeGateway) -> PaymentError:
    """The PaymentError a refund of pi_123 raises (it must raise one)."""
    with pytest.raises(PaymentError) as caught:
        gateway.refund_payment_intent("pi_123", order_token="tok42", idempotency_key="k-refund")
    return caught.value


# --- the shop's own setup ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "stripes_words"),
    [
        pytest.param(401, INVALID_KEY_BODY, "Invalid API Key provided", id="401-unknown-key"),
        pytest.param(
            403,
            NO_REFUND_PERMISSION_BODY,
            "'rak_refund_write' permission",
            id="403-restricted-key-may-not-refund",
        ),
    ],
)
def test_a_refused_key_on_a_refund_is_the_shops_setup(
    gateway: StripeGateway,
    requests_mock: rm.Mocker,
    status: int,
    body: dict[str, object],
    stripes_words: str,
) -> None:
    requests_mock.post(REFUNDS_URL, status_code=status, json=body)

    error = refund_error(gateway)

    assert type(error) is ProviderMisconfigured
    assert error.kind == "setup"
    # Still an outage to shoppers: the same 503, code, message and Retry-After as before.
    assert isinstance(error, ProviderUnavailable)
    assert (domain_status(error), error.code, error.message, error.retry_after) == (
        503,
        "payment_provider_unavailable",
        UNAVAILABLE,
        60,
    )
    # The owner reads Stripe's own words, with no key in them.
    assert error.reason is not None and stripes_words in error.reason
    assert RESTRICTED_KEY not in error.reason and SECRET_KEY not in error.reason
    assert len(requests_mock.request_history) == 1  # a refused key is never retried


def test_a_refused_key_at_checkout_answers_shoppers_as_an_outage_does(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    fake_stripe.fail("create", Fault(status=401, body=INVALID_KEY_BODY))

    response = pay(stripe_client, {"boom": 1}, uuid.uuid4().hex)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert response.get_json() == {
        "error": {"code": "payment_provider_unavailable", "message": UNAVAILABLE}
    }


# --- temporary -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(
            {
                "status_code": 429,
                "json": error_body(
                    "invalid_request_error",
                    "Request rate limit exceeded. Learn more about rate limits here "
                    "https://stripe.com/docs/rate-limits.",
                    code="rate_limit",
                ),
            },
            id="429-rate-limited",
        ),
        pytest.param(
            {
                "status_code": 409,
                "json": error_body(
                    "idempotency_error",
                    "There is currently another in-progress request using this idempotent "
                    "key (that probably means you submitted twice, and the other request is "
                    "still going through). Please try again later.",
                ),
            },
            id="409-idempotency-conflict",
        ),
        pytest.param(
            {"status_code": 500, "json": error_body("api_error", "Something went wrong.")},
            id="500",
        ),
        pytest.param(
            {"status_code": 503, "json": error_body("api_error", "Something went wrong.")},
            id="503",
        ),
        pytest.param(
            {"exc": requests.exceptions.ConnectionError("connection reset")},
            id="connection-error",
        ),
        pytest.param({"exc": requests.exceptions.ReadTimeout("read timed out")}, id="timeout"),
    ],
)
def test_stripe_busy_failing_or_unreachable_on_a_refund_is_temporary(
    gateway: StripeGateway, requests_mock: rm.Mocker, answer: dict[str, object]
) -> None:
    requests_mock.post(REFUNDS_URL, **answer)

    error = refund_error(gateway)

    assert type(error) is ProviderUnavailable
    assert error.kind == "temporary"
    assert error.retry_after is not None
    assert error.reason  # what Stripe (or the network) said, for the logs and the owner


# --- refused ---------------------------------------------------------------------------------


def test_a_refund_stripe_refuses_for_balance_keeps_its_code_and_message_for_the_owner(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(REFUNDS_URL, status_code=400, json=BALANCE_INSUFFICIENT_BODY)

    error = refund_error(gateway)

    assert type(error) is PaymentError
    assert error.kind == "refused"
    assert error.reason == f"balance_insufficient: {INSUFFICIENT_BALANCE_MESSAGE}"
    # Shoppers (and the HTTP edge) see what they saw before: the shop's words, a 502.
    assert (domain_status(error), error.code, error.message) == (
        502,
        "payment_provider_error",
        REJECTED,
    )
    assert error.retry_after is None
    assert len(requests_mock.request_history) == 1


def test_a_reason_never_holds_a_secret(gateway: StripeGateway, requests_mock: rm.Mocker) -> None:
    client_secret = "pi_123_secret_abc"
    requests_mock.post(
        REFUNDS_URL,
        status_code=400,
        json=error_body(
            "invalid_request_error",
            f"The client_secret {client_secret} does not match; key {SECRET_KEY}",
            code="parameter_invalid",
        ),
    )

    error = refund_error(gateway)

    assert (
        error.reason
        == "parameter_invalid: The client_secret [redacted] does not match; key [redacted]"
    )


def test_a_declined_card_is_refused_with_its_decline_code_for_the_owner(
    gateway: StripeGateway, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        f"{PAYMENT_INTENTS_URL}/pi_123/confirm", status_code=402, json=card_declined_body()
    )

    with pytest.raises(CardError) as caught:
        gateway.confirm_payment_intent(
            "pi_123", confirmation_token="ctoken_123", idempotency_key="k-confirm"
        )

    error = caught.value
    assert error.kind == "refused"
    assert (domain_status(error), error.message) == (402, "Your card has insufficient funds.")
    assert error.reason == "card_declined (insufficient_funds): Your card has insufficient funds."


def test_a_declined_card_at_checkout_is_still_a_402_with_stripes_message(
    stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    fake_stripe.fail("confirm", Fault(status=402, body=card_declined_body()))
    token = fake_stripe.confirmation_token()

    response = pay(stripe_client, {"boom": 1}, uuid.uuid4().hex, **confirmed(token))

    assert response.status_code == 402
    assert response.get_json() == {
        "error": {"code": "card_declined", "message": "Your card has insufficient funds."}
    }


@pytest.mark.parametrize(
    ("body", "error_class"),
    [
        pytest.param(already_refunded_body("ch_123"), AlreadyRefunded, id="already-refunded"),
        pytest.param(nothing_to_refund_body("pi_123"), NotRefundable, id="nothing-to-refund"),
    ],
)
def test_refunds_stripe_says_are_done_or_impossible_keep_their_own_classes(
    gateway: StripeGateway,
    requests_mock: rm.Mocker,
    body: dict[str, object],
    error_class: type[PaymentError],
) -> None:
    requests_mock.post(REFUNDS_URL, status_code=400, json=body)

    error = refund_error(gateway)

    assert type(error) is error_class
    assert error.kind == "refused"
