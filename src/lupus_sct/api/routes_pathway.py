"""Protocols, eligibility with reasons, background screening, the worklist and disease course."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from lupus_sct.api.context import Now, Reader, Uow
from lupus_sct.api.convert import attributes, eligibility_out
from lupus_sct.api.schemas_courses import (
    AlertOut,
    DiseaseCourseOut,
    EligibilityOut,
    ScreeningIn,
    ScreeningOut,
    ScreeningRowOut,
    VisitStateOut,
)
from lupus_sct.domain.eligibility.protocol import Protocol
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.http.context import protocols_of
from lupus_sct.http.errors import ERROR_RESPONSES
from lupus_sct.services.clinic import access as clinic_access
from lupus_sct.services.eligibility import evaluation as eligibility
from lupus_sct.services.eligibility.screening_jobs import ScreeningJob, ScreeningJobs
from lupus_sct.services.views import disease_course, worklist

router = APIRouter(prefix="/api/v1", tags=["pathway"], responses=ERROR_RESPONSES)


def protocol_named(request: Request, protocol_id: str) -> Protocol:
    """A loaded protocol by id; an unknown id is a 422 naming the known ones."""
    protocols = protocols_of(request)
    if protocol_id not in protocols:
        raise InvalidValueError("protocol", protocol_id, f"one of {', '.join(sorted(protocols))}")
    return protocols[protocol_id]


def jobs_of(request: Request) -> ScreeningJobs:
    """The app's screening jobs."""
    jobs: ScreeningJobs = request.app.state.screening_jobs
    return jobs


@router.get("/protocols", response_model=list[dict[str, str]])
def list_protocols(principal: Reader, request: Request) -> list[dict[str, str]]:
    """The protocols patients can be evaluated against."""
    return [
        {"id": p.id, "title": p.title, "version": p.version, "course_kind": p.course_kind.value}
        for p in sorted(protocols_of(request).values(), key=lambda p: p.id)
    ]


@router.get("/patients/{patient_id}/eligibility", response_model=EligibilityOut)
def patient_eligibility(
    patient_id: str,
    principal: Reader,
    uow: Uow,
    now: Now,
    request: Request,
    protocol: Annotated[str, Query(min_length=1, max_length=100, examples=["auto-hsct-sle"])],
) -> EligibilityOut:
    """The patient against a protocol today, with a reason per criterion."""
    chosen = protocol_named(request, protocol)
    clinic_access.check_patient(uow(), principal, patient_id)
    report = eligibility.assess_eligibility(uow(), patient_id, chosen, as_of=now.date())
    return eligibility_out(report)


def _screening_out(job: ScreeningJob) -> ScreeningOut:
    return ScreeningOut(
        id=job.id,
        state=job.state,
        done=job.done,
        total=job.total,
        error=job.error,
        rows=[attributes(ScreeningRowOut, line) for line in job.lines],
    )


@router.post("/screenings", status_code=202, response_model=ScreeningOut)
def start_screening(
    body: ScreeningIn, principal: Reader, uow: Uow, now: Now, request: Request
) -> ScreeningOut:
    """Start screening the user's patients in the background; poll GET /screenings/{id}."""
    protocols = [protocol_named(request, p) for p in dict.fromkeys(body.protocol_ids)]
    job = jobs_of(request).start(
        uow(), principal, protocols, centre_id=body.centre_id, as_of=now.date()
    )
    return _screening_out(job)


@router.get("/screenings/{job_id}", response_model=ScreeningOut)
def read_screening(job_id: str, principal: Reader, request: Request) -> ScreeningOut:
    """Progress of a screening, and its rows once done."""
    return _screening_out(jobs_of(request).get(principal, job_id))


@router.get("/worklist", response_model=list[AlertOut])
def centre_worklist(
    principal: Reader,
    uow: Uow,
    now: Now,
    centre_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[AlertOut]:
    """Alerts of one centre (or of each of the user's centres), most urgent first."""
    with_centres = (
        [clinic_access.for_centre(uow(), principal, centre_id, lambda u, c: c)]
        if centre_id
        else clinic_access.for_centres(uow(), principal)
    )
    alerts = [
        alert
        for centre in with_centres
        for alert in worklist.centre_worklist(uow(), centre.id, as_of=now.date())
    ]
    return [attributes(AlertOut, a) for a in worklist.sort_alerts(alerts)]


@router.get("/patients/{patient_id}/disease-course", response_model=DiseaseCourseOut)
def patient_disease_course(
    patient_id: str, principal: Reader, uow: Uow, now: Now
) -> DiseaseCourseOut:
    """Visit states (SLEDAI-2K, LLDAS, DORIS, SDI, steroid dose) aligned at day 0."""
    clinic_access.check_patient(uow(), principal, patient_id)
    course = disease_course.patient_disease_course(uow(), patient_id, as_of=now.date())
    return DiseaseCourseOut(
        as_of=course.as_of,
        day0=course.day0,
        visits=[
            VisitStateOut(
                visit_date=v.visit_date,
                day=v.day,
                sledai_2k=v.sledai_2k,
                clinical_sledai=v.clinical_sledai,
                pga=v.pga,
                prednisone_mg_per_day=v.prednisone_mg_per_day,
                sdi=v.sdi,
                lldas=v.lldas,
                doris_remission=v.doris_remission,
                flare=v.flare.value if v.flare else None,
            )
            for v in course.visits
        ],
        share_in_lldas=course.share_in_lldas,
        share_in_remission=course.share_in_remission,
        days_to_first_flare=course.days_to_first_flare,
        steroid_free_from_day=course.steroid_free_from_day,
    )
