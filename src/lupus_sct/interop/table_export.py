"""Tidy tables: one per entity, keyed by patient, course and timepoint, with days since day 0.

Notes
-----
Each table has one row per record and one column per field (Wickham H. Tidy data. J Stat Softw
2014;59(10), doi:10.18637/jss.v059.i10). The key columns come first: ``patient_id``,
``course_id``, ``days_since_day0`` and ``timepoint``, then the record's own fields.

- A record that names its course (course events, adverse events, outcomes...) keeps it. Any other
  dated record is given the patient's course in force on its date: the latest course started on
  or before that date, or the patient's first course when the record is older than every course
  (a baseline result). A patient without a course has no ``course_id``.
- ``days_since_day0`` is :func:`~lupus_sct.domain.pathway.course.day_number` of the record's date
  against
  that course's day 0 (negative before the infusion, no "-0"); empty while the course has no day 0.
- ``timepoint`` is the label of the course's follow-up timepoint whose window (inclusive) holds
  that day; the nearest target wins when windows overlap; empty when none does.
- A tri-state field is two columns: the value and ``<field>_missing`` ("not_evaluated" or
  "unknown"), so "not evaluated" is never read as 0 or as an empty value. Nested values (SLEDAI-2K
  descriptors, BILAG grades, event details) are canonical JSON text.
- Labs add ``value_canonical`` and ``canonical_unit``
  (:func:`~lupus_sct.domain.records.labs.canonical_value`); medications add
  ``prednisone_equivalent_mg_per_day``.

Direct identifiers (the ``patient_identity`` table) are never read; the patients table keeps the
pseudonym and the birth date, so these tables are identifiable: use :mod:`.deidentify` for
research.
"""

from __future__ import annotations

import bisect
import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from lupus_sct.domain.missing import Missing
from lupus_sct.domain.pathway.course import CourseEvent, TherapyCourse, day_number
from lupus_sct.domain.records.adverse_events import AdverseEvent, GvhdEpisode, Infection
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import Diagnosis
from lupus_sct.domain.records.labs import LabResult, canonical_value, lab_test
from lupus_sct.domain.records.medications import (
    MedicationExposure,
    prednisone_equivalent_mg_per_day,
)
from lupus_sct.domain.records.outcomes import FollowUpTimepoint, OutcomeEvent
from lupus_sct.domain.records.people import Patient
from lupus_sct.domain.records.transfusions import Transfusion
from lupus_sct.domain.records.workup import WorkupFinding
from lupus_sct.interop.spreadsheet_safe import neutralise_frame
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.record_codec import canonical_json, to_record

FORMATS = ("csv", "parquet")
KEY_COLUMNS = ("patient_id", "course_id", "days_since_day0", "timepoint")
MISSING_SUFFIX = "_missing"
_DTYPES: dict[Any, pl.DataType] = {
    str: pl.Utf8(),
    int: pl.Int64(),
    float: pl.Float64(),
    bool: pl.Boolean(),
    date: pl.Date(),
    datetime: pl.Datetime("us", "UTC"),
}


@dataclasses.dataclass(frozen=True, slots=True)
class TableSpec:
    """One exported entity: where it is read and which of its fields dates it."""

    repo: str
    cls: type
    date_field: str | None


TABLES: dict[str, TableSpec] = {
    "patients": TableSpec("patients", Patient, None),
    "diagnoses": TableSpec("diagnoses", Diagnosis, "onset_date"),
    "courses": TableSpec("courses", TherapyCourse, "start_date"),
    "course_events": TableSpec("course_events", CourseEvent, "event_date"),
    "follow_ups": TableSpec("follow_ups", FollowUpTimepoint, None),
    "assessments": TableSpec("assessments", Assessment, "visit_date"),
    "labs": TableSpec("labs", LabResult, "collected_at"),
    "medications": TableSpec("medications", MedicationExposure, "start_date"),
    "adverse_events": TableSpec("adverse_events", AdverseEvent, "onset_date"),
    "infections": TableSpec("infections", Infection, "onset_date"),
    "gvhd_episodes": TableSpec("gvhd_episodes", GvhdEpisode, "onset_date"),
    "outcomes": TableSpec("outcomes", OutcomeEvent, "event_date"),
    "transfusions": TableSpec("transfusions", Transfusion, "given_on"),
    "workup_findings": TableSpec("workup_findings", WorkupFinding, "observed_on"),
}
_EXTRA_COLUMNS: dict[str, dict[str, tuple[pl.DataType, Callable[[Any], Any]]]] = {
    "labs": {
        "value_canonical": (pl.Float64(), canonical_value),
        "canonical_unit": (pl.Utf8(), lambda lab: lab_test(lab.loinc_code).canonical_unit),
    },
    "medications": {
        "prednisone_equivalent_mg_per_day": (pl.Float64(), prednisone_equivalent_mg_per_day),
    },
}


