"""Repositories and the unit of work over SQLAlchemy Core, for SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Callable, Generator, Iterable, Sequence
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from lupus_sct.domain.missing import Missing
from lupus_sct.services.audit.chain import (
    GENESIS_HASH,
    AuditAction,
    AuditDraft,
    AuditEntry,
    check_links,
    seal,
)
from lupus_sct.services.errors import NotFoundError, StaleWriteError
from lupus_sct.services.ports import AuditLog
from lupus_sct.services.record_codec import canonical_json
from lupus_sct.services.stored_entities import StoredRepositories
from lupus_sct.store.rows import from_row, to_row
from lupus_sct.store.schema import ENTITIES, MISSING_SUFFIX, EntityTable, audit_log

T = TypeVar("T")
AUDIT_LOCK_KEY = 0x1075C7  # PostgreSQL advisory lock id serialising audit appends


class SqlRepository(Generic[T]):
    """Versioned storage of one entity in its table."""

    def __init__(self, connection: sa.Connection, entity: EntityTable, name: str) -> None:
        self._conn = connection
        self._entity = entity
        self._name = name
        self._table = entity.table
        self._key = entity.table.c[entity.key]

    def add(self, item: T) -> T:
        row = to_row(self._entity, item)
        row["version"] = 1
        self._conn.execute(sa.insert(self._table).values(row))
        return self._load(row)

    def add_many(self, items: Sequence[T]) -> list[T]:
        """Store new records at version 1 with one batched INSERT.

        See :func:`insert_rows`. The records are returned without reading them back (the row
        mapping round-trips exactly: tests/integration/store/test_repository_contract.py).
        """
        rows = [{**to_row(self._entity, item), "version": 1} for item in items]
        insert_rows(self._conn, self._table, rows)
        return [
            item if getattr(item, "version", None) == 1 else dataclasses.replace(item, version=1)  # type: ignore[type-var]
            for item in items
        ]

    def get_many(self, ids: Iterable[str]) -> list[T]:
        """The stored records among ``ids``, by id, with one query (see :func:`any_of`)."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        query = sa.select(self._table).where(any_of(self._conn, self._key, wanted))
        query = query.order_by(self._key)
        return [self._load(row) for row in self._conn.execute(query).mappings()]

    def get(self, item_id: str) -> T:
        query = sa.select(self._table).where(self._key == item_id)
        row = self._conn.execute(query).mappings().first()
        if row is None:
            raise NotFoundError(self._name, item_id)
        return self._load(row)

    def update(self, item: T) -> T:
        row = to_row(self._entity, item)
        read_version = row.pop("version")
        item_id = row.pop(self._entity.key)
        result = self._conn.execute(
            sa.update(self._table)
            .where(self._key == item_id, self._table.c.version == read_version)
            .values(**row, version=read_version + 1)
        )
        if result.rowcount != 1:
            self.get(item_id)  # raises NotFoundError when the record does not exist at all
            raise StaleWriteError(self._name, item_id, read_version)
        return self.get(item_id)

    def find(self, **equals: Any) -> list[T]:
        query = sa.select(self._table)
        for field, value in equals.items():
            query = query.where(self._column_condition(field, value))
        rows = self._conn.execute(query.order_by(self._key)).mappings()
        return [self._load(row) for row in rows]

    def find_in(self, field: str, values: Iterable[Any]) -> list[T]:
        """The records whose ``field`` is one of ``values``, with one query (see :func:`any_of`).

        A tri-state field's missing reasons are not matched (:meth:`find` matches them).
        """
        given = list(values)
        if any(isinstance(v, Missing) for v in given):
            raise ValueError(f"find_in({field!r}) cannot match a missing value; use find")
        wanted = sorted({v.value if isinstance(v, enum.Enum) else v for v in given})
        if not wanted:
            return []
        query = sa.select(self._table).where(any_of(self._conn, self._table.c[field], wanted))
        rows = self._conn.execute(query.order_by(self._key)).mappings()
        return [self._load(row) for row in rows]

    def _column_condition(self, field: str, value: Any) -> sa.ColumnElement[bool]:
        if isinstance(value, Missing):
            condition: sa.ColumnElement[bool] = self._table.c[field + MISSING_SUFFIX] == value.value
            return condition
        if isinstance(value, enum.Enum):
            value = value.value
        condition = self._table.c[field] == value
        return condition

    def _load(self, row: Any) -> T:
        item: T = from_row(self._entity, row)
        return item


