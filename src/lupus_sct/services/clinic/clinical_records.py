"""Use cases that record a patient's clinical data: visits, labs, drugs, events and outcomes.

Each takes a domain record already validated by its constructor, checks what only the stored
record can tell (the patient exists, the date is not in the future nor before birth, the course
belongs to the patient) and stores it with its audit entry.
"""

from __future__ import annotations

from datetime import date, datetime

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant.ctcae_v5_terms import check_adverse_event_term
from lupus_sct.domain.pathway.course import CourseKind, TherapyCourse
from lupus_sct.domain.records.adverse_events import AdverseEvent, GvhdEpisode, Infection
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.dose_plausibility import check_dose_plausible
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.people import Patient
from lupus_sct.domain.records.transfusions import Transfusion
from lupus_sct.domain.records.workup import WorkupFinding
from lupus_sct.services.audit.chain import audited_add
from lupus_sct.services.ports import UnitOfWork


def record_assessment(
    uow: UnitOfWork, assessment: Assessment, *, by: str, now: datetime
) -> Assessment:
    """Store a visit's disease assessment."""
    _check_dated(uow, assessment.patient_id, "assessment.visit_date", assessment.visit_date, now)
    return audited_add(uow.assessments, uow.audit, assessment, entity="assessment", by=by, now=now)


def record_lab(uow: UnitOfWork, lab: LabResult, *, by: str, now: datetime) -> LabResult:
    """Store a laboratory result."""
    if lab.collected_at > now:
        raise InvalidValueError(
            f"lab[{lab.loinc_code}].collected_at",
            lab.collected_at.isoformat(),
            "a time not in the future",
        )
    _check_dated(
        uow, lab.patient_id, f"lab[{lab.loinc_code}].collected_at", lab.collected_at.date(), now
    )
    return audited_add(uow.labs, uow.audit, lab, entity="lab_result", by=by, now=now)


def record_medication(
    uow: UnitOfWork, exposure: MedicationExposure, *, by: str, now: datetime
) -> MedicationExposure:
    """Store a medication exposure (a period on one drug at one dose)."""
    check_dose_plausible(exposure)
    _check_dated(uow, exposure.patient_id, "medication.start_date", exposure.start_date, now)
    return audited_add(uow.medications, uow.audit, exposure, entity="medication", by=by, now=now)


def record_adverse_event(
    uow: UnitOfWork, event: AdverseEvent, *, by: str, now: datetime
) -> AdverseEvent:
    """Store a CTCAE-graded adverse event (its term coded, never free text)."""
    check_adverse_event_term(event.ctcae_term)
    _check_course(uow, event.patient_id, event.course_id)
    _check_dated(uow, event.patient_id, "adverse_event.onset_date", event.onset_date, now)
    return audited_add(uow.adverse_events, uow.audit, event, entity="adverse_event", by=by, now=now)


def record_infection(uow: UnitOfWork, infection: Infection, *, by: str, now: datetime) -> Infection:
    """Store a documented infection."""
    _check_course(uow, infection.patient_id, infection.course_id)
    _check_dated(uow, infection.patient_id, "infection.onset_date", infection.onset_date, now)
    return audited_add(uow.infections, uow.audit, infection, entity="infection", by=by, now=now)


def record_gvhd(uow: UnitOfWork, episode: GvhdEpisode, *, by: str, now: datetime) -> GvhdEpisode:
    """Store a GVHD episode; only an allogeneic course can have one."""
    course = _check_course(uow, episode.patient_id, episode.course_id)
    if course is not None and course.kind is not CourseKind.ALLOGENEIC_HSCT:
        raise InvalidValueError("gvhd.course_id", episode.course_id, "an allogeneic HSCT course")
    _check_dated(uow, episode.patient_id, "gvhd.onset_date", episode.onset_date, now)
    return audited_add(uow.gvhd_episodes, uow.audit, episode, entity="gvhd_episode", by=by, now=now)


def record_outcome(
    uow: UnitOfWork, outcome: OutcomeEvent, *, by: str, now: datetime
) -> OutcomeEvent:
    """Store an outcome event; a patient dies at most once."""
    _check_course(uow, outcome.patient_id, outcome.course_id)
    _check_dated(uow, outcome.patient_id, "outcome.event_date", outcome.event_date, now)
    if outcome.kind is OutcomeKind.DEATH and uow.outcomes.find(
        patient_id=outcome.patient_id, kind=outcome.kind
    ):
        raise InvalidValueError("outcome.kind", "death", "one death per patient (already recorded)")
    return audited_add(uow.outcomes, uow.audit, outcome, entity="outcome", by=by, now=now)


def record_workup_finding(
    uow: UnitOfWork, finding: WorkupFinding, *, by: str, now: datetime
) -> WorkupFinding:
    """Store a dated work-up finding (organ function, scale, serology, attestation)."""
    _check_dated(
        uow,
        finding.patient_id,
        f"workup[{finding.item.value}].observed_on",
        finding.observed_on,
        now,
    )
    return audited_add(
        uow.workup_findings, uow.audit, finding, entity="workup_finding", by=by, now=now
    )


def record_transfusion(
    uow: UnitOfWork, transfusion: Transfusion, *, by: str, now: datetime
) -> Transfusion:
    """Store a transfusion (platelet transfusions hold back platelet recovery, CIBMTR)."""
    _check_course(uow, transfusion.patient_id, transfusion.course_id)
    _check_dated(uow, transfusion.patient_id, "transfusion.given_on", transfusion.given_on, now)
    return audited_add(
        uow.transfusions, uow.audit, transfusion, entity="transfusion", by=by, now=now
    )


def _check_dated(
    uow: UnitOfWork, patient_id: str, field: str, when: date, now: datetime
) -> Patient:
    patient = uow.patients.get(patient_id)
    if not patient.birth_date <= when <= now.date():
        raise InvalidValueError(
            field,
            when.isoformat(),
            f"a date between birth ({patient.birth_date.isoformat()}) "
            f"and today ({now.date().isoformat()})",
        )
    return patient


def _check_course(uow: UnitOfWork, patient_id: str, course_id: str | None) -> TherapyCourse | None:
    if course_id is None:
        return None
    course = uow.courses.get(course_id)
    if course.patient_id != patient_id:
        raise InvalidValueError("course_id", course_id, "a course of the same patient")
    return course
