"""Use case: the numbers of a programme report for one centre and period.

Patients enter the report through their first course with a day 0 in the period (inclusive) and
are followed to ``as_of``. Every number comes from a tested analytics function: the registry
indicators (:mod:`lupus_sct.analytics.programme_indicators`), response over time
(:mod:`lupus_sct.analytics.response`) and the benchmarking of every centre against the pooled
cohort (:mod:`lupus_sct.analytics.centre_benchmarking`). Patients appear as P1, P2... by day 0;
no identifier reaches the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lupus_sct.analytics.centre_benchmarking import Benchmarking, BenchmarkRow, benchmark_centres
from lupus_sct.analytics.programme_indicators import (
    SEVERE_CTCAE_GRADE,
    ProgrammeIndicators,
    SevereEvent,
    TransplantRow,
    programme_indicators,
)
from lupus_sct.analytics.response import (
    DayValue,
    PatientResponseCourse,
    ResponseOverTime,
    response_over_time,
)
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.selena_flare_index import SelenaFlare
from lupus_sct.domain.missing import is_recorded
from lupus_sct.domain.pathway.course import TherapyCourse
from lupus_sct.domain.pathway.disease_course import derive_disease_course
from lupus_sct.domain.pathway.milestones import derive_course_milestones
from lupus_sct.domain.records.labs import canonical_value
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.people import Centre, Patient, age_in_years
from lupus_sct.domain.records.workup import WorkupItem
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork

UPCR_LOINC = "2890-2"  # Protein/Creatinine [Mass Ratio] in Urine
EGFR_LOINC = "98979-8"  # eGFR (CKD-EPI 2021)
RELAPSE_KINDS = frozenset({OutcomeKind.RELAPSE_OR_FLARE, OutcomeKind.PROGRESSION})


@dataclass(frozen=True)
class SwimmerLane:
    """One patient's course from day 0: follow-up, death and the dated events to mark."""

    label: str
    therapy: str
    follow_up_days: int
    died: bool
    relapse_day: int | None
    remission_day: int | None
    flare_days: tuple[int, ...]


@dataclass(frozen=True)
class ProgrammeReport:
    """Everything a programme report shows, computed; rendering only formats it."""

    centre: Centre
    period_from: date
    period_to: date
    as_of: date
    rows: tuple[TransplantRow, ...]
    indicators: ProgrammeIndicators | None
    response: ResponseOverTime | None
    swimmer: tuple[SwimmerLane, ...]
    benchmarking: Benchmarking


@dataclass(frozen=True)
class _Treated:
    patient: Patient
    course: TherapyCourse
    day0: date


def first_course(uow: UnitOfWork, patient: Patient, start: date, end: date) -> _Treated | None:
    """The patient's first course infused (day 0) in the period, or None."""
    infused = sorted(
        (c for c in uow.courses.find(patient_id=patient.id) if c.day0 and start <= c.day0 <= end),
        key=lambda c: (c.day0, c.id),
    )
    if not infused or infused[0].day0 is None:
        return None
    return _Treated(patient, infused[0], infused[0].day0)


def _day(treated: _Treated, on: date) -> int:
    return (on - treated.day0).days


def _first_outcome(
    outcomes: Sequence[OutcomeEvent], kinds: frozenset[OutcomeKind], treated: _Treated, as_of: date
) -> int | None:
    days = [
        _day(treated, o.event_date)
        for o in outcomes
        if o.kind in kinds and treated.day0 <= o.event_date <= as_of
    ]
    return min(days) if days else None


def _latest_workup(uow: UnitOfWork, treated: _Treated, item: WorkupItem) -> int | None:
    found = [
        f
        for f in uow.workup_findings.find(patient_id=treated.patient.id, item=item)
        if f.observed_on <= treated.day0 and isinstance(f.value, int | float)
    ]
    if not found:
        return None
    latest = max(found, key=lambda f: f.observed_on)
    return int(latest.value)


def _benchmark_row(uow: UnitOfWork, treated: _Treated, as_of: date) -> BenchmarkRow:
    outcomes = uow.outcomes.find(patient_id=treated.patient.id)
    death = _first_outcome(outcomes, frozenset({OutcomeKind.DEATH}), treated, as_of)
    return BenchmarkRow(
        centre_id=treated.patient.centre_id,
        follow_up_days=_day(treated, as_of) if death is None else death,
        death_day=death,
        age_years=float(age_in_years(treated.patient.birth_date, on=treated.day0)),
        hct_ci=_latest_workup(uow, treated, WorkupItem.HCT_CI),
        kps=_latest_workup(uow, treated, WorkupItem.KPS),
        therapy=treated.course.kind.value,
    )


