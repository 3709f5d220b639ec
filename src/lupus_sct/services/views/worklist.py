"""Use case: a centre's worklist, the alerts that need someone's attention on a date.

Sources of alerts, each for the patients of the centre:

- overdue follow-up visits and done visits that lack required data
  (:func:`lupus_sct.domain.pathway.follow_up_schedule.schedule_status`);
- a laboratory result graded CTCAE v5.0 grade 3 or worse in the last 14 days
  (:mod:`lupus_sct.domain.instruments.transplant.ctcae_v5`, with the result's own reference range
  as LLN/ULN; a result
  without the needed limit is skipped, never guessed);
- a SELENA flare after a visit in DORIS remission or LLDAS
  (:mod:`lupus_sct.domain.pathway.disease_course`),
  when the flare visit is within the last 90 days;
- a course in a phase beyond its expected length (:mod:`lupus_sct.domain.pathway.engine`);
- any ``extra_sources`` given: callables ``(uow, centre_id, as_of) -> list[Alert]`` run inside
  the worklist's transaction (they must not enter the unit of work again).

Per-protocol settings come from ``settings_for(protocol_id)``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta

from lupus_sct.domain.instruments.lupus.selena_flare_index import SelenaFlare
from lupus_sct.domain.instruments.transplant import ctcae_v5
from lupus_sct.domain.pathway.course import CourseStatus, TherapyCourse
from lupus_sct.domain.pathway.disease_course import derive_disease_course
from lupus_sct.domain.pathway.engine import (
    FINAL_PHASES,
    MAX_PHASE_DAYS_SOURCES,
    PathwaySettings,
    days_over_expected_length,
    phase_entered_on,
)
from lupus_sct.domain.pathway.follow_up_schedule import VisitStatus, describe_requirement
from lupus_sct.domain.records.labs import LabResult, canonical_value, lab_test
from lupus_sct.domain.records.people import Centre, Patient
from lupus_sct.services.clinic.pathway import course_follow_up_status, phase_history
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork

LAB_LOOKBACK_DAYS = 14  # issue #4: a lab reaching CTCAE grade >= 3 "in the last 14 days"
FLARE_LOOKBACK_DAYS = 90  # (general practice) a flare stays on the worklist for one review cycle
ALERT_GRADE_AT_LEAST = 3  # issue #4: CTCAE grade 3 or worse


class AlertKind(enum.Enum):
    """What an alert is about."""

    OVERDUE_VISIT = "overdue_visit"
    MISSING_DATA = "missing_data"
    LAB_CTCAE_GRADE_3 = "lab_ctcae_grade_3"
    FLARE_AFTER_REMISSION = "flare_after_remission"
    STUCK_IN_PHASE = "stuck_in_phase"
    ELIGIBILITY_DATA_STALE = "eligibility_data_stale"  # raised by an extra source


class Severity(enum.Enum):
    """How urgent an alert is; the worklist lists high first."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for high, 1 for medium, 2 for low."""
        return list(Severity).index(self)


@dataclasses.dataclass(frozen=True, slots=True)
class Alert:
    """One worklist line; ``since`` is when the problem began, ``due`` when something was due."""

    kind: AlertKind
    severity: Severity
    patient_pseudonym: str
    course_id: str | None
    message: str
    since: date | None = None
    due: date | None = None


AlertSource = Callable[[UnitOfWork, str, date], list[Alert]]


def default_settings(protocol_id: str) -> PathwaySettings:
    """The pathway defaults, whatever the protocol."""
    return PathwaySettings()


def sort_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    """High severity first, then the oldest date, then the patient and the message."""
    return sorted(
        alerts,
        key=lambda a: (
            a.severity.rank,
            a.since or a.due or date.max,
            a.patient_pseudonym,
            a.kind.value,
            a.message,
        ),
    )


def centre_id_for_code(uow: UnitOfWork, code: str) -> str:
    """The id of the centre with this code."""
    with uow:
        return _centre_by_code(uow, code).id


def _centre_by_code(uow: UnitOfWork, code: str) -> Centre:
    found = uow.centres.find(code=code)
    if not found:
        raise NotFoundError("centre", code)
    return found[0]


