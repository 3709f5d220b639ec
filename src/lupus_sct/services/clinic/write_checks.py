"""One write check per stored clinical entity, called by every use case that writes it.

A record's constructor has already checked its own fields; these checks refuse what only the
stored records can tell: the patient, centre or course exists, a date lies between the patient's
birth and today, a course belongs to the record's patient, a name is not taken. Recording,
adding under an imported id and correcting a record (forms, API, table and FHIR import) all call
the same check, so they refuse the same record with the same message (issue #16).

A correction also calls :func:`check_same_patient` (or, for a pathway event,
:func:`check_same_course`): it may not move a record to another patient or course.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol, TypeVar

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant.ctcae_v5_terms import check_adverse_event_term
from lupus_sct.domain.pathway.course import (
    CourseEvent,
    CourseKind,
    TherapyCourse,
    check_event_fits_course,
)
from lupus_sct.domain.pathway.engine import check_transition
from lupus_sct.domain.pathway.phases import PhaseChange
from lupus_sct.domain.records.adverse_events import AdverseEvent, GvhdEpisode, Infection
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import Diagnosis, check_onset_date
from lupus_sct.domain.records.dose_plausibility import check_dose_plausible
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.people import Patient, PatientIdentity, check_birth_date
from lupus_sct.domain.records.transfusions import Transfusion
from lupus_sct.domain.records.workup import WorkupFinding
from lupus_sct.services.clinic.hospital_numbers import check_hospital_number_free
from lupus_sct.services.errors import DuplicateError
from lupus_sct.services.ports import Repository, UnitOfWork

# The store keeps every ``*_id`` in a 64-character column (store/schema.py); PostgreSQL refuses a
# longer value where SQLite keeps it, so the check refuses it first, the same on both.
MAX_PROTOCOL_ID_LENGTH = 64


class _Owned(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def patient_id(self) -> str: ...


OwnedT = TypeVar("OwnedT", bound=_Owned)


def check_patient(uow: UnitOfWork, patient: Patient, *, now: datetime) -> None:
    """The centre exists, the birth date is plausible and no other patient has the pseudonym."""
    uow.centres.get(patient.centre_id)
    check_birth_date(patient.birth_date, as_of=now.date())
    if any(p.id != patient.id for p in uow.patients.find(pseudonym=patient.pseudonym)):
        raise DuplicateError("patient", "pseudonym", patient.pseudonym)


def check_identity(
    uow: UnitOfWork, identity: PatientIdentity, *, patient: Patient | None = None
) -> None:
    """The patient exists and no other patient of its centre holds the hospital number.

    ``patient`` is given at enrolment, when the patient is checked but not stored yet.
    """
    patient = patient or uow.patients.get(identity.patient_id)
    check_hospital_number_free(
        uow,
        centre_id=patient.centre_id,
        hospital_number=identity.hospital_number,
        patient_id=patient.id,
    )


def check_diagnosis(uow: UnitOfWork, diagnosis: Diagnosis, *, now: datetime) -> None:
    """The onset lies between the patient's birth and today."""
    patient = uow.patients.get(diagnosis.patient_id)
    check_onset_date(diagnosis.onset_date, birth_date=patient.birth_date, as_of=now.date())


def check_course(uow: UnitOfWork, course: TherapyCourse, *, now: datetime) -> None:
    """The start lies between birth and today, the protocol is named, day 0 is after the start."""
    check_dated(uow, course.patient_id, "course.start_date", course.start_date, now=now)
    if not course.protocol_id.strip() or len(course.protocol_id) > MAX_PROTOCOL_ID_LENGTH:
        raise InvalidValueError(
            "course.protocol_id",
            course.protocol_id,
            f"the protocol the course follows (1-{MAX_PROTOCOL_ID_LENGTH} characters)",
        )
    if course.day0 is not None and not course.start_date <= course.day0 <= now.date():
        raise InvalidValueError(
            "course.day0",
            course.day0.isoformat(),
            f"a date between the course start ({course.start_date.isoformat()}) and today",
        )


def check_course_event(uow: UnitOfWork, event: CourseEvent, *, now: datetime) -> TherapyCourse:
    """The course exists, the date is not in the future and fits the pathway order; the course.

    Raises
    ------
    PathwayOrderError
        When the event does not belong to this kind of course or breaks the pathway order.
    """
    course = uow.courses.get(event.course_id)
    if event.event_date > now.date():
        raise InvalidValueError(
            f"event[{event.kind.value}].event_date",
            event.event_date.isoformat(),
            "a date not in the future",
        )
    check_event_fits_course(course, uow.course_events.find(course_id=course.id), event)
    return course


def check_phase_change(
    uow: UnitOfWork, change: PhaseChange, *, history: Iterable[PhaseChange], now: datetime
) -> TherapyCourse:
    """The date is not in the future, a reason is given, the pathway allows it; the course.

    ``history`` is the course's phase changes in date order.
    """
    course = uow.courses.get(change.course_id)
    if change.entered_on > now.date():
        raise InvalidValueError(
            f"phase[{change.phase.value}].entered_on",
            change.entered_on.isoformat(),
            "a date not in the future",
        )
    if not change.reason.strip():
        raise InvalidValueError(
            f"phase[{change.phase.value}].reason", change.reason, "the reason for the change"
        )
    check_transition(
        course.kind,
        course.phase,
        history,
        change.phase,
        change.entered_on,
        started_on=course.start_date,
        day0=course.day0,
    )
    return course


