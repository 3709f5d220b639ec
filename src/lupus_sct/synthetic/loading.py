"""Load synthetic patients through the use cases, so validation and the audit trail run as for
any entered record (no bypass of the services).

Notes
-----
Each patient is one transaction: enrolment (the service gives the patient its id and pseudonym),
diagnosis, medications, assessments, laboratory results and work-up, then each course opened
with :func:`~lupus_sct.services.clinic.courses.start_course` and replayed in date order, pathway
events
before phase changes of the same day, through
:func:`~lupus_sct.services.clinic.courses.record_course_event` and
:func:`~lupus_sct.services.clinic.pathway.change_phase`, then the course's toxicities and outcomes.
Every record gets a fresh id, so a cohort can be loaded twice into one database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from lupus_sct.domain.pathway.phases import PhaseChange
from lupus_sct.domain.records.people import Centre
from lupus_sct.services.clinic import clinical_records, courses, pathway, patients
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.synthetic.records import CourseRecords, PatientRecords

SYNTHETIC_ACTOR = "system:synthetic"


@dataclasses.dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load stored."""

    patients: int
    records: int
    courses: int


def ensure_centres(
    uow_factory: Callable[[], UnitOfWork], centres: Iterable[Centre], *, by: str, now: datetime
) -> dict[str, str]:
    """Create the synthetic centres that do not exist yet; map generated id -> stored id."""
    mapping: dict[str, str] = {}
    with uow_factory() as uow:
        for centre in centres:
            found = uow.centres.find(code=centre.code)
            stored = (
                found[0]
                if found
                else patients.create_centre(
                    uow, code=centre.code, name=centre.name, country=centre.country, by=by, now=now
                )
            )
            mapping[centre.id] = stored.id
        uow.commit()
    return mapping


def _fresh(record: Any, **ids: str) -> Any:
    return dataclasses.replace(record, id=patients.new_id(), **ids)


def _replay_course(
    uow: UnitOfWork, c: CourseRecords, patient_id: str, *, by: str, now: datetime
) -> None:
    course = courses.start_course(
        uow,
        patient_id=patient_id,
        kind=c.course.kind,
        protocol_id=c.course.protocol_id,
        start_date=c.course.start_date,
        by=by,
        now=now,
    )
    steps: list[tuple[Any, int, int, Any]] = [
        (e.event_date, 0, i, e) for i, e in enumerate(c.events)
    ] + [(p.entered_on, 1, i, p) for i, p in enumerate(c.phase_changes)]
    for _day, _order, _i, step in sorted(steps, key=lambda s: s[:3]):
        if isinstance(step, PhaseChange):
            pathway.change_phase(
                uow,
                course_id=course.id,
                phase=step.phase,
                entered_on=step.entered_on,
                reason=step.reason,
                by=by,
                now=now,
            )
        else:
            courses.record_course_event(
                uow,
                course_id=course.id,
                kind=step.kind,
                event_date=step.event_date,
                details=step.details,
                by=by,
                now=now,
            )
    ids = {"patient_id": patient_id, "course_id": course.id}
    for ae in c.adverse_events:
        clinical_records.record_adverse_event(uow, _fresh(ae, **ids), by=by, now=now)
    for infection in c.infections:
        clinical_records.record_infection(uow, _fresh(infection, **ids), by=by, now=now)
    for episode in c.gvhd_episodes:
        clinical_records.record_gvhd(uow, _fresh(episode, **ids), by=by, now=now)
    for transfusion in c.transfusions:
        clinical_records.record_transfusion(uow, _fresh(transfusion, **ids), by=by, now=now)
    for outcome in c.outcomes:
        clinical_records.record_outcome(uow, _fresh(outcome, **ids), by=by, now=now)


def load_patient(
    uow: UnitOfWork,
    p: PatientRecords,
    centre_ids: Mapping[str, str],
    *,
    by: str = SYNTHETIC_ACTOR,
    now: datetime,
) -> str:
    """Store one patient and everything recorded about them in ``uow``; returns the new id."""
    identity = p.identity
    stored = patients.enrol_patient(
        uow,
        centre_id=centre_ids[p.patient.centre_id],
        sex=p.patient.sex,
        birth_date=p.patient.birth_date,
        identity=patients.IdentityDetails(
            identity.family_name, identity.given_name, identity.hospital_number
        ),
        by=by,
        now=now,
    )
    pid = stored.id
    for dx in p.diagnoses:
        patients.record_diagnosis(
            uow,
            patient_id=pid,
            disease=dx.disease,
            icd10_code=dx.icd10_code,
            snomed_code=dx.snomed_code,
            onset_date=dx.onset_date,
            criteria_met=dx.criteria_met,
            by=by,
            now=now,
        )
    for medication in p.medications:
        clinical_records.record_medication(uow, _fresh(medication, patient_id=pid), by=by, now=now)
    for assessment in p.assessments:
        clinical_records.record_assessment(uow, _fresh(assessment, patient_id=pid), by=by, now=now)
    for lab in p.labs:
        clinical_records.record_lab(uow, _fresh(lab, patient_id=pid), by=by, now=now)
    for finding in p.workup_findings:
        clinical_records.record_workup_finding(uow, _fresh(finding, patient_id=pid), by=by, now=now)
    for course in p.courses:
        _replay_course(uow, course, pid, by=by, now=now)
    return pid


def load_patients(
    uow_factory: Callable[[], UnitOfWork],
    cohort: Iterable[PatientRecords],
    centre_ids: Mapping[str, str],
    *,
    by: str = SYNTHETIC_ACTOR,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Store every patient, one transaction each; ``progress`` is told after each patient."""
    n_patients = n_records = n_courses = 0
    for p in cohort:
        with uow_factory() as uow:
            load_patient(uow, p, centre_ids, by=by, now=now)
            uow.commit()
        n_patients += 1
        n_records += p.count()
        n_courses += len(p.courses)
        if progress is not None:
            progress(1)
    return LoadReport(n_patients, n_records, n_courses)
