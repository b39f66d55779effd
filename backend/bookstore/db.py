"""The database handle, the model base class and SQLite settings for concurrent requests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Seconds a connection waits for another request's write to finish before failing.
SQLITE_BUSY_TIMEOUT_SECONDS = 15


class Base(DeclarativeBase):
    """Declarative base of every table."""


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    # mypy cannot follow `db.Model`, a class Flask-SQLAlchemy builds at runtime from Base;
    # type-check models against Base, which it subclasses.
    Model = Base
else:
    Model = db.Model


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC (SQLite has no time zones) and read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store aware datetimes as naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Mark stored values as UTC again."""
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def init_db(app: Flask, database_url: str) -> None:
    """Bind the database to the app; for SQLite, create its folder and allow concurrent use."""
    url = make_url(database_url)
    is_sqlite = url.get_backend_name() == "sqlite"
    # Relative SQLite paths live in the instance folder, which Flask-SQLAlchemy creates itself.
    if is_sqlite and url.database and Path(url.database).is_absolute():
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    if is_sqlite:
        # sqlite3's own timeout is its busy handler: a writer waits instead of failing at once.
        app.config.setdefault(
            "SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}}
        )
    db.init_app(app)
    if is_sqlite:
        with app.app_context():
            event.listen(db.engine, "connect", _configure_sqlite_connection)


def _configure_sqlite_connection(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL lets readers run while one request writes; the busy timeout makes writers queue."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()
