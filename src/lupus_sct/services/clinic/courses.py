"""Use cases for therapy courses and their pathway events."""

from __future__ import annotations

from datetime import date, datetime

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.pathway.course import (
    CourseEvent,
    CourseKind,
    CourseStatus,
    EventDetails,
    EventKind,
    TherapyCourse,
    check_event_fits_course,
    course_after_event,
)
from lupus_sct.services.audit.chain import audited_add, audited_update
from lupus_sct.services.clinic.patients import new_id
from lupus_sct.services.ports import UnitOfWork

# The store keeps every ``*_id`` in a 64-character column (store/schema.py); PostgreSQL refuses a
# longer value where SQLite keeps it, so the use case refuses it first, the same on both.
MAX_PROTOCOL_ID_LENGTH = 64


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
    patient = uow.patients.get(patient_id)
    if not patient.birth_date <= start_date <= now.date():
        raise InvalidValueError(
            "course.start_date", start_date.isoformat(), "a date between birth and today"
        )
    if not protocol_id.strip() or len(protocol_id) > MAX_PROTOCOL_ID_LENGTH:
        raise InvalidValueError(
            "course.protocol_id",
            protocol_id,
            f"the protocol the course follows (1-{MAX_PROTOCOL_ID_LENGTH} characters)",
        )
    course = TherapyCourse(
        id=new_id(),
        patient_id=patient.id,
        kind=kind,
        protocol_id=protocol_id,
        status=CourseStatus.PLANNED,
        start_date=start_date,
    )
    return audited_add(uow.courses, uow.audit, course, entity="course", by=by, now=now)


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
    course = uow.courses.get(course_id)
    if event_date > now.date():
        raise InvalidValueError(
            f"event[{kind.value}].event_date", event_date.isoformat(), "a date not in the future"
        )
    event = CourseEvent(
        id=new_id(), course_id=course.id, kind=kind, event_date=event_date, details=details
    )
    check_event_fits_course(course, uow.course_events.find(course_id=course.id), event)
    stored = audited_add(uow.course_events, uow.audit, event, entity="course_event", by=by, now=now)
    moved = course_after_event(course, stored)
    if moved != course:
        audited_update(
            uow.courses,
            uow.audit,
            moved,
            entity="course",
            by=by,
            now=now,
            reason=f"{kind.value} recorded",
        )
    return stored
