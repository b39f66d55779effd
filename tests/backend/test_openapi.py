"""GET /api/openapi.json: a valid OpenAPI 3.1 document of every route, made from the models."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient

from bookstore.config import current_settings
from bookstore.payments.demo.routes import ConfirmationTokenBody, ConfirmBody
from bookstore.web.errors import ErrorResponse
from bookstore.web.openapi import REF_TEMPLATE, build_document
from bookstore.web.request_schemas import CreatePaymentIntentRequest, QuoteRequest
from bookstore.web.response_schemas import OrderResponse, PaymentIntentResponse, QuoteResponse

DEMO_PATHS = {
    "/demo/confirmation_tokens",
    "/demo/payment_intents/{intent_id}",
    "/demo/payment_intents/{intent_id}/confirm",
    "/demo/payment_intents/{intent_id}/authenticate",
}


def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


def routes(app: Flask) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every route the app answers, HEAD/OPTIONS aside."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                found.add((method.lower(), path))
    return found


def documented(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, item in doc["paths"].items() for method in item}


def test_the_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    doc = document(client)

    assert doc["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(doc).validate()  # against the OpenAPI 3.1 meta-schema


@pytest.mark.parametrize("mode", ["demo", "stripe"])
def test_every_route_the_app_answers_is_documented_and_nothing_else(
    mode: str, request: pytest.FixtureRequest
) -> None:
    app: Flask = request.getfixturevalue("app" if mode == "demo" else "stripe_app")

    doc = document(app.test_client())

    assert documented(doc) == routes(app)


def test_demo_paths_are_documented_only_in_demo_mode(
    client: FlaskClient, stripe_client: FlaskClient
) -> None:
    assert set(document(client)["paths"]) >= DEMO_PATHS
    assert not DEMO_PATHS & set(document(stripe_client)["paths"])


def test_the_served_document_is_the_one_built_from_the_settings(app: Flask) -> None:
    with app.app_context():
        expected = build_document(current_settings())

    assert document(app.test_client()) == expected


@pytest.mark.parametrize(
    "model",
    [QuoteRequest, CreatePaymentIntentRequest, ConfirmBody, ConfirmationTokenBody],
    ids=lambda m: m.__name__,
)
def test_request_schemas_are_the_validating_models_own(client: FlaskClient, model: Any) -> None:
    components = document(client)["components"]["schemas"]
    own = model.model_json_schema(ref_template=REF_TEMPLATE, mode="validation")
    nested = own.pop("$defs", {})

    assert components[model.__name__] == own
    for name, schema in nested.items():
        if name != "CartItem":  # its maximum is filled in from the settings (next test)
            assert components[name] == schema


def test_the_quantity_limit_in_the_document_is_the_servers(client: FlaskClient) -> None:
    quantity = document(client)["components"]["schemas"]["CartItem"]["properties"]["quantity"]

    assert (quantity["minimum"], quantity["maximum"]) == (1, 10)
    too_many = {"items": [{"id": "the-dream-machine", "quantity": quantity["maximum"] + 1}]}
    assert client.post("/create-payment-intent", json=too_many).status_code == 400


@pytest.mark.parametrize(
    "model",
    [QuoteResponse, PaymentIntentResponse, OrderResponse, ErrorResponse],
    ids=lambda m: m.__name__,
)
def test_response_schemas_are_the_models_that_build_the_responses(
    client: FlaskClient, model: Any
) -> None:
    components = document(client)["components"]["schemas"]
    own = model.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization")
    own.pop("$defs", None)

    assert components[model.__name__] == own


def test_checkout_documents_its_errors_in_the_error_shape(client: FlaskClient) -> None:
    operation = document(client)["paths"]["/create-payment-intent"]["post"]
    error_ref = {"$ref": REF_TEMPLATE.format(model="ErrorResponse")}

    statuses = {status for status in operation["responses"] if status != "200"}
    assert statuses == {"400", "402", "409", "413", "415", "429", "502", "503"}
    for status in statuses:
        content = operation["responses"][status]["content"]["application/json"]
        assert content["schema"] == error_ref
    assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_the_quote_documents_its_errors_and_writes_nothing_to_document(client: FlaskClient) -> None:
    operation = document(client)["paths"]["/api/quote"]["post"]

    assert set(operation["responses"]) == {
        "200",
        "400",
        "409",
        "413",
        "415",
        "429",
        "502",
        "503",
    }
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": REF_TEMPLATE.format(model="QuoteResponse")
    }
    assert "Writes nothing" in operation["description"]


def test_a_quote_changed_error_carries_a_quote_response(client: FlaskClient) -> None:
    schemas = document(client)["components"]["schemas"]

    details = schemas["ErrorDetail"]["properties"]["details"]["anyOf"]
    assert {"$ref": REF_TEMPLATE.format(model="QuoteChangedDetails")} in details
    assert schemas["QuoteChangedDetails"]["properties"]["quote"] == {
        "$ref": REF_TEMPLATE.format(model="QuoteResponse")
    }
    pay = document(client)["paths"]["/create-payment-intent"]["post"]["responses"]
    assert "`quote_changed`" in pay["409"]["description"]
    assert "`hold_limit`" in pay["429"]["description"]
    assert "`missing_details`" in pay["400"]["description"]


def test_the_webhook_documents_its_signature_header_and_raw_event(client: FlaskClient) -> None:
    operation = document(client)["paths"]["/webhook"]["post"]

    [header] = operation["parameters"]
    assert (header["name"], header["in"], header["required"]) == (
        "Stripe-Signature",
        "header",
        True,
    )
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": REF_TEMPLATE.format(model="StripeEvent")
    }
    assert set(operation["responses"]) == {"200", "400", "413", "503"}
