"""Schemathesis fuzzes every operation of /api/openapi.json against the WSGI app, in both modes.

For each operation it sends the document's examples, boundary values (coverage phase) and
random valid and invalid requests (fuzzing phase), and checks that the server never answers
5xx, that every answer matches the documented status, headers and schema, that every invalid
request gets a 4xx in the JSON error shape, and that a valid body is never refused as
malformed. Stripe mode runs with requests-mock answering Stripe's API from Stripe's fixtures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from checkout_requests import ADDRESS, EMAIL, RETURN_URL, card, pay_body
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis import Case, CheckContext, GenerationMode, Response
from stripe_fakes import FakeStripe

from bookstore import create_app
from bookstore.catalogue.data import BOOKS
from bookstore.config import Settings
from bookstore.web.openapi import build_document
from bookstore.web.request_schemas import DEFAULT_MAX_QUANTITY

# Random examples per operation and generation mode (on top of the coverage phase's cases).
MAX_EXAMPLES = 40
# Fuzzing must never be throttled, nor capped: the limits have their own tests.
UNTHROTTLED = "100000 per minute"
UNCAPPED = 10**9
# Where a Stripe-mode app keeps the test's FakeStripe, to make ConfirmationTokens with.
FAKE_STRIPE_KEY = "test_fake_stripe"
BOOK_IDS = sorted(str(book["id"]) for book in BOOKS)
# The WSGI client does not decompress; the catalogue's gzip has its own tests.
HEADERS = {"Accept-Encoding": "identity"}
# Errors that mean "your request is malformed": a body the document calls valid must not get them.
MALFORMED = {"invalid_json", "validation_error", "unsupported_media_type", "payload_too_large"}

# Requests sent, and those answered 2xx, per "mode operation"; printed at the end.
sent: Counter[str] = Counter()
succeeded: Counter[str] = Counter()


def error_shape(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx/5xx is {"error": {"code", "message", ...}} with string code and message."""
    if response.status_code < 400:
        return None
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error.get("code"), str) and isinstance(error.get("message"), str), body
    assert set(error) <= {"code", "message", "details"}, body
    return None


