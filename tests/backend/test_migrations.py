"""The migrations build exactly the schema the models describe, on this run's database.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set, each time from an empty one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app

from bookstore import create_app
from bookstore.catalogue.data import BOOKS
from bookstore.config import Settings
from bookstore.db import MIGRATIONS_DIR, db


@pytest.fixture
def empty_app(empty_database_url: str) -> Iterator[Flask]:
    """An app on a database that has no tables yet."""
    app = create_app(Settings(database_url=empty_database_url, demo_mode=True))
    with app.app_context():
        yield app
        db.session.remove()


def schema_differences(metadata: sa.MetaData) -> list[Any]:
    """What `flask db migrate` would write to take the database's schema to `metadata`'s."""
    # The options env.py gives Alembic (compare_type and friends), from the Migrate extension.
    options = dict(current_app.extensions["migrate"].configure_args)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=options)
        return list(compare_metadata(context, metadata))


def table_names() -> set[str]:
    """Tables in the database now."""
    with db.engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def test_creating_the_app_creates_no_tables(empty_app: Flask) -> None:
    assert table_names() == set()


def test_upgrading_an_empty_database_builds_exactly_the_models_schema(empty_app: Flask) -> None:
    flask_migrate.upgrade()

    assert table_names() == {table.name for table in db.metadata.sorted_tables} | {
        "alembic_version"
    }
    assert schema_differences(db.metadata) == []


def test_the_comparison_notices_a_model_the_migrations_lack(empty_app: Flask) -> None:
    flask_migrate.upgrade()
    extended = sa.MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(extended)
    sa.Table("gift_cards", extended, sa.Column("id", sa.Integer, primary_key=True))

    differences = schema_differences(extended)

    assert [difference[0] for difference in differences] == ["add_table"]
    assert differences[0][1].name == "gift_cards"


def test_downgrading_to_base_removes_everything_and_upgrading_again_restores_it(
    empty_app: Flask,
) -> None:
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")
    assert table_names() == {"alembic_version"}

    flask_migrate.upgrade()
    assert schema_differences(db.metadata) == []


def test_the_migrations_form_one_line_of_history() -> None:
    scripts = ScriptDirectory(str(MIGRATIONS_DIR))

    assert len(scripts.get_heads()) == 1
    assert [script.down_revision for script in scripts.walk_revisions()][-1] is None


def test_the_documented_commands_create_the_schema_and_seed_the_catalogue_once(
    empty_database_url: str,
) -> None:
    app = create_app(Settings(database_url=empty_database_url, demo_mode=True))
    runner = app.test_cli_runner()

    upgraded = runner.invoke(args=["db", "upgrade"])
    first_seed = runner.invoke(args=["seed"])
    second_seed = runner.invoke(args=["seed"])
    upgraded_again = runner.invoke(args=["db", "upgrade"])

    assert upgraded.exit_code == 0, upgraded.output
    assert first_seed.exit_code == 0
    assert f"{len(BOOKS)} title(s) added" in first_seed.output
    assert "up to date" in second_seed.output
    assert upgraded_again.exit_code == 0, upgraded_again.output
    response = app.test_client().get("/api/books")
    assert [book["id"] for book in response.get_json()["books"]] == [b["id"] for b in BOOKS]
    with app.app_context():
        db.session.remove()
