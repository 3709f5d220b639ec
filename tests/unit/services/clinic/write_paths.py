"""The records every write path starts from, and how each path's refusal is read.

Shared by the write-check tests of this folder (issue #16): a use case raises, the table and FHIR
imports report. All data are synthetic.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.pathway.course import Apheresis, CourseEvent, CourseKind, EventKind
from lupus_sct.domain.records.adverse_events import AdverseEvent, Attribution
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Disease
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route
from lupus_sct.domain.records.people import Patient, Sex
from lupus_sct.interop.fhir import import_bundle
from lupus_sct.services.clinic import clinical_records, courses, patients, record_updates
from lupus_sct.services.errors import ServiceError
from lupus_sct.services.imports.table_import import TableRow, import_rows
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient

__all__ = ["ACTOR", "NOW"]

BIRTH = date(1990, 4, 12)  # support.seed_patient's birth date
TODAY = NOW.date()  # 2026-06-01
BETWEEN_BIRTH_AND_TODAY = f"a date between birth ({BIRTH.isoformat()}) and today ({TODAY})"
BEFORE_BIRTH = date(1980, 1, 1)
TOMORROW = date(2026, 6, 2)
REASON = "keying error"

Path = Callable[[MemoryUnitOfWork, Any], str]


@dataclasses.dataclass(frozen=True)
class Seeded:
    """Ids of the committed records every path starts from."""

    database: MemoryDatabase
    patient: Patient  # born 1990-04-12, hospital number H0000001, with everything below
    other: Patient  # a second patient of the same centre (H0000002), with a course of its own
    bare: Patient  # a third patient without an identity
    course_id: str
    other_course_id: str
    allogeneic_course_id: str


def seed_records() -> Seeded:
    """Three patients of centre NWU, three courses and one stored record of each kind."""
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        centre = seed_centre(uow)
        patient = seed_patient(uow, centre)
        other = seed_patient(uow, centre)
        bare = patients.enrol_patient(
            uow, centre_id=centre.id, sex=Sex.MALE, birth_date=BIRTH, by=ACTOR, now=NOW
        )
        course = _start(uow, patient.id, CourseKind.AUTOLOGOUS_HSCT)
        other_course = _start(uow, other.id, CourseKind.AUTOLOGOUS_HSCT)
        allogeneic = _start(uow, patient.id, CourseKind.ALLOGENEIC_HSCT)
        _store_one_of_each(uow, patient.id, course.id)
        uow.commit()
    return Seeded(database, patient, other, bare, course.id, other_course.id, allogeneic.id)


def _start(uow: MemoryUnitOfWork, patient_id: str, kind: CourseKind) -> Any:
    return courses.start_course(
        uow,
        patient_id=patient_id,
        kind=kind,
        protocol_id="auto-hsct-sle",
        start_date=date(2026, 1, 5),
        by=ACTOR,
        now=NOW,
    )


def _store_one_of_each(uow: MemoryUnitOfWork, patient_id: str, course_id: str) -> None:
    at = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
    clinical_records.record_lab(
        uow, LabResult("lab-1", patient_id, "718-7", 11.0, "g/dL", at), by=ACTOR, now=NOW
    )
    visit = Assessment("visit-1", patient_id, date(2026, 3, 8), sledai_descriptors=(), pga=0.0)
    clinical_records.record_assessment(uow, visit, by=ACTOR, now=NOW)
    clinical_records.record_medication(uow, _prednisone(patient_id), by=ACTOR, now=NOW)
    adverse = AdverseEvent(
        "ae-1",
        patient_id,
        course_id,
        "Febrile neutropenia",
        3,
        date(2026, 2, 10),
        True,
        Attribution.PROBABLE,
    )
    clinical_records.record_adverse_event(uow, adverse, by=ACTOR, now=NOW)
    patients.record_diagnosis(
        uow,
        patient_id=patient_id,
        disease=Disease.SLE,
        icd10_code="M32.14",
        snomed_code="55464009",
        onset_date=date(2019, 5, 1),
        criteria_met=(ClassificationCriteria.EULAR_ACR_2019,),
        by=ACTOR,
        now=NOW,
    )
    harvest = Apheresis(cd34_x10e6_per_kg=4.2)  # a Procedure in FHIR, as a consent is not
    event = CourseEvent("event-1", course_id, EventKind.APHERESIS, date(2026, 1, 20), harvest)
    record_updates.add_course_event(uow, event, by=ACTOR, now=NOW)


def _prednisone(patient_id: str) -> MedicationExposure:
    return MedicationExposure(
        "med-1",
        patient_id,
        "prednisone",
        "8640",  # RxCUI of prednisone, in the drug catalogue (domain/records/medications.py)
        DrugClass.GLUCOCORTICOID,
        10.0,
        "mg",
        Route.ORAL,
        Frequency.DAILY,
        date(2026, 1, 1),
    )


# --- how each path is run: a use case raises, an import reports --------------------------------


def refusal(write: Callable[[], object]) -> str:
    """The message a use case raises (a clinical rule or a use-case error)."""
    with pytest.raises((DomainError, ServiceError)) as caught:
        write()
    return str(caught.value)


def under_new_id(record: Any) -> Any:
    """The record under an id nothing has (the add paths)."""
    return dataclasses.replace(record, id="new-id", version=0)


def table_refusal(uow: MemoryUnitOfWork, entity: str, values: dict[str, Any]) -> str:
    """The problem the table import reports for one row of ``values``; nothing is written."""
    row = TableRow(1, values, {})
    report = import_rows(uow, entity, [row], centre_code="NWU", by=ACTOR, now=NOW)
    assert not report.written
    (problem,) = report.problems
    return problem.problem


def fhir_refusal(uow: MemoryUnitOfWork, *resources: dict[str, Any]) -> str:
    """The reason the FHIR import gives for the one refused resource; nothing is written."""
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }
    report = import_bundle(uow, bundle, centre_code="NWU", by=ACTOR, now=NOW)
    assert not report.written
    (refused,) = report.refused
    return refused.reason


def pseudonym_of(uow: MemoryUnitOfWork, patient_id: str) -> str:
    return str(uow.patients.get(patient_id).pseudonym)
