"""Turn generated rows into domain records, through the constructors that validate user input.

Notes
-----
A row is read as the store reads one (tri-state columns joined, JSON decoded) and built with
:func:`lupus_sct.services.record_codec.from_record`, which calls the dataclass constructor, so a
generated record passes exactly the validation an entered one does. Records are grouped by
patient, in the order the loader replays them.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

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
from lupus_sct.services.record_codec import from_record
from lupus_sct.synthetic.columns import TABLES, TableLayout, format_id, id_columns
from lupus_sct.synthetic.generator import centre_rows
from lupus_sct.synthetic.tables import SyntheticChunk


@dataclasses.dataclass
class CourseRecords:
    """A course with everything recorded against it."""

    course: TherapyCourse
    events: list[CourseEvent] = dataclasses.field(default_factory=list)
    phase_changes: list[PhaseChange] = dataclasses.field(default_factory=list)
    adverse_events: list[AdverseEvent] = dataclasses.field(default_factory=list)
    infections: list[Infection] = dataclasses.field(default_factory=list)
    gvhd_episodes: list[GvhdEpisode] = dataclasses.field(default_factory=list)
    transfusions: list[Transfusion] = dataclasses.field(default_factory=list)
    outcomes: list[OutcomeEvent] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class PatientRecords:
    """One synthetic patient's validated records."""

    patient: Patient
    identity: PatientIdentity
    diagnoses: list[Diagnosis] = dataclasses.field(default_factory=list)
    assessments: list[Assessment] = dataclasses.field(default_factory=list)
    labs: list[LabResult] = dataclasses.field(default_factory=list)
    medications: list[MedicationExposure] = dataclasses.field(default_factory=list)
    workup_findings: list[WorkupFinding] = dataclasses.field(default_factory=list)
    courses: list[CourseRecords] = dataclasses.field(default_factory=list)

    def count(self) -> int:
        """Records of this patient (the patient and identity included)."""
        own = 2 + sum(
            len(x)
            for x in (
                self.diagnoses,
                self.assessments,
                self.labs,
                self.medications,
                self.workup_findings,
            )
        )
        return own + sum(
            1 + sum(len(v) for k, v in vars(c).items() if k != "course") for c in self.courses
        )


def _python(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    return value


def table_rows(chunk: SyntheticChunk, key: str) -> Iterator[dict[str, Any]]:
    """The rows of one table as column -> Python value (ids formatted, NaN/NaT as None)."""
    layout = TABLES[key]
    columns = chunk.tables[key]
    ids = id_columns(layout)
    lists: dict[str, list[Any]] = {}
    for name, values in columns.items():
        if name in ids:
            tag = ids[name]
            lists[name] = [
                None if v < 0 else format_id(chunk.seed, tag, v) for v in values.tolist()
            ]
        else:
            lists[name] = [_python(v) for v in values.tolist()]
    names = list(lists)
    for row in zip(*lists.values(), strict=True):
        yield dict(zip(names, row, strict=True))


def record_of(layout: TableLayout, row: dict[str, Any]) -> Any:
    """The domain record of one row; the constructor validates it."""
    data: dict[str, Any] = {}
    for column in layout.columns:
        value = row[column.name]
        if column.kind == "missing":
            continue
        if column.kind == "tristate":
            reason = row[column.name + "_missing"]
            data[column.field] = {"missing": reason} if reason is not None else value
        elif column.kind == "json":
            data[column.field] = None if value is None else json.loads(value)
        else:
            data[column.field] = value
    return from_record(layout.cls, data)


def records(chunk: SyntheticChunk, key: str) -> Iterator[Any]:
    """Every record of one table of a chunk."""
    layout = TABLES[key]
    for row in table_rows(chunk, key):
        yield record_of(layout, row)


def synthetic_centres(seed: int, n_centres: int) -> list[Centre]:
    """The centres of a synthetic cohort (the rows block 0 carries), as records."""
    return [
        Centre(id=format_id(seed, "centre", number), code=code, name=name, country=country)
        for number, code, name, country in centre_rows(n_centres)
    ]


_PATIENT_LISTS = ("diagnoses", "assessments", "labs", "medications", "workup_findings")
_COURSE_LISTS = (
    ("course_events", "events"),
    ("phase_changes", "phase_changes"),
    ("adverse_events", "adverse_events"),
    ("infections", "infections"),
    ("gvhd_episodes", "gvhd_episodes"),
    ("transfusions", "transfusions"),
    ("outcomes", "outcomes"),
)


def patient_records(chunk: SyntheticChunk) -> list[PatientRecords]:
    """Every patient of a chunk with all their records, validated."""
    identities = {i.patient_id: i for i in records(chunk, "identities")}
    patients = {p.id: PatientRecords(p, identities[p.id]) for p in records(chunk, "patients")}
    for key in _PATIENT_LISTS:
        for item in records(chunk, key):
            getattr(patients[item.patient_id], key).append(item)
    courses: dict[str, CourseRecords] = {}
    for course in records(chunk, "courses"):
        courses[course.id] = CourseRecords(course)
        patients[course.patient_id].courses.append(courses[course.id])
    by_course: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for key, attribute in _COURSE_LISTS:
        for item in records(chunk, key):
            by_course[item.course_id][attribute].append(item)
    for course_id, lists in by_course.items():
        for attribute, items in lists.items():
            getattr(courses[course_id], attribute).extend(items)
    return list(patients.values())