def valid_bodies_are_not_refused_as_malformed(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """A body the document calls valid may fail a business rule, never validation."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code >= 500:
        return None
    if case.operation.path.startswith("/demo/"):
        # The demo's card fields stay strict about 2030.0 (test_demo_api pins it), which JSON
        # Schema cannot say: it calls 2030.0 an integer.
        return None
    if response.status_code < 400 or case.body is None:
        return None
    code = response.json().get("error", {}).get("code")
    if code not in MALFORMED or _repeats_past_the_limit(case.body):
        return None
    raise AssertionError(f"valid body {case.body!r} refused as malformed: {response.text}")


def _repeats_past_the_limit(body: Any) -> bool:
    """Whether a repeated id's merged total passes the per-book limit though each line is
    within it: a documented rule that JSON Schema cannot express."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        return False
    totals: Counter[str] = Counter()
    for item in body["items"]:
        if item["quantity"] > DEFAULT_MAX_QUANTITY:
            return False
        totals[item["id"]] += item["quantity"]
    return any(total > DEFAULT_MAX_QUANTITY for total in totals.values())


# On top of schemathesis's own checks (no 5xx, documented status codes, content types,
# headers and schemas, invalid data rejected with a 4xx, ...).
EXTRA_CHECKS = [error_shape, valid_bodies_are_not_refused_as_malformed]


def use_real_ids(case: Case, app: Flask) -> None:
    """Point a valid request at real books and a real PaymentIntent (with its client secret).

    Random ids only ever reach the 404s and `unknown_books`; this way the 200 answers (carts
    priced, a book, an order, a demo PaymentIntent after a card attempt) are checked against
    the document too. Invalid requests keep what schemathesis made.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    parameters = case.path_parameters or {}
    if "book_id" in parameters:
        parameters["book_id"] = _catalogue_id(parameters["book_id"])
    if case.operation.path in CART_PATHS and isinstance(case.body, dict):
        for item in case.body.get("items", []):
            item["id"] = _catalogue_id(item["id"])
        # Details the shop accepts, where some were given (random ones would only be refused).
        if "email" in case.body:
            case.body["email"] = EMAIL
        if "shipping" in case.body:
            case.body["shipping"] = ADDRESS
        if "confirmationToken" in case.body:
            # A token the provider made, and a page of the shop to come back to.
            case.body["confirmationToken"] = _confirmation_token(app)
            case.body["returnUrl"] = RETURN_URL
    names = {"payment_intent_id", "intent_id"} & set(parameters)
    if not names:
        return
    payment = (
        app.test_client().post("/create-payment-intent", json=pay_body({"boom": 1})).get_json()
    )
    for name in names:
        parameters[name] = payment["paymentIntentId"]
    for fields in (case.query, case.body):
        if isinstance(fields, dict) and "client_secret" in fields:
            fields["client_secret"] = payment["clientSecret"]


CART_PATHS = ("/create-payment-intent", "/api/quote")


def _confirmation_token(app: Flask) -> str:
    """A ConfirmationToken for a card that pays: the demo's, or FakeStripe's."""
    fake: FakeStripe | None = app.extensions.get(FAKE_STRIPE_KEY)
    if fake is not None:
        return fake.confirmation_token("pm_card_visa")
    response = app.test_client().post("/demo/confirmation_tokens", json={"card": card()})
    token: str = response.get_json()["id"]
    return token


def _catalogue_id(generated: str) -> str:
    """A book of the catalogue, picked by the generated id so examples still vary."""
    return BOOK_IDS[sum(map(ord, generated)) % len(BOOK_IDS)]


def document_of(settings: Settings) -> Any:
    """The document a server with these settings serves (test_openapi checks it is)."""
    schema = schemathesis.openapi.from_dict(build_document(settings))
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES
    )
    # Its stock version counts any 4xx as a failure; ours above allows the business rules.
    schema.config.checks.positive_data_acceptance.enabled = False
    return schema


# Loaded at import so pytest can make one test per operation (schemathesis's fixture-based
# loader does not run on pytest 9). Only the mode matters to the document, not the database.
demo = document_of(Settings(database_url="sqlite://", demo_mode=True))
stripe_mode = document_of(
    Settings(
        database_url="sqlite://",
        stripe_secret_key="sk_test_123",
        stripe_publishable_key="pk_test_123",
    )
)


@pytest.fixture
def demo_app(settings: Settings) -> Flask:
    """A demo-mode app that never throttles."""
    return create_app(
        settings.replace(checkout_rate_limit=UNTHROTTLED, hold_limit_per_client=UNCAPPED)
    )


@pytest.fixture
def stripe_mode_app(stripe_settings: Settings, fake_stripe: FakeStripe) -> Flask:
    """A Stripe-mode app that never throttles; FakeStripe answers Stripe's API."""
    app = create_app(
        stripe_settings.replace(checkout_rate_limit=UNTHROTTLED, hold_limit_per_client=UNCAPPED)
    )
    app.extensions[FAKE_STRIPE_KEY] = fake_stripe
    return app


HYPOTHESIS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print how many requests each operation got, so runs can be compared."""
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not sent:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for label, count in sorted(sent.items()):
            reporter.write_line(
                f"schemathesis: {count:4d} requests ({succeeded[label]:3d} 2xx)  {label}"
            )
        reporter.write_line(f"schemathesis: {sum(sent.values()):4d} requests in all")


@demo.parametrize()
@HYPOTHESIS
def test_demo_mode_api_honours_its_document(case: Case, demo_app: Flask) -> None:
    fuzz(case, demo_app, "demo  ")


@stripe_mode.parametrize()
@HYPOTHESIS
def test_stripe_mode_api_honours_its_document(case: Case, stripe_mode_app: Flask) -> None:
    fuzz(case, stripe_mode_app, "stripe")


def fuzz(case: Case, app: Flask, mode: str) -> None:
    """Send the case to the app and run every check on the answer."""
    label = f"{mode} {case.operation.label}"
    sent[label] += 1
    use_real_ids(case, app)
    response = case.call_and_validate(app=app, headers=HEADERS, additional_checks=EXTRA_CHECKS)
    if 200 <= response.status_code < 300:
        succeeded[label] += 1
