"""Use cases of the pathway engine: change a course's phase, its milestones, its follow-up status.

``change_phase`` writes in the caller's transaction (the caller commits); the read use cases open
their own transaction, as :mod:`lupus_sct.services.views.disease_course` does, so call them with a
unit
of work that is not already entered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime

from lupus_sct.domain.pathway.course import CourseStatus, TherapyCourse
from lupus_sct.domain.pathway.engine import EARLY_ENDS
from lupus_sct.domain.pathway.follow_up_schedule import (
    DEFAULT_SCHEDULE,
    UPCOMING_WITHIN_DAYS,
    ScheduledVisit,
    ScheduledVisitStatus,
    schedule_status,
)
from lupus_sct.domain.pathway.milestones import (
    CD34_MIN_X10E6_PER_KG,
    TRM_WINDOW_DAYS,
    CourseMilestones,
    derive_course_milestones,
)
from lupus_sct.domain.pathway.phases import CoursePhase, PhaseChange
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.services.audit.chain import audited_add, audited_update
from lupus_sct.services.clinic.patients import new_id
from lupus_sct.services.clinic.write_checks import check_phase_change
from lupus_sct.services.ports import UnitOfWork

_BEFORE_TREATMENT = frozenset(
    {CoursePhase.REFERRAL, CoursePhase.EVALUATION, CoursePhase.ELIGIBLE, CoursePhase.CONSENTED}
)


@dataclasses.dataclass(frozen=True, slots=True)
class FollowUpStatus:
    """A course's scheduled visits as of a date; empty until the course has a day 0."""

    course_id: str
    day0: date | None
    as_of: date
    visits: tuple[ScheduledVisitStatus, ...]


def phase_history(uow: UnitOfWork, course_id: str) -> list[PhaseChange]:
    """A course's phase changes in date order (same-day changes keep their stored order)."""
    return sorted(uow.phase_changes.find(course_id=course_id), key=lambda c: c.entered_on)


def _course_after_phase(
    course: TherapyCourse, phase: CoursePhase, on: date, reason: str
) -> TherapyCourse:
    changed = dataclasses.replace(course, phase=phase)
    if phase in EARLY_ENDS:
        return dataclasses.replace(changed, status=CourseStatus.ENDED_EARLY, end_reason=reason)
    if phase is CoursePhase.INFUSION and course.day0 is None:
        changed = dataclasses.replace(changed, day0=on)
    if changed.status is CourseStatus.PLANNED and phase not in _BEFORE_TREATMENT:
        changed = dataclasses.replace(changed, status=CourseStatus.ACTIVE)
    return changed


def change_phase(
    uow: UnitOfWork,
    *,
    course_id: str,
    phase: CoursePhase,
    entered_on: date,
    reason: str,
    by: str,
    now: datetime,
) -> PhaseChange:
    """Move a course into ``phase`` on ``entered_on``, audited, in the caller's transaction.

    The first infusion sets day 0 when no infusion event has; an early end (not eligible,
    withdrawn, died) ends the course with ``reason`` as its end reason.

    Raises
    ------
    PathwayOrderError
        When the course kind does not allow the transition or the date is out of order.
    InvalidValueError
        For a date in the future or an empty reason.
    """
    change = PhaseChange(
        id=new_id(), course_id=course_id, phase=phase, entered_on=entered_on, reason=reason
    )
    course = check_phase_change(uow, change, history=phase_history(uow, course_id), now=now)
    reason = reason.strip()
    change = dataclasses.replace(change, reason=reason)
    stored = audited_add(
        uow.phase_changes, uow.audit, change, entity="phase_change", by=by, now=now, reason=reason
    )
    audited_update(
        uow.courses,
        uow.audit,
        _course_after_phase(course, phase, entered_on, reason),
        entity="course",
        by=by,
        now=now,
        reason=f"phase {course.phase.value} -> {phase.value}: {reason}",
    )
    return stored


def death_date(
    outcomes: Iterable[OutcomeEvent], changes: Iterable[PhaseChange], *, course_id: str
) -> date | None:
    """The patient's death date: a recorded death outcome, else the course's ``died`` phase."""
    deaths = [o.event_date for o in outcomes if o.kind is OutcomeKind.DEATH]
    deaths += [
        c.entered_on for c in changes if c.phase is CoursePhase.DIED and c.course_id == course_id
    ]
    return min(deaths, default=None)


def course_milestones(
    uow: UnitOfWork,
    course_id: str,
    *,
    as_of: date,
    cd34_min: float = CD34_MIN_X10E6_PER_KG,
    trm_window_days: int = TRM_WINDOW_DAYS,
) -> CourseMilestones:
    """Engraftment, CD34+ dose, severe neutropenia and early death of a course as of a date."""
    with uow:
        course = uow.courses.get(course_id)
        return derive_course_milestones(
            course,
            events=uow.course_events.find(course_id=course.id),
            labs=uow.labs.find(patient_id=course.patient_id),
            transfusions=uow.transfusions.find(patient_id=course.patient_id),
            death_on=death_date(
                uow.outcomes.find(patient_id=course.patient_id),
                uow.phase_changes.find(course_id=course.id),
                course_id=course.id,
            ),
            as_of=as_of,
            cd34_min_x10e6_per_kg=cd34_min,
            trm_window_days=trm_window_days,
        )


def course_follow_up_status(
    uow: UnitOfWork,
    course: TherapyCourse,
    *,
    schedule: Iterable[ScheduledVisit],
    as_of: date,
    upcoming_within_days: int = UPCOMING_WITHIN_DAYS,
) -> FollowUpStatus:
    """The follow-up status of a course already read, inside the caller's transaction."""
    if course.day0 is None or course.day0 > as_of:
        return FollowUpStatus(course.id, None, as_of, ())
    visits = schedule_status(
        schedule,
        day0=course.day0,
        assessments=uow.assessments.find(patient_id=course.patient_id),
        labs=uow.labs.find(patient_id=course.patient_id),
        as_of=as_of,
        upcoming_within_days=upcoming_within_days,
    )
    return FollowUpStatus(course.id, course.day0, as_of, visits)


def follow_up_status(
    uow: UnitOfWork,
    course_id: str,
    *,
    schedule: Iterable[ScheduledVisit] = DEFAULT_SCHEDULE,
    as_of: date,
    upcoming_within_days: int = UPCOMING_WITHIN_DAYS,
) -> FollowUpStatus:
    """Each scheduled visit of a course: done, overdue, due, upcoming or future, as of a date."""
    with uow:
        course = uow.courses.get(course_id)
        return course_follow_up_status(
            uow,
            course,
            schedule=schedule,
            as_of=as_of,
            upcoming_within_days=upcoming_within_days,
        )
