"""Ports: what the use cases need from storage and from the outside world.

The store implements them for SQLite and PostgreSQL (``lupus_sct.store.sql``) and in memory
(``lupus_sct.store.memory``), and a FHIR import stages its writes in a
``StagedUnitOfWork``; one contract suite runs against every one of them.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from lupus_sct.services.audit.chain import AuditDraft, AuditEntry
from lupus_sct.services.stored_entities import Repository, StoredRepositories

__all__ = ["AuditLog", "Clock", "PasswordHasher", "Repository", "UnitOfWork"]


class AuditLog(Protocol):
    """Append-only, hash-chained log of every write.

    ``head`` gives the sequence number and hash of the last entry (``(0, GENESIS_HASH)`` for an
    empty log); on a database it takes the audit lock first, so no other writer can append
    before this transaction ends and entries sealed after that head stay valid until then.
    """

    def head(self) -> tuple[int, str]: ...

    def append(self, draft: AuditDraft) -> AuditEntry: ...

    def append_many(self, drafts: Sequence[AuditDraft]) -> list[AuditEntry]: ...

    def append_sealed(self, entries: Sequence[AuditEntry]) -> None:
        """Store entries sealed after :meth:`head` (``services.audit.check_links`` refusals)."""
        ...

    def entries(self) -> Generator[AuditEntry, None, None]: ...


class UnitOfWork(StoredRepositories, Protocol):
    """One transaction: everything done through it is committed together or not at all.

    Its repositories are declared once, in :class:`StoredRepositories`.
    """

    audit: AuditLog

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class Clock(Protocol):
    """Current time, injected so that rules stay testable."""

    def now(self) -> datetime: ...


class PasswordHasher(Protocol):
    """One-way password hashing (argon2 in production)."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...
