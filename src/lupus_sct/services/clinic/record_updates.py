"""Use cases that store records under ids chosen elsewhere, and corrections of stored records.

Imports (FHIR Bundles, issue #9) keep the client's ids, so the records arrive with their ids
already set; a re-import corrects what is stored. Every function makes the entity's one write
check (:mod:`lupus_sct.services.clinic.write_checks`, the same as the use case that first records
that kind of record), writes through :func:`audited_add` or :func:`audited_update` in the caller's
unit of work, and a correction whose ``version`` is not the stored version is refused with
:class:`StaleWriteError`. A correction may not move a record to another patient or course.
"""

from __future__ import annotations

from datetime import datetime

from lupus_sct.domain.pathway.course import CourseEvent, TherapyCourse, course_after_event
from lupus_sct.domain.records.adverse_events import AdverseEvent
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import Diagnosis
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.outcomes import OutcomeEvent
from lupus_sct.domain.records.people import Patient, PatientIdentity
from lupus_sct.services.audit.chain import audited_add, audited_update
from lupus_sct.services.clinic import write_checks as checks
from lupus_sct.services.clinic.patients import correct_patient
from lupus_sct.services.ports import UnitOfWork


def add_patient(uow: UnitOfWork, patient: Patient, *, by: str, now: datetime) -> Patient:
    """Store a patient under its own id (the centre must exist; the pseudonym is unique)."""
    checks.check_patient(uow, patient, now=now)
    return audited_add(uow.patients, uow.audit, patient, entity="patient", by=by, now=now)


def correct_patient_record(
    uow: UnitOfWork, patient: Patient, *, reason: str, by: str, now: datetime
) -> Patient:
    """Correct a patient's demographics or pseudonym (still unique)."""
    return correct_patient(uow, patient, reason=reason, by=by, now=now)


def add_identity(
    uow: UnitOfWork, identity: PatientIdentity, *, by: str, now: datetime
) -> PatientIdentity:
    """Store the direct identifiers of an existing patient."""
    checks.check_identity(uow, identity)
    return audited_add(
        uow.identities, uow.audit, identity, entity="patient_identity", by=by, now=now
    )


def correct_identity(
    uow: UnitOfWork, identity: PatientIdentity, *, reason: str, by: str, now: datetime
) -> PatientIdentity:
    """Correct a patient's name or hospital number."""
    checks.check_identity(uow, identity)
    return audited_update(
        uow.identities,
        uow.audit,
        identity,
        entity="patient_identity",
        by=by,
        now=now,
        reason=reason,
    )


def add_diagnosis(uow: UnitOfWork, diagnosis: Diagnosis, *, by: str, now: datetime) -> Diagnosis:
    """Store a coded diagnosis under its own id."""
    checks.check_diagnosis(uow, diagnosis, now=now)
    return audited_add(uow.diagnoses, uow.audit, diagnosis, entity="diagnosis", by=by, now=now)


def correct_diagnosis(
    uow: UnitOfWork, diagnosis: Diagnosis, *, reason: str, by: str, now: datetime
) -> Diagnosis:
    """Correct a diagnosis (codes, onset, criteria)."""
    checks.check_same_patient(uow.diagnoses, diagnosis, "diagnosis")
    checks.check_diagnosis(uow, diagnosis, now=now)
    return audited_update(
        uow.diagnoses, uow.audit, diagnosis, entity="diagnosis", by=by, now=now, reason=reason
    )


def add_course(uow: UnitOfWork, course: TherapyCourse, *, by: str, now: datetime) -> TherapyCourse:
    """Store a course under its own id, with the status and day 0 it arrives with."""
    checks.check_course(uow, course, now=now)
    return audited_add(uow.courses, uow.audit, course, entity="course", by=by, now=now)


def correct_course(
    uow: UnitOfWork, course: TherapyCourse, *, reason: str, by: str, now: datetime
) -> TherapyCourse:
    """Correct a course (kind, protocol, status, dates)."""
    checks.check_same_patient(uow.courses, course, "course")
    checks.check_course(uow, course, now=now)
    return audited_update(
        uow.courses, uow.audit, course, entity="course", by=by, now=now, reason=reason
    )