def check_assessment(uow: UnitOfWork, assessment: Assessment, *, now: datetime) -> None:
    """The visit lies between the patient's birth and today."""
    check_dated(uow, assessment.patient_id, "assessment.visit_date", assessment.visit_date, now=now)


def check_lab(uow: UnitOfWork, lab: LabResult, *, now: datetime) -> None:
    """The collection time is not in the future and its date is not before birth."""
    field = f"lab[{lab.loinc_code}].collected_at"
    if lab.collected_at > now:
        raise InvalidValueError(field, lab.collected_at.isoformat(), "a time not in the future")
    check_dated(uow, lab.patient_id, field, lab.collected_at.date(), now=now)


def check_medication(uow: UnitOfWork, exposure: MedicationExposure, *, now: datetime) -> None:
    """The dose is plausible and the start lies between the patient's birth and today."""
    check_dose_plausible(exposure)
    check_dated(uow, exposure.patient_id, "medication.start_date", exposure.start_date, now=now)


def check_adverse_event(uow: UnitOfWork, event: AdverseEvent, *, now: datetime) -> None:
    """A CTCAE term, a course of the patient's, an onset between birth and today."""
    check_adverse_event_term(event.ctcae_term)
    check_course_of_patient(uow, event.patient_id, event.course_id)
    check_dated(uow, event.patient_id, "adverse_event.onset_date", event.onset_date, now=now)


def check_infection(uow: UnitOfWork, infection: Infection, *, now: datetime) -> None:
    """The course is the patient's and the onset lies between birth and today."""
    check_course_of_patient(uow, infection.patient_id, infection.course_id)
    check_dated(uow, infection.patient_id, "infection.onset_date", infection.onset_date, now=now)


def check_gvhd(uow: UnitOfWork, episode: GvhdEpisode, *, now: datetime) -> None:
    """The course is the patient's allogeneic course; the onset lies between birth and today."""
    course = check_course_of_patient(uow, episode.patient_id, episode.course_id)
    if course is not None and course.kind is not CourseKind.ALLOGENEIC_HSCT:
        raise InvalidValueError("gvhd.course_id", episode.course_id, "an allogeneic HSCT course")
    check_dated(uow, episode.patient_id, "gvhd.onset_date", episode.onset_date, now=now)


def check_outcome(uow: UnitOfWork, outcome: OutcomeEvent, *, now: datetime) -> None:
    """The course is the patient's, the date between birth and today; a patient dies once."""
    check_course_of_patient(uow, outcome.patient_id, outcome.course_id)
    check_dated(uow, outcome.patient_id, "outcome.event_date", outcome.event_date, now=now)
    if outcome.kind is OutcomeKind.DEATH and uow.outcomes.find(
        patient_id=outcome.patient_id, kind=outcome.kind
    ):
        raise InvalidValueError("outcome.kind", "death", "one death per patient (already recorded)")


def check_workup_finding(uow: UnitOfWork, finding: WorkupFinding, *, now: datetime) -> None:
    """The observation date lies between the patient's birth and today."""
    field = f"workup[{finding.item.value}].observed_on"
    check_dated(uow, finding.patient_id, field, finding.observed_on, now=now)


def check_transfusion(uow: UnitOfWork, transfusion: Transfusion, *, now: datetime) -> None:
    """The course is the patient's and the transfusion lies between birth and today."""
    check_course_of_patient(uow, transfusion.patient_id, transfusion.course_id)
    field = "transfusion.given_on"
    check_dated(uow, transfusion.patient_id, field, transfusion.given_on, now=now)


def check_same_patient(repo: Repository[OwnedT], item: OwnedT, entity: str) -> None:
    """A correction keeps the record with the patient it belongs to."""
    stored = repo.get(item.id)
    if stored.patient_id != item.patient_id:
        raise InvalidValueError(
            f"{entity}.patient_id",
            item.patient_id,
            f"the patient it belongs to ({stored.patient_id})",
        )


def check_same_course(uow: UnitOfWork, event: CourseEvent) -> None:
    """A correction keeps a pathway event in its course."""
    before = uow.course_events.get(event.id)
    if before.course_id != event.course_id:
        raise InvalidValueError(
            "course_event.course_id", event.course_id, f"its course ({before.course_id})"
        )


def check_dated(
    uow: UnitOfWork, patient_id: str, field: str, when: date, *, now: datetime
) -> Patient:
    """The patient exists and ``when`` lies between its birth and today (both inclusive)."""
    patient = uow.patients.get(patient_id)
    if not patient.birth_date <= when <= now.date():
        raise InvalidValueError(
            field,
            when.isoformat(),
            f"a date between birth ({patient.birth_date.isoformat()}) "
            f"and today ({now.date().isoformat()})",
        )
    return patient


def check_course_of_patient(
    uow: UnitOfWork, patient_id: str, course_id: str | None
) -> TherapyCourse | None:
    """The course named (if any) exists and is the patient's; the course."""
    if course_id is None:
        return None
    course = uow.courses.get(course_id)
    if course.patient_id != patient_id:
        raise InvalidValueError("course_id", course_id, "a course of the same patient")
    return course
