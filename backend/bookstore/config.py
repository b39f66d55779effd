"""Settings read once from the environment (and `.env` files), checked before the app starts."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from dotenv import dotenv_values
from flask import current_app
from limits import parse_many
from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

BACKEND_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BACKEND_DIR.parent
DEFAULT_DATABASE_PATH = BACKEND_DIR / "instance" / "bookstore.sqlite3"
DEFAULT_FRONTEND_ORIGIN = "http://localhost:3000"
DEFAULT_CHECKOUT_RATE_LIMIT = "20 per minute"
# The success page polls once a second, at most 15 times a visit (frontend SuccessPage.tsx):
# this covers eight such visits a minute from one address (several shoppers behind one office or
# carrier NAT), yet keeps a script guessing ids and client secrets to two tries a second.
DEFAULT_ORDER_LOOKUP_RATE_LIMIT = "120 per minute"
DEFAULT_RATELIMIT_STORAGE_URI = "memory://"
SETTINGS_KEY = "BOOKSTORE_SETTINGS"
DEFAULT_STRIPE_TIMEOUT_SECONDS = 4.0
DEFAULT_STRIPE_MAX_NETWORK_RETRIES = 1
# However Stripe behaves, a shopper hears back within this many seconds (a 503 to retry).
STRIPE_WAIT_BUDGET_SECONDS = 10.0
# stripe-python sleeps at most this long before its first retry, twice that before the second...
STRIPE_FIRST_BACKOFF_SECONDS = 0.5
DEFAULT_MAIL_FROM = "Stripe Press Bookstore <orders@bookstore.localhost>"
# Without SMTP_URL, emails are written here as .eml files (development).
DEFAULT_MAIL_DIR = BACKEND_DIR / "instance" / "mail"
# Minutes a checkout's copies stay held for it (long enough to type a card, not to hoard).
DEFAULT_STOCK_HOLD_MINUTES = 15.0
# Copies one client (an IPv4 address, or an IPv6 /64) may hold at once across its unpaid
# orders: enough for a generous order, too few for a script to empty the shelves (OAT-021).
DEFAULT_HOLD_LIMIT_PER_CLIENT = 10
DEFAULT_WORKER_POLL_SECONDS = 1.0
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
# pydantic's errors for text that is not a number (an int field also refuses "1.5").
NUMBER_ERRORS = frozenset(
    {"int_parsing", "int_from_float", "int_type", "float_parsing", "float_type"}
)

Mode = Literal["stripe", "demo"]
# How an SMTP server is reached (SMTP_URL): plain, STARTTLS, or TLS from the start.
Security = Literal["none", "starttls", "tls"]


class ConfigError(Exception):
    """The settings are inconsistent; the message names the variable to fix."""


class Settings(BaseSettings):
    """Everything the app reads from its environment; validated when built.

    Each field's environment variable is its validation alias. Code (tests, scripts) builds
    settings from field names, `Settings(database_url=..., demo_mode=True)`, and never reads
    the environment; `Settings.from_env` does.
    """

    model_config = SettingsConfigDict(frozen=True, validate_by_name=True, validate_by_alias=True)

    # SecretStr: printed or logged as '**********' (the URLs may hold a password, the keys are
    # secrets); the code that needs one takes it with .get_secret_value() (or reveal()).
    database_url: SecretStr = Field(validation_alias="DATABASE_URL")
    frontend_origins: tuple[str, ...] = Field(
        (DEFAULT_FRONTEND_ORIGIN,), validation_alias="FRONTEND_ORIGIN"
    )
    stripe_secret_key: SecretStr | None = Field(None, validation_alias="STRIPE_SECRET_KEY")
    stripe_publishable_key: str | None = Field(None, validation_alias="STRIPE_PUBLISHABLE_KEY")
    stripe_webhook_secret: SecretStr | None = Field(None, validation_alias="STRIPE_WEBHOOK_SECRET")
    stripe_api_base: str | None = Field(None, validation_alias="STRIPE_API_BASE")
    # Each attempt may wait this long for Stripe, and is retried this often (same idempotency
    # key): with the defaults a Stripe that never answers costs a shopper 4 + 0.5 + 4 s.
    stripe_timeout_seconds: float = Field(
        DEFAULT_STRIPE_TIMEOUT_SECONDS, validation_alias="STRIPE_TIMEOUT_SECONDS"
    )
    stripe_max_network_retries: int = Field(
        DEFAULT_STRIPE_MAX_NETWORK_RETRIES, validation_alias="STRIPE_MAX_NETWORK_RETRIES"
    )
    # No Stripe keys means the offline demo only when asked for (DEMO_MODE=1, as ./start.sh
    # does): a production server whose keys went missing must not quietly take fake payments.
    demo_mode: bool = Field(False, validation_alias="DEMO_MODE")
    # Stripe Tax instead of the example rate table (bookstore.checkout.tax); Stripe mode only.
    stripe_tax: bool = Field(False, validation_alias="STRIPE_TAX")
    # Checkouts one client may start, and where the counts live (see bookstore.web.ratelimit):
    # a redis:// URL may hold a password.
    checkout_rate_limit: str = Field(
        DEFAULT_CHECKOUT_RATE_LIMIT, validation_alias="CHECKOUT_RATE_LIMIT"
    )
    order_lookup_rate_limit: str = Field(
        DEFAULT_ORDER_LOOKUP_RATE_LIMIT, validation_alias="ORDER_LOOKUP_RATE_LIMIT"
    )
    ratelimit_storage_uri: SecretStr = Field(
        SecretStr(DEFAULT_RATELIMIT_STORAGE_URI), validation_alias="RATELIMIT_STORAGE_URI"
    )
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host it trusts (0: none,
    # so a client cannot forge its address to dodge the rate limit).
    trusted_proxy_count: int = Field(0, validation_alias="TRUSTED_PROXY_COUNT")
    port: int = Field(4242, validation_alias="PORT")
    # Not read from the environment.
    currency: str = "usd"
    max_quantity: int = 10
    # The built SPA (frontend/dist) to serve from this server, as production does; None in
    # development, where Vite serves the frontend.
    frontend_dist: Path | None = Field(None, validation_alias="FRONTEND_DIST")
    # How long each process reuses the catalogue's JSON before reading the books again.
    catalogue_cache_seconds: float = Field(10.0, validation_alias="CATALOGUE_CACHE_SECONDS")
    # Emails (bookstore.notifications): through this SMTP server (the URL may hold its
    # password), or, when None, as .eml files in mail_dir.
    smtp_url: SecretStr | None = Field(None, validation_alias="SMTP_URL")
    mail_from: str = Field(DEFAULT_MAIL_FROM, validation_alias="MAIL_FROM")
    mail_dir: Path = Field(DEFAULT_MAIL_DIR, validation_alias="MAIL_DIR")
    # How long Pay holds its cart's copies for the shopper to pay (bookstore.orders.holds).
    stock_hold_minutes: float = Field(
        DEFAULT_STOCK_HOLD_MINUTES, validation_alias="STOCK_HOLD_MINUTES"
    )
    # Copies one client may hold at once across its unpaid orders (checkout/hold_limit.py).
    hold_limit_per_client: int = Field(
        DEFAULT_HOLD_LIMIT_PER_CLIENT, validation_alias="HOLD_LIMIT_PER_CLIENT"
    )
    # How long the worker process (bookstore.worker) waits before looking again for due jobs
    # when it found none.
    worker_poll_seconds: float = Field(
        DEFAULT_WORKER_POLL_SECONDS, validation_alias="WORKER_POLL_SECONDS"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the values passed in: settings built in code hold what the code says.

        A developer's shell or .env (Stripe keys, DEMO_MODE) must not leak into the tests'
        settings; from_env reads the environment, with its own rules for empty values.
        """
        return (init_settings,)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `environ`, or from the process environment plus `.env` files."""
        env = environment_with_dotenv() if environ is None else environ
        # Where a server's default differs from that of settings built in code.
        values: dict[str, Any] = {
            "DATABASE_URL": f"sqlite:///{DEFAULT_DATABASE_PATH}",
        }
        for variable in _variables(cls).values():
            # An empty line like `STRIPE_SECRET_KEY=` in a .env file means "not set".
            text = env.get(variable, "").strip()
            if text:
                values[variable] = text
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        """A copy with these fields changed, checked like new settings (model_copy is not)."""
        return type(self)(**{**dict(self), **changes})

    @property
    def mode(self) -> Mode:
        """Stripe mode when both Stripe keys are set, else the offline demo (asked for)."""
        if self.stripe_secret_key and self.stripe_publishable_key:
            return "stripe"
        return "demo"

    @property
    def worst_stripe_wait_seconds(self) -> float:
        """How long a Stripe that never answers can hold a request, retries included."""
        retries = self.stripe_max_network_retries
        backoff = sum(STRIPE_FIRST_BACKOFF_SECONDS * float(2**n) for n in range(retries))
        return self.stripe_timeout_seconds * (retries + 1) + backoff

    @field_validator("frontend_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """FRONTEND_ORIGIN lists origins comma separated; a trailing slash is dropped."""
        if isinstance(value, str):
            return tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
        return value

    @field_validator("demo_mode", "stripe_tax", mode="before")
    @classmethod
    def _yes_or_no(cls, value: object, info: ValidationInfo) -> object:
        """1/0, true/false, yes/no, on/off: pydantic alone would also take y, n, t and f."""
        if not isinstance(value, str):
            return value
        if value.strip().lower() in TRUE_WORDS:
            return True
        if value.strip().lower() in FALSE_WORDS:
            return False
        variable = _variables(cls)[str(info.field_name)]
        raise ConfigError(f"{variable} must be 1 or 0 (true/false), got {value!r}.")

    @field_validator("frontend_dist", "mail_dir", mode="before")
    @classmethod
    def _from_repository_root(cls, value: object) -> object:
        """A path given as text (from the environment) is taken from the repository's root."""
        return (REPO_DIR / value).resolve() if isinstance(value, str) else value

    @model_validator(mode="wrap")
    @classmethod
    def _name_the_variable(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """pydantic's own errors (a number that is not one) as a ConfigError naming the variable."""
        try:
            return handler(data)
        except ValidationError as error:
            first = error.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else "settings"
            variable = _variables(cls).get(name, name)
            if first["type"] in NUMBER_ERRORS:
                raise ConfigError(f"{variable} must be a number, got {first['input']!r}.") from None
            raise ConfigError(f"{variable}: {first['msg']}.") from None

    @model_validator(mode="after")
    def _check(self) -> Self:
        """Refuse settings that would fail later, mid-payment or at the first email."""
        _check_stripe_keys(self)
        _check_frontend_origins(self.frontend_origins)
        _check_rate_limit("CHECKOUT_RATE_LIMIT", self.checkout_rate_limit)
        _check_rate_limit("ORDER_LOOKUP_RATE_LIMIT", self.order_lookup_rate_limit)
        if self.stripe_timeout_seconds <= 0:
            raise ConfigError("STRIPE_TIMEOUT_SECONDS must be a positive number of seconds.")
        if self.stripe_max_network_retries < 0:
            raise ConfigError("STRIPE_MAX_NETWORK_RETRIES must be 0 or more.")
        if self.stripe_tax and self.mode != "stripe":
            raise ConfigError(
                "STRIPE_TAX is set but there are no Stripe keys: Stripe Tax needs "
                "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY (demo mode uses the example rates)."
            )
        if self.worst_stripe_wait_seconds > STRIPE_WAIT_BUDGET_SECONDS:
            raise ConfigError(
                f"STRIPE_TIMEOUT_SECONDS x (STRIPE_MAX_NETWORK_RETRIES + 1), plus the retries' "
                f"backoff, is {self.worst_stripe_wait_seconds:g} s: keep it within "
                f"{STRIPE_WAIT_BUDGET_SECONDS:g} s so a shopper is never kept waiting longer."
            )
        if self.trusted_proxy_count < 0:
            raise ConfigError("TRUSTED_PROXY_COUNT must be 0 (no proxy) or more.")
        if not 0 < self.port < 65536:
            raise ConfigError("PORT must be between 1 and 65535.")
        if self.catalogue_cache_seconds < 0:
            raise ConfigError("CATALOGUE_CACHE_SECONDS must be 0 (no cache) or more.")
        if self.stock_hold_minutes <= 0:
            raise ConfigError("STOCK_HOLD_MINUTES must be a positive number of minutes.")
        if self.hold_limit_per_client < 1:
            raise ConfigError("HOLD_LIMIT_PER_CLIENT must be 1 or more copies.")
        if self.worker_poll_seconds <= 0:
            raise ConfigError("WORKER_POLL_SECONDS must be a positive number of seconds.")
        _check_mail(self)
        return self


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand mail to an SMTP server, parsed from SMTP_URL."""

    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        """For logs and the CLI: never the credentials."""
        login = f", as {self.username}" if self.username else ""
        return f"SMTP server {self.host}:{self.port} ({self.security}{login})"


def parse_smtp_url(url: str) -> SmtpServer:
    """smtp://user:password@host:port[?starttls=1], or smtps://... for TLS from the start.

    Raises ValueError saying what is wrong, never repeating the URL (it may hold a password).
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(
            "must start with smtp:// (plain or ?starttls=1) or smtps:// (TLS from the start), "
            "e.g. smtp://user:password@smtp.example.com:587?starttls=1."
        )
    if not parts.hostname:
        raise ValueError("must name a host, e.g. smtp://user:password@smtp.example.com:587.")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("has a port that is not a number between 1 and 65535.") from None
    if parts.path not in ("", "/") or parts.fragment:
        raise ValueError("must be only scheme, credentials, host, port and ?starttls=1.")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(options) - {"starttls"})
    if unknown:
        raise ValueError(f"has an unknown option {unknown[0]!r}: the only one is starttls=1.")
    starttls = options.get("starttls", "0").lower()
    if starttls not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError("starttls must be 1 or 0.")
    if parts.scheme == "smtps" and starttls in TRUE_WORDS:
        raise ValueError("uses TLS from the start (smtps://), so it cannot also ask for STARTTLS.")
    security: Security = (
        "tls" if parts.scheme == "smtps" else "starttls" if starttls in TRUE_WORDS else "none"
    )
    default_port = {"tls": 465, "starttls": 587, "none": 25}[security]
    return SmtpServer(
        host=parts.hostname,
        port=port or default_port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def current_settings() -> Settings:
    """The settings of the app handling the current request or CLI command."""
    settings: Settings = current_app.config[SETTINGS_KEY]
    return settings


def environment_with_dotenv() -> dict[str, str]:
    """The process environment over `backend/.env` over the repository's `.env`."""
    merged: dict[str, str] = {}
    for path in (REPO_DIR / ".env", BACKEND_DIR / ".env"):
        if path.is_file():
            merged.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    # Real environment variables always win, so a deploy can override a stray .env file.
    merged.update(os.environ)
    return merged


def reveal(secret: SecretStr | None) -> str | None:
    """The secret's value, for the code that hands it on (to Stripe, SMTP...); None if unset."""
    return None if secret is None else secret.get_secret_value()


def _variables(settings_cls: type[Settings]) -> dict[str, str]:
    """Each field read from the environment, by name, and its variable (PORT for port)."""
    return {
        name: field.validation_alias
        for name, field in settings_cls.model_fields.items()
        if isinstance(field.validation_alias, str)
    }


def _check_stripe_keys(settings: Settings) -> None:
    """Refuse key combinations that would fail later, mid-payment, with a vaguer error."""
    secret, publishable = reveal(settings.stripe_secret_key), settings.stripe_publishable_key
    if not secret and not publishable and not settings.demo_mode:
        raise ConfigError(
            "STRIPE_SECRET_KEY is not set: set STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY "
            "for Stripe, or DEMO_MODE=1 for the offline demo that takes no real payments "
            "(./start.sh sets it when .env has no keys)."
        )
    if (secret or publishable) and settings.demo_mode:
        raise ConfigError(
            "DEMO_MODE is set but so are Stripe keys: remove DEMO_MODE for Stripe mode, "
            "or the keys for the offline demo."
        )
    if bool(secret) != bool(publishable):
        missing = "STRIPE_PUBLISHABLE_KEY" if secret else "STRIPE_SECRET_KEY"
        present = "STRIPE_SECRET_KEY" if secret else "STRIPE_PUBLISHABLE_KEY"
        raise ConfigError(
            f"{present} is set but {missing} is not: set both for Stripe mode, "
            "or neither for the offline demo."
        )
    if publishable is not None and not publishable.startswith(("pk_test_", "pk_live_")):
        raise ConfigError(
            "STRIPE_PUBLISHABLE_KEY must be a publishable key (pk_test_... or pk_live_...)."
        )
    if secret is not None and not secret.startswith(
        ("sk_test_", "sk_live_", "rk_test_", "rk_live_")
    ):
        raise ConfigError(
            "STRIPE_SECRET_KEY must be a secret or restricted key (sk_... or rk_...), "
            "not a publishable key."
        )
    if secret is not None and publishable is not None:
        secret_is_live = secret.startswith(("sk_live_", "rk_live_"))
        publishable_is_live = publishable.startswith("pk_live_")
        if secret_is_live != publishable_is_live:
            raise ConfigError(
                "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY mix test and live mode: "
                "use keys from the same mode."
            )
    webhook = reveal(settings.stripe_webhook_secret)
    if webhook is not None and not webhook.startswith("whsec_"):
        raise ConfigError("STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_...).")


def _check_frontend_origins(origins: tuple[str, ...]) -> None:
    """CORS must name the shop's own origins; a wildcard would let any site call the API."""
    if not origins:
        raise ConfigError("FRONTEND_ORIGIN must name at least one origin.")
    for origin in origins:
        if "*" in origin or not origin.startswith(("http://", "https://")):
            raise ConfigError(
                f"FRONTEND_ORIGIN must list origins like http://localhost:3000, got {origin!r}."
            )


def _check_rate_limit(name: str, limit: str) -> None:
    """A limit that cannot be parsed would only fail on the first request it guards."""
    try:
        parse_many(limit)
    except ValueError:
        raise ConfigError(
            f"{name} must look like '20 per minute' or '5/second', got {limit!r}."
        ) from None


def _check_mail(settings: Settings) -> None:
    """A bad SMTP_URL or MAIL_FROM would only fail at the first email, after a payment."""
    if settings.smtp_url is not None:
        try:
            parse_smtp_url(settings.smtp_url.get_secret_value())
        except ValueError as error:
            # The reason only: the URL itself may hold a password.
            raise ConfigError(f"SMTP_URL {error}") from None
    _, address = parseaddr(settings.mail_from)
    if "@" not in address or any(c in settings.mail_from for c in "\r\n"):
        raise ConfigError(
            "MAIL_FROM must be an address such as 'Stripe Press Bookstore "
            f"<orders@shop.example>', got {settings.mail_from!r}."
        )