def transplant_row(uow: UnitOfWork, treated: _Treated, label: str, as_of: date) -> TransplantRow:
    """One treated patient's survival, relapse and engraftment times for the indicators."""
    pid, course = treated.patient.id, treated.course
    outcomes = uow.outcomes.find(patient_id=pid)
    death = _first_outcome(outcomes, frozenset({OutcomeKind.DEATH}), treated, as_of)
    death_on = next((o.event_date for o in outcomes if o.kind is OutcomeKind.DEATH), None)
    milestones = derive_course_milestones(
        course,
        events=uow.course_events.find(course_id=course.id),
        labs=uow.labs.find(patient_id=pid),
        transfusions=uow.transfusions.find(patient_id=pid),
        death_on=death_on,
        as_of=as_of,
    )
    neutrophil = milestones.neutrophil
    mine = (None, course.id)
    return TransplantRow(
        label=label,
        centre_id=treated.patient.centre_id,
        therapy=course.kind.value,
        follow_up_days=_day(treated, as_of) if death is None else death,
        death_day=death,
        relapse_day=_first_outcome(outcomes, RELAPSE_KINDS, treated, as_of),
        secondary_autoimmune_day=_first_outcome(
            outcomes, frozenset({OutcomeKind.SECONDARY_AUTOIMMUNE_DISEASE}), treated, as_of
        ),
        neutrophil_recovery_day=None if neutrophil is None else neutrophil.engraftment_day,
        neutrophils_never_below=neutrophil is not None and neutrophil.never_below_threshold,
        engraftment_evaluable=neutrophil is not None,
        infection_days=tuple(
            sorted(
                _day(treated, i.onset_date)
                for i in uow.infections.find(patient_id=pid)
                if i.course_id in mine and treated.day0 <= i.onset_date <= as_of
            )
        ),
        severe_events=tuple(
            SevereEvent(_day(treated, e.onset_date), e.grade, e.ctcae_term)
            for e in uow.adverse_events.find(patient_id=pid)
            if e.course_id in mine
            and e.grade >= SEVERE_CTCAE_GRADE
            and treated.day0 <= e.onset_date <= as_of
        ),
    )


def _series(uow: UnitOfWork, treated: _Treated, loinc: str, as_of: date) -> tuple[DayValue, ...]:
    return tuple(
        DayValue(_day(treated, lab.collected_at.date()), canonical_value(lab))
        for lab in sorted(
            uow.labs.find(patient_id=treated.patient.id, loinc_code=loinc),
            key=lambda lab: lab.collected_at,
        )
        if lab.collected_at.date() <= as_of
    )


def response_course(
    uow: UnitOfWork, treated: _Treated, death_day: int | None, as_of: date
) -> PatientResponseCourse:
    """One treated patient's disease course aligned at day 0, for response over time."""
    pid = treated.patient.id
    assessments = uow.assessments.find(patient_id=pid)
    course = derive_disease_course(
        assessments,
        uow.labs.find(patient_id=pid),
        uow.medications.find(patient_id=pid),
        day0=treated.day0,
        as_of=as_of,
    )
    return PatientResponseCourse(
        patient_id=pid,
        course=course,
        bilag={a.visit_date: a.bilag for a in assessments if is_recorded(a.bilag)},
        upcr_g_per_g=_series(uow, treated, UPCR_LOINC, as_of),
        egfr_ml_min_173m2=_series(uow, treated, EGFR_LOINC, as_of),
        death_day=death_day,
    )


def _lane(row: TransplantRow, response: PatientResponseCourse) -> SwimmerLane:
    visits = [v for v in response.course.visits if v.day is not None and v.day > 0]
    remission = next((v.day for v in visits if v.doris_remission), None)
    flares = tuple(
        v.day
        for v in visits
        if v.day is not None and v.flare in (SelenaFlare.MILD_MODERATE, SelenaFlare.SEVERE)
    )
    return SwimmerLane(
        label=row.label,
        therapy=row.therapy,
        follow_up_days=row.follow_up_days,
        died=row.death_day is not None,
        relapse_day=row.relapse_day,
        remission_day=remission,
        flare_days=flares,
    )


def check_period(period_from: date, period_to: date, as_of: date) -> None:
    """Refuse a period that ends before it starts or after ``as_of``."""
    if period_to < period_from:
        raise InvalidValueError(
            "period.to", period_to.isoformat(), f"a date on or after {period_from.isoformat()}"
        )
    if as_of < period_from:
        raise InvalidValueError(
            "as_of", as_of.isoformat(), f"a date on or after {period_from.isoformat()}"
        )


def programme_report(
    uow: UnitOfWork, *, centre_code: str, period_from: date, period_to: date, as_of: date
) -> ProgrammeReport:
    """Compute a centre's programme report for courses with day 0 in the period.

    Raises
    ------
    NotFoundError
        No centre has this code.
    InvalidValueError
        The period ends before it starts, or ``as_of`` is before the period.
    """
    check_period(period_from, period_to, as_of)
    end = min(period_to, as_of)
    with uow:
        found = uow.centres.find(code=centre_code)
        if not found:
            raise NotFoundError("centre", centre_code)
        centre = found[0]
        treated = [
            t
            for p in uow.patients.find()
            if (t := first_course(uow, p, period_from, end)) is not None
        ]
        treated.sort(key=lambda t: (t.day0, t.patient.id))
        pooled = [_benchmark_row(uow, t, as_of) for t in treated]
        ours = [t for t in treated if t.patient.centre_id == centre.id]
        rows = [transplant_row(uow, t, f"P{i}", as_of) for i, t in enumerate(ours, start=1)]
        courses = [
            response_course(uow, t, r.death_day, as_of) for t, r in zip(ours, rows, strict=True)
        ]
    return ProgrammeReport(
        centre=centre,
        period_from=period_from,
        period_to=period_to,
        as_of=as_of,
        rows=tuple(rows),
        indicators=programme_indicators(rows) if rows else None,
        response=response_over_time(courses) if courses else None,
        swimmer=tuple(_lane(r, c) for r, c in zip(rows, courses, strict=True)),
        benchmarking=benchmark_centres(pooled),
    )
