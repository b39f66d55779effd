"""Test databases with the schema the migrations build: SQLite files, or PostgreSQL schemas.

Every test gets a clean database holding the seeded catalogue:

- SQLite (the default): the migrations run once per session into a template file, and each
  test gets its own copy of it, which costs about a millisecond.
- PostgreSQL (when TEST_DATABASE_URL is set): the migrations run once per session into a schema
  made for this run; each test starts by emptying its tables and restoring the catalogue.
  Nothing outside that schema is touched, and it is dropped at the end of the run.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL

from bookstore import create_app
from bookstore.catalogue.books import seed_catalogue
from bookstore.config import Settings
from bookstore.db import db, engine_url

TEST_DATABASE_URL = "TEST_DATABASE_URL"
# Each run's schema: the prefix, the Unix time it started, a random suffix.
SCHEMA_PREFIX = "pytest_bookstore_"
ABANDONED_AFTER_SECONDS = 24 * 3600
# A test left holding a lock would make the next test's cleanup wait: fail it instead.
CLEANUP_LOCK_TIMEOUT = "10s"


def migrate(database_url: str, *, seed: bool = True) -> None:
    """Build the schema with `flask db upgrade`'s own code, then seed the catalogue."""
    app = create_app(Settings(database_url=database_url, demo_mode=True))
    with app.app_context():
        flask_migrate.upgrade()
        if seed:
            seed_catalogue()
        db.session.remove()
        db.engine.dispose()


class SqliteDatabases:
    """A migrated, seeded template file, copied for each test."""

    kind = "sqlite"

    def __init__(self, workdir: Path) -> None:
        self._template = workdir / "template.sqlite3"
        migrate(self.url_for(self._template))
        # Closing the last connection checkpointed the WAL: the one file holds everything.
        assert not Path(f"{self._template}-wal").exists()

    @staticmethod
    def url_for(path: Path) -> str:
        """The SQLAlchemy URL of an SQLite file."""
        return f"sqlite:///{path}"

    def fresh(self, tmp_path: Path) -> str:
        """A copy of the template in the test's own folder."""
        path = tmp_path / "bookstore.sqlite3"
        shutil.copyfile(self._template, path)
        return self.url_for(path)

    @contextmanager
    def empty(self, tmp_path: Path) -> Iterator[str]:
        """A database with no tables at all (a file not created yet)."""
        yield self.url_for(tmp_path / "empty.sqlite3")

    def close(self) -> None:
        """Nothing to clean up: the files live in pytest's temporary folders."""


class PostgresDatabases:
    """A schema of its own for this test run, emptied and re-seeded before each test."""

    kind = "postgresql"

    def __init__(self, server_url: str) -> None:
        self._server_url = engine_url(server_url)
        self._admin = create_engine(self._server_url, pool_size=1)
        self._drop_abandoned_schemas()
        self.schema = f"{SCHEMA_PREFIX}{int(time.time())}_{secrets.token_hex(3)}"
        self._create_schema(self.schema)
        self.url = self.url_in(self.schema)
        try:
            migrate(self.url)
        except BaseException:
            self.close()
            raise
        self._tables = [table.name for table in db.metadata.sorted_tables]
        self._serial_columns = [
            (table.name, table.autoincrement_column.name)
            for table in db.metadata.sorted_tables
            if table.autoincrement_column is not None
        ]
        with self._connect() as connection:
            # What the migrations and the seed left: the state each test starts from.
            self._snapshot = {table: _rows(connection, table) for table in self._tables}

    def url_in(self, schema: str) -> str:
        """The server URL with every connection's search path set to `schema`."""
        url: URL = self._server_url.update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def fresh(self, tmp_path: Path) -> str:
        """Empty every table and put the seeded rows back; the schema stays."""
        with self._connect() as connection, connection.begin():
            connection.execute(text(f"SET LOCAL lock_timeout = '{CLEANUP_LOCK_TIMEOUT}'"))
            # DELETE, not TRUNCATE: on a handful of rows it is several times faster.
            for table in reversed(self._tables):
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608
            for table, column in self._serial_columns:
                # Ids start at 1 again, as in a new database.
                connection.execute(
                    text("SELECT setval(pg_get_serial_sequence(:table, :column), 1, false)"),
                    {"table": table, "column": column},
                )
            for table, rows in self._snapshot.items():
                if rows:
                    columns = list(rows[0])
                    names = ", ".join(columns)
                    values = ", ".join(f":{column}" for column in columns)
                    statement = f"INSERT INTO {table} ({names}) VALUES ({values})"  # noqa: S608
                    connection.execute(text(statement), rows)
        return self.url

    @contextmanager
    def empty(self, tmp_path: Path) -> Iterator[str]:
        """A schema of its own with no tables, dropped afterwards."""
        schema = f"{self.schema}_empty"
        self._create_schema(schema)
        try:
            yield self.url_in(schema)
        finally:
            self._drop_schema(schema)

    def close(self) -> None:
        """Drop this run's schema and everything in it."""
        self._drop_schema(self.schema)
        self._admin.dispose()

    def _connect(self) -> Connection:
        """A connection working inside this run's schema."""
        connection = self._admin.connect()
        connection.execute(text(f"SET search_path TO {self.schema}"))
        connection.commit()
        return connection

    def _drop_abandoned_schemas(self) -> None:
        """Schemas of runs that were killed before they could drop theirs (a day or older)."""
        with self._admin.begin() as connection:
            names = connection.execute(
                text(
                    "SELECT nspname FROM pg_namespace WHERE nspname LIKE :prefix "
                    "AND pg_get_userbyid(nspowner) = current_user"
                ),
                {"prefix": SCHEMA_PREFIX.replace("_", r"\_") + "%"},
            ).scalars()
            for name in list(names):
                started = name.removeprefix(SCHEMA_PREFIX).split("_", 1)[0]
                if started.isdigit() and time.time() - int(started) > ABANDONED_AFTER_SECONDS:
                    connection.execute(text(f"DROP SCHEMA {name} CASCADE"))

    def _create_schema(self, schema: str) -> None:
        """A new, empty schema."""
        with self._admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))

    def _drop_schema(self, schema: str) -> None:
        """A schema and all it holds, gone."""
        with self._admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


def _rows(connection: Connection, table: str) -> list[dict[str, object]]:
    """Every row of a table (the names come from the models, never from input)."""
    result = connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
    return [dict(row) for row in result.mappings()]


Databases = SqliteDatabases | PostgresDatabases


def server_url() -> str | None:
    """The PostgreSQL server named by TEST_DATABASE_URL, if any."""
    url = os.environ.get(TEST_DATABASE_URL, "").strip()
    if url and engine_url(url).get_backend_name() != "postgresql":
        raise RuntimeError(f"{TEST_DATABASE_URL} must be a postgresql:// URL, got {url!r}")
    return url or None


def open_databases(workdir: Path) -> Databases:
    """PostgreSQL when TEST_DATABASE_URL names a server, else SQLite."""
    url = server_url()
    return PostgresDatabases(url) if url else SqliteDatabases(workdir)


def describe_databases() -> str:
    """Which database this run uses, for the report's header (no password)."""
    url = server_url()
    if url is None:
        return "SQLite (a copy of a migrated template file per test)"
    shown = engine_url(url).render_as_string(hide_password=True)
    return f"PostgreSQL at {shown} (TEST_DATABASE_URL; a schema per run, emptied per test)"