class SqlAuditLog:
    """The audit chain in ``audit_log``; appends are serialised so the chain never forks."""

    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection
        # The chain head (seq, hash) read under this transaction's lock: the PostgreSQL advisory
        # lock and SQLite's immediate transaction are held until commit or rollback, so no
        # other writer can append meanwhile and the head need not be read again.
        self._head: tuple[int, str] | None = None
        self._appended = False  # this transaction appended entries (see appended_head)

    def end_transaction(self) -> None:
        """Forget the chain head: the next append takes the lock and reads it again."""
        self._head = None
        self._appended = False

    def appended_head(self) -> tuple[int, str] | None:
        """The chain head this transaction appended up to, or None if it appended nothing."""
        return self._head if self._appended else None

    def head(self) -> tuple[int, str]:
        """The last entry's (seq, hash), read under the audit lock held to the transaction's end."""
        return self._chain_head()

    def _chain_head(self) -> tuple[int, str]:
        if self._head is None:
            if self._conn.dialect.name == "postgresql":
                self._conn.execute(sa.select(sa.func.pg_advisory_xact_lock(AUDIT_LOCK_KEY)))
            last = self._conn.execute(
                sa.select(audit_log.c.seq, audit_log.c.hash)
                .order_by(audit_log.c.seq.desc())
                .limit(1)
            ).first()
            self._head = (last[0], last[1]) if last else (0, GENESIS_HASH)
        return self._head

    def append(self, draft: AuditDraft) -> AuditEntry:
        return self.append_many([draft])[0]

    def append_many(self, drafts: Sequence[AuditDraft]) -> list[AuditEntry]:
        """Seal ``drafts`` in order under the lock and store them with one batched INSERT.

        The chain is computed in memory from the head read under the lock (see ``_chain_head``).
        """
        if not drafts:
            return []
        seq, prev_hash = self._chain_head()
        entries = []
        for draft in drafts:
            seq += 1
            entry = seal(draft, seq=seq, prev_hash=prev_hash)
            prev_hash = entry.hash
            entries.append(entry)
        insert_rows(self._conn, audit_log, [_audit_row(e) for e in entries])
        self._head = (seq, prev_hash)
        self._appended = True
        return entries

    def append_sealed(self, entries: Sequence[AuditEntry]) -> None:
        """Store entries the caller sealed after :meth:`head`, if they follow it (one INSERT)."""
        if not entries:
            return
        check_links(self._chain_head(), entries)
        insert_rows(self._conn, audit_log, [_audit_row(e) for e in entries])
        self._head = (entries[-1].seq, entries[-1].hash)
        self._appended = True

    def entries(self) -> Generator[AuditEntry, None, None]:
        query = sa.select(audit_log).order_by(audit_log.c.seq)
        # Per statement: Connection.execution_options() would change every later statement too.
        with self._conn.execute(query, execution_options={"yield_per": 1000}) as result:
            yield from (self._entry(row) for row in result.mappings())

    @staticmethod
    def _entry(row: Any) -> AuditEntry:
        return AuditEntry(
            seq=row["seq"],
            recorded_at=row["recorded_at"],
            actor=row["actor"],
            entity=row["entity"],
            entity_id=row["entity_id"],
            action=AuditAction(row["action"]),
            before=_json(row["before_json"]),
            after=_json(row["after_json"]),
            reason=row["reason"],
            prev_hash=row["prev_hash"],
            hash=row["hash"],
        )


