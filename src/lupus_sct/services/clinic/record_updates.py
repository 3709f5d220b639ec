"""Use cases that store records under ids chosen elsewhere, and corrections of stored records.

Imports (FHIR Bundles, issue #9) keep the client's ids, so the records arrive with their ids
already set; a re-import corrects what is stored. Every function makes the same checks as the use
case that first records that kind of record, writes through :func:`audited_add` or
:func:`audited_update` in the caller's unit of work, and a correction whose ``version`` is not
the stored version is refused with :class:`StaleWriteError`. A correction may not move a record
to another patient or course.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol, TypeVar

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant.ctcae_v5_terms import check_adverse_event_term
from lupus_sct.domain.pathway.course import (
    CourseEvent,
    TherapyCourse,
    check_event_fits_course,
    course_after_event,
)
from lupus_sct.domain.records.adverse_events import AdverseEvent
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import Diagnosis, check_onset_date
from lupus_sct.domain.records.dose_plausibility import check_dose_plausible
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.people import Patient, PatientIdentity, check_birth_date
from lupus_sct.services.audit.chain import audited_add, audited_update
from lupus_sct.services.clinic.hospital_numbers import check_hospital_number_free
from lupus_sct.services.clinic.patients import correct_patient
from lupus_sct.services.errors import DuplicateError
from lupus_sct.services.ports import Repository, UnitOfWork


class _Owned(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def patient_id(self) -> str: ...


OwnedT = TypeVar("OwnedT", bound=_Owned)


def add_patient(uow: UnitOfWork, patient: Patient, *, by: str, now: datetime) -> Patient:
    """Store a patient under its own id (the centre must exist; the pseudonym is unique)."""
    uow.centres.get(patient.centre_id)
    check_birth_date(patient.birth_date, as_of=now.date())
    _check_pseudonym_free(uow, patient)
    return audited_add(uow.patients, uow.audit, patient, entity="patient", by=by, now=now)


def correct_patient_record(
    uow: UnitOfWork, patient: Patient, *, reason: str, by: str, now: datetime
) -> Patient:
    """Correct a patient's demographics or pseudonym (still unique)."""
    _check_pseudonym_free(uow, patient)
    return correct_patient(uow, patient, reason=reason, by=by, now=now)


def _check_pseudonym_free(uow: UnitOfWork, patient: Patient) -> None:
    if any(p.id != patient.id for p in uow.patients.find(pseudonym=patient.pseudonym)):
        raise DuplicateError("patient", "pseudonym", patient.pseudonym)


def add_identity(
    uow: UnitOfWork, identity: PatientIdentity, *, by: str, now: datetime
) -> PatientIdentity:
    """Store the direct identifiers of an existing patient."""
    patient = uow.patients.get(identity.patient_id)
    check_hospital_number_free(
        uow,
        centre_id=patient.centre_id,
        hospital_number=identity.hospital_number,
        patient_id=patient.id,
    )
    return audited_add(
        uow.identities, uow.audit, identity, entity="patient_identity", by=by, now=now
    )


def correct_identity(
    uow: UnitOfWork, identity: PatientIdentity, *, reason: str, by: str, now: datetime
) -> PatientIdentity:
    """Correct a patient's name or hospital number."""
    patient = uow.patients.get(identity.patient_id)
    check_hospital_number_free(
        uow,
        centre_id=patient.centre_id,
        hospital_number=identity.hospital_number,
        patient_id=patient.id,
    )
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
    _check_diagnosis(uow, diagnosis, now)
    return audited_add(uow.diagnoses, uow.audit, diagnosis, entity="diagnosis", by=by, now=now)


def correct_diagnosis(
    uow: UnitOfWork, diagnosis: Diagnosis, *, reason: str, by: str, now: datetime
) -> Diagnosis:
    """Correct a diagnosis (codes, onset, criteria)."""
    _check_same_patient(uow.diagnoses, diagnosis, "diagnosis")
    _check_diagnosis(uow, diagnosis, now)
    return audited_update(
        uow.diagnoses, uow.audit, diagnosis, entity="diagnosis", by=by, now=now, reason=reason
    )


def _check_diagnosis(uow: UnitOfWork, diagnosis: Diagnosis, now: datetime) -> None:
    patient = uow.patients.get(diagnosis.patient_id)
    check_onset_date(diagnosis.onset_date, birth_date=patient.birth_date, as_of=now.date())


def add_course(uow: UnitOfWork, course: TherapyCourse, *, by: str, now: datetime) -> TherapyCourse:
    """Store a course under its own id, with the status and day 0 it arrives with."""
    _check_course(uow, course, now)
    return audited_add(uow.courses, uow.audit, course, entity="course", by=by, now=now)


