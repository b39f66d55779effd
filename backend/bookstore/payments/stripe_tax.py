"""Stripe Tax (STRIPE_TAX=1): tax worked out by Stripe through the gateway's client."""

from __future__ import annotations

from collections.abc import Sequence

import stripe

from bookstore.addresses import ShippingAddress
from bookstore.payments.gateway import PaymentError, TaxableLine, TaxQuote
from bookstore.payments.stripe_errors import REJECTED_MESSAGE, stripe_errors


class StripeTax:
    """Tax worked out by Stripe Tax; the calculation is linked to the PaymentIntent on update."""

    def __init__(self, client: stripe.StripeClient) -> None:
        self._client = client

    def calculate(
        self,
        lines: Sequence[TaxableLine],
        shipping_amount: int,
        address: ShippingAddress,
        currency: str,
    ) -> TaxQuote:
        """One tax calculation for the lines and shipping, to the shipping address."""
        params: stripe.params.tax.CalculationCreateParams = {
            "currency": currency,
            "line_items": [
                {"amount": line.amount, "reference": line.reference, "tax_behavior": "exclusive"}
                for line in lines
            ],
            "shipping_cost": {"amount": shipping_amount, "tax_behavior": "exclusive"},
            "customer_details": {
                "address": {
                    "line1": address.line1,
                    "line2": address.line2 or "",
                    "city": address.city,
                    "state": address.state or "",
                    "postal_code": address.postal_code,
                    "country": address.country,
                },
                "address_source": "shipping",
            },
        }
        with stripe_errors("calculate tax"):
            calculation = self._client.v1.tax.calculations.create(params)
        if calculation.id is None:
            raise PaymentError(REJECTED_MESSAGE)
        return TaxQuote(
            amount=calculation.tax_amount_exclusive,
            calculation_id=calculation.id,
            expires_at=calculation.expires_at,
        )
