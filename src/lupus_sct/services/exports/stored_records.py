"""The stored records an export translates, read in the caller's unit of work (nothing written).

Notes
-----
The exports of ``lupus_sct.interop`` (FHIR, CIBMTR, tidy and de-identified tables) translate
records; they are given the records read here, never a unit of work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from lupus_sct.domain.pathway.course import CourseEvent, TherapyCourse
from lupus_sct.domain.records.adverse_events import AdverseEvent
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import Diagnosis
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.people import Centre, Patient, PatientIdentity
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork


@dataclasses.dataclass(frozen=True, slots=True)
class PatientRecords:
    """One patient's stored records, each kind ordered by id (events by course, then id)."""

    patient: Patient
    centre: Centre
    identity: PatientIdentity | None  # only when asked for, and stored
    diagnoses: tuple[Diagnosis, ...]
    courses: tuple[TherapyCourse, ...]
    course_events: tuple[CourseEvent, ...]
    labs: tuple[LabResult, ...]
    assessments: tuple[Assessment, ...]
    medications: tuple[MedicationExposure, ...]
    adverse_events: tuple[AdverseEvent, ...]


def read_patient_records(
    uow: UnitOfWork, patient_id: str, *, include_identity: bool = False
) -> PatientRecords:
    """The records of ``patient_id`` (:class:`NotFoundError` when no such patient is stored)."""
    patient = uow.patients.get(patient_id)
    courses = tuple(uow.courses.find(patient_id=patient_id))
    return PatientRecords(
        patient=patient,
        centre=uow.centres.get(patient.centre_id),
        identity=_identity(uow, patient_id) if include_identity else None,
        diagnoses=tuple(uow.diagnoses.find(patient_id=patient_id)),
        courses=courses,
        course_events=tuple(
            event for course in courses for event in uow.course_events.find(course_id=course.id)
        ),
        labs=tuple(uow.labs.find(patient_id=patient_id)),
        assessments=tuple(uow.assessments.find(patient_id=patient_id)),
        medications=tuple(uow.medications.find(patient_id=patient_id)),
        adverse_events=tuple(uow.adverse_events.find(patient_id=patient_id)),
    )


def read_course_records(uow: UnitOfWork, course_id: str) -> PatientRecords:
    """The records of the patient of ``course_id`` (:class:`NotFoundError` for an unknown id)."""
    return read_patient_records(uow, uow.courses.get(course_id).patient_id)


def read_stored_records(uow: UnitOfWork, names: Iterable[str]) -> dict[str, list[Any]]:
    """Every stored record of each repository in ``names`` (a unit of work's attribute), by id."""
    return {name: getattr(uow, name).find() for name in names}


def _identity(uow: UnitOfWork, patient_id: str) -> PatientIdentity | None:
    try:
        return uow.identities.get(patient_id)
    except NotFoundError:
        return None
