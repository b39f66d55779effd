"""Schemathesis fuzzes every operation of /api/openapi.json against the WSGI app, in both modes.

For each operation it sends the document's examples, boundary values (coverage phase) and
random valid and invalid requests (fuzzing phase), and checks that the server never answers
5xx, that every answer matches the documented status, headers and schema, that every invalid
request gets a 4xx in the JSON error shape, and that a valid body is never refused as
malformed. Stripe mode runs with requests-mock answering Stripe's API from Stripe's fixtures.

Those runs reach the owner's dashboard API (/api/admin) without a session, so its guarded
operations only ever answer 401 or 403. A third run sends each guarded operation (demo mode)
from an owner signed in with a password and a TOTP code, as the dashboard does: the session's
cookie, its CSRF token and the shop's Origin on every request, real orders (paid, two lines
each) and real titles in valid requests, so the 200s and 201s are checked against the document
too. Signing out and signing out everywhere are in it: the owner signs in again after either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from admin_orders_support import demo_order
from checkout_requests import ADDRESS, EMAIL, RETURN_URL, card, pay_body
from flask import Flask
from hypothesis import HealthCheck, settings
from owner_support import ORIGIN, Clock, EnrolledOwner, enrolled_owner, signed_in, use_clock
from schemathesis import Case, CheckContext, GenerationMode, Response
from stripe_fakes import FakeStripe

from bookstore import create_app
from bookstore.catalogue.data import BOOKS
from bookstore.config import Settings
from bookstore.web.admin import CSRF_HEADER, PUBLIC_ENDPOINTS
from bookstore.web.admin.session_cookie import SESSION_COOKIE
from bookstore.web.openapi import build_document
from bookstore.web.request_schemas import DEFAULT_MAX_QUANTITY

# Random examples per operation and generation mode (on top of the coverage phase's cases).
MAX_EXAMPLES = 40
# Fewer for the signed-in admin run: it must stay a few seconds long.
ADMIN_MAX_EXAMPLES = 10
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
    if code not in MALFORMED or _repeats_past_the_limit(case.body) or _days_reversed(case):
        return None
    raise AssertionError(f"valid body {case.body!r} refused as malformed: {response.text}")


def _days_reversed(case: Case) -> bool:
    """Whether the orders list is asked for days `from` one after `to`: a documented 400
    (validation_error) that JSON Schema cannot express. The days are YYYY-MM-DD: as text they
    sort as days do."""
    query = case.query if isinstance(case.query, dict) else {}
    first, last = query.get("from"), query.get("to")
    return isinstance(first, str) and isinstance(last, str) and first > last


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
    return fuzzed(build_document(settings), MAX_EXAMPLES)


def fuzzed(document: dict[str, Any], max_examples: int) -> Any:
    """Schemathesis's schema of a document, generating valid and invalid requests."""
    schema = schemathesis.openapi.from_dict(document)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=max_examples
    )
    # Its stock version counts any 4xx as a failure; ours above allows the business rules.
    schema.config.checks.positive_data_acceptance.enabled = False
    return schema


# The public /api/admin operations (enrolment and sign-in): nobody has a session before them,
# and the demo run above sends them already.
ADMIN_PUBLIC = {
    ("POST", "/api/admin/enrolment/start"),
    ("POST", "/api/admin/enrolment/finish"),
    ("POST", "/api/admin/session"),
}
SESSION_PARAMETERS = {("cookie", SESSION_COOKIE), ("header", CSRF_HEADER)}


def without_session_parameters(document: dict[str, Any]) -> dict[str, Any]:
    """The document without the session cookie and X-CSRF-Token parameters: the signed-in run
    sends a live session's, as a browser would, on every request (generated ones would only
    ever be refused)."""
    document = deepcopy(document)
    for item in document["paths"].values():
        for operation in item.values():
            parameters = operation.get("parameters", [])
            operation["parameters"] = [
                parameter
                for parameter in parameters
                if (parameter["in"], parameter["name"]) not in SESSION_PARAMETERS
            ]
    return document


