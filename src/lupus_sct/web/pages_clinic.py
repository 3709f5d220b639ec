"""Clinical pages: worklist, patients, patient summary, assessment form, eligibility, screening."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lupus_sct.domain.access.permissions import Scope
from lupus_sct.domain.errors import DomainError, InvalidValueError
from lupus_sct.domain.instruments.lupus.sledai_2k import SLEDAI_2K_WEIGHTS, SledaiDescriptor
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.people import Sex
from lupus_sct.http.context import platform_of, protocols_of
from lupus_sct.rendering.timeline import timeline_svg
from lupus_sct.services.accounts import sign_in as auth
from lupus_sct.services.clinic import access as clinic_access
from lupus_sct.services.clinic import clinical_records, patients, pseudonym_namespace
from lupus_sct.services.clinic.patients import new_id
from lupus_sct.services.eligibility import evaluation as eligibility
from lupus_sct.services.errors import ServiceError
from lupus_sct.services.views import clinic as clinic_views
from lupus_sct.services.views import worklist
from lupus_sct.web.forms import Form, check_form, page_user, render

router = APIRouter(include_in_schema=False)
DESCRIPTORS = [(d.value, d.value.replace("_", " "), SLEDAI_2K_WEIGHTS[d]) for d in SledaiDescriptor]


@router.get("/worklist", response_class=HTMLResponse)
def worklist_page(request: Request, centre_id: str | None = None) -> HTMLResponse:
    user = page_user(request)
    platform = platform_of(request)
    centres = clinic_access.for_centres(platform.uow(), user)
    chosen = next((c for c in centres if c.id == centre_id), centres[0] if centres else None)
    alerts = (
        worklist.centre_worklist(platform.uow(), chosen.id, as_of=platform.clock.now().date())
        if chosen
        else []
    )
    overdue = [a for a in alerts if a.kind is worklist.AlertKind.OVERDUE_VISIT]
    others = [a for a in alerts if a.kind is not worklist.AlertKind.OVERDUE_VISIT]
    return render(
        request,
        "worklist.html",
        {
            "centres": centres,
            "centre": chosen,
            "alerts": others,
            "overdue": overdue,
            "protocols": sorted(protocols_of(request)),
        },
    )


@router.get("/patients", response_class=HTMLResponse)
def patients_page(request: Request, q: str = "", offset: int = 0) -> HTMLResponse:
    user = page_user(request)
    page = clinic_access.list_patients(
        platform_of(request).uow(),
        user,
        pseudonym_prefix=q.strip(),
        offset=max(offset, 0),
        limit=50,
    )
    return render(request, "patients.html", {"page": page, "q": q})


def _new_patient_form(request: Request, error: str = "", status: int = 200) -> HTMLResponse:
    user = page_user(request, Scope.WRITE)
    centres = clinic_access.for_centres(platform_of(request).uow(), user)
    return render(
        request,
        "patient_new.html",
        {
            "centres": centres,
            "sexes": [s.value for s in Sex],
            "error": error,
            "with_identity": user.may(Scope.IDENTITY),
        },
        status,
    )


@router.get("/patients/new", response_class=HTMLResponse)
def new_patient(request: Request) -> HTMLResponse:
    return _new_patient_form(request)


@router.post("/patients/new")
def create_patient(request: Request, form: Form) -> Response:
    user = page_user(request, Scope.WRITE)
    check_form(request, form.get("csrf_token"))
    family_name, given_name = form.get("family_name"), form.get("given_name")
    hospital_number, pseudonym = form.get("hospital_number"), form.get("pseudonym")
    platform = platform_of(request)
    wants_identity = bool(family_name.strip())  # the use case refuses it without the scope
    try:
        identity = (
            patients.IdentityDetails(
                family_name.strip(), given_name.strip(), hospital_number.strip()
            )
            if wants_identity
            else None
        )
        patient = clinic_access.for_centre(
            platform.uow(),
            user,
            form.get("centre_id"),
            lambda u, c: pseudonym_namespace.enrol_patient_as(
                u,
                user,
                c,
                sex=Sex(form.get("sex")),
                birth_date=_date("birth_date", form.get("birth_date")),
                identity=identity,
                pseudonym=pseudonym.strip() or None,
                now=platform.clock.now(),
            ),
            commit=True,
        )
    except auth.PermissionDeniedError as exc:
        return _new_patient_form(request, str(exc), 403)
    except (DomainError, ServiceError, ValueError) as exc:
        return _new_patient_form(request, str(exc), 422)
    return RedirectResponse(f"/patients/{patient.id}", status_code=303)


def _date(field: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValueError(field, text, "a date as YYYY-MM-DD") from None


@router.get("/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(request: Request, patient_id: str) -> HTMLResponse:
    user = page_user(request)
    platform = platform_of(request)
    today = platform.clock.now().date()
    summary = clinic_views.patient_summary(platform.uow(), user, patient_id, as_of=today)
    visits = summary.disease_course.visits
    return render(
        request,
        "patient.html",
        {
            "s": summary,
            "p": summary.patient,
            "latest": visits[-1] if visits else None,
            "svg": timeline_svg(summary, today),
            "today": today,
            "protocols": sorted(protocols_of(request)),
            "course_kinds": [k.value for k in CourseKind],
        },
    )


def _assessment_form(
    request: Request, patient_id: str, error: str = "", status: int = 200
) -> HTMLResponse:
    user = page_user(request, Scope.WRITE)
    patient = clinic_access.read_patient(platform_of(request).uow(), user, patient_id)
    return render(
        request,
        "assessment_form.html",
        {
            "p": patient,
            "descriptors": DESCRIPTORS,
            "error": error,
            "today": platform_of(request).clock.now().date(),
        },
        status,
    )


@router.get("/patients/{patient_id}/assessments/new", response_class=HTMLResponse)
def new_assessment(request: Request, patient_id: str) -> HTMLResponse:
    return _assessment_form(request, patient_id)


@router.post("/patients/{patient_id}/assessments/new")
def create_assessment(request: Request, patient_id: str, form: Form) -> Response:
    user = page_user(request, Scope.WRITE)
    check_form(request, form.get("csrf_token"))
    pga = form.get("pga")
    platform = platform_of(request)
    try:
        assessment = Assessment(
            id=new_id(),
            patient_id=patient_id,
            visit_date=_date("visit_date", form.get("visit_date")),
            sledai_window_days=int(form.get("window", "30")),
            sledai_descriptors=tuple(
                SledaiDescriptor(v) for v in form.getlist("sledai_descriptors")
            ),
            pga=float(pga) if pga.strip() else Missing.NOT_EVALUATED,
        )
        clinic_access.for_patient(
            platform.uow(),
            user,
            patient_id,
            lambda u, p: clinical_records.record_assessment(
                u, assessment, by=user.actor, now=platform.clock.now()
            ),
            commit=True,
        )
    except (DomainError, ServiceError, ValueError) as exc:
        return _assessment_form(request, patient_id, str(exc), 422)
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)


@router.get("/patients/{patient_id}/eligibility", response_class=HTMLResponse)
def eligibility_page(request: Request, patient_id: str, protocol: str = "") -> HTMLResponse:
    user = page_user(request)
    platform = platform_of(request)
    protocols = protocols_of(request)
    patient = clinic_access.check_patient(platform.uow(), user, patient_id)
    chosen = protocols.get(protocol) or protocols[sorted(protocols)[0]]
    report = eligibility.assess_eligibility(
        platform.uow(), patient.id, chosen, as_of=platform.clock.now().date()
    )
    return render(
        request,
        "eligibility.html",
        {"p": patient, "report": report, "protocol": chosen, "protocols": sorted(protocols)},
    )


@router.get("/screening", response_class=HTMLResponse)
def screening_page(request: Request, job: str = "") -> HTMLResponse:
    user = page_user(request)
    platform = platform_of(request)
    centres = clinic_access.for_centres(platform.uow(), user)
    return render(
        request,
        "screening.html",
        {"centres": centres, "protocols": sorted(protocols_of(request)), "job": job},
    )


@router.post("/screening")
def start_screening(request: Request, form: Form) -> Response:
    user = page_user(request)
    check_form(request, form.get("csrf_token"))
    protocol, centre_id = form.get("protocol"), form.get("centre_id")
    platform = platform_of(request)
    protocols = protocols_of(request)
    chosen = [protocols[protocol]] if protocol in protocols else list(protocols.values())
    job = request.app.state.screening_jobs.start(
        platform.uow(), user, chosen, centre_id=centre_id or None, as_of=platform.clock.now().date()
    )
    return RedirectResponse(f"/screening?job={job.id}", status_code=303)
