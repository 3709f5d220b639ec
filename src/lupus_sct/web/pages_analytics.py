"""Analytics pages: the cohort dashboard of the user's centres and the evidence explorer."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from lupus_sct.analytics.meta_analysis import Measure
from lupus_sct.domain.access.permissions import Principal, Scope
from lupus_sct.domain.errors import DomainError, InvalidValueError
from lupus_sct.http.context import platform_of, resolve_principal
from lupus_sct.services.clinic import access as clinic_access
from lupus_sct.services.errors import NotFoundError, ServiceError
from lupus_sct.services.evidence import studies as evidence
from lupus_sct.services.evidence.explorer import EvidenceChoice, explore_evidence
from lupus_sct.services.evidence.studies import POOLABLE_FROM_STORE
from lupus_sct.services.views import dashboard as dashboard_views
from lupus_sct.web.analytics_view import dashboard_context, evidence_context
from lupus_sct.web.forms import ForbiddenPageError, SignInNeededError, page_user, render

router = APIRouter(include_in_schema=False)
DEFAULT_PERIOD_YEARS = 5  # the report's curves run to 5 years (rendering.programme_report ticks)


def _date(field: str, text: str, default: date) -> date:
    if not text.strip():
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValueError(field, text, "a date as YYYY-MM-DD") from None


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    period_from: Annotated[str, Query(max_length=20)] = "",
    period_to: Annotated[str, Query(max_length=20)] = "",
    centre_id: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    user = page_user(request, Scope.READ)
    platform = platform_of(request)
    today = platform.clock.now().date()
    centres = clinic_access.for_centres(platform.uow(), user)
    status, error, context = 200, "", {}
    start = date(today.year - DEFAULT_PERIOD_YEARS, 1, 1)
    end = today
    try:
        start = _date("period_from", period_from, start)
        end = _date("period_to", period_to, today)
        dashboard = dashboard_views.cohort_dashboard(
            platform.uow(),
            user,
            period_from=start,
            period_to=end,
            as_of=today,
            centre_id=centre_id or None,
        )
        context = dashboard_context(dashboard)
    except NotFoundError as exc:  # another centre answers as one that does not exist
        status, error = 404, str(exc)
    except (DomainError, ServiceError) as exc:
        status, error = 422, str(exc)
    return render(
        request,
        "dashboard.html",
        {
            "d": context,
            "error": error,
            "centres": centres,
            "centre_id": centre_id,
            "period_from": period_from or start.isoformat(),
            "period_to": period_to or end.isoformat(),
            "as_of": today.isoformat(),
        },
        status,
    )


def _reader_or_researcher(request: Request) -> Principal:
    """Clinical readers and researchers: the evidence holds no patient data (as the API)."""
    principal = resolve_principal(request)
    if principal is None:
        raise SignInNeededError
    if not (principal.may(Scope.READ) or principal.may(Scope.RESEARCH)):
        raise ForbiddenPageError(f"{Scope.READ.value} or {Scope.RESEARCH.value}")
    return principal


def _choice(
    therapy: str, outcome: str, measure: str, timepoint: str, exclude: list[str]
) -> EvidenceChoice:
    chosen = next((m for m in POOLABLE_FROM_STORE if m.value == measure), Measure.PLO)
    try:
        months = float(timepoint) if timepoint.strip() else None
    except ValueError:
        raise InvalidValueError("timepoint", timepoint, "a number of months") from None
    return EvidenceChoice(
        therapy=therapy.strip(),
        outcome=outcome.strip(),
        measure=chosen,
        timepoint_months=months,
        exclude_studies=tuple(e for e in exclude if e),
    )


@router.get("/evidence", response_class=HTMLResponse)
def evidence_page(
    request: Request,
    therapy: Annotated[str, Query(max_length=100)] = "",
    outcome: Annotated[str, Query(max_length=100)] = "",
    measure: Annotated[str, Query(max_length=8)] = Measure.PLO.value,
    timepoint: Annotated[str, Query(max_length=10)] = "",
    exclude: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    _reader_or_researcher(request)
    status, error = 200, ""
    try:
        choice = _choice(therapy, outcome, measure, timepoint, exclude or [])
    except DomainError as exc:
        status, error = 422, str(exc)
        choice = EvidenceChoice(therapy=therapy.strip(), outcome=outcome.strip())
    # As the API: the curated rows in the database when seeded, else the shipped studies.csv.
    rows = evidence.evidence_in_use(platform_of(request).uow())
    context = evidence_context(explore_evidence(choice, rows))
    context.update(
        error=error,
        measures=[m.value for m in POOLABLE_FROM_STORE],
        excluded=set(choice.exclude_studies),
    )
    return render(request, "evidence.html", context, status)
