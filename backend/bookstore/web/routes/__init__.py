"""HTTP routes, one blueprint per area; thin: parse, call the domain, shape the response."""

from __future__ import annotations

from flask import Flask

from bookstore.config import Settings


def register_blueprints(app: Flask, settings: Settings) -> None:
    """Mount every blueprint; the demo's stand-in for Stripe only when no Stripe keys are set."""
    from bookstore.web.admin import admin_bp
    from bookstore.web.routes import books, checkout, meta, order_lookup, orders, quote, webhook

    for module in (meta, books, quote, checkout, orders, order_lookup, webhook):
        app.register_blueprint(module.bp)
    app.register_blueprint(admin_bp)  # the owners' dashboard API, behind its one guard
    if settings.mode == "demo":
        from bookstore.orders.fulfilment import process_webhook
        from bookstore.payments.demo import bank, delivery
        from bookstore.payments.demo import routes as demo

        app.register_blueprint(demo.bp)
        app.register_blueprint(bank.bp)
        # The demo's events reach the shop through the webhook's own handler.
        delivery.init_demo_delivery(app, process_webhook)
