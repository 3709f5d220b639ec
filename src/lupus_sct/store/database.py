"""Engines and migrations: SQLite (embedded default, WAL) and PostgreSQL (production)."""

from __future__ import annotations

import os
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
PRIVATE_FILE_MODE = 0o600  # owner only: NIST SP 800-53 AC-6 (least privilege), issue 15 finding 15
PRIVATE_FOLDER_MODE = 0o700  # the data folder likewise (it also holds -wal, -shm and exports)


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite connections get WAL, foreign keys and immediate writes.

    ``hide_parameters``: a database error never quotes the values of its statement (a patient's
    name or hospital number) into an exception message, and so into no log line.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        database = sa.make_url(url).database
        if database and database != ":memory:":
            create_private_file(Path(database).expanduser())
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False}, hide_parameters=True
        )
        sa.event.listen(engine, "connect", _configure_sqlite)
        sa.event.listen(engine, "begin", _begin_immediate)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, hide_parameters=True)


def create_private_file(path: Path) -> None:
    """Create ``path`` for its owner only (file 0600, a new folder 0700) if it does not exist.

    SQLite creates the -wal and -shm files with the database file's permissions, so they follow.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    if not path.exists():
        previous = os.umask(0o077)  # nothing for group or others, whatever the caller's umask
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
        finally:
            os.umask(previous)


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