@dataclasses.dataclass(frozen=True, slots=True)
class _Column:
    name: str
    kind: str  # "scalar", "tristate" or "json"
    dtype: pl.DataType


def record_columns(cls: type) -> list[_Column]:
    """The columns of a dataclass, following the store's plan (value + ``_missing``, JSON)."""
    hints = typing.get_type_hints(cls)
    columns = []
    for field in dataclasses.fields(cls):
        if field.name == "version":
            continue
        columns += _field_columns(field.name, hints[field.name])
    return columns


def _field_columns(name: str, annotation: Any) -> list[_Column]:
    arms: tuple[Any, ...] = (annotation,)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        arms = tuple(a for a in typing.get_args(annotation) if a is not type(None))
    tristate = Missing in arms
    rest = [a for a in arms if a is not Missing]
    dtype = _scalar_dtype(rest[0]) if len(rest) == 1 else None
    if dtype is None:
        return [_Column(name, "json", pl.Utf8())]
    if tristate:
        return [
            _Column(name, "tristate", dtype),
            _Column(name + MISSING_SUFFIX, "missing", pl.Utf8()),
        ]
    return [_Column(name, "scalar", dtype)]


def _scalar_dtype(annotation: Any) -> pl.DataType | None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return pl.Utf8()
    return _DTYPES.get(annotation)


def record_row(item: Any, columns: list[_Column]) -> dict[str, Any]:
    """One record as column values (enumerations as their values, nested values as JSON)."""
    row: dict[str, Any] = {}
    for column in columns:
        if column.kind == "missing":
            continue
        value = getattr(item, column.name)
        if column.kind == "json":
            row[column.name] = canonical_json(to_record(value))
        elif column.kind == "tristate":
            missing = isinstance(value, Missing)
            row[column.name] = None if missing else _scalar(value)
            row[column.name + MISSING_SUFFIX] = value.value if missing else None
        else:
            row[column.name] = _scalar(value)
    return row


