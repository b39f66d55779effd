"""Payment gateways: Stripe, or the offline demo, chosen once from the settings at start."""

from __future__ import annotations

from flask import current_app

from bookstore.config import Settings
from bookstore.payments.demo.gateway import DemoGateway
from bookstore.payments.gateway import PaymentGateway
from bookstore.payments.stripe_gateway import StripeGateway
from bookstore.payments.stripe_tax import StripeTax

__all__ = ["PaymentGateway", "build_gateway", "current_gateway", "provider_tax_calculator"]

EXTENSION_KEY = "payment_gateway"


def build_gateway(settings: Settings) -> PaymentGateway:
    """The Stripe gateway when both Stripe keys are set, else (asked for) the demo's."""
    if settings.mode == "stripe":
        return StripeGateway.from_settings(settings)
    return DemoGateway()


def provider_tax_calculator(settings: Settings, gateway: PaymentGateway) -> StripeTax | None:
    """Stripe Tax when asked for (STRIPE_TAX=1, Stripe mode); None: the shop works tax out."""
    if settings.stripe_tax and isinstance(gateway, StripeGateway):
        return gateway.tax_calculator()
    return None


def current_gateway() -> PaymentGateway:
    """The gateway create_app stored for the app handling this request or command."""
    gateway: PaymentGateway = current_app.extensions[EXTENSION_KEY]
    return gateway
