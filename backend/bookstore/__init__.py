"""Stripe Press bookstore API: `create_app` builds the Flask app from its settings."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from bookstore.config import SETTINGS_KEY, ConfigError, Settings

__all__ = ["ConfigError", "Settings", "create_app"]

# Request bodies are small JSON carts and Stripe events; anything bigger is refused with 413.
MAX_CONTENT_LENGTH = 64 * 1024


def create_app(config: Settings | None = None) -> Flask:
    """Build the app: settings, database, CORS, errors, payment gateway, routes, commands."""
    # Imported here so that importing the package (e.g. for its settings) does no work.
    from bookstore import db, payments
    from bookstore.catalogue import books, low_stock, shelf
    from bookstore.catalogue import cli as catalogue_cli
    from bookstore.checkout import tax
    from bookstore.jobs import models as jobs
    from bookstore.notifications import cli as outbox_cli
    from bookstore.notifications import emails, low_stock_email, mail, outbox
    from bookstore.orders import cli as orders_cli
    from bookstore.orders import fulfilment, models, payment_status
    from bookstore.owners.accounts import owner_emails
    from bookstore.owners.cli import owners_group
    from bookstore.web import catalogue_cache, cors, errors, ratelimit, routes, security, spa
    from bookstore.web.routes import health
    from bookstore.worker import cli as worker_cli

    settings = config if config is not None else _settings_from_env()
    app = Flask(__name__)
    app.config[SETTINGS_KEY] = settings
    app.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if settings.trusted_proxy_count:
        # Behind a load balancer the client's address (for the rate limit and the logs) and the
        # scheme come from the headers the trusted proxies add, never from a client's own.
        n = settings.trusted_proxy_count
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    db.init_db(app, settings.database_url.get_secret_value())
    cors.init_cors(app, settings.frontend_origins)
    errors.register_error_handlers(app)
    security.init_security(app)
    app.extensions["payment_gateway"] = payments.build_gateway(settings)
    payment_status.init_payment_status(app)
    app.extensions[tax.EXTENSION_KEY] = tax.build_tax_calculator(
        settings, app.extensions["payment_gateway"]
    )
    routes.register_blueprints(app, settings)
    ratelimit.init_rate_limits(app, settings)
    app.register_blueprint(health.bp)
    catalogue_cache.init_catalogue_cache(app, settings)
    if settings.frontend_dist is not None:
        # Last: the SPA's catch-all route keeps clear of the paths registered before it.
        spa.register_spa(app, settings.frontend_dist)
    mail.init_mail(app, settings)
    emails.init_emails(app)
    # The catalogue notices a title falling to its low-stock threshold; the owners area knows
    # whom to tell and the outbox how: joined here, as neither area may import the others.
    low_stock.init_low_stock(
        app, lambda falls: low_stock_email.queue_low_stock_emails(falls, owner_emails)
    )
    # The owner's commands; the schema's (`db upgrade` and friends) come from Flask-Migrate.
    app.cli.add_command(orders_cli.orders_group)
    app.cli.add_command(catalogue_cli.stock_group)
    app.cli.add_command(catalogue_cli.seed_command)
    app.cli.add_command(owners_group)
    # The background work runs in a process of its own: no thread in the web servers.
    app.cli.add_command(worker_cli.worker_command)
    outbox_cli.register_outbox_commands(app, order_numbers=models.numbers_by_id)

    # Referenced so every table is in the metadata that migrations are checked against. The
    # schema itself comes from `flask --app bookstore db upgrade` and the books from `... seed`,
    # run once per deploy: app servers write nothing at start, so any number can start at once.
    _ = (books.Book, models.Order, fulfilment.ProcessedEvent, outbox.OutboxMessage, jobs.Job)
    _ = shelf.StockChange

    if settings.mode == "stripe" and not settings.stripe_webhook_secret:
        app.logger.warning(
            "!!! STRIPE_WEBHOOK_SECRET is not set: /webhook refuses every event, so no order "
            "will ever be marked paid. Run `stripe listen --forward-to localhost:%s/webhook` "
            "and put the whsec_... secret it prints in .env. !!!",
            settings.port,
        )
    app.logger.info("bookstore started in %s mode", settings.mode)
    return app


def _settings_from_env() -> Settings:
    """The settings of an app started from the shell (flask, gunicorn): bad ones in one line."""
    try:
        return Settings.from_env()
    except ConfigError as error:
        # The person at the terminal needs the variable to fix, not a traceback.
        raise SystemExit(f"error: {error}") from None