def signed_in_operations(schema: Any) -> Any:
    """The guarded /api/admin operations only (the whole document stays known, so the methods
    of a path that are left out still count as declared)."""
    return schema.include(path_regex="^/api/admin/").exclude(
        func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in ADMIN_PUBLIC
    )


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
signed_in_admin = signed_in_operations(
    fuzzed(
        without_session_parameters(
            build_document(Settings(database_url="sqlite://", demo_mode=True))
        ),
        ADMIN_MAX_EXAMPLES,
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


class SignedInShop:
    """A demo-mode app and an owner signed in to it: the session's cookie and CSRF token, and
    (made when first asked for) orders to point the requests at."""

    # Two paid orders of two titles each (order numbers are picked by the generated ones).
    CARTS = ({"boom": 1, "stubborn-attachments": 2}, {"the-dream-machine": 2, "boom": 1})

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.clock: Clock = use_clock(app)
        self.owner: EnrolledOwner = enrolled_owner(app, self.clock)
        self.session_id = ""
        self.csrf_token = ""
        self.sign_in()
        self._orders: list[tuple[str, list[str]]] = []

    def sign_in(self) -> None:
        """Sign in (again) with the password and the app's next code."""
        browser = signed_in(self.app, self.owner, self.clock)
        assert browser.session_id, "no session cookie at sign-in"
        self.session_id, self.csrf_token = browser.session_id, browser.csrf_token

    def keep_signed_in(self) -> None:
        """Sign in again if the last request ended the session (signed out, or everywhere)."""
        client = self.app.test_client()
        client.set_cookie(SESSION_COOKIE, self.session_id)
        if client.get("/api/admin/session").status_code == 401:
            self.sign_in()

    def orders(self) -> list[tuple[str, list[str]]]:
        """The paid orders' numbers and their titles' ids."""
        if not self._orders:
            self._orders = [
                (demo_order(self.app, cart, email=f"reader{n}@example.com"), list(cart))
                for n, cart in enumerate(self.CARTS)
            ]
        return self._orders

    def send(self, case: Case) -> Response:
        """Send the case as the signed-in dashboard would, and run every check on the answer."""
        case.cookies = {SESSION_COOKIE: self.session_id}
        case.headers = {**(case.headers or {}), "Origin": ORIGIN, CSRF_HEADER: self.csrf_token}
        response = case.call_and_validate(
            app=self.app, headers=HEADERS, additional_checks=EXTRA_CHECKS
        )
        # Documented, but only for a request without a live session or its CSRF token.
        assert response.status_code not in {401, 403}, f"the session was refused: {response.text}"
        self.keep_signed_in()
        return response


def use_real_admin_ids(case: Case, shop: SignedInShop) -> None:
    """Point a valid request at a real order (its lines, for a refund) or a real title; an
    invalid one keeps what schemathesis made."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    parameters = case.path_parameters or {}
    if "book_id" in parameters:
        parameters["book_id"] = _catalogue_id(parameters["book_id"])
    if "number" not in parameters:
        return
    orders = shop.orders()
    number, book_ids = orders[sum(map(ord, parameters["number"])) % len(orders)]
    parameters["number"] = number
    if isinstance(case.body, dict) and isinstance(case.body.get("lines"), list):
        for line in case.body["lines"]:
            if isinstance(line, dict) and "bookId" in line:
                line["bookId"] = book_ids[sum(map(ord, str(line["bookId"]))) % len(book_ids)]


@pytest.fixture
def signed_in_shop(settings: Settings, tmp_path: Path) -> SignedInShop:
    """A demo-mode app that never throttles, its emails written under tmp_path, and an owner
    signed in to it."""
    app = create_app(
        settings.replace(
            checkout_rate_limit=UNTHROTTLED,
            hold_limit_per_client=UNCAPPED,
            mail_dir=tmp_path / "mail",
        )
    )
    return SignedInShop(app)


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


@signed_in_admin.parametrize()
@HYPOTHESIS
def test_admin_api_signed_in_honours_its_document(case: Case, signed_in_shop: SignedInShop) -> None:
    label = f"owner  {case.operation.label}"
    sent[label] += 1
    use_real_admin_ids(case, signed_in_shop)
    response = signed_in_shop.send(case)
    if 200 <= response.status_code < 300:
        succeeded[label] += 1


def test_the_signed_in_run_covers_every_guarded_admin_route(app: Flask) -> None:
    """Every /api/admin route but the public ones is in the signed-in run: a new one is
    fuzzed with a session as soon as the document has it."""
    guarded = {
        (method.lower(), rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/admin/") and rule.endpoint not in PUBLIC_ENDPOINTS
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }
    fuzzed_routes = {
        (operation.method, operation.path.replace("{", "<").replace("}", ">"))
        for operation in (result.ok() for result in signed_in_admin.get_all_operations())
    }
    assert fuzzed_routes == guarded


def fuzz(case: Case, app: Flask, mode: str) -> None:
    """Send the case to the app and run every check on the answer."""
    label = f"{mode} {case.operation.label}"
    sent[label] += 1
    use_real_ids(case, app)
    response = case.call_and_validate(app=app, headers=HEADERS, additional_checks=EXTRA_CHECKS)
    if 200 <= response.status_code < 300:
        succeeded[label] += 1


def signed_in_get(shop: SignedInShop, url: str) -> Any:
    """GET an /api/admin URL as the signed-in owner: the status and the JSON answer."""
    client = shop.app.test_client()
    client.set_cookie(SESSION_COOKIE, shop.session_id)
    response = client.get(url, headers=HEADERS)
    return response.status_code, response.get_json()


def test_an_activity_page_before_an_id_past_the_database_integers_is_a_400(
    signed_in_shop: SignedInShop,
) -> None:
    status, body = signed_in_get(signed_in_shop, f"/api/admin/activity?before={2**63}")
    assert (status, body["error"]["code"]) == (400, "validation_error")


def test_an_orders_day_given_as_a_number_of_seconds_is_a_400(
    signed_in_shop: SignedInShop,
) -> None:
    status, body = signed_in_get(signed_in_shop, "/api/admin/orders?to=0")
    assert (status, body["error"]["code"]) == (400, "validation_error")
