"""Demo mode's other payment methods: a bank redirect and a delayed debit, as Stripe runs them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from checkout_requests import pay_body
from demo_timers import Timers, hold_timers
from flask import Flask
from flask.testing import FlaskClient

from bookstore.db import utcnow
from bookstore.jobs.queue import run_due
from bookstore.payments.demo.cards import SEPA_FAILS, SEPA_SUCCEEDS
from bookstore.payments.demo.delivery import DEMO_EVENT_KIND, SETTLE_AFTER_SECONDS

RETURN_URL = "http://localhost:3000/success"


@pytest.fixture
def timers(app: Flask) -> Timers:
    """The app's demo scheduler, replaced by one the test runs by hand."""
    return hold_timers(app)


def checkout(client: FlaskClient) -> dict[str, Any]:
    """A PaymentIntent for two copies of a book."""
    response = client.post("/create-payment-intent", json=pay_body({"boom": 2}))
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def confirm(client: FlaskClient, payment: dict[str, Any], **method: Any) -> Any:
    """POST /demo/payment_intents/<id>/confirm with one payment method."""
    return client.post(
        f"/demo/payment_intents/{payment['paymentIntentId']}/confirm",
        json={"client_secret": payment["clientSecret"], **method},
    )


def order(client: FlaskClient, payment: dict[str, Any]) -> dict[str, Any]:
    """What the success page sees."""
    response = client.get(
        f"/api/orders/{payment['paymentIntentId']}",
        query_string={"client_secret": payment["clientSecret"]},
    )
    body: dict[str, Any] = response.get_json()
    return body


def bank_page_url(client: FlaskClient, payment: dict[str, Any]) -> str:
    """Start a redirect payment; the URL the stand-in sends the shopper to."""
    response = confirm(client, payment, bank_redirect={}, return_url=RETURN_URL)
    assert response.status_code == 200
    intent = response.get_json()
    assert intent["status"] == "requires_action"
    action = intent["next_action"]
    assert action["type"] == "redirect_to_url"
    assert action["redirect_to_url"]["return_url"] == RETURN_URL
    url: str = action["redirect_to_url"]["url"]
    return url


@pytest.mark.parametrize(("decision", "status"), [("approve", "paid"), ("fail", "failed")])
def test_a_bank_redirect_is_decided_at_the_demo_bank_and_returns_as_stripe_does(
    client: FlaskClient, decision: str, status: str
) -> None:
    payment = checkout(client)
    url = bank_page_url(client, payment)

    page = client.get(url)
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Approve payment" in html and "Fail payment" in html
    assert f"{payment['amount'] // 100}." in html

    back = client.post(
        url.split("?")[0],
        data={"client_secret": payment["clientSecret"], "decision": decision},
    )

    assert back.status_code == 303
    location = urlsplit(back.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == RETURN_URL
    query = parse_qs(location.query)
    assert query["payment_intent"] == [payment["paymentIntentId"]]
    assert query["payment_intent_client_secret"] == [payment["clientSecret"]]
    expected = "succeeded" if decision == "approve" else "failed"
    assert query["redirect_status"] == [expected]
    seen = order(client, payment)
    assert seen["status"] == status
    if status == "paid":
        assert seen["paymentMethod"] == "Bank redirect (demo bank)"


def test_the_bank_page_needs_the_client_secret(client: FlaskClient) -> None:
    payment = checkout(client)
    url = bank_page_url(client, payment)
    path = url.split("?")[0]

    assert client.get(path + "?client_secret=wrong").status_code == 404
    refused = client.post(path, data={"client_secret": "wrong", "decision": "approve"})
    assert refused.status_code == 404
    assert order(client, payment)["status"] == "pending"


def test_a_redirect_back_to_another_site_is_refused(client: FlaskClient) -> None:
    payment = checkout(client)

    response = confirm(client, payment, bank_redirect={}, return_url="https://evil.example/steal")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_return_url"


def test_a_redirect_needs_a_return_url(client: FlaskClient) -> None:
    payment = checkout(client)

    response = confirm(client, payment, bank_redirect={})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize(
    ("iban", "status", "method"),
    [
        (SEPA_SUCCEEDS, "paid", "SEPA Direct Debit •••• 3000"),
        (SEPA_FAILS, "failed", None),
    ],
)
def test_a_debit_is_processing_first_then_settles_by_webhook(
    client: FlaskClient, timers: Timers, iban: str, status: str, method: str | None
) -> None:
    payment = checkout(client)

    response = confirm(client, payment, sepa_debit={"iban": iban})

    assert response.get_json()["status"] == "processing"
    assert order(client, payment)["status"] == "processing"
    assert [delay for delay, _ in timers.pending] == [SETTLE_AFTER_SECONDS]

    timers.run_all()

    seen = order(client, payment)
    assert seen["status"] == status
    if method is not None:
        assert seen["paymentMethod"] == method
    else:
        assert "insufficient funds" in seen["failureMessage"]


def test_a_debits_outcome_is_a_job_the_worker_runs_once_it_is_due(
    app: Flask, client: FlaskClient
) -> None:
    # The app's own scheduler: the bank's answer is a job in the database, due
    # SETTLE_AFTER_SECONDS after the debit, so no process has to stay up meanwhile.
    payment = checkout(client)
    assert confirm(client, payment, sepa_debit={"iban": SEPA_SUCCEEDS}).status_code == 200

    def later() -> datetime:
        return utcnow() + timedelta(seconds=SETTLE_AFTER_SECONDS + 1)

    with app.app_context():
        too_soon = run_due([DEMO_EVENT_KIND])
        waiting = order(client, payment)["status"]
        settled = run_due([DEMO_EVENT_KIND], now=later)
        again = run_due([DEMO_EVENT_KIND], now=later)

    assert (too_soon, waiting) == (0, "processing")
    assert (settled, again) == (1, 0)  # settled once, its events delivered in the same job
    seen = order(client, payment)
    assert (seen["status"], seen["paymentMethod"]) == ("paid", "SEPA Direct Debit •••• 3000")


def test_a_debit_from_an_account_that_is_not_a_test_iban_is_refused_at_once(
    client: FlaskClient, timers: Timers
) -> None:
    payment = checkout(client)

    response = confirm(client, payment, sepa_debit={"iban": "DE00123456780000000000"})

    intent = response.get_json()
    assert intent["status"] == "requires_payment_method"
    assert SEPA_SUCCEEDS in intent["last_payment_error"]["message"]
    assert timers.pending == []
    assert order(client, payment)["status"] == "failed"


def test_only_one_payment_method_per_confirm(client: FlaskClient) -> None:
    payment = checkout(client)

    response = confirm(
        client, payment, sepa_debit={"iban": SEPA_SUCCEEDS}, bank_redirect={}, return_url=RETURN_URL
    )

    assert response.status_code == 400
