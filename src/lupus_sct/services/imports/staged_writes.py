"""A unit of work whose writes are gathered in memory and sent to the store in a few statements.

Notes
-----
A FHIR import (:mod:`lupus_sct.services.imports.fhir_bundles`) runs the ordinary use cases (same
checks, same audit entries) against a :class:`StagedUnitOfWork` wrapped around the caller's unit
of work. A record is read from the store once (a whole resource type at a time with
``get_many``) and a query once; later reads are answered from memory, and records added or
corrected in this transaction are kept in memory, where later reads see them just as they would
inside the transaction. :meth:`StagedUnitOfWork.flush` then writes, in the caller's transaction,
the new records of each table with one multi-row INSERT (in the foreign-key order of
:data:`~lupus_sct.services.stored_entities.STORED_ENTITIES`), the corrections one by one in the
order they were made (each still refused by the store when its version has moved on), and the
audit entries with one multi-row INSERT. Nothing reaches the store before ``flush``, so a refused
import has nothing to undo. Several Bundles can share one :class:`StagedUnitOfWork` (and so one
transaction): :meth:`StagedUnitOfWork.checkpoint` before a Bundle and
:meth:`StagedUnitOfWork.restore` when it is refused forget exactly that Bundle's writes and audit
entries, and the next Bundle goes on as if it had never been tried. ``commit`` and ``rollback``
end the transaction: what was read or staged is forgotten.

It satisfies the repository contract of every store (tests/integration/store/), with these
documented differences (tests/integration/store/test_staged_unit_of_work.py):

- the store's own refusals (a foreign key, a unique column) come at ``flush`` or ``commit``,
  not at the write that breaks them;
- records read from memory are those read in this transaction: another writer's change in
  between is caught, as before, by the version check of a correction or by the store's
  constraints when the writes are flushed.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Generator, Hashable, Iterable, Sequence
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from lupus_sct.services.audit.chain import AuditDraft, AuditEntry, check_links, seal
from lupus_sct.services.errors import NotFoundError, StaleWriteError
from lupus_sct.services.ports import AuditLog, Repository, UnitOfWork
from lupus_sct.services.stored_entities import STORED_ENTITIES, StoredRepositories

T = TypeVar("T")


class StagedRepository(Generic[T]):
    """A repository whose reads are cached and whose writes wait for :meth:`flush`."""

    def __init__(self, inner: Repository[T], label: str, key: str = "id") -> None:
        self._inner = inner
        self._label = label  # the entity name the stores use in their errors
        self._key = key
        self._stored: dict[str, T | None] = {}  # as read from the store (None: not stored)
        self._current: dict[str, T] = {}  # added or corrected by this import, latest version
        self._added: list[T] = []  # as first added (version 1)
        self._corrections: list[T] = []  # each correction as asked (at the version it read)
        self._queries: dict[Hashable, list[T]] = {}
        self._journal: list[tuple[str, T | None]] = []  # (id, its latest version before a write)
        # For each tuple of fields a query has used: field values -> ids among the records in
        # ``_current`` (kept up to date by add and update, dropped by restore).
        self._indexes: dict[tuple[str, ...], dict[tuple[Any, ...], set[str]]] = {}

    def prefetch(self, ids: Iterable[str]) -> None:
        """Read the records among ``ids`` not read yet, with one query."""
        wanted = {i for i in ids if i not in self._stored and i not in self._current}
        if not wanted:
            return
        found = {self._id(item): item for item in self._inner.get_many(wanted)}
        self._stored.update({i: found.get(i) for i in wanted})

    def remember(self, item: T) -> None:
        """Keep a record the caller has just read from the store."""
        self._stored.setdefault(self._id(item), item)

    def add(self, item: T) -> T:
        item_id = self._id(item)
        if self._exists(item_id):
            raise ValueError(f"duplicate {self._label} id {item_id!r}")
        stored: T = (
            item if getattr(item, "version", None) == 1 else dataclasses.replace(item, version=1)  # type: ignore[type-var]
        )
        self._journal.append((item_id, None))
        self._current[item_id] = stored
        self._reindex(item_id, None, stored)
        self._added.append(stored)
        return stored

    def add_many(self, items: Sequence[T]) -> list[T]:
        """Stage new records at version 1 (all or none: a duplicate id stages nothing)."""
        ids = [self._id(item) for item in items]
        self.prefetch(ids)
        seen: set[str] = set()
        for item_id in ids:
            if item_id in seen or self._exists(item_id):
                raise ValueError(f"duplicate {self._label} id {item_id!r}")
            seen.add(item_id)
        return [self.add(item) for item in items]

    def get(self, item_id: str) -> T:
        if item_id in self._current:
            return self._current[item_id]
        self.prefetch([item_id])
        stored = self._stored[item_id]
        if stored is None:
            raise NotFoundError(self._label, item_id)
        return stored

    def get_many(self, ids: Iterable[str]) -> list[T]:
        wanted = sorted(set(ids))
        self.prefetch(wanted)
        return [self.get(i) for i in wanted if self._exists(i)]

    def update(self, item: T) -> T:
        item_id = self._id(item)
        read_version: int = item.version  # type: ignore[attr-defined]
        if self.get(item_id).version != read_version:  # type: ignore[attr-defined]
            raise StaleWriteError(self._label, item_id, read_version)
        stored: T = dataclasses.replace(item, version=read_version + 1)  # type: ignore[type-var]
        previous = self._current.get(item_id)
        self._journal.append((item_id, previous))
        self._current[item_id] = stored
        self._reindex(item_id, previous, stored)
        self._corrections.append(item)
        return stored

    def find(self, **equals: Any) -> list[T]:
        key = tuple(sorted(equals.items()))
        rows = self._queries.get(key)
        if rows is None:
            rows = self._queries[key] = self._inner.find(**equals)
            for row in rows:
                self.remember(row)
        found = {self._id(r): r for r in rows if self._id(r) not in self._current}
        fields = tuple(sorted(equals))
        wanted = tuple(_plain(equals[f]) for f in fields)
        if all(isinstance(v, Hashable) for v in wanted):
            ids = self._index(fields).get(wanted, set())
            found.update((i, self._current[i]) for i in ids)
        else:
            found.update(
                (i, r)
                for i, r in self._current.items()
                if all(_plain(getattr(r, f)) == v for f, v in zip(fields, wanted, strict=True))
            )
        return [found[i] for i in sorted(found)]

    def find_in(self, field: str, values: Iterable[Any]) -> list[T]:
        found: dict[str, T] = {}
        for value in values:
            found.update((self._id(r), r) for r in self.find(**{field: value}))
        return [found[i] for i in sorted(found)]

    def prefetch_find(self, field: str, values: Iterable[Any]) -> None:
        """Answer later ``find(field=value)`` for each of ``values`` from one query now."""
        wanted = {v for v in values if ((field, v),) not in self._queries}
        if not wanted:
            return
        rows = self._inner.find_in(field, wanted)
        by_plain = {_plain(v): v for v in wanted}
        for value in wanted:
            self._queries[((field, value),)] = []
        for row in rows:
            self.remember(row)
            self._queries[((field, by_plain[_plain(getattr(row, field))]),)].append(row)

    def _index(self, fields: tuple[str, ...]) -> dict[tuple[Any, ...], set[str]]:
        index = self._indexes.get(fields)
        if index is None:
            index = self._indexes[fields] = {}
            for item_id, item in self._current.items():
                index.setdefault(_key(item, fields), set()).add(item_id)
        return index

    def _reindex(self, item_id: str, previous: T | None, current: T) -> None:
        for fields, index in self._indexes.items():
            if previous is not None:
                index[_key(previous, fields)].discard(item_id)
            index.setdefault(_key(current, fields), set()).add(item_id)

    def checkpoint(self) -> tuple[int, int, int]:
        """A mark of what is staged now, for :meth:`restore`."""
        return len(self._journal), len(self._added), len(self._corrections)

    def restore(self, mark: tuple[int, int, int]) -> None:
        """Forget the writes staged since ``mark`` (reads stay cached: they are the store's)."""
        journal, added, corrections = mark
        while len(self._journal) > journal:
            item_id, previous = self._journal.pop()
            if previous is None:
                del self._current[item_id]
            else:
                self._current[item_id] = previous
        del self._added[added:]
        del self._corrections[corrections:]
        self._indexes.clear()  # rebuilt from ``_current`` by the next query

    def flush_additions(self) -> None:
        """Store the added records (one statement)."""
        if self._added:
            self._inner.add_many(self._added)
        self._added = []

    def flush_corrections(self) -> None:
        """Store the corrections, in the order they were made."""
        for item in self._corrections:
            self._inner.update(item)
        self._corrections = []
        self._journal = []

    def _exists(self, item_id: str) -> bool:
        if item_id in self._current:
            return True
        self.prefetch([item_id])
        return self._stored[item_id] is not None

    def _id(self, item: T) -> str:
        item_id: str = getattr(item, self._key)
        return item_id


def _plain(value: Any) -> Any:
    """A queried or stored value as compared by ``find`` (an enum member by its value)."""
    return value.value if isinstance(value, enum.Enum) else value


def _key(item: Any, fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_plain(getattr(item, field)) for field in fields)


class StagedAuditLog:
    """Audit entries sealed as they are appended and stored together by :meth:`flush`.

    The first append reads the store's chain head, which takes the store's audit lock (held to
    the end of the transaction); the entries are sealed after it in memory and :meth:`flush`
    hands them to the store sealed (``append_sealed``), which refuses them unless they still
    follow its head.
    """

    def __init__(self, inner: AuditLog) -> None:
        self._inner = inner
        self._base: tuple[int, str] | None = None  # the store's head, read once
        self._sealed: list[AuditEntry] = []

    def head(self) -> tuple[int, str]:
        if self._sealed:
            return self._sealed[-1].seq, self._sealed[-1].hash
        if self._base is None:
            self._base = self._inner.head()
        return self._base

    def append(self, draft: AuditDraft) -> AuditEntry:
        seq, prev_hash = self.head()
        entry = seal(draft, seq=seq + 1, prev_hash=prev_hash)
        self._sealed.append(entry)
        return entry

    def append_many(self, drafts: Sequence[AuditDraft]) -> list[AuditEntry]:
        return [self.append(draft) for draft in drafts]

    def append_sealed(self, entries: Sequence[AuditEntry]) -> None:
        check_links(self.head(), entries)
        self._sealed.extend(entries)

    def entries(self) -> Generator[AuditEntry, None, None]:
        """The stored chain followed by the entries sealed in memory and not yet written."""
        yield from self._inner.entries()
        yield from self._sealed

    def checkpoint(self) -> int:
        """A mark of the entries appended so far, for :meth:`restore`."""
        return len(self._sealed)

    def restore(self, mark: int) -> None:
        """Forget the entries appended since ``mark``."""
        del self._sealed[mark:]

    def flush(self) -> None:
        """Store the entries sealed in memory (one statement)."""
        if not self._sealed:
            return
        self._inner.append_sealed(self._sealed)
        self._base = (self._sealed[-1].seq, self._sealed[-1].hash)
        self._sealed = []


class StagedUnitOfWork(StoredRepositories):
    """A unit of work whose repositories and audit log are staged over ``inner``'s.

    ``inner`` is an entered unit of work that the caller leaves, or, with ``enters_inner``, one
    that entering and leaving this unit of work enters and leaves (it then stands for a unit of
    work of its own, as any store's).
    """

    audit: AuditLog

    def __init__(self, inner: UnitOfWork, *, enters_inner: bool = False) -> None:
        self._inner = inner
        self._enters_inner = enters_inner
        self._staged: dict[str, StagedRepository[Any]] = {}
        if not enters_inner:
            self._begin()

    def _begin(self) -> None:
        """Stage every repository of ``inner`` afresh: nothing read or written yet."""
        self._staged = {
            entity.name: StagedRepository[Any](
                getattr(self._inner, entity.name), entity.label, entity.key
            )
            for entity in STORED_ENTITIES
        }
        for name, repo in self._staged.items():
            setattr(self, name, repo)
        self._audit = StagedAuditLog(self._inner.audit)
        self.audit = self._audit

    def staged(self, name: str) -> StagedRepository[Any]:
        """The staged repository ``name`` (an attribute of :class:`UnitOfWork`)."""
        return self._staged[name]

    def checkpoint(self) -> dict[str, Any]:
        """A mark of everything staged now, for :meth:`restore`."""
        mark: dict[str, Any] = {name: repo.checkpoint() for name, repo in self._staged.items()}
        mark["audit"] = self._audit.checkpoint()
        return mark

    def restore(self, mark: dict[str, Any]) -> None:
        """Forget every write and audit entry staged since ``mark``."""
        for name, repo in self._staged.items():
            repo.restore(mark[name])
        self._audit.restore(mark["audit"])

    def flush(self) -> None:
        """Write everything staged into the caller's transaction (not committed)."""
        for repo in self._staged.values():
            repo.flush_additions()
        for repo in self._staged.values():
            repo.flush_corrections()
        self._audit.flush()

    def __enter__(self) -> Self:
        if self._enters_inner:
            self._inner.__enter__()
            self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._enters_inner:
            self._inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        """Write what is staged and commit the caller's unit of work."""
        self.flush()
        self._inner.commit()
        self._begin()

    def rollback(self) -> None:
        """Forget what is staged and roll the caller's unit of work back."""
        self._inner.rollback()
        self._begin()