def correct_course(
    uow: UnitOfWork, course: TherapyCourse, *, reason: str, by: str, now: datetime
) -> TherapyCourse:
    """Correct a course (kind, protocol, status, dates)."""
    _check_same_patient(uow.courses, course, "course")
    _check_course(uow, course, now)
    return audited_update(
        uow.courses, uow.audit, course, entity="course", by=by, now=now, reason=reason
    )


def _check_course(uow: UnitOfWork, course: TherapyCourse, now: datetime) -> None:
    _check_dated(uow, course.patient_id, "course.start_date", course.start_date, now)
    if not course.protocol_id.strip():
        raise InvalidValueError(
            "course.protocol_id", course.protocol_id, "the protocol the course follows"
        )
    if course.day0 is not None and not course.start_date <= course.day0 <= now.date():
        raise InvalidValueError(
            "course.day0",
            course.day0.isoformat(),
            f"a date between the course start ({course.start_date.isoformat()}) and today",
        )


def add_course_event(uow: UnitOfWork, event: CourseEvent, *, by: str, now: datetime) -> CourseEvent:
    """Store a pathway event under its own id; the first infusion fixes day 0."""
    course = _check_event(uow, event, now)
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
    before = uow.course_events.get(event.id)
    if before.course_id != event.course_id:
        raise InvalidValueError(
            "course_event.course_id", event.course_id, f"its course ({before.course_id})"
        )
    course = _check_event(uow, event, now)
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


def _check_event(uow: UnitOfWork, event: CourseEvent, now: datetime) -> TherapyCourse:
    course = uow.courses.get(event.course_id)
    if event.event_date > now.date():
        raise InvalidValueError(
            f"event[{event.kind.value}].event_date",
            event.event_date.isoformat(),
            "a date not in the future",
        )
    check_event_fits_course(course, uow.course_events.find(course_id=course.id), event)
    return course


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
    _check_same_patient(uow.assessments, assessment, "assessment")
    _check_dated(uow, assessment.patient_id, "assessment.visit_date", assessment.visit_date, now)
    return audited_update(
        uow.assessments, uow.audit, assessment, entity="assessment", by=by, now=now, reason=reason
    )


def correct_lab(
    uow: UnitOfWork, lab: LabResult, *, reason: str, by: str, now: datetime
) -> LabResult:
    """Correct a laboratory result."""
    _check_same_patient(uow.labs, lab, "lab_result")
    field = f"lab[{lab.loinc_code}].collected_at"
    if lab.collected_at > now:
        raise InvalidValueError(field, lab.collected_at.isoformat(), "a time not in the future")
    _check_dated(uow, lab.patient_id, field, lab.collected_at.date(), now)
    return audited_update(
        uow.labs, uow.audit, lab, entity="lab_result", by=by, now=now, reason=reason
    )


def correct_medication(
    uow: UnitOfWork, exposure: MedicationExposure, *, reason: str, by: str, now: datetime
) -> MedicationExposure:
    """Correct a medication exposure."""
    check_dose_plausible(exposure)
    _check_same_patient(uow.medications, exposure, "medication")
    _check_dated(uow, exposure.patient_id, "medication.start_date", exposure.start_date, now)
    return audited_update(
        uow.medications, uow.audit, exposure, entity="medication", by=by, now=now, reason=reason
    )


def correct_adverse_event(
    uow: UnitOfWork, event: AdverseEvent, *, reason: str, by: str, now: datetime
) -> AdverseEvent:
    """Correct an adverse event (term, grade, dates, attribution, course)."""
    check_adverse_event_term(event.ctcae_term)
    _check_same_patient(uow.adverse_events, event, "adverse_event")
    if event.course_id is not None:
        course = uow.courses.get(event.course_id)
        if course.patient_id != event.patient_id:
            raise InvalidValueError("course_id", event.course_id, "a course of the same patient")
    _check_dated(uow, event.patient_id, "adverse_event.onset_date", event.onset_date, now)
    return audited_update(
        uow.adverse_events,
        uow.audit,
        event,
        entity="adverse_event",
        by=by,
        now=now,
        reason=reason,
    )


def _check_same_patient(repo: Repository[OwnedT], item: OwnedT, entity: str) -> None:
    stored = repo.get(item.id)
    if stored.patient_id != item.patient_id:
        raise InvalidValueError(
            f"{entity}.patient_id",
            item.patient_id,
            f"the patient it belongs to ({stored.patient_id})",
        )


def _check_dated(uow: UnitOfWork, patient_id: str, field: str, when: date, now: datetime) -> None:
    patient = uow.patients.get(patient_id)
    if not patient.birth_date <= when <= now.date():
        raise InvalidValueError(
            field,
            when.isoformat(),
            f"a date between birth ({patient.birth_date.isoformat()}) "
            f"and today ({now.date().isoformat()})",
        )
