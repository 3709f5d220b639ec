"""SQLAlchemy tables derived from the domain dataclasses.

Notes
-----
Each scalar field becomes a column of its own type; a tri-state field (``X | Missing``) becomes a
nullable value column plus ``<name>_missing`` holding "not_evaluated" or "unknown"; collections
and nested records become JSON columns written by :mod:`lupus_sct.services.record_codec`. Direct
identifiers live in ``patient_identity`` only. The audit log stores its JSON as text so the
hashed bytes survive any database's JSON normalisation. The entities and their tables are
declared once, in :mod:`lupus_sct.services.stored_entities`. Alembic migrations create these
tables; a test compares the migrated schema with this metadata.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from lupus_sct.domain.missing import Missing
from lupus_sct.services.stored_entities import STORED_ENTITIES
from lupus_sct.store.instants import UtcDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
MISSING_SUFFIX = "_missing"


@dataclasses.dataclass(frozen=True)
class ColumnPlan:
    """How one dataclass field is stored."""

    field: str
    kind: str  # "scalar", "tristate" or "json"
    python_type: Any


@dataclasses.dataclass(frozen=True)
class EntityTable:
    """A dataclass and the table that stores it."""

    cls: type
    table: sa.Table
    key: str
    plans: tuple[ColumnPlan, ...]

    @property
    def label(self) -> str:
        """The entity's name in messages ("lab result")."""
        return self.table.name.removeprefix("app_").replace("_", " ")


_REFERENCES = {
    "centre_id": "centre.id",
    "patient_id": "patient.id",
    "course_id": "course.id",
}
_UNIQUE = {("centre", "code"), ("app_user", "username"), ("patient", "pseudonym")}


def _scalar_type(annotation: Any) -> sa.types.TypeEngine[Any] | None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return sa.String(40)
    simple: dict[Any, sa.types.TypeEngine[Any]] = {
        str: sa.Text(),
        int: sa.Integer(),
        float: sa.Float(),
        bool: sa.Boolean(),
        date: sa.Date(),
        datetime: UtcDateTime(),
    }
    return simple.get(annotation)


def _plan(name: str, annotation: Any) -> tuple[ColumnPlan, bool]:
    """Column plan and nullability of a field."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(arms) < len(typing.get_args(annotation))
        if Missing in arms:
            rest = [a for a in arms if a is not Missing]
            if len(rest) == 1 and _scalar_type(rest[0]) is not None:
                return ColumnPlan(name, "tristate", rest[0]), True
            return ColumnPlan(name, "json", annotation), nullable
        if len(arms) == 1 and _scalar_type(arms[0]) is not None:
            return ColumnPlan(name, "scalar", arms[0]), nullable
        return ColumnPlan(name, "json", annotation), nullable
    if _scalar_type(annotation) is not None:
        return ColumnPlan(name, "scalar", annotation), False
    return ColumnPlan(name, "json", annotation), False


def _entity_table(table_name: str, cls: type, key: str = "id") -> EntityTable:
    hints = typing.get_type_hints(cls)
    columns: list[sa.Column[Any]] = []
    plans = []
    for field in dataclasses.fields(cls):
        plan, nullable = _plan(field.name, hints[field.name])
        plans.append(plan)
        is_key = field.name == key
        args: list[Any] = []
        if field.name in _REFERENCES and not is_key:
            args.append(sa.ForeignKey(_REFERENCES[field.name]))
        if plan.kind == "json":
            columns.append(sa.Column(field.name, sa.JSON(), nullable=nullable))
            continue
        col_type = _scalar_type(plan.python_type)
        if is_key or field.name.endswith("_id"):
            col_type = sa.String(64)
        columns.append(
            sa.Column(
                field.name,
                col_type,
                *args,
                primary_key=is_key,
                nullable=nullable,
                index=field.name.endswith("_id") and not is_key,
                unique=(table_name, field.name) in _UNIQUE,
            )
        )
        if plan.kind == "tristate":
            columns.append(sa.Column(field.name + MISSING_SUFFIX, sa.String(20), nullable=True))
    table = sa.Table(table_name, metadata, *columns)
    return EntityTable(cls, table, key, tuple(plans))


ENTITIES: dict[str, EntityTable] = {
    entity.name: _entity_table(entity.table, entity.record, entity.key)
    for entity in STORED_ENTITIES
}
"""The table of each stored entity, by repository name, derived from its one declaration."""

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("entity_id", sa.String(64), nullable=False, index=True),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("before_json", sa.Text(), nullable=True),
    sa.Column("after_json", sa.Text(), nullable=True),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
)
