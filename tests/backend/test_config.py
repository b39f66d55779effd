"""Settings: read from the environment, refused at start when Stripe keys do not fit together."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookstore import config
from bookstore.config import ConfigError, Settings

GOOD_STRIPE = {"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_PUBLISHABLE_KEY": "pk_test_123"}


def test_without_keys_the_shop_runs_in_demo_mode_with_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.mode == "demo"
    assert settings.frontend_origins == ("http://localhost:3000",)
    assert settings.port == 4242
    assert settings.currency == "usd"
    assert settings.database_url == f"sqlite:///{config.BACKEND_DIR / 'instance/bookstore.sqlite3'}"


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
        }
    )
    assert settings.mode == "stripe"
    assert settings.stripe_secret_key == "sk_test_123"
    assert settings.stripe_publishable_key == "pk_test_123"
    assert settings.stripe_webhook_secret == "whsec_test"
    assert settings.stripe_api_base == "http://localhost:12111"
    assert settings.stripe_timeout_seconds == 2.5
    assert settings.stripe_max_network_retries == 0
    assert settings.frontend_origins == ("http://localhost:3000", "https://shop.example")
    assert settings.database_url == "sqlite:///:memory:"
    assert settings.port == 5000


def test_restricted_and_live_keys_are_accepted() -> None:
    assert (
        Settings.from_env(
            {"STRIPE_SECRET_KEY": "rk_live_123", "STRIPE_PUBLISHABLE_KEY": "pk_live_123"}
        ).mode
        == "stripe"
    )


def test_empty_values_count_as_unset() -> None:
    settings = Settings.from_env({"STRIPE_SECRET_KEY": "", "STRIPE_PUBLISHABLE_KEY": "  "})
    assert settings.mode == "demo"


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
        ({"STRIPE_WEBHOOK_SECRET": "wh_123"}, "STRIPE_WEBHOOK_SECRET"),
        ({"STRIPE_TIMEOUT_SECONDS": "soon"}, "STRIPE_TIMEOUT_SECONDS"),
        ({"STRIPE_TIMEOUT_SECONDS": "0"}, "STRIPE_TIMEOUT_SECONDS"),
        ({"STRIPE_MAX_NETWORK_RETRIES": "-1"}, "STRIPE_MAX_NETWORK_RETRIES"),
        ({"STRIPE_MAX_NETWORK_RETRIES": "1.5"}, "STRIPE_MAX_NETWORK_RETRIES"),
        ({"PORT": "http"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"FRONTEND_ORIGIN": "*"}, "FRONTEND_ORIGIN"),
        ({"FRONTEND_ORIGIN": "https://*.example.com"}, "FRONTEND_ORIGIN"),
        ({"FRONTEND_ORIGIN": "localhost:3000"}, "FRONTEND_ORIGIN"),
    ],
)
def test_inconsistent_settings_stop_the_start_naming_the_variable(
    environ: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(environ)


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
    (repo / ".env").write_text("PORT=5001\nFRONTEND_ORIGIN=http://repo.example\n")
    (backend / ".env").write_text("PORT=5002\nSTRIPE_API_BASE=http://backend.example\n")
    monkeypatch.setattr(config, "REPO_DIR", repo)
    monkeypatch.setattr(config, "BACKEND_DIR", backend)
    for name in ("PORT", "FRONTEND_ORIGIN", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY"):
        monkeypatch.delenv(name, raising=False)  # whatever the developer's shell has set
    monkeypatch.setenv("STRIPE_API_BASE", "http://real.example")

    settings = Settings.from_env()

    assert settings.port == 5002  # backend/.env is more specific than the repository's
    assert settings.frontend_origins == ("http://repo.example",)
    assert settings.stripe_api_base == "http://real.example"  # the real environment wins


def test_an_explicit_environ_ignores_dotenv_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("STRIPE_SECRET_KEY=sk_test_123\n")
    monkeypatch.setattr(config, "REPO_DIR", tmp_path)
    assert Settings.from_env({}).mode == "demo"
