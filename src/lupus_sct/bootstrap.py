"""The composition root: the one place that wires concrete adapters into the use cases."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime

import argon2
import sqlalchemy as sa

from lupus_sct.config import Settings
from lupus_sct.domain.eligibility.protocol import Protocol
from lupus_sct.interop.protocol_files import load_protocols
from lupus_sct.services.audit.anchor import AuditAnchor
from lupus_sct.services.ports import PasswordHasher, UnitOfWork
from lupus_sct.store import database
from lupus_sct.store.audit_checkpoints import FileAuditAnchor
from lupus_sct.store.sql import SqlUnitOfWork

_log = logging.getLogger(__name__)


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class Argon2Hasher:
    """Argon2id password hashes with the library's recommended parameters (RFC 9106)."""

    def __init__(self) -> None:
        self._hasher = argon2.PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except argon2.exceptions.VerificationError:
            return False


@dataclasses.dataclass
class Platform:
    """What entrypoints receive: a unit-of-work factory, a clock and schema operations."""

    settings: Settings
    engine: sa.Engine
    uow: Callable[[], UnitOfWork]
    clock: SystemClock
    hasher: PasswordHasher
    audit_anchor: FileAuditAnchor | None = None

    def upgrade_schema(self) -> str | None:
        """Create or upgrade the database to the newest migration."""
        return database.upgrade(self.engine)

    def schema_status(self) -> tuple[str | None, str | None]:
        """(current revision, newest revision)."""
        return database.current_revision(self.engine), database.head_revision()

    def database_label(self) -> str:
        """The database URL without its password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def protocols(self) -> dict[str, Protocol]:
        """The shipped protocols and the centre's own (LUPUS_SCT_PROTOCOL_DIR)."""
        extra = [self.settings.protocol_dir] if self.settings.protocol_dir else []
        return load_protocols(extra)

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()


def bootstrap(settings: Settings) -> Platform:
    """Build the platform for ``settings``."""
    engine = database.create_engine(settings.resolved_database_url)
    anchor = FileAuditAnchor(
        settings.resolved_audit_key_file, settings.resolved_audit_checkpoint_file
    )
    checkpoint = _checkpointer(anchor)
    return Platform(
        settings=settings,
        engine=engine,
        uow=lambda: SqlUnitOfWork(engine, on_audit_commit=checkpoint),
        clock=SystemClock(),
        hasher=Argon2Hasher(),
        audit_anchor=anchor,
    )


def _checkpointer(anchor: AuditAnchor) -> Callable[[tuple[int, str]], None]:
    """Checkpoint each committed chain head; a failure is logged, never the caller's error.

    The write it follows is committed: failing the request would report a stored change as not
    stored. The entries stay verifiable and are anchored by the next checkpoint.
    """

    def checkpoint(head: tuple[int, str]) -> None:
        try:
            anchor.record(head)
        except (OSError, ValueError) as exc:
            _log.warning(
                "audit checkpoint of entry %d not written: %s", head[0], type(exc).__name__
            )

    return checkpoint


def describe_failure(exc: BaseException) -> str | None:
    """A one-line explanation of an infrastructure failure, or None if it is not one we know."""
    if isinstance(exc, sa.exc.ArgumentError):
        return f"the database URL is not valid: {exc}"
    if isinstance(exc, sa.exc.OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return f"the database cannot be used: {reason}"
    if isinstance(exc, sa.exc.IntegrityError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return f"the database refused the change: {reason}"
    if isinstance(exc, ModuleNotFoundError) and exc.name in ("psycopg", "psycopg2"):
        return "the PostgreSQL driver is not installed (pip install 'psycopg[binary]')"
    return None
