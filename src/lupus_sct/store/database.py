"""Engines and migrations: SQLite (embedded default, WAL) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite connections get WAL, foreign keys and immediate writes."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        database = sa.make_url(url).database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _configure_sqlite)
        sa.event.listen(engine, "begin", _begin_immediate)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's implicit BEGIN is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_immediate(connection: sa.Connection) -> None:
    # A write lock from the start: a read-then-write transaction cannot fail with SQLITE_BUSY.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _alembic_config(engine: sa.Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: sa.Engine) -> str | None:
    """Bring the schema to the newest migrations; return the revision(s) reached."""
    command.upgrade(_alembic_config(engine), "heads")
    return current_revision(engine)


def _label(revisions: Iterable[str]) -> str | None:
    ordered = sorted(revisions)
    return "+".join(ordered) if ordered else None


def current_revision(engine: sa.Engine) -> str | None:
    """The schema revision(s) of the database ("a+b" on parallel branches), ``None`` if empty."""
    with engine.connect() as connection:
        return _label(MigrationContext.configure(connection).get_current_heads())


def head_revision() -> str | None:
    """The newest migration(s) shipped with this version, labelled as :func:`current_revision`."""
    script = ScriptDirectory.from_config(_alembic_config(sa.create_engine("sqlite://")))
    return _label(script.get_heads())
