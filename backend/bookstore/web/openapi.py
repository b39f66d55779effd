"""The API as an OpenAPI 3.1 document, generated from the pydantic models that validate it.

Each operation names its request and response models; their JSON Schemas come from pydantic
(`models_json_schema`), so the document cannot drift from what the server accepts and sends.
Only the paths, parameters and which error statuses each operation can answer are listed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Flask, current_app
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from bookstore.config import Settings, current_settings
from bookstore.payments.demo import bank as demo_bank
from bookstore.payments.demo import routes as demo
from bookstore.web import request_schemas, response_schemas
from bookstore.web.errors import ErrorResponse

EXTENSION_KEY = "openapi_document"
REF_TEMPLATE = "#/components/schemas/{model}"
ERROR_REF = {"$ref": REF_TEMPLATE.format(model="ErrorResponse")}

# Why each error status happens, with the `error.code` values it carries (docs/api.md).
ERRORS: Mapping[int, str] = {
    400: "`invalid_json`, `validation_error` (see `details`), or a rule of this operation.",
    402: "The card was refused: Stripe's code (`card_declined`, ...) and user-safe message.",
    404: "`not_found`: no such resource (or a client secret that does not match it).",
    409: "`insufficient_stock`: fewer copies can be ordered than asked for (`details.items`).",
    413: "`payload_too_large`: the body is over the size limit.",
    415: "`unsupported_media_type`: the body is not application/json.",
    429: "`rate_limited`: too many requests of this kind from this client; see `Retry-After`.",
    502: "`payment_provider_error`: the payment provider refused our request.",
    503: "`payment_provider_unavailable` (see `Retry-After`), or a rule of this operation.",
}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 0},
}

Method = Literal["get", "post", "put", "delete"]


@dataclass(frozen=True)
class Operation:
    """One method on one path: what it reads, what it answers, and how it can fail."""

    method: Method
    path: str
    summary: str
    response: type[BaseModel] | None
    errors: Mapping[int, str] = field(default_factory=dict)
    body: type[BaseModel] | None = None
    parameters: tuple[Mapping[str, Any], ...] = ()
    description: str | None = None
    tag: str = "shop"
    not_modified: bool = False  # answers 304 to a matching If-None-Match
    status: int = 200  # the status of a success (201: it made something)
    # A page for people rather than JSON: GET answers HTML; POST takes a form, answers 303.
    page: bool = False


def path_parameter(name: str, description: str) -> Mapping[str, Any]:
    """A required path segment."""
    schema = {"type": "string", "minLength": 1, "maxLength": 255}
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def client_secret_parameter() -> Mapping[str, Any]:
    """The client secret that proves the caller started this payment."""
    return {
        "name": "client_secret",
        "in": "query",
        "required": True,
        "description": "The PaymentIntent's client secret; a wrong one gets the same 404.",
        "schema": {"type": "string", "minLength": 1},
    }


def _errors(*statuses: int, **overrides: str) -> dict[int, str]:
    """The standard descriptions of `statuses`, with `e400="..."` style overrides."""
    table = {status: ERRORS[status] for status in statuses}
    table.update({int(key[1:]): text for key, text in overrides.items()})
    return table


BODY_ERRORS = (400, 413, 415)
QUOTE_400 = (
    "`invalid_json`, `validation_error`, `empty_cart`, `unknown_books` (`details.ids`), "
    "`invalid_email` or `invalid_address` (`details` names the fields)."
)

SHOP_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get",
        "/config",
        "Publishable key, payment mode and currency",
        response_schemas.ConfigResponse,
    ),
    Operation(
        "get",
        "/api/books",
        "Every book on sale",
        response_schemas.BookListResponse,
        not_modified=True,
    ),
    Operation(
        "get",
        "/api/books/{book_id}",
        "One book on sale",
        response_schemas.BookResponse,
        _errors(404),
        parameters=(path_parameter("book_id", "The book's slug, e.g. the-dream-machine."),),
        not_modified=True,
    ),
    Operation(
        "post",
        "/api/quote",
        "Price the cart and the details given so far: read-only",
        response_schemas.QuoteResponse,
        _errors(
            *BODY_ERRORS,
            409,
            429,
            502,
            503,
            e400=QUOTE_400,
            e502="`payment_provider_error`: Stripe Tax refused our request.",
            e503="`payment_provider_unavailable`: Stripe Tax could not be asked (see "
            "`Retry-After`).",
        ),
        body=request_schemas.QuoteRequest,
        description="Writes nothing, holds nothing and makes no PaymentIntent: call it as "
        "often as the shopper changes the cart or the details. Copies are checked without "
        "being held (the cart's own order's hold counts as the shopper's). Any other field "
        "(amount, price, currency...) is ignored. Rate-limited per client as Pay is, counted "
        "apart.",
    ),
    Operation(
        "post",
        "/create-payment-intent",
        "Pay: hold the copies in a complete order and confirm its PaymentIntent",
        response_schemas.PaymentIntentResponse,
        _errors(
            *BODY_ERRORS,
            402,
            409,
            429,
            502,
            503,
            e400=QUOTE_400 + " `missing_details` (`details` names `email` and/or "
            "`shipping`); `invalid_return_url` (`returnUrl` missing with a confirmationToken, "
            "or not a page of this shop).",
            e402="The card was refused at confirmation: the provider's code (`card_declined`, "
            "...) and user-safe message. The order and its PaymentIntent stay: Pay again with "
            "another ConfirmationToken.",
            e409="`quote_changed` (`details.quote` is the quote now: show it, then Pay with "
            "its quoteId); `insufficient_stock` (`details.items`); `payment_in_progress` "
            "(another Pay for this cart is under way, or its payment is processing); "
            "`cart_already_paid`; `cart_closed` (its payment was canceled).",
            e429="`rate_limited` (see `Retry-After`), or `hold_limit`: this client already "
            "holds as many copies across its unpaid orders as one client may (the message "
            "names the limit; `details`: limit, held, requested).",
        ),
        body=request_schemas.CreatePaymentIntentRequest,
        description="Prices the cart again from the catalogue, checks and holds its copies, "
        "and writes the order in one transaction; then creates (or, if the total, address or "
        "email changed, updates) the cart's one PaymentIntent and, given a "
        "`confirmationToken`, confirms it on the server. The same `cartId` always maps to the "
        "same order and PaymentIntent. Without a confirmationToken the PaymentIntent is "
        "answered unconfirmed (`requires_payment_method`), for the caller to confirm. Any "
        "other field (amount, price, currency, status...) is ignored.",
    ),
    Operation(
        "get",
        "/api/orders/{payment_intent_id}",
        "The order paid by a PaymentIntent, for whoever holds its client secret",
        response_schemas.OrderResponse,
        _errors(404, 429),
        parameters=(
            path_parameter("payment_intent_id", "The PaymentIntent's id, pi_..."),
            client_secret_parameter(),
        ),
    ),
    Operation(
        "post",
        "/api/order-lookup",
        "Find an order by its number and the email it was placed with",
        response_schemas.OrderResponse,
        _errors(*BODY_ERRORS, 404, 429, e404="`not_found`: no order has that number and email."),
        body=request_schemas.OrderLookupRequest,
        description="An unknown number and a wrong email get the same 404, in the same time. "
        "Rate-limited per client as checkout is.",
    ),
    Operation(
        "post",
        "/webhook",
        "Receive a signed event from Stripe (or the Stripe CLI)",
        response_schemas.WebhookResponse,
        _errors(
            413,
            e400="`invalid_signature` (signature, timestamp or body not verified).",
            e503="`webhook_not_configured` (STRIPE_WEBHOOK_SECRET is not set: Stripe retries).",
        ),
        body=request_schemas.StripeEvent,
        parameters=(
            {
                "name": "Stripe-Signature",
                "in": "header",
                "required": True,
                "description": "t=<timestamp>,v1=<HMAC-SHA256 of the raw body>.",
                "schema": {"type": "string"},
            },
        ),
        description="Verified against the raw body with the webhook signing secret, then "
        "applied to its order exactly once.",
        tag="stripe",
    ),
    Operation("get", "/api/openapi.json", "This document", None, tag="meta"),
    Operation("get", "/healthz", "Liveness probe", response_schemas.LivenessResponse, tag="meta"),
    Operation(
        "get",
        "/readyz",
        "Readiness probe: database and payment settings",
        response_schemas.ReadinessResponse,
        {503: "`not_ready`: `details` says which check failed."},
        tag="meta",
    ),
)


def demo_operations() -> tuple[Operation, ...]:
    """The offline demo's stand-in for Stripe's API; only mounted in demo mode."""
    intent = path_parameter("intent_id", "The demo PaymentIntent's id, pi_demo_...")
    step_errors = _errors(
        *BODY_ERRORS,
        404,
        e400="`invalid_json`, `validation_error`, or `payment_intent_unexpected_state` "
        "(this step is not allowed in the PaymentIntent's status).",
    )
    return (
        Operation(
            "post",
            "/demo/confirmation_tokens",
            "Keep payment details as a single-use ConfirmationToken (Stripe.js's "
            "createConfirmationToken)",
            demo.DemoConfirmationTokenResponse,
            _errors(
                *BODY_ERRORS,
                e400="`invalid_json`, `validation_error` (exactly one method; "
                "a bank redirect needs a return_url), or `invalid_return_url`.",
            ),
            body=demo.ConfirmationTokenBody,
            description="Stores the outcome Stripe's test cards give and a preview of the "
            "payment method (brand and last four digits), never the card number. Send its id "
            "with Pay (`confirmationToken`).",
            tag="demo",
        ),
        Operation(
            "get",
            "/demo/payment_intents/{intent_id}",
            "A demo PaymentIntent, as Stripe.js's retrievePaymentIntent sees it",
            demo.DemoPaymentIntentResponse,
            _errors(404),
            parameters=(intent, client_secret_parameter()),
            tag="demo",
        ),
        Operation(
            "post",
            "/demo/payment_intents/{intent_id}/confirm",
            "Attempt payment with a test card",
            demo.DemoPaymentIntentResponse,
            step_errors,
            body=demo.ConfirmBody,
            parameters=(intent,),
            tag="demo",
        ),
        Operation(
            "post",
            "/demo/payment_intents/{intent_id}/authenticate",
            "Approve or fail a 3D Secure challenge",
            demo.DemoPaymentIntentResponse,
            step_errors,
            body=demo.AuthenticateBody,
            parameters=(intent,),
            tag="demo",
        ),
        Operation(
            "get",
            "/demo/bank/{intent_id}",
            "The demo bank's page, where a redirect payment is approved or failed",
            None,
            _errors(404),
            parameters=(intent, client_secret_parameter()),
            tag="demo",
            page=True,
        ),
        Operation(
            "post",
            "/demo/bank/{intent_id}",
            "Approve or fail at the demo bank, then go back to the shop's return_url",
            None,
            _errors(
                404,
                e400="`validation_error`, or `payment_intent_unexpected_state` (not waiting "
                "for approval).",
            ),
            body=demo_bank.BankDecision,
            parameters=(intent,),
            tag="demo",
            page=True,
        ),
    )


def operations(settings: Settings) -> tuple[Operation, ...]:
    """Every operation this server answers, given its mode."""
    # Imported here: the admin operations are built with this module's Operation.
    from bookstore.web.admin.openapi import ADMIN_OPERATIONS
    from bookstore.web.admin.refund_openapi import REFUND_OPERATIONS
    from bookstore.web.admin.stock_openapi import STOCK_OPERATIONS

    admin = ADMIN_OPERATIONS + STOCK_OPERATIONS + REFUND_OPERATIONS
    if settings.mode == "demo":
        return SHOP_OPERATIONS + admin + demo_operations()
    return SHOP_OPERATIONS + admin


def build_document(settings: Settings) -> dict[str, Any]:
    """The OpenAPI 3.1 document of a server with these settings."""
    ops = operations(settings)
    components = _component_schemas(ops)
    # The per-book limit is a setting the validator reads from its context; state its value.
    components["CartItem"]["properties"]["quantity"]["maximum"] = settings.max_quantity
    paths: dict[str, dict[str, Any]] = {}
    for op in ops:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Stripe Press bookstore API",
            "version": "1.0.0",
            "description": "Money is an integer in the smallest currency unit. Every failure "
            'answers {"error": {"code", "message", "details"?}} (ErrorResponse).',
        },
        "paths": paths,
        "components": {"schemas": components},
    }


def _component_schemas(ops: Iterable[Operation]) -> dict[str, Any]:
    """JSON Schemas of every model the operations use, named as pydantic names them."""
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {
        (ErrorResponse, "serialization"): None
    }
    for op in ops:
        if op.body is not None:
            wanted[(op.body, "validation")] = None
        if op.response is not None:
            wanted[(op.response, "serialization")] = None
    keys, top = models_json_schema(list(wanted), ref_template=REF_TEMPLATE)
    definitions: dict[str, Any] = top.get("$defs", {})
    # Models used only in one mode are named plainly; check no model needed two names.
    names = {REF_TEMPLATE.format(model=model.__name__) for model, _ in wanted}
    assert names == {schema["$ref"] for schema in keys.values()}, "a model is named twice"
    return definitions


def _operation(op: Operation) -> dict[str, Any]:
    """The Operation Object of `op`."""
    ok = str(op.status)
    responses: dict[str, Any] = {ok: {"description": "Created" if op.status == 201 else "OK"}}
    if op.page and op.method == "get":
        responses[ok]["content"] = {"text/html": {"schema": {"type": "string"}}}
    elif op.page:
        responses = {"303": {"description": "See Other: back to the shop's return_url."}}
    elif op.response is not None:
        responses[ok]["content"] = _json_content(op.response.__name__)
    else:
        responses[ok]["content"] = {"application/json": {"schema": {"type": "object"}}}
    if op.not_modified:
        responses["304"] = {"description": "Not modified: the client's copy (If-None-Match)."}
    for status, description in sorted(op.errors.items()):
        response: dict[str, Any] = {"description": description, "content": _json_content(None)}
        if status in (429, 503):
            response["headers"] = {"Retry-After": RETRY_AFTER}
        responses[str(status)] = response
    operation: dict[str, Any] = {
        "operationId": _operation_id(op),
        "summary": op.summary,
        "tags": [op.tag],
        "responses": responses,
    }
    if op.description:
        operation["description"] = op.description
    if op.parameters:
        operation["parameters"] = [dict(parameter) for parameter in op.parameters]
    if op.body is not None:
        content = _json_content(op.body.__name__)
        if op.page:
            content = {"application/x-www-form-urlencoded": content["application/json"]}
        operation["requestBody"] = {"required": True, "content": content}
    return operation


def _json_content(model_name: str | None) -> dict[str, Any]:
    """application/json content of a component schema (the error shape when None)."""
    schema = ERROR_REF if model_name is None else {"$ref": REF_TEMPLATE.format(model=model_name)}
    return {"application/json": {"schema": schema}}


def _operation_id(op: Operation) -> str:
    """A stable id like get_api_orders_payment_intent_id."""
    words = "".join(c if c.isalnum() else "_" for c in op.path).strip("_")
    return f"{op.method}_{'_'.join(part for part in words.split('_') if part)}"


def current_document() -> dict[str, Any]:
    """The document of the app handling this request, built once per app."""
    app: Flask = current_app
    document: dict[str, Any] | None = app.extensions.get(EXTENSION_KEY)
    if document is None:
        document = app.extensions[EXTENSION_KEY] = build_document(current_settings())
    return document
