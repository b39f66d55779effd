"""Logs never hold a secret key, a webhook secret, a client secret or card data.

Every logger is captured at DEBUG (the app's, werkzeug's access log, stripe-python's, which
at DEBUG logs Stripe's response bodies) while a shopper buys through a real HTTP server:
the demo purchase with a decline, 3D Secure and the success page, and a Stripe-mode
checkout answered by requests-mock with its webhook and success page.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from checkout_requests import RETURN_URL, pay_body
from flask import Flask
from stripe_fakes import FakeStripe
from webhook_events import STRIPE_WEBHOOK_SECRET, delivery, intent_event
from werkzeug.serving import make_server

from bookstore import create_app
from bookstore.config import Settings

PAYS = "4242424242424242"
DECLINED = "4000000000009995"
NEEDS_AUTHENTICATION = "4000002500003155"
# A 4-digit CVC, searched for as a whole token: random hex ids may contain it by chance.
CVC = "8604"
LOGGERS = ("", "werkzeug", "stripe", "bookstore", "sqlalchemy", "urllib3")


class Server:
    """The app behind werkzeug's real HTTP server (whose access log is under test)."""

    def __init__(self, app: Flask) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        """Send a request (JSON body unless bytes) and return the JSON answer."""
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        if data is not None and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(  # noqa: S310 (a local test server)
            self.url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read())

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record of every logger, at DEBUG."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    return caplog


def serve(settings: Settings) -> Iterator[Server]:
    server = Server(create_app(settings.replace(checkout_rate_limit="1000/minute")))
    yield server
    server.stop()


@pytest.fixture
def demo_server(settings: Settings) -> Iterator[Server]:
    yield from serve(settings)


@pytest.fixture
def stripe_server(stripe_settings: Settings, fake_stripe: FakeStripe) -> Iterator[Server]:
    yield from serve(stripe_settings)


def card(number: str) -> dict[str, Any]:
    return {"number": number, "exp_month": 12, "exp_year": date.today().year + 2, "cvc": CVC}


def messages(caplog: pytest.LogCaptureFixture) -> str:
    """What the handlers would write: each record's message, with any traceback."""
    formatter = logging.Formatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


def assert_no_secrets(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret[:12]}... reached the logs"
    for number in (PAYS, DECLINED, NEEDS_AUTHENTICATION):
        assert number not in text
        assert " ".join(re.findall("....", number)) not in text  # as typed: 4242 4242 ...
    assert not re.search(rf"(?<![0-9A-Za-z]){CVC}(?![0-9A-Za-z])", text)


def test_a_demo_purchase_logs_no_secret_or_card_data(
    demo_server: Server, logs: pytest.LogCaptureFixture
) -> None:
    call = demo_server.call
    book = call("GET", "/api/books")["books"][0]
    payment = call("POST", "/create-payment-intent", pay_body({book["id"]: 1}))
    intent = f"/demo/payment_intents/{payment['paymentIntentId']}"
    secret = {"client_secret": payment["clientSecret"]}

    assert call("POST", f"{intent}/confirm", {**secret, "card": card(DECLINED)})["status"] == (
        "requires_payment_method"
    )
    call("POST", f"{intent}/confirm", {**secret, "card": card(NEEDS_AUTHENTICATION)})
    assert call("POST", f"{intent}/authenticate", {**secret, "approve": True})["status"] == (
        "succeeded"
    )
    query = f"?client_secret={payment['clientSecret']}"
    assert call("GET", intent + query)["status"] == "succeeded"
    assert call("GET", f"/api/orders/{payment['paymentIntentId']}{query}")["status"] == "paid"
    call("POST", f"{intent}/confirm", {**secret, "card": {**card(PAYS), "cvc": 8604}})
    # Pay finalised on the server: the card goes into a ConfirmationToken first.
    token = call("POST", "/demo/confirmation_tokens", {"card": card(PAYS)})["id"]
    body = pay_body({book["id"]: 1}, confirmationToken=token, returnUrl=RETURN_URL)
    assert call("POST", "/create-payment-intent", body)["status"] == "succeeded"

    text = messages(logs)
    access = [r.getMessage() for r in logs.records if r.name == "werkzeug"]
    assert any("client_secret=[redacted]" in line for line in access)  # logged, but masked
    assert any(r.name.startswith("bookstore") for r in logs.records)
    assert_no_secrets(text, payment["clientSecret"], "whsec_demo_")