def centre_worklist(
    uow: UnitOfWork,
    centre_id: str,
    *,
    as_of: date,
    settings_for: Callable[[str], PathwaySettings] = default_settings,
    extra_sources: Sequence[AlertSource] = (),
) -> list[Alert]:
    """Every alert for the patients of a centre on ``as_of``, most urgent first."""
    alerts: list[Alert] = []
    with uow:
        uow.centres.get(centre_id)
        for patient in uow.patients.find(centre_id=centre_id):
            alerts += patient_alerts(uow, patient, as_of=as_of, settings_for=settings_for)
        for source in extra_sources:
            alerts += source(uow, centre_id, as_of)
    return sort_alerts(alerts)


def patient_alerts(
    uow: UnitOfWork,
    patient: Patient,
    *,
    as_of: date,
    settings_for: Callable[[str], PathwaySettings] = default_settings,
) -> list[Alert]:
    """The alerts of one patient, inside the caller's transaction."""
    courses = [c for c in uow.courses.find(patient_id=patient.id) if c.start_date <= as_of]
    alerts: list[Alert] = []
    for course in courses:
        settings = settings_for(course.protocol_id)
        alerts += _schedule_alerts(uow, patient, course, settings, as_of)
        alerts += _phase_alerts(uow, patient, course, settings, as_of)
    latest = max(courses, key=lambda c: c.start_date, default=None)
    course_id = latest.id if latest else None
    labs = uow.labs.find(patient_id=patient.id)
    alerts += lab_alerts(labs, pseudonym=patient.pseudonym, course_id=course_id, as_of=as_of)
    alerts += _flare_alerts(uow, patient, courses, course_id, as_of)
    return alerts


def _is_followed_up(course: TherapyCourse) -> bool:
    return course.status is not CourseStatus.ENDED_EARLY and course.phase not in FINAL_PHASES


def _schedule_alerts(
    uow: UnitOfWork,
    patient: Patient,
    course: TherapyCourse,
    settings: PathwaySettings,
    as_of: date,
) -> list[Alert]:
    if not _is_followed_up(course):
        return []
    status = course_follow_up_status(
        uow,
        course,
        schedule=settings.schedule,
        as_of=as_of,
        upcoming_within_days=settings.upcoming_within_days,
    )
    alerts: list[Alert] = []
    for visit in status.visits:
        label = visit.visit.label
        if visit.status is VisitStatus.OVERDUE:
            alerts.append(
                Alert(
                    AlertKind.OVERDUE_VISIT,
                    Severity.MEDIUM,
                    patient.pseudonym,
                    course.id,
                    f"{label} visit overdue: its window "
                    f"{visit.opens_on.isoformat()} to {visit.closes_on.isoformat()} has closed",
                    due=visit.closes_on,
                )
            )
        elif visit.missing:
            lacking = ", ".join(describe_requirement(item) for item in visit.missing)
            alerts.append(
                Alert(
                    AlertKind.MISSING_DATA,
                    Severity.LOW,
                    patient.pseudonym,
                    course.id,
                    f"{label} visit on {visit.done_on} lacks: {lacking}",
                    since=visit.done_on,
                    due=visit.closes_on,
                )
            )
    return alerts


def _phase_alerts(
    uow: UnitOfWork,
    patient: Patient,
    course: TherapyCourse,
    settings: PathwaySettings,
    as_of: date,
) -> list[Alert]:
    if course.phase in FINAL_PHASES or course.status is CourseStatus.ENDED_EARLY:
        return []
    entered = phase_entered_on(course.phase, phase_history(uow, course.id), course.start_date)
    over = days_over_expected_length(course.phase, entered, as_of, settings)
    if over is None:
        return []
    maximum = settings.max_phase_days[course.phase]
    source = MAX_PHASE_DAYS_SOURCES.get(course.phase, "protocol setting")
    source = source if source.startswith("(") else f"({source})"
    phase = course.phase.value.replace("_", " ")
    return [
        Alert(
            AlertKind.STUCK_IN_PHASE,
            Severity.MEDIUM,
            patient.pseudonym,
            course.id,
            f"in {phase} for {(as_of - entered).days} days since {entered.isoformat()}; "
            f"expected at most {maximum} days {source}",
            since=entered,
        )
    ]


