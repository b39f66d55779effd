"""The database handle, its migrations, the model base class, and per-database settings.

SQLite (the default, one machine) and PostgreSQL (several app servers sharing one database) run
the same models; the schema of both comes from the Alembic migrations in backend/migrations.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_migrate import Migrate  # type: ignore[import-untyped]  # ships no type hints
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.engine import URL, Connection, Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, SessionTransaction, sessionmaker
from sqlalchemy.types import TypeDecorator

# Seconds a connection waits for another request's write to finish before failing.
SQLITE_BUSY_TIMEOUT_SECONDS = 15
# Seconds to wait for a database server (PostgreSQL) to accept a connection.
SERVER_CONNECT_TIMEOUT_SECONDS = 10
# Databases whose timestamp columns keep the offset; the others get naive UTC.
DIALECTS_WITH_TIME_ZONES = frozenset({"postgresql"})
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Connection-record flag: this connection runs with synchronous=NORMAL until it is checked in.
_RELAXED_CONNECTION = "bookstore_synchronous_normal"


class Base(DeclarativeBase):
    """Declarative base of every table."""

    # Named constraints, the same on every database, so a later migration can drop or alter
    # them by name (SQLite cannot name an unnamed constraint after the fact).
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
# `flask --app bookstore db upgrade` and friends. Batch mode lets Alembic alter SQLite tables
# (by copying them); on PostgreSQL the same scripts run as plain ALTER TABLE.
migrate = Migrate(directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)

# Sessions for the demo gateway's storage: objects stay readable after the commit, as an API's
# answer would; on SQLite their commits skip the fsync (see provider_session).
_provider_sessions = sessionmaker(expire_on_commit=False)

if TYPE_CHECKING:
    # mypy cannot follow `db.Model`, a class Flask-SQLAlchemy builds at runtime from Base;
    # type-check models against Base, which it subclasses.
    Model = Base
else:
    Model = db.Model


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC timestamp: `timestamptz` on PostgreSQL, naive UTC on SQLite."""

    # timezone=True makes TIMESTAMP WITH TIME ZONE on PostgreSQL; SQLite's DATETIME ignores it.
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive values; hand SQLite naive UTC, since it cannot store an offset."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        utc = value.astimezone(UTC)
        return utc if dialect.name in DIALECTS_WITH_TIME_ZONES else utc.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Aware UTC whatever the driver returns (PostgreSQL answers in the session's zone)."""
        if value is None:
            return None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def init_db(app: Flask, database_url: str) -> None:
    """Bind the database and its migrations to the app, with the settings its engine needs."""
    url = engine_url(database_url)
    is_sqlite = url.get_backend_name() == "sqlite"
    # Relative SQLite paths live in the instance folder, which Flask-SQLAlchemy creates itself.
    if is_sqlite and url.database and Path(url.database).is_absolute():
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = url.render_as_string(hide_password=False)
    if is_sqlite:
        # sqlite3's own timeout is its busy handler: a writer waits instead of failing at once.
        options: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}}
    else:
        # A pooled connection the server dropped (restart, failover, idle cut by a proxy) is
        # replaced before use instead of failing a shopper's request.
        options = {
            "pool_pre_ping": True,
            "connect_args": {"connect_timeout": SERVER_CONNECT_TIMEOUT_SECONDS},
        }
    # A database error's text would carry the statement's parameters: a shopper's email and
    # address, a client secret. The statement is logged; its values never are.
    options["hide_parameters"] = True
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", options)
    db.init_app(app)
    migrate.init_app(app, db)
    with app.app_context():
        if is_sqlite:
            event.listen(db.engine, "connect", _configure_sqlite_connection)
            event.listen(db.engine, "checkin", _restore_full_sync)
            if not event.contains(_provider_sessions, "after_begin", _relax_sync):
                event.listen(_provider_sessions, "after_begin", _relax_sync)
        elif url.get_backend_name() == "postgresql":
            event.listen(db.engine, "before_cursor_execute", _without_nul_characters, retval=True)


def engine_url(database_url: str) -> URL:
    """The URL to connect with: PostgreSQL URLs without a driver use psycopg 3."""
    url = make_url(database_url)
    # postgres:// (as many hosts print it) and postgresql:// would otherwise ask for psycopg2.
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _configure_sqlite_connection(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL lets readers run while one request writes; the busy timeout makes writers queue."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        # Every commit durable by default, whatever SQLite was built with: see
        # provider_session for the demo gateway's, which may skip the fsync.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def provider_session() -> Session:
    """A session of its own, for the demo gateway's storage (its "provider"), never the caller's.

    On SQLite its commits skip the fsync (synchronous=NORMAL): they survive a crash of the app
    (the write-ahead log is in the OS's cache) but a power cut can lose them until the next
    FULL commit, which fsyncs the log and with it every earlier commit. Every demo write is
    followed by such a commit of the shop's before anyone relies on it (the order storing its
    new PaymentIntent, the webhook applying a payment); a power cut before that loses only a
    PaymentIntent the shop never recorded, as an answer lost on the way back from Stripe would.
    Use as ``with provider_session() as session, session.begin(): ...``.
    """
    return _provider_sessions(bind=db.engine)


def lock_for_write() -> None:
    """On SQLite, take the database's write lock now, as FOR UPDATE locks a row on PostgreSQL.

    SQLite ignores FOR UPDATE and pysqlite sends BEGIN only before the first write, so the
    read of a read-check-write would run outside any lock and another writer (a webhook
    paying the order) could commit in between. BEGIN IMMEDIATE takes the one write lock
    (waiting up to the busy timeout) until the commit. Elsewhere it does nothing.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_name(name: str) -> None:
    """Make other transactions that lock the same name wait until this one ends.

    On PostgreSQL a transaction-scoped advisory lock, so it holds across processes and
    servers; two names that hash alike only wait for each other needlessly. SQLite needs none:
    lock_for_write gives the transaction the database's one write lock already.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _relax_sync(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    """Relax a provider session's transaction (before its BEGIN: SQLite refuses it inside one)."""
    _relax(connection)


def _relax(connection: Connection) -> None:
    """synchronous=NORMAL on a SQLite connection until it returns to the pool."""
    if connection.dialect.name != "sqlite":
        return
    record_info = connection.connection.info
    if not record_info.get(_RELAXED_CONNECTION):
        connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
        record_info[_RELAXED_CONNECTION] = True


def _restore_full_sync(dbapi_connection: Any, connection_record: Any) -> None:
    """Back to SQLite's default (FULL) when a relaxed connection returns to the pool."""
    if dbapi_connection is None or not connection_record.info.pop(_RELAXED_CONNECTION, False):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def _without_nul_characters(
    connection: Any,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> tuple[str, Any]:
    """Swap NUL characters, which PostgreSQL text cannot hold, for U+FFFD in query parameters.

    SQLite simply finds no book or order whose id has a NUL in it; PostgreSQL would fail the
    whole query, and the shopper would get a 500 instead of a 404. No text the shop stores
    contains NUL (ids are checked or come from the catalogue and Stripe), so the swap only
    turns lookups that cannot match into misses, as on SQLite.
    """
    return statement, _replace_nul(parameters)


def _replace_nul(value: Any) -> Any:
    """`value` with NUL replaced in every string, through dicts, lists and tuples."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {key: _replace_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_replace_nul(item) for item in value)
    return value
