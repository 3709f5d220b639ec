"""Centres and accounts (administrators), the signed-in user's profile, the audit log
(auditors) and the de-identified research views (researchers); security settings are in
:mod:`lupus_sct.api.routes_account`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from lupus_sct.api.context import Admin, Auditor, Now, Researcher, SignedIn, Uow
from lupus_sct.api.convert import attributes
from lupus_sct.api.schemas_people import (
    CentreIn,
    CentreOut,
    MeOut,
    PageOut,
    UserIn,
    UserOut,
)
from lupus_sct.http.context import platform_of
from lupus_sct.http.errors import ERROR_RESPONSES
from lupus_sct.services.accounts import sign_in as auth
from lupus_sct.services.audit import reading as audit_reading
from lupus_sct.services.clinic import access as clinic_access
from lupus_sct.services.clinic import patients
from lupus_sct.services.record_codec import to_record
from lupus_sct.services.views import research as research_views

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/me", response_model=MeOut, tags=["account"])
def me(principal: SignedIn) -> MeOut:
    """Who is signed in, with their role, centres and scopes."""
    return MeOut(
        username=principal.username,
        display_name=principal.display_name,
        role=principal.role,
        centre_ids=list(principal.centre_ids),
        scopes=sorted(s.value for s in principal.scopes),
    )


@router.get("/centres", response_model=list[CentreOut], tags=["administration"])
def list_centres(principal: SignedIn, uow: Uow) -> list[CentreOut]:
    """The centres the user sees."""
    return [attributes(CentreOut, c) for c in clinic_access.for_centres(uow(), principal)]


@router.post("/centres", status_code=201, response_model=CentreOut, tags=["administration"])
def create_centre(body: CentreIn, principal: Admin, uow: Uow, now: Now) -> CentreOut:
    """Register a centre (administrators)."""
    unit = uow()
    with unit:
        centre = patients.create_centre(unit, **body.model_dump(), by=principal.actor, now=now)
        unit.commit()
    return attributes(CentreOut, centre)  # type: ignore[no-any-return]


@router.get("/users", response_model=list[UserOut], tags=["administration"])
def list_users(principal: Admin, uow: Uow) -> list[UserOut]:
    """Every account (administrators)."""
    unit = uow()
    with unit:
        users = sorted(unit.users.find(), key=lambda u: u.username)
    return [attributes(UserOut, u) for u in users]


@router.post("/users", status_code=201, response_model=UserOut, tags=["administration"])
def create_user(body: UserIn, principal: Admin, uow: Uow, now: Now, request: Request) -> UserOut:
    """Create an account with an initial password (administrators)."""
    user = auth.create_account(
        uow(),
        principal,
        username=body.username,
        display_name=body.display_name,
        role=body.role,
        centre_ids=tuple(body.centre_ids),
        password=body.password,
        hasher=platform_of(request).hasher,
        now=now,
    )
    return attributes(UserOut, user)  # type: ignore[no-any-return]


@router.get("/audit", response_model=PageOut[dict[str, Any]], tags=["audit"])
def read_audit_log(
    principal: Auditor,
    uow: Uow,
    entity: Annotated[str | None, Query(max_length=64)] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    """Audit entries in sequence order (auditors and administrators)."""
    page = audit_reading.audit_page(uow(), principal, offset=offset, limit=limit, entity=entity)
    return {
        "items": [to_record(e) for e in page.items],
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
    }


@router.get("/research/patients", response_model=PageOut[dict[str, Any]], tags=["research"])
def research_patients(
    principal: Researcher, uow: Uow, offset: Offset = 0, limit: Limit = 50
) -> dict[str, Any]:
    """De-identified patients: pseudonym, sex, centre code, age in years at the anchor."""
    page = research_views.research_patients(uow(), principal, offset=offset, limit=limit)
    return {
        "items": [to_record(p) for p in page.items],
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
    }


@router.get("/research/patients/{pseudonym}", response_model=dict[str, Any], tags=["research"])
def research_timeline(pseudonym: str, principal: Researcher, uow: Uow, now: Now) -> Any:
    """One patient's visits, labs and events as day offsets; no dates, no identifiers."""
    today: date = now.date()
    return to_record(research_views.research_timeline(uow(), principal, pseudonym, as_of=today))
