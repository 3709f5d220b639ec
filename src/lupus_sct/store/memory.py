"""An in-memory store with the same behaviour as the SQL one, for fast tests.

Each unit of work keeps its changes in an overlay; ``commit`` re-checks every version against the
committed state and applies them all, or none.
"""

from __future__ import annotations

import dataclasses
import enum
import threading
from collections.abc import Generator, Iterable, Sequence
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from lupus_sct.services.audit.chain import GENESIS_HASH, AuditDraft, AuditEntry, check_links, seal
from lupus_sct.services.errors import NotFoundError, StaleWriteError
from lupus_sct.services.ports import AuditLog
from lupus_sct.services.stored_entities import STORED_ENTITIES, StoredRepositories
from lupus_sct.store.instants import with_utc_instants

T = TypeVar("T")


@dataclasses.dataclass
class MemoryDatabase:
    """Committed state shared by the units of work of one test."""

    tables: dict[str, dict[str, Any]] = dataclasses.field(
        default_factory=lambda: {entity.name: {} for entity in STORED_ENTITIES}
    )
    audit: list[AuditEntry] = dataclasses.field(default_factory=list)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


class MemoryRepository(Generic[T]):
    """A repository whose writes stay in the unit of work until it commits."""

    def __init__(self, committed: dict[str, Any], name: str, key: str) -> None:
        self._committed = committed
        self._name = name
        self._key = key
        self.pending: dict[str, tuple[int | None, Any]] = {}  # id -> (version read, new item)

    def _current(self) -> dict[str, Any]:
        merged = dict(self._committed)
        merged.update({k: item for k, (_, item) in self.pending.items()})
        return merged

    def _lookup(self, item_id: str) -> Any:
        """The record as this unit of work sees it, or None (without copying the table)."""
        if item_id in self.pending:
            return self.pending[item_id][1]
        return self._committed.get(item_id)

    def add(self, item: T) -> T:
        item_id = getattr(item, self._key)
        if self._lookup(item_id) is not None:
            raise ValueError(f"duplicate {self._name} id {item_id!r}")
        stored = with_utc_instants(dataclasses.replace(item, version=1))  # type: ignore[type-var]
        self.pending[item_id] = (None, stored)
        return stored

    def add_many(self, items: Sequence[T]) -> list[T]:
        """Store new records at version 1 (all or none: a duplicate id stores nothing)."""
        seen: set[str] = set()
        for item in items:
            item_id = getattr(item, self._key)
            if self._lookup(item_id) is not None or item_id in seen:
                raise ValueError(f"duplicate {self._name} id {item_id!r}")
            seen.add(item_id)
        return [self.add(item) for item in items]

    def get_many(self, ids: Iterable[str]) -> list[T]:
        """The stored records among ``ids``, by id."""
        found = ((item_id, self._lookup(item_id)) for item_id in sorted(set(ids)))
        return [item for _, item in found if item is not None]

    def get(self, item_id: str) -> T:
        item: T | None = self._lookup(item_id)
        if item is None:
            raise NotFoundError(self._name, item_id)
        return item

    def update(self, item: T) -> T:
        item_id = getattr(item, self._key)
        current = self.get(item_id)
        read_version = item.version  # type: ignore[attr-defined]
        if current.version != read_version:  # type: ignore[attr-defined]
            raise StaleWriteError(self._name, item_id, read_version)
        changed = dataclasses.replace(item, version=read_version + 1)  # type: ignore[type-var]
        stored = with_utc_instants(changed)
        expected = self.pending[item_id][0] if item_id in self.pending else read_version
        self.pending[item_id] = (expected, stored)
        return stored

    def find(self, **equals: Any) -> list[T]:
        rows = sorted(self._current().items())
        return [item for _, item in rows if all(_matches(item, k, v) for k, v in equals.items())]

    def find_in(self, field: str, values: Iterable[Any]) -> list[T]:
        wanted = list(values)
        rows = sorted(self._current().items())
        return [item for _, item in rows if any(_matches(item, field, v) for v in wanted)]

    def check(self) -> None:
        for item_id, (expected, _) in self.pending.items():
            stored = self._committed.get(item_id)
            if expected is None and stored is not None:
                raise ValueError(f"duplicate {self._name} id {item_id!r}")
            if expected is not None and (stored is None or stored.version != expected):
                raise StaleWriteError(self._name, item_id, expected)

    def apply(self) -> None:
        self._committed.update({k: item for k, (_, item) in self.pending.items()})
        self.pending.clear()


def _matches(item: Any, field: str, value: Any) -> bool:
    actual = getattr(item, field)
    if isinstance(actual, enum.Enum) and not isinstance(value, enum.Enum):
        return bool(actual.value == value)
    return bool(actual == value)


class MemoryAuditLog:
    """Audit chain kept in memory, with pending entries until commit."""

    def __init__(self, committed: list[AuditEntry]) -> None:
        self._committed = committed
        self.pending: list[AuditEntry] = []

    def head(self) -> tuple[int, str]:
        """The last entry's (seq, hash), pending ones included."""
        last = (
            self.pending[-1] if self.pending else self._committed[-1] if self._committed else None
        )
        return (last.seq, last.hash) if last else (0, GENESIS_HASH)

    def append(self, draft: AuditDraft) -> AuditEntry:
        seq, prev_hash = self.head()
        entry = seal(draft, seq=seq + 1, prev_hash=prev_hash)
        self.pending.append(entry)
        return entry

    def append_many(self, drafts: Sequence[AuditDraft]) -> list[AuditEntry]:
        """Seal ``drafts`` in order at the end of the chain."""
        return [self.append(draft) for draft in drafts]

    def append_sealed(self, entries: Sequence[AuditEntry]) -> None:
        """Keep entries the caller sealed after :meth:`head`, if they follow it."""
        check_links(self.head(), entries)
        self.pending.extend(entries)

    def entries(self) -> Generator[AuditEntry, None, None]:
        yield from self._committed + self.pending


class MemoryUnitOfWork(StoredRepositories):
    """A unit of work over a :class:`MemoryDatabase`."""

    audit: AuditLog

    def __init__(self, database: MemoryDatabase | None = None) -> None:
        self.database = database or MemoryDatabase()

    def __enter__(self) -> Self:
        self._begin()
        return self

    def _begin(self) -> None:
        self._repos = {
            entity.name: MemoryRepository[Any](
                self.database.tables[entity.name], entity.label, entity.key
            )
            for entity in STORED_ENTITIES
        }
        for name, repo in self._repos.items():
            setattr(self, name, repo)
        self._audit = MemoryAuditLog(self.database.audit)
        self.audit = self._audit

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._begin()

    def commit(self) -> None:
        with self.database.lock:
            for repo in self._repos.values():
                repo.check()
            pending = self._audit.pending
            if (
                pending
                and self.database.audit
                and pending[0].prev_hash != self.database.audit[-1].hash
            ):
                raise StaleWriteError("audit_log", str(pending[0].seq), 0)
            for repo in self._repos.values():
                repo.apply()
            self.database.audit.extend(self._audit.pending)
        self._begin()

    def rollback(self) -> None:
        self._begin()
