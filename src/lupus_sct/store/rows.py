"""Translation between domain records and table rows, following the plans in :mod:`schema`."""

from __future__ import annotations

import dataclasses
import enum
from datetime import UTC, datetime
from typing import Any

from lupus_sct.domain.missing import Missing
from lupus_sct.services.record_codec import from_record, to_record
from lupus_sct.store.schema import MISSING_SUFFIX, EntityTable


def to_row(entity: EntityTable, item: Any) -> dict[str, Any]:
    """Column values for a domain record."""
    row: dict[str, Any] = {}
    for plan in entity.plans:
        value = getattr(item, plan.field)
        if plan.kind == "json":
            row[plan.field] = to_record(value)
        elif plan.kind == "tristate":
            missing = isinstance(value, Missing)
            row[plan.field] = None if missing else _scalar(value)
            row[plan.field + MISSING_SUFFIX] = value.value if missing else None
        else:
            row[plan.field] = _scalar(value)
    return row


def from_row(entity: EntityTable, row: Any) -> Any:
    """The domain record stored in a row (a SQLAlchemy ``RowMapping`` or a dict)."""
    record: dict[str, Any] = {}
    for plan in entity.plans:
        if plan.kind == "tristate":
            reason = row[plan.field + MISSING_SUFFIX]
            record[plan.field] = {"missing": reason} if reason is not None else row[plan.field]
        else:
            record[plan.field] = row[plan.field]
    item: Any = from_record(entity.cls, record)
    return _normalise_times(item, entity)


def _scalar(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value._value_  # what ``.value`` returns, without the property's cost
    return value


def _normalise_times(item: Any, entity: EntityTable) -> Any:
    # SQLite returns naive datetimes; every stored time is UTC, so the zone is put back.
    changes = {
        plan.field: value.replace(tzinfo=UTC)
        for plan in entity.plans
        if isinstance(value := getattr(item, plan.field), datetime) and value.tzinfo is None
    }
    return dataclasses.replace(item, **changes) if changes else item
