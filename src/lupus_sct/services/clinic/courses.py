"""Use cases for therapy courses and their pathway events, under ids chosen here.

They store through :mod:`lupus_sct.services.clinic.record_updates` (the same checks and writes
as an import), so a form, the API and a FHIR import refuse the same course or event alike.
"""

from __future__ import annotations

from datetime import date, datetime

from lupus_sct.domain.pathway.course import (
    CourseEvent,
    CourseKind,
    CourseStatus,
    EventDetails,
    EventKind,
    TherapyCourse,
)
from lupus_sct.services.clinic.patients import new_id
from lupus_sct.services.clinic.record_updates import add_course, add_course_event
from lupus_sct.services.clinic.write_checks import MAX_PROTOCOL_ID_LENGTH
from lupus_sct.services.ports import UnitOfWork

__all__ = ["MAX_PROTOCOL_ID_LENGTH", "record_course_event", "start_course"]


def start_course(
    uow: UnitOfWork,
    *,
    patient_id: str,
    kind: CourseKind,
    protocol_id: str,
    start_date: date,
    by: str,
    now: datetime,
) -> TherapyCourse:
    """Open a course for a patient (status planned until the pathway moves past consent)."""
    course = TherapyCourse(
        id=new_id(),
        patient_id=patient_id,
        kind=kind,
        protocol_id=protocol_id,
        status=CourseStatus.PLANNED,
        start_date=start_date,
    )
    return add_course(uow, course, by=by, now=now)


def record_course_event(
    uow: UnitOfWork,
    *,
    course_id: str,
    kind: EventKind,
    event_date: date,
    details: EventDetails,
    by: str,
    now: datetime,
) -> CourseEvent:
    """Record a pathway event; the first infusion fixes day 0.

    Raises
    ------
    PathwayOrderError
        When the event does not belong to this kind of course or breaks the pathway order.
    """
    event = CourseEvent(
        id=new_id(), course_id=course_id, kind=kind, event_date=event_date, details=details
    )
    return add_course_event(uow, event, by=by, now=now)
