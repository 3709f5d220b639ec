"""The course tracker: start a course, record pathway events (day numbers), change phase."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lupus_sct.domain.access.permissions import Scope
from lupus_sct.domain.errors import DomainError, InvalidValueError
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.pathway.course import (
    ALLOWED_EVENTS,
    Consent,
    CourseKind,
    Discharge,
    EventKind,
    Infusion,
    Referral,
    day_number,
)
from lupus_sct.domain.pathway.phases import CoursePhase
from lupus_sct.http.context import platform_of
from lupus_sct.services.clinic import access as clinic_access
from lupus_sct.services.clinic import courses, pathway
from lupus_sct.services.errors import ServiceError
from lupus_sct.services.views import clinic as clinic_views
from lupus_sct.web.forms import Form, check_form, page_user, render

router = APIRouter(include_in_schema=False)
WEB_EVENTS = (EventKind.REFERRAL, EventKind.CONSENT, EventKind.INFUSION, EventKind.DISCHARGE)
# Other events carry regimens (agents, doses, days): record them through the API.


def _date(field: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValueError(field, text, "a date as YYYY-MM-DD") from None


def _course_kind(text: str) -> CourseKind:
    try:
        return CourseKind(text)
    except ValueError:
        accepted = ", ".join(k.value for k in CourseKind)
        raise InvalidValueError("course.kind", text, f"one of {accepted}") from None


def _details(kind: EventKind, note: str, cd34: str) -> Any:
    if kind is EventKind.REFERRAL:
        return Referral(referred_by=note.strip() or "not stated")
    if kind is EventKind.CONSENT:
        return Consent(registry_data_transfer=note.strip().lower() in ("yes", "y", "true"))
    if kind is EventKind.INFUSION:
        return Infusion(cd34_x10e6_per_kg=float(cd34) if cd34.strip() else Missing.NOT_EVALUATED)
    if kind is EventKind.DISCHARGE:
        return Discharge(destination=note.strip() or "home")
    raise InvalidValueError("event.kind", kind.value, "referral, consent, infusion or discharge")


@router.post("/patients/{patient_id}/courses")
def start_course(request: Request, patient_id: str, form: Form) -> Response:
    user = page_user(request, Scope.WRITE)
    check_form(request, form.get("csrf_token"))
    kind, protocol_id, start_date = (
        form.get("kind"),
        form.get("protocol_id"),
        form.get("start_date"),
    )
    platform = platform_of(request)
    course = clinic_access.for_patient(
        platform.uow(),
        user,
        patient_id,
        lambda u, p: courses.start_course(
            u,
            patient_id=p.id,
            kind=_course_kind(kind),
            protocol_id=protocol_id,
            start_date=_date("course.start_date", start_date),
            by=user.actor,
            now=platform.clock.now(),
        ),
        commit=True,
    )
    return RedirectResponse(f"/courses/{course.id}", status_code=303)


def _course_page(request: Request, course_id: str, error: str = "", status: int = 200) -> Response:
    user = page_user(request)
    platform = platform_of(request)
    view = clinic_views.read_course(platform.uow(), user, course_id)
    today = platform.clock.now().date()
    course = view.course
    return render(
        request,
        "course.html",
        {
            "v": view,
            "c": course,
            "today": today,
            "today_day": day_number(course.day0, today) if course.day0 else None,
            "event_kinds": [k.value for k in WEB_EVENTS if k in ALLOWED_EVENTS[course.kind]],
            "phases": [p.value for p in CoursePhase],
            "error": error,
        },
        status,
    )


@router.get("/courses/{course_id}", response_class=HTMLResponse)
def course_page(request: Request, course_id: str) -> Response:
    return _course_page(request, course_id)


@router.post("/courses/{course_id}/events")
def record_event(request: Request, course_id: str, form: Form) -> Response:
    user = page_user(request, Scope.WRITE)
    check_form(request, form.get("csrf_token"))
    kind, event_date = form.get("kind"), form.get("event_date")
    note, cd34 = form.get("note"), form.get("cd34")
    platform = platform_of(request)
    try:
        event_kind = EventKind(kind)
        details = _details(event_kind, note, cd34)
        clinic_access.for_course(
            platform.uow(),
            user,
            course_id,
            lambda u, c: courses.record_course_event(
                u,
                course_id=c.id,
                kind=event_kind,
                event_date=_date("event_date", event_date),
                details=details,
                by=user.actor,
                now=platform.clock.now(),
            ),
            commit=True,
        )
    except (DomainError, ValueError) as exc:
        return _course_page(request, course_id, str(exc), 422)
    return RedirectResponse(f"/courses/{course_id}", status_code=303)


@router.post("/courses/{course_id}/phases")
def change_phase(request: Request, course_id: str, form: Form) -> Response:
    user = page_user(request, Scope.WRITE)
    check_form(request, form.get("csrf_token"))
    phase, entered_on, reason = form.get("phase"), form.get("entered_on"), form.get("reason")
    platform = platform_of(request)
    try:
        clinic_access.for_course(
            platform.uow(),
            user,
            course_id,
            lambda u, c: pathway.change_phase(
                u,
                course_id=c.id,
                phase=CoursePhase(phase),
                entered_on=_date("entered_on", entered_on),
                reason=reason,
                by=user.actor,
                now=platform.clock.now(),
            ),
            commit=True,
        )
    except (DomainError, ServiceError, ValueError) as exc:
        return _course_page(request, course_id, str(exc), 422)
    return RedirectResponse(f"/courses/{course_id}", status_code=303)
