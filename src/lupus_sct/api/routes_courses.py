"""Courses, their pathway events (with day numbers), phase changes and follow-up schedule."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from lupus_sct.api.context import Now, Reader, Uow, Writer
from lupus_sct.api.convert import attributes, course_out, tagged
from lupus_sct.api.schemas_courses import (
    CourseIn,
    CourseOut,
    EventIn,
    EventOut,
    PhaseChangeIn,
    PhaseChangeOut,
    ScheduleOut,
    VisitOut,
)
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.pathway.course import DETAILS_TYPE
from lupus_sct.http.errors import ERROR_RESPONSES
from lupus_sct.services.clinic import access as clinic_access
from lupus_sct.services.clinic import courses, pathway
from lupus_sct.services.record_codec import from_record
from lupus_sct.services.views import clinic as clinic_views

router = APIRouter(prefix="/api/v1", tags=["courses"], responses=ERROR_RESPONSES)


def _details(body: EventIn) -> Any:
    cls = DETAILS_TYPE[body.kind]
    try:
        return from_record(cls, body.details)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        if isinstance(exc, InvalidValueError):
            raise
        raise InvalidValueError(
            f"event[{body.kind.value}].details",
            sorted(body.details),
            f"the fields of {cls.__name__} with values of their types",
        ) from None


@router.get("/patients/{patient_id}/courses", response_model=list[CourseOut])
def list_courses(patient_id: str, principal: Reader, uow: Uow) -> list[CourseOut]:
    """A patient's courses, newest first, with their events."""
    return [course_out(v) for v in clinic_views.patient_courses(uow(), principal, patient_id)]


@router.post("/patients/{patient_id}/courses", status_code=201, response_model=CourseOut)
def start_course(
    patient_id: str, body: CourseIn, principal: Writer, uow: Uow, now: Now, response: Response
) -> CourseOut:
    """Open a course for a patient."""
    view = clinic_access.for_patient(
        uow(),
        principal,
        patient_id,
        lambda u, p: clinic_views.course_view(
            u,
            courses.start_course(
                u,
                patient_id=p.id,
                kind=body.kind,
                protocol_id=body.protocol_id,
                start_date=body.start_date,
                by=principal.actor,
                now=now,
            ),
        ),
        commit=True,
    )
    tagged(response, view.course.version)
    return course_out(view)


@router.get("/courses/{course_id}", response_model=CourseOut)
def read_course(course_id: str, principal: Reader, uow: Uow, response: Response) -> CourseOut:
    """A course with day 0, phase and events numbered from day 0."""
    view = clinic_views.read_course(uow(), principal, course_id)
    tagged(response, view.course.version)
    return course_out(view)


@router.post("/courses/{course_id}/events", status_code=201, response_model=CourseOut)
def record_event(course_id: str, body: EventIn, principal: Writer, uow: Uow, now: Now) -> CourseOut:
    """Record a pathway event; the first infusion fixes day 0. Returns the updated course."""
    details = _details(body)
    view = clinic_access.for_course(
        uow(),
        principal,
        course_id,
        lambda u, c: _event_then_view(u, c.id, body, details, principal.actor, now),
        commit=True,
    )
    return course_out(view)


def _event_then_view(u: Any, course_id: str, body: EventIn, details: Any, by: str, now: Any) -> Any:
    courses.record_course_event(
        u,
        course_id=course_id,
        kind=body.kind,
        event_date=body.event_date,
        details=details,
        by=by,
        now=now,
    )
    return clinic_views.course_view(u, u.courses.get(course_id))


@router.get("/courses/{course_id}/events", response_model=list[EventOut])
def list_events(course_id: str, principal: Reader, uow: Uow) -> list[EventOut]:
    """A course's events in date order with their day numbers."""
    return course_out(clinic_views.read_course(uow(), principal, course_id)).events


@router.get("/courses/{course_id}/phases", response_model=list[PhaseChangeOut])
def list_phases(course_id: str, principal: Reader, uow: Uow) -> list[PhaseChangeOut]:
    """A course's phase history."""
    view = clinic_views.read_course(uow(), principal, course_id)
    return [attributes(PhaseChangeOut, p) for p in view.phases]


@router.post("/courses/{course_id}/phases", status_code=201, response_model=PhaseChangeOut)
def change_phase(
    course_id: str, body: PhaseChangeIn, principal: Writer, uow: Uow, now: Now
) -> PhaseChangeOut:
    """Move a course into a phase (the pathway engine refuses a transition out of order)."""
    change = clinic_access.for_course(
        uow(),
        principal,
        course_id,
        lambda u, c: pathway.change_phase(
            u,
            course_id=c.id,
            phase=body.phase,
            entered_on=body.entered_on,
            reason=body.reason,
            by=principal.actor,
            now=now,
        ),
        commit=True,
    )
    return attributes(PhaseChangeOut, change)  # type: ignore[no-any-return]


@router.get("/courses/{course_id}/schedule", response_model=ScheduleOut)
def schedule(course_id: str, principal: Reader, uow: Uow, now: Now) -> ScheduleOut:
    """The course's follow-up visits as of today: done, overdue, due, upcoming or future."""
    clinic_access.check_course(uow(), principal, course_id)
    status = pathway.follow_up_status(uow(), course_id, as_of=now.date())
    return ScheduleOut(
        course_id=status.course_id,
        day0=status.day0,
        as_of=status.as_of,
        visits=[
            VisitOut(
                label=v.visit.label,
                target_day=v.visit.target_day,
                target_date=v.target_date,
                opens_on=v.opens_on,
                closes_on=v.closes_on,
                status=v.status.value,
                done_on=v.done_on,
                missing=list(v.missing),
            )
            for v in status.visits
        ],
    )