def _scalar(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


class _Courses:
    """Each patient's courses in start order, and each course's follow-up windows."""

    def __init__(self, courses: list[TherapyCourse], follow_ups: list[FollowUpTimepoint]) -> None:
        self.by_id = {c.id: c for c in courses}
        self._by_patient: dict[str, list[TherapyCourse]] = {}
        for course in sorted(courses, key=lambda c: (c.start_date, c.id)):
            self._by_patient.setdefault(course.patient_id, []).append(course)
        self._starts = {p: [c.start_date for c in cs] for p, cs in self._by_patient.items()}
        self._windows: dict[str, list[FollowUpTimepoint]] = {}
        for timepoint in follow_ups:
            self._windows.setdefault(timepoint.course_id, []).append(timepoint)

    def in_force(self, patient_id: str, day: date) -> TherapyCourse | None:
        courses = self._by_patient.get(patient_id)
        if not courses:
            return None
        index = bisect.bisect_right(self._starts[patient_id], day) - 1
        return courses[max(index, 0)]

    def timepoint(self, course_id: str, day: int) -> str | None:
        holding = [
            t
            for t in self._windows.get(course_id, [])
            if t.target_day - t.window_before_days <= day <= t.target_day + t.window_after_days
        ]
        if not holding:
            return None
        return min(holding, key=lambda t: (abs(t.target_day - day), t.target_day)).label


TABLE_SOURCES: tuple[str, ...] = ("centres", *(t.repo for t in TABLES.values()))
"""The repositories :func:`tidy_tables` reads (``read_stored_records(uow, TABLE_SOURCES)``)."""


def tidy_tables(
    records: Mapping[str, Sequence[Any]], *, centre_code: str | None = None
) -> dict[str, pl.DataFrame]:
    """Every table of :data:`TABLES`, from the stored records of :data:`TABLE_SOURCES`."""
    patients = _patients(records, centre_code)
    courses = [c for c in records["courses"] if c.patient_id in patients]
    follow_ups = [f for f in records["follow_ups"] if f.course_id in {c.id for c in courses}]
    index = _Courses(courses, follow_ups)
    centres = {c.id: c.code for c in records["centres"]}
    tables: dict[str, pl.DataFrame] = {}
    for name, spec in TABLES.items():
        items = [item for item in records[spec.repo] if _patient_of(item, index) in patients]
        tables[name] = _frame(name, spec, items, index)
    codes = [centres.get(c) for c in tables["patients"]["centre_id"]]
    tables["patients"] = tables["patients"].with_columns(
        pl.Series("centre_code", codes, dtype=pl.Utf8())
    )
    return tables


def _patients(records: Mapping[str, Sequence[Any]], centre_code: str | None) -> set[str]:
    if centre_code is None:
        return {p.id for p in records["patients"]}
    centres = [c for c in records["centres"] if c.code == centre_code]
    if not centres:
        raise NotFoundError("centre with code", centre_code)
    return {p.id for p in records["patients"] if p.centre_id == centres[0].id}


def _patient_of(item: Any, index: _Courses) -> str | None:
    if isinstance(item, Patient):
        return item.id
    if hasattr(item, "patient_id"):
        return str(item.patient_id)
    course = index.by_id.get(item.course_id)
    return course.patient_id if course else None


def _frame(name: str, spec: TableSpec, items: list[Any], index: _Courses) -> pl.DataFrame:
    columns = record_columns(spec.cls)
    extras = _EXTRA_COLUMNS.get(name, {})
    keyed = name != "patients"
    schema: dict[str, pl.DataType] = {}
    if keyed:
        schema |= {
            "patient_id": pl.Utf8(),
            "course_id": pl.Utf8(),
            "days_since_day0": pl.Int64(),
            "timepoint": pl.Utf8(),
        }
    schema |= {c.name: c.dtype for c in columns if c.name not in schema}
    schema |= {column: dtype for column, (dtype, _) in extras.items()}
    rows = []
    for item in sorted(
        items, key=lambda i: (_patient_of(i, index) or "", _sort_day(i, spec), i.id)
    ):
        row = record_row(item, columns)
        if keyed:
            row |= _keys(item, spec, index)
        row |= {column: compute(item) for column, (_, compute) in extras.items()}
        rows.append(row)
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _sort_day(item: Any, spec: TableSpec) -> date:
    return _day_of(item, spec) or date.min


def _day_of(item: Any, spec: TableSpec) -> date | None:
    if spec.date_field is None:
        return None
    value = getattr(item, spec.date_field)
    return value.date() if isinstance(value, datetime) else value


def _keys(item: Any, spec: TableSpec, index: _Courses) -> dict[str, Any]:
    patient_id = _patient_of(item, index)
    if isinstance(item, FollowUpTimepoint):
        return {
            "patient_id": patient_id,
            "course_id": item.course_id,
            "days_since_day0": item.target_day,
            "timepoint": item.label,
        }
    day = _day_of(item, spec)
    course = _course_of(item, patient_id, day, index)
    days = day_number(course.day0, day) if course and course.day0 and day else None
    return {
        "patient_id": patient_id,
        "course_id": course.id if course else None,
        "days_since_day0": days,
        "timepoint": index.timepoint(course.id, days) if course and days is not None else None,
    }


def _course_of(
    item: Any, patient_id: str | None, day: date | None, index: _Courses
) -> TherapyCourse | None:
    if isinstance(item, TherapyCourse):
        return item
    course_id = getattr(item, "course_id", None)
    if course_id is not None:
        return index.by_id.get(course_id)
    if patient_id is None or day is None:
        return None
    return index.in_force(patient_id, day)


def write_tables(tables: dict[str, pl.DataFrame], out_dir: Path, fmt: str = "csv") -> list[Path]:
    """Write one file per table (``<name>.csv`` or ``<name>.parquet``); return the paths."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            neutralise_frame(frame).write_csv(path)  # opened in spreadsheets: no live formulas
        else:
            frame.write_parquet(path)
        written.append(path)
    return written
