"""POST /webhook: verified events move orders, each event exactly once."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from checkout_requests import pay_body
from flask import Flask
from flask.testing import FlaskClient
from stripe_fakes import FakeStripe, event
from webhook_events import delivery, intent_event, refund_event, sign

from bookstore.db import db
from bookstore.orders.fulfilment import ProcessedEvent
from bookstore.orders.models import Order, OrderStatus, new_token

AMOUNT = 6000


@pytest.fixture
def order_id(stripe_app: Flask) -> int:
    """A pending order for 60.00 USD paid by PaymentIntent pi_1."""
    return add_order(stripe_app, "pi_1")


# What Pay stores of a complete order's address (addresses.ShippingAddress as JSON).
SHIPPING_ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "354 Oyster Point Blvd",
    "line2": None,
    "city": "South San Francisco",
    "state": "CA",
    "postal_code": "94080",
    "country": "US",
    "phone": None,
}


def add_order(app: Flask, intent_id: str | None, amount: int = AMOUNT) -> int:
    """Store a pending order as Pay leaves it: complete, with its PaymentIntent."""
    with app.app_context():
        order = Order(
            token=new_token(),
            gateway="stripe_test",
            currency="usd",
            email="ada@example.com",
            shipping_address=SHIPPING_ADDRESS,
            amount=amount,
            payment_intent_id=intent_id,
            client_secret=f"{intent_id}_secret_x" if intent_id else None,
            status=OrderStatus.PENDING,
        )
        db.session.add(order)
        db.session.commit()
        return order.id


def token_of(app: Flask, order_id: int) -> str:
    """The order's random token, as checkout puts it in its PaymentIntent's metadata."""
    return load(app, order_id).token


def load(app: Flask, order_id: int) -> Order:
    """The order as stored now."""
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert order is not None
        return order


def send(client: FlaskClient, event: dict[str, Any], **sign_options: Any) -> Any:
    """Deliver a signed event."""
    payload, headers = delivery(event, **sign_options)
    return client.post("/webhook", data=payload, headers=headers)


def processed_count(app: Flask) -> int:
    """How many events are recorded as processed."""
    with app.app_context():
        return db.session.query(ProcessedEvent).count()


def test_payment_succeeded_marks_the_order_paid(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int
) -> None:
    response = send(
        stripe_client,
        intent_event(
            "payment_intent.succeeded",
            "pi_1",
            amount=AMOUNT,
            order_token=token_of(stripe_app, order_id),
        ),
    )

    assert response.status_code == 200
    assert response.get_json() == {"received": True, "result": "processed"}
    order = load(stripe_app, order_id)
    assert order.status == OrderStatus.PAID
    assert order.paid_amount == AMOUNT
    assert order.paid_at is not None and abs(order.paid_at.timestamp() - time.time()) < 60


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "t=1,v1=abc",
        "garbage",
        sign(b"another body"),
        sign(b"{}", secret="whsec_other"),
    ],
)
def test_bad_or_missing_signatures_are_400_and_change_nothing(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int, signature: str | None
) -> None:
    payload = json.dumps(
        intent_event(
            "payment_intent.succeeded",
            "pi_1",
            amount=AMOUNT,
            order_token=token_of(stripe_app, order_id),
        )
    ).encode()
    headers = {} if signature is None else {"Stripe-Signature": signature}

    response = stripe_client.post("/webhook", data=payload, headers=headers)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_signature"
    assert load(stripe_app, order_id).status == OrderStatus.PENDING
    assert processed_count(stripe_app) == 0


def test_a_stale_timestamp_is_refused(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int
) -> None:
    event = intent_event(
        "payment_intent.succeeded",
        "pi_1",
        amount=AMOUNT,
        order_token=token_of(stripe_app, order_id),
    )
    response = send(stripe_client, event, at=int(time.time()) - 3600)
    assert response.status_code == 400
    assert load(stripe_app, order_id).status == OrderStatus.PENDING


def test_a_signed_body_that_is_not_json_is_400(stripe_client: FlaskClient) -> None:
    payload = b"not json"
    response = stripe_client.post(
        "/webhook", data=payload, headers={"Stripe-Signature": sign(payload)}
    )
    assert response.status_code == 400


def test_the_same_event_five_times_is_applied_once(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int
) -> None:
    event = intent_event(
        "payment_intent.succeeded",
        "pi_1",
        amount=AMOUNT,
        order_token=token_of(stripe_app, order_id),
    )

    results = [send(stripe_client, event).get_json()["result"] for _ in range(5)]

    assert results == ["processed"] + ["duplicate"] * 4
    assert processed_count(stripe_app) == 1
    assert load(stripe_app, order_id).status == OrderStatus.PAID


def test_a_late_payment_failed_does_not_undo_a_payment(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int
) -> None:
    send(stripe_client, intent_event("payment_intent.succeeded", "pi_1", amount=AMOUNT))
    response = send(
        stripe_client,
        intent_event(
            "payment_intent.payment_failed",
            "pi_1",
            amount=AMOUNT,
            last_payment_error={"message": "Your card was declined."},
        ),
    )

    assert response.status_code == 200
    order = load(stripe_app, order_id)
    assert order.status == OrderStatus.PAID
    assert order.failure_message is None


def test_a_failed_payment_records_why_and_the_order_stays_payable(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int
) -> None:
    send(
        stripe_client,
        intent_event(
            "payment_intent.payment_failed",
            "pi_1",
            amount=AMOUNT,
            last_payment_error={"message": "Your card has insufficient funds."},
        ),
    )
    order = load(stripe_app, order_id)
    assert order.status == OrderStatus.FAILED
    assert order.failure_message == "Your card has insufficient funds."

    send(stripe_client, intent_event("payment_intent.succeeded", "pi_1", amount=AMOUNT))
    order = load(stripe_app, order_id)
    assert order.status == OrderStatus.PAID
    assert order.failure_message is None


@pytest.mark.parametrize(
    ("paid", "currency"), [(AMOUNT - 1, "usd"), (AMOUNT + 100, "usd"), (AMOUNT, "eur")]
)
def test_money_that_does_not_match_the_order_holds_it_for_review(
    stripe_app: Flask,
    stripe_client: FlaskClient,
    order_id: int,
    caplog: pytest.LogCaptureFixture,
    paid: int,
    currency: str,
) -> None:
    send(
        stripe_client,
        intent_event("payment_intent.succeeded", "pi_1", amount=paid, currency=currency),
    )
    order = load(stripe_app, order_id)
    assert order.status == OrderStatus.REVIEW
    assert order.paid_amount == paid
    assert "review" in caplog.text


def test_processing_then_canceled(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int
) -> None:
    send(stripe_client, intent_event("payment_intent.processing", "pi_1", amount=AMOUNT))
    assert load(stripe_app, order_id).status == OrderStatus.PROCESSING
    send(stripe_client, intent_event("payment_intent.canceled", "pi_1", amount=AMOUNT))
    assert load(stripe_app, order_id).status == OrderStatus.CANCELED


def test_a_full_refund_marks_the_order_refunded_and_a_partial_one_does_not(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int
) -> None:
    send(stripe_client, intent_event("payment_intent.succeeded", "pi_1", amount=AMOUNT))
    send(stripe_client, refund_event("pi_1", amount=AMOUNT, refunded=False))
    assert load(stripe_app, order_id).status == OrderStatus.PAID
    send(stripe_client, refund_event("pi_1", amount=AMOUNT))
    assert load(stripe_app, order_id).status == OrderStatus.REFUNDED


def test_other_event_types_are_ignored(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int
) -> None:
    response = send(stripe_client, intent_event("payment_intent.created", "pi_1", amount=AMOUNT))
    assert response.status_code == 200
    assert response.get_json()["result"] == "ignored"
    assert processed_count(stripe_app) == 0


@pytest.mark.parametrize(
    "event_type", ["payment_intent.succeeded", "payment_intent.payment_failed"]
)
def test_events_for_payments_this_shop_never_made_are_acknowledged_and_ignored(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int, event_type: str
) -> None:
    # What `stripe trigger payment_intent.succeeded`, Payment Links and Dashboard charges send:
    # a PaymentIntent we never made, with no order token. Anything but a 2xx would make Stripe
    # deliver it again for days and flag the endpoint.
    response = send(stripe_client, intent_event(event_type, "pi_triggered", amount=AMOUNT))

    assert response.status_code == 200
    assert response.get_json() == {"received": True, "result": "ignored"}
    assert processed_count(stripe_app) == 0
    assert load(stripe_app, order_id).status == OrderStatus.PENDING


def test_an_event_naming_an_order_token_this_database_lacks_is_acknowledged_and_ignored(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int
) -> None:
    # Another database on the same Stripe account: a teammate's clone, or staging on test keys.
    theirs = intent_event(
        "payment_intent.succeeded", "pi_theirs", amount=AMOUNT, order_token=new_token()
    )

    response = send(stripe_client, theirs)

    assert response.status_code == 200
    assert response.get_json()["result"] == "ignored"
    assert processed_count(stripe_app) == 0
    assert load(stripe_app, order_id).status == OrderStatus.PENDING


def test_an_order_still_waiting_for_its_payment_intent_id_is_found_by_its_token(
    stripe_app: Flask, stripe_client: FlaskClient
) -> None:
    # The webhook can arrive before checkout stores the PaymentIntent it just created.
    order_id = add_order(stripe_app, None)
    token = token_of(stripe_app, order_id)

    response = send(
        stripe_client,
        intent_event("payment_intent.succeeded", "pi_new", amount=AMOUNT, order_token=token),
    )

    assert response.get_json()["result"] == "processed"
    assert load(stripe_app, order_id).status == OrderStatus.PAID


def test_an_event_for_another_payment_intent_of_a_known_order_is_ignored(
    stripe_app: Flask, stripe_client: FlaskClient, order_id: int
) -> None:
    # e.g. a PaymentIntent the order had before it moved from demo mode to Stripe
    response = send(
        stripe_client,
        intent_event(
            "payment_intent.succeeded",
            "pi_theirs",
            amount=1,
            order_token=token_of(stripe_app, order_id),
        ),
    )
    assert response.status_code == 200
    assert response.get_json()["result"] == "ignored"
    assert load(stripe_app, order_id).status == OrderStatus.PENDING


def test_a_full_purchase_through_checkout_and_the_webhook(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    started = stripe_client.post("/create-payment-intent", json=pay_body({"boom": 2})).get_json()
    intent = fake_stripe.set_status(started["paymentIntentId"], "succeeded")

    send(stripe_client, event("payment_intent.succeeded", intent, id="evt_full"))

    body = stripe_client.get(
        f"/api/orders/{started['paymentIntentId']}",
        query_string={"client_secret": started["clientSecret"]},
    ).get_json()
    assert body["status"] == "paid"
    assert body["paymentStatus"] == "succeeded"
    assert body["paidAt"].endswith("Z")