def any_of(
    connection: sa.Connection, column: sa.Column[Any], values: list[Any]
) -> sa.ColumnElement[bool]:
    """``column`` equals one of ``values``.

    PostgreSQL gets ``column = ANY(:values)`` with the values as one array parameter: an
    ``IN (...)`` list has a placeholder per value, which SQLAlchemy renders and psycopg parses
    again for every list length (a few milliseconds per query of a few thousand ids). Other
    databases, and JSON columns (no array type), get ``IN (...)``.
    """
    if connection.dialect.name != "postgresql" or isinstance(column.type, sa.JSON):
        return column.in_(values)
    return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))


# From this many rows PostgreSQL gets COPY instead of an executemany. A chosen value, not a
# measured optimum: below it the pipelined executemany costs a few milliseconds at most.
COPY_MIN_ROWS = 50


def insert_rows(connection: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) in the caller's transaction.

    PostgreSQL gets ``COPY ... FROM STDIN`` from :data:`COPY_MIN_ROWS` rows (one statement
    streamed by psycopg, a fraction of the server work of a row-by-row INSERT; values pass through
    each column type's bind processor, as SQLAlchemy would, and integrity errors are raised as
    SQLAlchemy's ``IntegrityError``). Otherwise one executemany of a statement compiled once (a
    multi-row ``VALUES`` list would be compiled again for every batch size), sent by psycopg 3
    in pipeline mode, or run in-process by SQLite.
    """
    if not rows:
        return
    if connection.dialect.name != "postgresql" or len(rows) < COPY_MIN_ROWS:
        connection.execute(sa.insert(table), rows)
        return
    dialect = connection.dialect
    names = list(rows[0])
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    quote = dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    if not connection.in_transaction():
        connection.begin()
    driver = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(
                    [
                        value if process is None or value is None else process(value)
                        for process, value in zip(processors, (row[n] for n in names), strict=True)
                    ]
                )
    except psycopg.errors.IntegrityError as exc:
        raise sa.exc.IntegrityError(statement, None, exc) from exc


def _audit_row(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "recorded_at": entry.recorded_at,
        "actor": entry.actor,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "action": entry.action.value,
        "before_json": _text(entry.before, entry.before_json),
        "after_json": _text(entry.after, entry.after_json),
        "reason": entry.reason,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _text(value: dict[str, Any] | None, sealed: str | None) -> str | None:
    """The canonical JSON of an audit value: as sealed when the entry kept it."""
    if value is None:
        return None
    return sealed if sealed is not None else canonical_json(value)


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class SqlUnitOfWork(StoredRepositories):
    """One database transaction; leaving the block without ``commit`` rolls it back.

    The connection begins its transaction at the first statement (SQLAlchemy autobegin), so a
    SQLite write lock is held only while work is being done. ``on_audit_commit`` is called with
    the chain head after each commit that appended audit entries (the audit anchor's
    checkpoint: docs/adr/0005-audit-anchor.md).
    """

    audit: AuditLog

    def __init__(
        self,
        engine: sa.Engine,
        on_audit_commit: Callable[[tuple[int, str]], None] | None = None,
    ) -> None:
        self._engine = engine
        self._conn: sa.Connection | None = None
        self._on_audit_commit = on_audit_commit

    def __enter__(self) -> Self:
        self._conn = self._engine.connect()
        for name, entity in ENTITIES.items():
            setattr(self, name, SqlRepository[Any](self._conn, entity, entity.label))
        self._audit_log = SqlAuditLog(self._conn)
        self.audit = self._audit_log
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._conn is None:
            return
        try:
            self._conn.rollback()
        finally:
            self._conn.close()
            self._conn = None

    def commit(self) -> None:
        head = self._audit_log.appended_head()
        try:
            self._connection().commit()
        finally:
            self._audit_log.end_transaction()
        if head is not None and self._on_audit_commit is not None:
            self._on_audit_commit(head)

    def rollback(self) -> None:
        try:
            self._connection().rollback()
        finally:
            self._audit_log.end_transaction()

    def _connection(self) -> sa.Connection:
        if self._conn is None:
            raise RuntimeError("the unit of work is used outside its 'with' block")
        return self._conn
