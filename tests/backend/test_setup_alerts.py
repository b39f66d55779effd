"""The shop's own payment setup refused (a revoked key, a restricted key without refund rights):
the worker stops sending the refund, tells the owner at once, and /readyz says so until a
later call succeeds."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from stripe_fakes import FakeStripe, Fault, error_body, payment_intent

from bookstore.db import db, utcnow
from bookstore.jobs.claims import QueueStatus
from bookstore.jobs.models import Job
from bookstore.jobs.queue import run_due
from bookstore.orders.models import Order, OrderLine, OrderStatus
from bookstore.orders.refunds import REFUND_KIND, request_refund, retry_refund

AMOUNT = 6000
KEY_REFUSED = Fault(
    status=401,
    body=error_body("invalid_request_error", "Invalid API Key provided: sk_test_***123"),
)
NO_REFUND_RIGHTS = Fault(
    status=403,
    body=error_body(
        "invalid_request_error",
        "The provided key 'rk_test_***123' does not have the required permissions for this "
        "endpoint on account 'acct_123'.",
    ),
)


def refunding_order(app: Flask, fake_stripe: FakeStripe) -> int:
    """A paid Stripe order asked to be refunded (its refund job queued); its id."""
    fake_stripe.intents["pi_1"] = payment_intent(
        id="pi_1", amount=AMOUNT, amount_received=AMOUNT, status="succeeded", currency="usd"
    )
    with app.app_context():
        order = Order(
            gateway="stripe_test",
            status=OrderStatus.PAID,
            amount=AMOUNT,
            subtotal=AMOUNT,
            currency="usd",
            paid_amount=AMOUNT,
            paid_at=utcnow(),
            payment_intent_id="pi_1",
            email="ada@example.com",
        )
        order.lines.append(
            OrderLine(
                book_id="boom", title="Boom", quantity=1, unit_amount=AMOUNT, line_total=AMOUNT
            )
        )
        db.session.add(order)
        db.session.flush()
        request_refund(order, "shop")
        db.session.commit()
        return order.id


def refund_jobs(app: Flask) -> list[tuple[str, str | None]]:
    with app.app_context():
        rows = db.session.execute(select(Job.status, Job.last_error).where(Job.kind == "refund"))
        return [(row.status, row.last_error) for row in rows]


def test_a_refused_key_stops_the_refund_and_readyz_says_so_until_a_refund_goes_through(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    order_id = refunding_order(stripe_app, fake_stripe)
    fake_stripe.fail("refund", KEY_REFUSED)

    with stripe_app.app_context():
        run_due([REFUND_KIND])
    stopped = stripe_client.get("/readyz")
    jobs_after_refusal = refund_jobs(stripe_app)
    requests_sent = len(fake_stripe.refund_requests())
    with stripe_app.app_context():
        retry_refund(db.session.get(Order, order_id))  # the owner fixed the key: retries
        db.session.commit()
        run_due([REFUND_KIND])
    ready = stripe_client.get("/readyz")
    jobs_after_retry = refund_jobs(stripe_app)

    assert stopped.status_code == 503
    payments = stopped.get_json()["error"]["details"]["payments"]
    assert "refused the shop's key" in payments and "sk_test_123" not in payments
    [(status, error)] = jobs_after_refusal
    assert status == QueueStatus.DEAD and error is not None and "Invalid API Key" in error
    assert requests_sent == 1  # stopped: not retried by itself
    assert ready.status_code == 200
    # The dead job is closed by the new one the retry queued: nothing left for the owner.
    assert [status for status, _ in jobs_after_retry] == [QueueStatus.DONE, QueueStatus.DONE]
    assert len(fake_stripe.refunds) == 1


def test_a_key_without_refund_rights_is_the_shops_setup_too(
    stripe_app: Flask, stripe_client: FlaskClient, fake_stripe: FakeStripe
) -> None:
    order_id = refunding_order(stripe_app, fake_stripe)
    fake_stripe.fail("refund", NO_REFUND_RIGHTS)

    with stripe_app.app_context():
        run_due([REFUND_KIND])
        order = db.session.get(Order, order_id)
        assert order is not None and order.refund_error is not None
        assert "does not have the required permissions" in order.refund_error
        # A setup problem is not a refusal of this refund: the same key is used again.
        assert order.refund_attempt == 0

    assert stripe_client.get("/readyz").status_code == 503
