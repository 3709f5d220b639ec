"""De-identified views for researchers: pseudonym only, no identity, dates as day offsets.

Notes
-----
The anchor of a patient's day offsets is the day 0 of their first infused course; without one,
the start of their first course; without a course, their first assessment. Age is given in whole
years at the anchor (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(C): no date more precise than the
year, ages over 89 grouped; we give 90 for every age of 90 or more).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from lupus_sct.domain.access.permissions import Principal
from lupus_sct.domain.pathway.course import day_number
from lupus_sct.domain.pathway.disease_course import derive_disease_course
from lupus_sct.domain.records.people import Patient, age_in_years
from lupus_sct.services.clinic.access import Page, paginate, visible_patient
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork

AGE_TOP_CODE_YEARS = 90  # HIPAA Safe Harbor 164.514(b)(2)(i)(C): ages over 89 aggregated


@dataclasses.dataclass(frozen=True, slots=True)
class ResearchPatient:
    """A patient as a researcher sees them."""

    pseudonym: str
    sex: str
    centre_code: str
    age_at_anchor_years: int | None
    anchor: str | None  # "day0", "course_start", "first_assessment" or None


@dataclasses.dataclass(frozen=True, slots=True)
class ResearchVisit:
    """Derived disease state at a visit, dated by its day offset."""

    day: int
    sledai_2k: int | None
    clinical_sledai: int | None
    prednisone_mg_per_day: float | None
    sdi: int
    lldas: bool | None
    doris_remission: bool | None


@dataclasses.dataclass(frozen=True, slots=True)
class ResearchLab:
    """A laboratory value dated by its day offset."""

    day: int
    loinc_code: str
    value: float
    unit: str


@dataclasses.dataclass(frozen=True, slots=True)
class ResearchEvent:
    """A pathway event dated by its day offset."""

    day: int
    course_kind: str
    event: str


@dataclasses.dataclass(frozen=True, slots=True)
class ResearchTimeline:
    """Everything a researcher reads about one patient."""

    patient: ResearchPatient
    visits: tuple[ResearchVisit, ...]
    labs: tuple[ResearchLab, ...]
    events: tuple[ResearchEvent, ...]


def _anchor(uow: UnitOfWork, patient: Patient) -> tuple[date | None, str | None]:
    courses = uow.courses.find(patient_id=patient.id)
    infused = [c.day0 for c in courses if c.day0 is not None]
    if infused:
        return min(infused), "day0"
    if courses:
        return min(c.start_date for c in courses), "course_start"
    visits = [a.visit_date for a in uow.assessments.find(patient_id=patient.id)]
    return (min(visits), "first_assessment") if visits else (None, None)


def _research_patient(uow: UnitOfWork, patient: Patient) -> tuple[ResearchPatient, date | None]:
    anchor, label = _anchor(uow, patient)
    age = None
    if anchor is not None:
        age = min(age_in_years(patient.birth_date, on=anchor), AGE_TOP_CODE_YEARS)
    centre = uow.centres.get(patient.centre_id)
    return ResearchPatient(patient.pseudonym, patient.sex.value, centre.code, age, label), anchor


def _by_pseudonym(uow: UnitOfWork, principal: Principal, pseudonym: str) -> Patient:
    found = uow.patients.find(pseudonym=pseudonym)
    if not found or not principal.sees_centre(found[0].centre_id):
        raise NotFoundError("patient", pseudonym)  # the pseudonym asked, never the internal id
    return visible_patient(uow, principal, found[0].id)


def research_patients(
    uow: UnitOfWork, principal: Principal, *, offset: int = 0, limit: int = 50
) -> Page[ResearchPatient]:
    """The de-identified patients of the researcher's centres, by pseudonym."""
    with uow:
        patients = [p for p in uow.patients.find() if principal.sees_centre(p.centre_id)]
        patients.sort(key=lambda p: p.pseudonym)
        page = paginate(patients, offset=offset, limit=limit)
        items = tuple(_research_patient(uow, p)[0] for p in page.items)
    return Page(items, page.total, page.offset, page.limit)


def research_timeline(
    uow: UnitOfWork, principal: Principal, pseudonym: str, *, as_of: date
) -> ResearchTimeline:
    """One patient's visits, labs and pathway events as day offsets from the anchor."""
    with uow:
        patient = _by_pseudonym(uow, principal, pseudonym)
        summary, anchor = _research_patient(uow, patient)
        courses = uow.courses.find(patient_id=patient.id)
        labs = uow.labs.find(patient_id=patient.id)
        course = derive_disease_course(
            uow.assessments.find(patient_id=patient.id),
            labs,
            uow.medications.find(patient_id=patient.id),
            day0=None,
            as_of=as_of,
        )
        events = [
            (c.kind.value, e) for c in courses for e in uow.course_events.find(course_id=c.id)
        ]
    if anchor is None:
        return ResearchTimeline(summary, (), (), ())
    visits = tuple(
        ResearchVisit(
            day_number(anchor, v.visit_date),
            v.sledai_2k,
            v.clinical_sledai,
            v.prednisone_mg_per_day,
            v.sdi,
            v.lldas,
            v.doris_remission,
        )
        for v in course.visits
    )
    lab_rows = tuple(
        ResearchLab(
            day_number(anchor, lab.collected_at.date()), lab.loinc_code, lab.value, lab.unit
        )
        for lab in sorted(labs, key=lambda x: x.collected_at)
    )
    event_rows = tuple(
        ResearchEvent(day_number(anchor, e.event_date), kind, e.kind.value)
        for kind, e in sorted(events, key=lambda x: x[1].event_date)
    )
    return ResearchTimeline(summary, visits, lab_rows, event_rows)