def test_a_stripe_checkout_logs_no_key_secret_or_client_secret(
    stripe_server: Server,
    fake_stripe: FakeStripe,
    stripe_settings: Settings,
    logs: pytest.LogCaptureFixture,
) -> None:
    call = stripe_server.call
    payment = call("POST", "/create-payment-intent", pay_body({"the-dream-machine": 2}))
    intent_id, client_secret = payment["paymentIntentId"], payment["clientSecret"]
    fake_stripe.set_status(intent_id, "succeeded")
    event = intent_event("payment_intent.succeeded", intent_id, amount=payment["amount"])
    body, headers = delivery(event)
    assert call("POST", "/webhook", body, **headers)["result"] == "processed"
    call("POST", "/webhook", body, **{"Stripe-Signature": "t=1,v1=forged"})
    order = call("GET", f"/api/orders/{intent_id}?client_secret={client_secret}")
    assert (order["status"], order["paymentStatus"]) == ("paid", "succeeded")

    text = messages(logs)
    stripe_lines = [r.getMessage() for r in logs.records if r.name == "stripe"]
    assert any("API response body" in line for line in stripe_lines)  # bodies were logged...
    assert stripe_settings.stripe_secret_key is not None
    assert_no_secrets(  # ...and masked
        text,
        stripe_settings.stripe_secret_key.get_secret_value(),
        STRIPE_WEBHOOK_SECRET,
        client_secret,
    )


def test_a_database_error_during_pay_logs_no_email_or_address(
    demo_server: Server, logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLAlchemy's error text carries the statement's parameters unless the engine hides them."""
    from bookstore.checkout import pay_transaction

    columns = pay_transaction.quote_columns

    def broken(priced: Any) -> dict[str, Any]:
        # A NULL where the schema says NOT NULL: the order's INSERT fails, on either database.
        return {**columns(priced), "amount": None}

    monkeypatch.setattr(pay_transaction, "quote_columns", broken)
    body = pay_body({"the-dream-machine": 1})

    answer = demo_server.call("POST", "/create-payment-intent", body)

    assert answer["error"]["code"] == "internal_error"
    text = messages(logs)
    assert "IntegrityError" in text  # the failure is logged, with its statement
    address = body["shipping"]["address"]
    for personal in (
        body["email"],
        address["line1"],
        address["postalCode"],
        body["shipping"]["name"],
    ):
        assert personal not in text, f"{personal} reached the logs"


def test_an_email_address_in_a_log_line_is_masked() -> None:
    from bookstore.redaction import redact

    line = "attempt 1 failed (550 5.1.1 <ada.l+books@example.co.uk>: Recipient address rejected)"

    assert redact(line) == "attempt 1 failed (550 5.1.1 <[email]>: Recipient address rejected)"


def test_a_child_loggers_line_reaching_the_apps_handler_is_masked(app: Flask) -> None:
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    app.logger.addHandler(handler)
    try:
        from bookstore.redaction import redact_handlers

        redact_handlers(app.logger)
        logging.getLogger("bookstore.orders.refunds").error(
            "refund refused for %s with key %s", "ada@example.com", "sk_test_abc123"
        )
    finally:
        app.logger.removeHandler(handler)

    assert "ada@example.com" not in stream.getvalue() and "sk_test_abc123" not in stream.getvalue()
    assert "[email]" in stream.getvalue()
