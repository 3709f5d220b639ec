"""Read use cases that assemble what a clinician looks at: scored visits, courses with day numbers,
a patient's timeline aligned at day 0."""

from __future__ import annotations

import dataclasses
from datetime import date

from lupus_sct.domain.access.permissions import Principal, Scope
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    SledaiAssessment,
    SledaiResult,
    score_sledai_2k,
)
from lupus_sct.domain.missing import is_recorded
from lupus_sct.domain.pathway.course import CourseEvent, TherapyCourse, day_number
from lupus_sct.domain.pathway.disease_course import DiseaseCourse, derive_disease_course
from lupus_sct.domain.pathway.disease_course_flares import measurements_in_window
from lupus_sct.domain.pathway.phases import PhaseChange
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.people import Patient, PatientIdentity
from lupus_sct.services.clinic.access import visible_course, visible_patient
from lupus_sct.services.clinic.pathway import phase_history
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork

KEY_LAB_CODES = (
    "751-8",
    "777-3",
    "2160-0",
)  # neutrophils, platelets, creatinine: engraftment/renal


@dataclasses.dataclass(frozen=True, slots=True)
class ScoredAssessment:
    """An assessment and its SLEDAI-2K with the laboratory values of its window."""

    assessment: Assessment
    sledai: SledaiResult | None


@dataclasses.dataclass(frozen=True, slots=True)
class DatedEvent:
    """A pathway event with its day number (``None`` until day 0)."""

    event: CourseEvent
    day: int | None


@dataclasses.dataclass(frozen=True, slots=True)
class CourseView:
    """A course with its events and phase history."""

    course: TherapyCourse
    events: tuple[DatedEvent, ...]
    phases: tuple[PhaseChange, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class PatientSummary:
    """Everything the patient page shows, read in one transaction."""

    patient: Patient
    identity: PatientIdentity | None
    courses: tuple[CourseView, ...]
    disease_course: DiseaseCourse
    labs: tuple[LabResult, ...]
    medications: tuple[MedicationExposure, ...]
    sdi_now: int | None


def score_assessment(assessment: Assessment, labs: list[LabResult]) -> SledaiResult | None:
    """SLEDAI-2K of a visit, with measurements from the labs of its window; None if not scored."""
    if not is_recorded(assessment.sledai_descriptors):
        return None
    return score_sledai_2k(
        SledaiAssessment(
            descriptors=frozenset(assessment.sledai_descriptors),
            measurements=measurements_in_window(
                labs, assessment.visit_date, assessment.sledai_window_days
            ),
            not_attributed_to_sle=frozenset(assessment.sledai_not_attributed),
            window_days=assessment.sledai_window_days,
        )
    )


def scored_assessments(uow: UnitOfWork, patient_id: str) -> list[ScoredAssessment]:
    """A patient's assessments by visit date, each scored (inside the caller's transaction)."""
    labs = uow.labs.find(patient_id=patient_id)
    visits = sorted(uow.assessments.find(patient_id=patient_id), key=lambda a: a.visit_date)
    return [ScoredAssessment(a, score_assessment(a, labs)) for a in visits]


def scored_assessment(uow: UnitOfWork, assessment: Assessment) -> ScoredAssessment:
    """One assessment, scored."""
    return ScoredAssessment(
        assessment, score_assessment(assessment, uow.labs.find(patient_id=assessment.patient_id))
    )


def course_view(uow: UnitOfWork, course: TherapyCourse) -> CourseView:
    """A course's events in date order with day numbers, and its phase history."""
    events = sorted(
        uow.course_events.find(course_id=course.id), key=lambda e: (e.event_date, e.kind.stage)
    )
    dated = tuple(
        DatedEvent(e, day_number(course.day0, e.event_date) if course.day0 else None)
        for e in events
    )
    return CourseView(course, dated, tuple(phase_history(uow, course.id)))


def read_course(uow: UnitOfWork, principal: Principal, course_id: str) -> CourseView:
    """One visible course with its events."""
    with uow:
        course, _ = visible_course(uow, principal, course_id)
        return course_view(uow, course)


def patient_courses(uow: UnitOfWork, principal: Principal, patient_id: str) -> list[CourseView]:
    """A visible patient's courses, newest first."""
    with uow:
        visible_patient(uow, principal, patient_id)
        courses = sorted(
            uow.courses.find(patient_id=patient_id), key=lambda c: c.start_date, reverse=True
        )
        return [course_view(uow, c) for c in courses]


def patient_summary(
    uow: UnitOfWork, principal: Principal, patient_id: str, *, as_of: date
) -> PatientSummary:
    """The patient page: courses, visits at the latest day 0, labs, drugs, SDI; names if scoped."""
    with uow:
        patient = visible_patient(uow, principal, patient_id)
        identity = None
        if principal.may(Scope.IDENTITY):
            try:
                identity = uow.identities.get(patient.id)
            except NotFoundError:
                identity = None
        courses = sorted(uow.courses.find(patient_id=patient.id), key=lambda c: c.start_date)
        views = tuple(course_view(uow, c) for c in reversed(courses))
        assessments = uow.assessments.find(patient_id=patient.id)
        labs = uow.labs.find(patient_id=patient.id)
        medications = uow.medications.find(patient_id=patient.id)
    infused = [c.day0 for c in courses if c.day0 and c.day0 <= as_of]
    disease = derive_disease_course(
        assessments, labs, medications, day0=max(infused) if infused else None, as_of=as_of
    )
    return PatientSummary(
        patient,
        identity,
        views,
        disease,
        tuple(sorted(labs, key=lambda x: x.collected_at)),
        tuple(sorted(medications, key=lambda m: m.start_date)),
        disease.visits[-1].sdi if disease.visits else None,
    )
