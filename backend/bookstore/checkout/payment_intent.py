"""The order's one PaymentIntent, created or updated and then confirmed, outside any transaction.

Called after Pay's transaction committed, with no database lock held: the gateway may take
seconds. Last, the PaymentIntent's id and what it was told are stored and the lease ended.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from bookstore.checkout.pay_transaction import OrderSnapshot
from bookstore.checkout.quotes import Quote
from bookstore.db import db
from bookstore.domain_errors import Conflict
from bookstore.orders.models import Order
from bookstore.payments import PaymentGateway
from bookstore.payments.gateway import CardError, PaymentError, PaymentIntent, ProviderUnavailable


@dataclass(frozen=True)
class Confirmation:
    """The shopper's payment details, as a ConfirmationToken, and where a redirect returns."""

    token: str
    return_url: str


@dataclass
class IntentProgress:
    """What Pay learns of the order's PaymentIntent as it goes, to store at the end."""

    id: str | None
    client_secret: str | None
    told: str | None
    status: str | None = None


def refuse_if_paid_elsewhere(gateway: PaymentGateway, cart_id: str, priced: Quote) -> None:
    """Before a Pay changes a cart's order, make sure its PaymentIntent can still change.

    The shopper may have paid a moment ago in another tab (or, as an API client, confirmed it
    themselves), before the webhook told the order: the order must then keep the quote that
    was paid, not take this one. Asked only when the PaymentIntent would change.
    """
    query = select(Order.payment_intent_id, Order.gateway, Order.intent_fingerprint).where(
        Order.cart_id == cart_id
    )
    row = db.session.execute(query).one_or_none()
    db.session.rollback()  # a plain read: no transaction kept open across the gateway call
    if row is None or row.payment_intent_id is None or row.gateway != gateway.name:
        return
    if row.intent_fingerprint == priced.intent_fingerprint():
        return
    _refuse_settled(gateway.retrieve_payment_intent(row.payment_intent_id).status, None)


def _refuse_settled(status: str, cause: BaseException | None) -> None:
    """409 for a PaymentIntent that is paid, or being paid: nothing about it may change."""
    if status in ("succeeded", "requires_capture"):
        raise Conflict("This cart has already been paid for.", code="cart_already_paid") from cause
    if status == "processing":
        raise Conflict(
            "A payment for this cart is being processed.", code="payment_in_progress"
        ) from cause


def settle_intent(
    gateway: PaymentGateway,
    snapshot: OrderSnapshot,
    priced: Quote,
    intent: IntentProgress,
    confirmation: Confirmation | None,
) -> None:
    """Make the order's one PaymentIntent charge the quote, then confirm it if asked."""
    wanted = priced.intent_fingerprint()
    answer: PaymentIntent | None = None
    if intent.id is None:
        # The key names the quote: a create whose answer was lost is answered again for the
        # same quote, and a changed quote (after a 503, say) makes one that was never shown.
        answer = gateway.create_payment_intent(
            amount=priced.total,
            currency=priced.currency,
            order_token=snapshot.token,
            idempotency_key=f"order-{snapshot.token}-create-{wanted}",
            shipping=priced.details.address,
            receipt_email=priced.details.email,
            tax_calculation=priced.tax.calculation_id if priced.tax else None,
        )
        intent.id, intent.client_secret = answer.id, answer.client_secret
        intent.told = wanted
    elif intent.told != wanted:
        key = f"order-{snapshot.token}-update-rev{snapshot.revision}-{wanted}"
        with _refusals(gateway, intent.id):
            answer = gateway.update_payment_intent(
                intent.id,
                amount=priced.total,
                shipping=priced.details.address,
                receipt_email=priced.details.email,
                tax_calculation=priced.tax.calculation_id if priced.tax else None,
                idempotency_key=key,
            )
        intent.told = wanted
    if confirmation is not None:
        key = f"order-{snapshot.token}-confirm-rev{snapshot.revision}"
        with _refusals(gateway, intent.id):
            answer = gateway.confirm_payment_intent(
                intent.id,
                confirmation_token=confirmation.token,
                return_url=confirmation.return_url,
                idempotency_key=key,
            )
    elif answer is None:
        answer = gateway.retrieve_payment_intent(intent.id)
    intent.status = answer.status


@contextmanager
def _refusals(gateway: PaymentGateway, intent_id: str) -> Iterator[None]:
    """Turn a provider's refusal to change or confirm a PaymentIntent into the shopper's terms."""
    try:
        yield
    except (ProviderUnavailable, CardError):
        raise
    except PaymentError as refused:
        # Refused: most often because the shopper paid in another tab a moment ago, before its
        # webhook arrived. Say so rather than "payments are failing".
        _refuse_settled(gateway.retrieve_payment_intent(intent_id).status, refused)
        raise


def end_lease(snapshot: OrderSnapshot, intent: IntentProgress) -> None:
    """Store what the PaymentIntent is now and let the next Pay in, in one UPDATE.

    Fenced by the Pay's revision: a Pay whose lease lapsed never overwrites a newer one's.
    """
    values: dict[str, Any] = {"paying_until": None}
    if intent.id is not None:
        values.update(
            payment_intent_id=intent.id,
            client_secret=intent.client_secret,
            intent_fingerprint=intent.told,
        )
    db.session.execute(
        update(Order)
        .where(Order.id == snapshot.order_id, Order.revision == snapshot.revision)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
