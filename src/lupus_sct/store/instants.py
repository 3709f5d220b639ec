"""Instants stored in UTC on every database: a column type and the same rule for the fake store.

Notes
-----
SQLite has no time-zone type: SQLAlchemy's ``DateTime(timezone=True)`` writes the wall-clock
digits and drops the offset, so ``10:30+01:00`` used to come back as ``10:30Z`` (issue #15,
finding 13). :class:`UtcDateTime` converts every aware value to UTC before it is bound (SQLite
then holds UTC digits, as every row written with a UTC time already did) and attaches UTC to
what is read. PostgreSQL keeps ``timestamptz``, which stores the instant; the value read is
converted to UTC whatever the session's ``TimeZone``. A time without an offset is not an
instant and is refused (the domain and API refuse it first; this is the last line).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa

R = TypeVar("R")


class NaiveInstantError(ValueError):
    """A datetime without a UTC offset reached the store."""

    def __init__(self, value: datetime) -> None:
        super().__init__(f"{value.isoformat()} has no UTC offset; an instant needs one")


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that binds UTC and reads back aware UTC on every dialect."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        utc = as_utc(value)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: the digits are UTC (see the module Notes)
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """The same instant with offset zero; :class:`NaiveInstantError` without an offset."""
    if value.utcoffset() is None:
        raise NaiveInstantError(value)
    return value.astimezone(UTC)


def with_utc_instants(item: R) -> R:
    """A dataclass record with each datetime field as the same instant in UTC (the fake store)."""
    changes = {
        field.name: as_utc(value)
        for field in dataclasses.fields(item)  # type: ignore[arg-type]
        if isinstance(value := getattr(item, field.name), datetime)
        and value.utcoffset() != timedelta(0)
    }
    return dataclasses.replace(item, **changes) if changes else item  # type: ignore[type-var]