def add_course_event(uow: UnitOfWork, event: CourseEvent, *, by: str, now: datetime) -> CourseEvent:
    """Store a pathway event under its own id; the first infusion fixes day 0."""
    course = checks.check_course_event(uow, event, now=now)
    stored = audited_add(uow.course_events, uow.audit, event, entity="course_event", by=by, now=now)
    _move_course(uow, course, stored, by=by, now=now)
    return stored


def correct_course_event(
    uow: UnitOfWork, event: CourseEvent, *, reason: str, by: str, now: datetime
) -> CourseEvent:
    """Correct a pathway event; it stays in its course and must still fit the pathway order.

    An infusion moved earlier moves day 0 with it; moving the only infusion later leaves day 0
    where it was (correct the course as well).
    """
    checks.check_same_course(uow, event)
    course = checks.check_course_event(uow, event, now=now)
    stored = audited_update(
        uow.course_events,
        uow.audit,
        event,
        entity="course_event",
        by=by,
        now=now,
        reason=reason,
    )
    _move_course(uow, course, stored, by=by, now=now)
    return stored


def _move_course(
    uow: UnitOfWork, course: TherapyCourse, event: CourseEvent, *, by: str, now: datetime
) -> None:
    moved = course_after_event(course, event)
    if moved != course:
        audited_update(
            uow.courses,
            uow.audit,
            moved,
            entity="course",
            by=by,
            now=now,
            reason=f"{event.kind.value} recorded",
        )


def correct_assessment(
    uow: UnitOfWork, assessment: Assessment, *, reason: str, by: str, now: datetime
) -> Assessment:
    """Correct a visit's assessment."""
    checks.check_same_patient(uow.assessments, assessment, "assessment")
    checks.check_assessment(uow, assessment, now=now)
    return audited_update(
        uow.assessments, uow.audit, assessment, entity="assessment", by=by, now=now, reason=reason
    )


def correct_lab(
    uow: UnitOfWork, lab: LabResult, *, reason: str, by: str, now: datetime
) -> LabResult:
    """Correct a laboratory result."""
    checks.check_same_patient(uow.labs, lab, "lab_result")
    checks.check_lab(uow, lab, now=now)
    return audited_update(
        uow.labs, uow.audit, lab, entity="lab_result", by=by, now=now, reason=reason
    )


def correct_medication(
    uow: UnitOfWork, exposure: MedicationExposure, *, reason: str, by: str, now: datetime
) -> MedicationExposure:
    """Correct a medication exposure."""
    checks.check_same_patient(uow.medications, exposure, "medication")
    checks.check_medication(uow, exposure, now=now)
    return audited_update(
        uow.medications, uow.audit, exposure, entity="medication", by=by, now=now, reason=reason
    )


def correct_adverse_event(
    uow: UnitOfWork, event: AdverseEvent, *, reason: str, by: str, now: datetime
) -> AdverseEvent:
    """Correct an adverse event (term, grade, dates, attribution, course)."""
    checks.check_same_patient(uow.adverse_events, event, "adverse_event")
    checks.check_adverse_event(uow, event, now=now)
    return audited_update(
        uow.adverse_events,
        uow.audit,
        event,
        entity="adverse_event",
        by=by,
        now=now,
        reason=reason,
    )


def correct_outcome(
    uow: UnitOfWork, outcome: OutcomeEvent, *, reason: str, by: str, now: datetime
) -> OutcomeEvent:
    """Correct an outcome event (date, detail, course); its kind and patient stay."""
    checks.check_same_patient(uow.outcomes, outcome, "outcome")
    checks.check_course_of_patient(uow, outcome.patient_id, outcome.course_id)
    checks.check_dated(uow, outcome.patient_id, "outcome.event_date", outcome.event_date, now=now)
    return audited_update(
        uow.outcomes, uow.audit, outcome, entity="outcome", by=by, now=now, reason=reason
    )
