"""Use case: the cohort dashboard of the user's centres for one period.

The cohort is built exactly as the programme report builds a centre's cohort (each patient's first
course with a day 0 in the period, inclusive, followed to ``as_of``; see
:mod:`lupus_sct.services.views.programme_report`), but from every centre the user sees instead of
one
centre code, so a user never counts another centre's patients. Every number comes from the same
tested analytics functions: registry indicators (survival, competing-risks incidence) and landmark
response rates. Course counts by therapy kind cover courses started in the period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from lupus_sct.analytics.programme_indicators import (
    ProgrammeIndicators,
    TransplantRow,
    programme_indicators,
)
from lupus_sct.analytics.response import ResponseOverTime, response_over_time
from lupus_sct.domain.access.permissions import Principal
from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.records.people import Centre, Patient
from lupus_sct.services.clinic.access import check_centre, visible_centres
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.services.views.programme_report import (
    check_period,
    first_course,
    response_course,
    transplant_row,
)


@dataclass(frozen=True)
class TherapyCount:
    """Courses of one therapy kind: started in the period, and infused (day 0) in the period."""

    kind: CourseKind
    started: int
    infused: int


@dataclass(frozen=True)
class CohortDashboard:
    """The dashboard's numbers for the user's centres; rendering only formats them."""

    centres: tuple[Centre, ...]
    period_from: date
    period_to: date
    as_of: date
    rows: tuple[TransplantRow, ...]
    indicators: ProgrammeIndicators | None
    response: ResponseOverTime | None
    therapies: tuple[TherapyCount, ...]


def _visible_patients(
    uow: UnitOfWork, principal: Principal, centres: list[Centre]
) -> list[Patient]:
    return [
        p
        for c in centres
        for p in uow.patients.find(centre_id=c.id)
        if principal.sees_centre(p.centre_id)
    ]


def _therapy_counts(
    uow: UnitOfWork, patients: list[Patient], period_from: date, end: date
) -> tuple[TherapyCount, ...]:
    started: Counter[CourseKind] = Counter()
    infused: Counter[CourseKind] = Counter()
    for patient in patients:
        for course in uow.courses.find(patient_id=patient.id):
            if period_from <= course.start_date <= end:
                started[course.kind] += 1
            if course.day0 is not None and period_from <= course.day0 <= end:
                infused[course.kind] += 1
    return tuple(TherapyCount(k, started[k], infused[k]) for k in CourseKind)


def cohort_dashboard(
    uow: UnitOfWork,
    principal: Principal,
    *,
    period_from: date,
    period_to: date,
    as_of: date,
    centre_id: str | None = None,
) -> CohortDashboard:
    """Compute the dashboard for the user's centres (or one of them) and the period.

    Raises
    ------
    NotFoundError
        ``centre_id`` is not a centre the user sees.
    InvalidValueError
        The period ends before it starts, or ``as_of`` is before the period.
    """
    check_period(period_from, period_to, as_of)
    end = min(period_to, as_of)
    with uow:
        if centre_id:
            centres = [check_centre(uow, principal, centre_id)]
        else:
            centres = visible_centres(uow, principal)
        patients = _visible_patients(uow, principal, centres)
        treated = [t for p in patients if (t := first_course(uow, p, period_from, end)) is not None]
        treated.sort(key=lambda t: (t.day0, t.patient.id))
        rows = [transplant_row(uow, t, f"P{i}", as_of) for i, t in enumerate(treated, start=1)]
        courses = [
            response_course(uow, t, r.death_day, as_of) for t, r in zip(treated, rows, strict=True)
        ]
        therapies = _therapy_counts(uow, patients, period_from, end)
    return CohortDashboard(
        centres=tuple(centres),
        period_from=period_from,
        period_to=period_to,
        as_of=as_of,
        rows=tuple(rows),
        indicators=programme_indicators(rows) if rows else None,
        response=response_over_time(courses) if courses else None,
        therapies=therapies,
    )
