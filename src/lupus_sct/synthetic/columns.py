"""The columns of each synthetic table: the data model's tables, derived from the dataclasses.

Notes
-----
The rules are those of ``lupus_sct.store.schema`` (which the services may not import): a scalar
field is one column, a tri-state field (``X | Missing``) is a value column plus
``<name>_missing``, and collections or nested records are one JSON column. A test checks that
these columns equal the store's tables, so the Parquet files always mirror the database.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from lupus_sct.domain.missing import Missing
from lupus_sct.domain.pathway.course import CourseEvent, TherapyCourse
from lupus_sct.domain.pathway.phases import PhaseChange
from lupus_sct.domain.records.adverse_events import AdverseEvent, GvhdEpisode, Infection
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import Diagnosis
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.outcomes import OutcomeEvent
from lupus_sct.domain.records.people import Centre, Patient, PatientIdentity
from lupus_sct.domain.records.transfusions import Transfusion
from lupus_sct.domain.records.workup import WorkupFinding

MISSING_SUFFIX = "_missing"  # as lupus_sct.store.schema.MISSING_SUFFIX
_SCALARS = (str, int, float, bool, date, datetime)


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, the field it stores and how ("scalar", "tristate", "missing", "json").

    ``python_type`` is the scalar type (``str`` for enums and ids) or ``None`` for JSON.
    """

    name: str
    field: str
    kind: str
    python_type: type | None
    nullable: bool


@dataclasses.dataclass(frozen=True, slots=True)
class TableLayout:
    """A synthetic table: the ENTITIES key, the database table name, the record class, columns."""

    key: str
    table_name: str
    cls: type
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in table order."""
        return tuple(c.name for c in self.columns)


def _scalar(annotation: Any) -> type | None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return str
    return annotation if annotation in _SCALARS else None


def _columns_of(name: str, annotation: Any) -> list[Column]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(arms) < len(typing.get_args(annotation))
        if Missing in arms:
            rest = [a for a in arms if a is not Missing]
            scalar = _scalar(rest[0]) if len(rest) == 1 else None
            if scalar is not None:
                return [
                    Column(name, name, "tristate", scalar, True),
                    Column(name + MISSING_SUFFIX, name, "missing", str, True),
                ]
            return [Column(name, name, "json", None, nullable)]
        scalar = _scalar(arms[0]) if len(arms) == 1 else None
        if scalar is not None:
            return [Column(name, name, "scalar", scalar, nullable)]
        return [Column(name, name, "json", None, nullable)]
    scalar = _scalar(annotation)
    if scalar is not None:
        return [Column(name, name, "scalar", scalar, False)]
    return [Column(name, name, "json", None, False)]


def _layout(key: str, table_name: str, cls: type) -> TableLayout:
    hints = typing.get_type_hints(cls)
    columns: list[Column] = []
    for field in dataclasses.fields(cls):
        columns.extend(_columns_of(field.name, hints[field.name]))
    return TableLayout(key, table_name, cls, tuple(columns))


TABLES: Mapping[str, TableLayout] = MappingProxyType(
    {
        layout.key: layout
        for layout in (
            _layout("centres", "centre", Centre),
            _layout("patients", "patient", Patient),
            _layout("identities", "patient_identity", PatientIdentity),
            _layout("diagnoses", "diagnosis", Diagnosis),
            _layout("assessments", "assessment", Assessment),
            _layout("labs", "lab_result", LabResult),
            _layout("medications", "medication_exposure", MedicationExposure),
            _layout("courses", "course", TherapyCourse),
            _layout("course_events", "course_event", CourseEvent),
            _layout("adverse_events", "adverse_event", AdverseEvent),
            _layout("infections", "infection", Infection),
            _layout("gvhd_episodes", "gvhd_episode", GvhdEpisode),
            _layout("outcomes", "outcome_event", OutcomeEvent),
            _layout("workup_findings", "workup_finding", WorkupFinding),
            _layout("transfusions", "transfusion", Transfusion),
            _layout("phase_changes", "phase_change", PhaseChange),
        )
    }
)
"""Every table the generator fills, keyed as ``lupus_sct.store.schema.ENTITIES``.

Users are made by the demo through the accounts service (passwords are never generated into
files) and follow-up timepoints are derived from the protocols, so neither is generated.
"""

ID_TAGS: Mapping[str, str] = MappingProxyType(
    {
        "centres": "centre",
        "patients": "p",
        "diagnoses": "dx",
        "assessments": "a",
        "labs": "l",
        "medications": "m",
        "courses": "c",
        "course_events": "e",
        "adverse_events": "ae",
        "infections": "inf",
        "gvhd_episodes": "g",
        "outcomes": "o",
        "workup_findings": "w",
        "transfusions": "t",
        "phase_changes": "ph",
    }
)
"""The tag in the id of each table's rows: ``syn<seed>-<tag>-<number>``."""

REFERENCE_TAGS: Mapping[str, str] = MappingProxyType(
    {"centre_id": "centre", "patient_id": "p", "course_id": "c"}
)
"""The tag of the table each foreign-key column points to."""


def id_columns(layout: TableLayout) -> dict[str, str]:
    """The columns of ``layout`` that hold ids (as integers in a chunk), with their tag."""
    tags = {name: tag for name, tag in REFERENCE_TAGS.items() if name in layout.column_names}
    if layout.key in ID_TAGS:
        tags["id"] = ID_TAGS[layout.key]
    return tags


def format_id(seed: int, tag: str, number: int) -> str:
    """The string id of row ``number`` of a table with ``tag``."""
    return f"syn{seed}-{tag}-{number}"