_COUNT = ctcae_v5.CountUnit.X10E9_PER_L  # canonical unit of 751-8 and 777-3 (domain.labs)
_BY_LLN: dict[str, Callable[[float, float], ctcae_v5.CtcaeGrade]] = {
    "751-8": lambda value, lln: ctcae_v5.grade_neutrophil_count_decreased(value, lln, _COUNT),
    "777-3": lambda value, lln: ctcae_v5.grade_platelet_count_decreased(value, lln, _COUNT),
    "718-7": lambda value, lln: ctcae_v5.grade_anemia(ctcae_v5.AnemiaAssessment(value, lln)),
}  # CTCAE v5.0 "decreased" terms and Anemia: graded against the LLN
_BY_ULN: dict[str, Callable[[float, float], ctcae_v5.CtcaeGrade]] = {
    "2160-0": lambda value, uln: ctcae_v5.grade_creatinine_increased(
        value, uln, ctcae_v5.CreatinineUnit.MG_DL
    ),
    "1742-6": ctcae_v5.grade_alt_increased,
}  # CTCAE v5.0 "increased" terms: graded against the ULN


def _grade(lab: LabResult) -> ctcae_v5.CtcaeGrade | None:
    """CTCAE v5.0 grade of a result against its own range, or ``None`` when the limit is absent.

    The value and the limit are converted to the canonical unit (domain.labs) with one factor.
    """
    factor = lab_test(lab.loinc_code).to_canonical[lab.unit]
    if lab.loinc_code in _BY_LLN:
        limit, grader = lab.reference_low, _BY_LLN[lab.loinc_code]
    elif lab.loinc_code in _BY_ULN:
        limit, grader = lab.reference_high, _BY_ULN[lab.loinc_code]
    else:
        return None
    if limit is None or limit <= 0:
        return None
    return grader(canonical_value(lab), limit * factor)


def lab_alerts(
    labs: Iterable[LabResult], *, pseudonym: str, course_id: str | None, as_of: date
) -> list[Alert]:
    """One alert per CTCAE term that reached grade >= 3 in the 14 days up to ``as_of``.

    The alert names the worst grade, its value and date, and dates from the first result of the
    window at grade >= 3. Creatinine and ALT are graded on the ULN clauses only (no baseline is
    taken from the record).
    """
    start = as_of - timedelta(days=LAB_LOOKBACK_DAYS - 1)
    graded: dict[ctcae_v5.CtcaeTerm, list[tuple[int, LabResult]]] = {}
    for lab in sorted(labs, key=lambda x: x.collected_at):
        if not start <= lab.collected_at.date() <= as_of:
            continue
        result = _grade(lab)
        if result is None or result.grade is None or result.grade < ALERT_GRADE_AT_LEAST:
            continue
        graded.setdefault(result.term, []).append((result.grade, lab))
    alerts = []
    for term, hits in graded.items():
        grade, worst = max(hits, key=lambda h: (h[0], h[1].collected_at))
        alerts.append(
            Alert(
                AlertKind.LAB_CTCAE_GRADE_3,
                Severity.HIGH,
                pseudonym,
                course_id,
                f"{term.value}: CTCAE v{ctcae_v5.CTCAE_VERSION} grade {grade} "
                f"({worst.value:g} {worst.unit} on {worst.collected_at.date().isoformat()})",
                since=hits[0][1].collected_at.date(),
            )
        )
    return alerts


def _flare_alerts(
    uow: UnitOfWork,
    patient: Patient,
    courses: Sequence[TherapyCourse],
    course_id: str | None,
    as_of: date,
) -> list[Alert]:
    assessments = uow.assessments.find(patient_id=patient.id)
    if len(assessments) < 2:
        return []
    infused = [c.day0 for c in courses if c.day0 is not None and c.day0 <= as_of]
    course = derive_disease_course(
        assessments,
        uow.labs.find(patient_id=patient.id),
        uow.medications.find(patient_id=patient.id),
        day0=max(infused) if infused else None,
        as_of=as_of,
    )
    start = as_of - timedelta(days=FLARE_LOOKBACK_DAYS)
    good_since: date | None = None
    alerts: list[Alert] = []
    for visit in course.visits:
        flared = visit.flare in (SelenaFlare.MILD_MODERATE, SelenaFlare.SEVERE)
        if flared and good_since is not None and visit.visit_date >= start:
            severe = visit.flare is SelenaFlare.SEVERE
            kind = "severe" if severe else "mild/moderate"
            alerts.append(
                Alert(
                    AlertKind.FLARE_AFTER_REMISSION,
                    Severity.HIGH if severe else Severity.MEDIUM,
                    patient.pseudonym,
                    course_id,
                    f"{kind} SELENA flare on {visit.visit_date.isoformat()} after remission "
                    f"or LLDAS on {good_since.isoformat()}",
                    since=visit.visit_date,
                )
            )
        if visit.doris_remission or visit.lldas:
            good_since = visit.visit_date
    return alerts
