"""Settings: read from the environment, refused at start when Stripe keys do not fit together."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bookstore import config
from bookstore.config import ConfigError, Settings

GOOD_STRIPE = {"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_PUBLISHABLE_KEY": "pk_test_123"}
DEMO = {"DEMO_MODE": "1"}
# However Stripe behaves, a shopper must hear back within this many seconds (issue 8).
SHOPPER_WAIT_LIMIT_SECONDS = 10


def test_asked_for_demo_mode_runs_without_keys_with_defaults() -> None:
    settings = Settings.from_env(DEMO)
    assert settings.mode == "demo"
    assert settings.demo_mode is True
    assert settings.frontend_origins == ("http://localhost:3000",)
    assert settings.port == 4242
    assert settings.currency == "usd"
    assert settings.stock_hold_minutes == 15
    assert Settings.from_env({**DEMO, "STOCK_HOLD_MINUTES": "2.5"}).stock_hold_minutes == 2.5
    assert settings.worker_poll_seconds == 1
    default_database = f"sqlite:///{config.BACKEND_DIR / 'instance/bookstore.sqlite3'}"
    assert settings.database_url.get_secret_value() == default_database


def test_both_keys_select_stripe_mode_and_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            **GOOD_STRIPE,
            "STRIPE_WEBHOOK_SECRET": "whsec_test",
            "STRIPE_API_BASE": "http://localhost:12111",
            "STRIPE_TIMEOUT_SECONDS": "2.5",
            "STRIPE_MAX_NETWORK_RETRIES": "0",
            "FRONTEND_ORIGIN": "http://localhost:3000, https://shop.example/",
            "DATABASE_URL": "sqlite:///:memory:",
            "PORT": "5000",
            "WORKER_POLL_SECONDS": "0.25",
        }
    )
    assert settings.mode == "stripe"
    assert settings.demo_mode is False
    assert config.reveal(settings.stripe_secret_key) == "sk_test_123"
    assert settings.stripe_publishable_key == "pk_test_123"
    assert config.reveal(settings.stripe_webhook_secret) == "whsec_test"
    assert settings.stripe_api_base == "http://localhost:12111"
    assert settings.stripe_timeout_seconds == 2.5
    assert settings.stripe_max_network_retries == 0
    assert settings.frontend_origins == ("http://localhost:3000", "https://shop.example")
    assert settings.database_url.get_secret_value() == "sqlite:///:memory:"
    assert settings.port == 5000
    assert settings.worker_poll_seconds == 0.25


def test_restricted_and_live_keys_are_accepted() -> None:
    assert (
        Settings.from_env(
            {"STRIPE_SECRET_KEY": "rk_live_123", "STRIPE_PUBLISHABLE_KEY": "pk_live_123"}
        ).mode
        == "stripe"
    )


def test_empty_values_count_as_unset() -> None:
    settings = Settings.from_env({**DEMO, "STRIPE_SECRET_KEY": "", "STRIPE_PUBLISHABLE_KEY": "  "})
    assert settings.mode == "demo"


@pytest.mark.parametrize("environ", [{}, {"DEMO_MODE": "0"}, {"DEMO_MODE": ""}])
def test_without_keys_the_start_is_refused_unless_demo_mode_is_asked_for(
    environ: dict[str, str],
) -> None:
    # A production server whose keys went missing must not quietly take fake payments.
    with pytest.raises(ConfigError) as error:
        Settings.from_env(environ)
    assert "STRIPE_SECRET_KEY" in str(error.value)
    assert "DEMO_MODE" in str(error.value)


def test_settings_built_in_code_without_keys_are_refused_too() -> None:
    with pytest.raises(ConfigError, match="DEMO_MODE"):
        Settings(database_url="sqlite://")
    assert Settings(database_url="sqlite://", demo_mode=True).mode == "demo"


@pytest.mark.parametrize(
    "keys",
    [
        GOOD_STRIPE,
        {"STRIPE_SECRET_KEY": "sk_test_123"},
        {"STRIPE_PUBLISHABLE_KEY": "pk_test_123"},
    ],
)
def test_demo_mode_together_with_stripe_keys_is_refused(keys: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="DEMO_MODE"):
        Settings.from_env({**keys, **DEMO})


@pytest.mark.parametrize("word", ["1", "true", "yes", "on", "TRUE", "Yes", " on "])
def test_demo_mode_is_asked_for_with_any_yes_word(word: str) -> None:
    assert Settings.from_env({"DEMO_MODE": word}).demo_mode is True


@pytest.mark.parametrize("word", ["0", "false", "no", "off", "FALSE", "No"])
def test_demo_mode_can_be_said_no_to_with_stripe_keys(word: str) -> None:
    settings = Settings.from_env({**GOOD_STRIPE, "DEMO_MODE": word})
    assert (settings.mode, settings.demo_mode) == ("stripe", False)


@pytest.mark.parametrize("word", ["2", "demo", "y", "enabled", "-1"])
def test_a_demo_mode_value_that_is_neither_yes_nor_no_is_refused(word: str) -> None:
    with pytest.raises(ConfigError, match="DEMO_MODE") as error:
        Settings.from_env({"DEMO_MODE": word})
    assert repr(word) in str(error.value)


def test_stripe_defaults_answer_a_shopper_within_the_wait_limit() -> None:
    settings = Settings.from_env(GOOD_STRIPE)

    assert (settings.stripe_timeout_seconds, settings.stripe_max_network_retries) == (4, 1)
    # 4 s, then at most 0.5 s of backoff before the one retry's 4 s.
    assert settings.worst_stripe_wait_seconds == 8.5
    assert settings.worst_stripe_wait_seconds <= SHOPPER_WAIT_LIMIT_SECONDS


@pytest.mark.parametrize(
    ("timeout", "retries", "worst"),
    [
        (4, 1, 8.5),
        (10, 0, 10),  # exactly the limit is still within it
        (2, 2, 2 + 0.5 + 2 + 1 + 2),
        (1, 3, 1 + 0.5 + 1 + 1 + 1 + 2 + 1),
    ],
)
def test_the_worst_wait_counts_every_attempt_and_the_backoff_between(
    timeout: float, retries: int, worst: float
) -> None:
    settings = Settings.from_env(
        {
            **GOOD_STRIPE,
            "STRIPE_TIMEOUT_SECONDS": str(timeout),
            "STRIPE_MAX_NETWORK_RETRIES": str(retries),
        }
    )
    assert settings.worst_stripe_wait_seconds == worst


@pytest.mark.parametrize(
    ("timeout", "retries"),
    [
        ("10", "2"),  # the old defaults: about 31 s
        ("10.5", "0"),
        ("5", "1"),  # 5 + 0.5 + 5
        ("3", "2"),  # 3 + 0.5 + 3 + 1 + 3
        ("0.5", "5"),  # the backoff alone is 15.5 s
    ],
)
def test_a_stripe_wait_beyond_the_limit_is_refused_naming_both_variables(
    timeout: str, retries: str
) -> None:
    environ = {
        **GOOD_STRIPE,
        "STRIPE_TIMEOUT_SECONDS": timeout,
        "STRIPE_MAX_NETWORK_RETRIES": retries,
    }
    with pytest.raises(ConfigError) as error:
        Settings.from_env(environ)
    assert "STRIPE_TIMEOUT_SECONDS" in str(error.value)
    assert "STRIPE_MAX_NETWORK_RETRIES" in str(error.value)


def test_the_wait_limit_holds_for_settings_built_in_code_too() -> None:
    with pytest.raises(ConfigError, match="STRIPE_TIMEOUT_SECONDS"):
        Settings(database_url="sqlite://", demo_mode=True, stripe_timeout_seconds=11)


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"STRIPE_SECRET_KEY": "sk_test_123"}, "STRIPE_PUBLISHABLE_KEY"),
        ({"STRIPE_PUBLISHABLE_KEY": "pk_test_123"}, "STRIPE_SECRET_KEY"),
        ({**GOOD_STRIPE, "STRIPE_PUBLISHABLE_KEY": "sk_test_123"}, "STRIPE_PUBLISHABLE_KEY"),
        ({**GOOD_STRIPE, "STRIPE_PUBLISHABLE_KEY": "pub_123"}, "STRIPE_PUBLISHABLE_KEY"),
        ({**GOOD_STRIPE, "STRIPE_SECRET_KEY": "pk_test_123"}, "STRIPE_SECRET_KEY"),
        ({**GOOD_STRIPE, "STRIPE_SECRET_KEY": "secret"}, "STRIPE_SECRET_KEY"),
        ({**GOOD_STRIPE, "STRIPE_SECRET_KEY": "sk_live_123"}, "STRIPE_SECRET_KEY"),
        ({**GOOD_STRIPE, "STRIPE_PUBLISHABLE_KEY": "pk_live_123"}, "STRIPE_PUBLISHABLE_KEY"),
        ({**GOOD_STRIPE, "STRIPE_WEBHOOK_SECRET": "sk_test_123"}, "STRIPE_WEBHOOK_SECRET"),
        ({**DEMO, "STRIPE_WEBHOOK_SECRET": "wh_123"}, "STRIPE_WEBHOOK_SECRET"),
        ({**DEMO, "STRIPE_TIMEOUT_SECONDS": "soon"}, "STRIPE_TIMEOUT_SECONDS"),
        ({**DEMO, "STRIPE_TIMEOUT_SECONDS": "0"}, "STRIPE_TIMEOUT_SECONDS"),
        ({**DEMO, "STRIPE_MAX_NETWORK_RETRIES": "-1"}, "STRIPE_MAX_NETWORK_RETRIES"),
        ({**DEMO, "STRIPE_MAX_NETWORK_RETRIES": "1.5"}, "STRIPE_MAX_NETWORK_RETRIES"),
        ({**DEMO, "PORT": "http"}, "PORT"),
        ({**DEMO, "PORT": "70000"}, "PORT"),
        ({**DEMO, "FRONTEND_ORIGIN": "*"}, "FRONTEND_ORIGIN"),
        ({**DEMO, "FRONTEND_ORIGIN": "https://*.example.com"}, "FRONTEND_ORIGIN"),
        ({**DEMO, "FRONTEND_ORIGIN": "localhost:3000"}, "FRONTEND_ORIGIN"),
        ({**DEMO, "STOCK_HOLD_MINUTES": "0"}, "STOCK_HOLD_MINUTES"),
        ({**DEMO, "STOCK_HOLD_MINUTES": "a while"}, "STOCK_HOLD_MINUTES"),
        ({**DEMO, "WORKER_POLL_SECONDS": "0"}, "WORKER_POLL_SECONDS"),
        ({**DEMO, "WORKER_POLL_SECONDS": "soon"}, "WORKER_POLL_SECONDS"),
    ],
)
def test_inconsistent_settings_stop_the_start_naming_the_variable(
    environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(environ)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {**DEMO, "STRIPE_TIMEOUT_SECONDS": " soon "},
            "STRIPE_TIMEOUT_SECONDS must be a number, got 'soon'.",
        ),
        (
            {**DEMO, "STRIPE_MAX_NETWORK_RETRIES": "1.5"},
            "STRIPE_MAX_NETWORK_RETRIES must be a number, got '1.5'.",
        ),
        ({"DEMO_MODE": "y"}, "DEMO_MODE must be 1 or 0 (true/false), got 'y'."),
        ({**DEMO, "PORT": "0"}, "PORT must be between 1 and 65535."),
        (
            {**DEMO, "WORKER_POLL_SECONDS": "often"},
            "WORKER_POLL_SECONDS must be a number, got 'often'.",
        ),
    ],
)
def test_the_messages_say_which_variable_and_what_it_got(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        Settings.from_env(environ)
    assert str(error.value) == message


@pytest.mark.parametrize("seconds", ["0", "-0.5", "-1"])
def test_the_worker_must_wait_a_positive_time_between_looks(seconds: str) -> None:
    with pytest.raises(ConfigError) as error:
        Settings.from_env({**DEMO, "WORKER_POLL_SECONDS": seconds})
    assert str(error.value) == "WORKER_POLL_SECONDS must be a positive number of seconds."
    with pytest.raises(ConfigError, match="WORKER_POLL_SECONDS"):
        Settings(database_url="sqlite://", demo_mode=True, worker_poll_seconds=float(seconds))


def test_the_worker_looks_every_second_unless_told_otherwise() -> None:
    assert Settings.from_env(DEMO).worker_poll_seconds == 1
    assert Settings(database_url="sqlite://", demo_mode=True).worker_poll_seconds == 1
    assert Settings.from_env({**DEMO, "WORKER_POLL_SECONDS": "0.2"}).worker_poll_seconds == 0.2
    assert Settings.from_env({**DEMO, "WORKER_POLL_SECONDS": " "}).worker_poll_seconds == 1


def test_a_changed_copy_is_checked_like_new_settings() -> None:
    settings = Settings(database_url="sqlite://", demo_mode=True)

    assert settings.replace(port=5000).port == 5000
    assert settings.port == 4242  # the original is unchanged (and frozen)
    with pytest.raises(ConfigError, match="WORKER_POLL_SECONDS"):
        settings.replace(worker_poll_seconds=0)
    with pytest.raises(ConfigError, match="STRIPE_PUBLISHABLE_KEY"):
        settings.replace(demo_mode=False, stripe_secret_key="sk_test_123")


def test_a_mixed_mode_message_names_both_keys() -> None:
    with pytest.raises(ConfigError) as error:
        Settings.from_env({**GOOD_STRIPE, "STRIPE_SECRET_KEY": "sk_live_123"})
    assert "STRIPE_PUBLISHABLE_KEY" in str(error.value)
    assert "test and live" in str(error.value)


def test_settings_built_in_code_are_checked_too(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="STRIPE_PUBLISHABLE_KEY"):
        Settings(database_url="sqlite://", stripe_secret_key="sk_test_123")


def test_dotenv_files_fill_in_but_never_override_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, backend = tmp_path, tmp_path / "backend"
    backend.mkdir()
    (repo / ".env").write_text("PORT=5001\nFRONTEND_ORIGIN=http://repo.example\nDEMO_MODE=1\n")
    (backend / ".env").write_text("PORT=5002\nSTRIPE_API_BASE=http://backend.example\n")
    monkeypatch.setattr(config, "REPO_DIR", repo)
    monkeypatch.setattr(config, "BACKEND_DIR", backend)
    for name in (
        "PORT",
        "FRONTEND_ORIGIN",
        "STRIPE_SECRET_KEY",
        "STRIPE_PUBLISHABLE_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "DEMO_MODE",
    ):
        monkeypatch.delenv(name, raising=False)  # whatever the developer's shell has set
    monkeypatch.setenv("STRIPE_API_BASE", "http://real.example")

    settings = Settings.from_env()

    assert settings.demo_mode is True  # asked for in the repository's .env
    assert settings.port == 5002  # backend/.env is more specific than the repository's
    assert settings.frontend_origins == ("http://repo.example",)
    assert settings.stripe_api_base == "http://real.example"  # the real environment wins


def test_an_explicit_environ_ignores_dotenv_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("STRIPE_SECRET_KEY=sk_test_123\nDEMO_MODE=0\n")
    monkeypatch.setattr(config, "REPO_DIR", tmp_path)
    monkeypatch.setattr(config, "BACKEND_DIR", tmp_path / "backend")
    # Read, the file's key would clash with DEMO_MODE (or its DEMO_MODE=0 refuse the start).
    assert Settings.from_env(DEMO).mode == "demo"


def test_settings_printed_or_logged_show_no_secret_key_webhook_secret_or_database_url() -> None:
    settings = Settings(
        database_url="postgresql+psycopg://shop:hunter2-db-password@db.internal/shop",
        stripe_secret_key="sk_test_" + "a1" * 12,
        stripe_publishable_key="pk_test_" + "b2" * 12,
        stripe_webhook_secret="whsec_" + "c3" * 12,
        smtp_url="smtp://mailer:hunter2-smtp@smtp.example.com:587",
        ratelimit_storage_uri="redis://:hunter2-redis@redis.internal:6379/0",
    )
    changed = settings.replace(port=5000)
    for shown in (
        repr(settings),
        str(settings),
        f"{settings!r}",
        f"{settings}",
        repr(changed),
        str(changed),
        repr(settings.model_dump()),
        settings.model_dump_json(),
    ):
        assert "hunter2" not in shown
        assert "sk_test_" not in shown
        assert "whsec_" not in shown
        assert "db.internal" not in shown  # the whole URL is hidden, not only its password
    assert "pk_test_" in repr(settings)  # not a secret: the browser gets it from /config
    # The values are all there for the code that needs them.
    assert settings.database_url.get_secret_value().startswith("postgresql+psycopg://shop:")
    assert config.reveal(changed.stripe_secret_key) == "sk_test_" + "a1" * 12


def test_secrets_read_from_the_environment_are_hidden_too() -> None:
    settings = Settings.from_env(
        {
            **GOOD_STRIPE,
            "STRIPE_WEBHOOK_SECRET": "whsec_hunter2",
            "DATABASE_URL": "postgresql+psycopg://shop:hunter2@db.internal/shop",
            "SMTP_URL": "smtps://mailer:hunter2@smtp.example.com",
            "RATELIMIT_STORAGE_URI": "redis://:hunter2@redis.internal:6379/0",
        }
    )
    for value in (
        settings.stripe_secret_key,
        settings.stripe_webhook_secret,
        settings.database_url,
        settings.smtp_url,
        settings.ratelimit_storage_uri,
    ):
        assert isinstance(value, SecretStr)
    assert "hunter2" not in repr(settings)
    assert "sk_test_123" not in repr(settings)
    assert config.reveal(settings.smtp_url) == "smtps://mailer:hunter2@smtp.example.com"
