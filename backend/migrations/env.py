"""Alembic's entry point, run by `flask --app bookstore db ...` inside the app's context.

The database URL and the models' metadata come from the app (so DATABASE_URL decides which
database is migrated); the options Alembic compares and renders with come from bookstore.db.
"""

from __future__ import annotations

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.operations import MigrationScript
from alembic.runtime.migration import MigrationContext
from flask import current_app

config = context.config
log = logging.getLogger("alembic.env")

# From the command line, show Alembic's progress; inside a program that set up logging already
# (the test suite, an app that migrates itself) leave its logging alone.
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

migrate_extension = current_app.extensions["migrate"]
target_db = migrate_extension.db


def skip_empty_autogenerate(
    migration_context: MigrationContext, revision: Any, directives: list[MigrationScript]
) -> None:
    """`db migrate` with no model change writes no empty revision file."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def run_migrations_offline() -> None:
    """`db upgrade --sql`: print the SQL for a DBA instead of running it."""
    context.configure(
        url=target_db.engine.url,
        target_metadata=target_db.metadata,
        literal_binds=True,
        **migrate_extension.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the app's own engine, in one transaction where the database can."""
    options = {"process_revision_directives": skip_empty_autogenerate}
    options.update(migrate_extension.configure_args)
    with target_db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
