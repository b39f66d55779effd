"""Payment gateways: Stripe, or the offline demo, chosen once from the settings at start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

from bookstore.payments.demo_gateway import DemoGateway
from bookstore.payments.gateway import PaymentGateway
from bookstore.payments.stripe_gateway import StripeGateway
from bookstore.tax import CachedTax, RateTableTax, TaxCalculator

if TYPE_CHECKING:
    from bookstore.config import Settings

__all__ = ["PaymentGateway", "build_gateway", "current_gateway"]

EXTENSION_KEY = "payment_gateway"


def build_gateway(settings: Settings) -> PaymentGateway:
    """The Stripe gateway when both Stripe keys are set, else (asked for) the demo's."""
    if settings.mode == "stripe":
        return StripeGateway.from_settings(settings)
    return DemoGateway()


def build_tax_calculator(settings: Settings, gateway: PaymentGateway) -> TaxCalculator:
    """Stripe Tax when asked for (STRIPE_TAX=1, Stripe mode), else the example rate table.

    Stripe Tax's answers are reused until they expire (CachedTax): asking for the same quote
    again costs Stripe nothing.
    """
    if settings.stripe_tax and isinstance(gateway, StripeGateway):
        return CachedTax(gateway.tax_calculator())
    return RateTableTax()


def current_gateway() -> PaymentGateway:
    """The gateway create_app stored for the app handling this request or command."""
    gateway: PaymentGateway = current_app.extensions[EXTENSION_KEY]
    return gateway
