"""The published evidence base: list (filtered, paged), add a row and edit one (with If-Match)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from lupus_sct.api.context import Now, Uow
from lupus_sct.api.convert import if_match_version, tagged
from lupus_sct.api.schemas_people import PageOut
from lupus_sct.domain.access.permissions import Principal, Scope
from lupus_sct.domain.evidence.records import EvidenceRecord
from lupus_sct.domain.evidence.studies import MEMORY_CAUTION, EvidenceRow
from lupus_sct.domain.records.people import Role
from lupus_sct.http.context import CSRF_HEADER, UNSAFE_METHODS, check_csrf, resolve_principal
from lupus_sct.http.errors import ERROR_RESPONSES
from lupus_sct.services.clinic.access import paginate
from lupus_sct.services.evidence import records as evidence_records
from lupus_sct.services.evidence import studies as evidence
from lupus_sct.services.record_codec import to_record

router = APIRouter(prefix="/api/v1", tags=["evidence"], responses=ERROR_RESPONSES)
EVIDENCE_EDITORS = frozenset({Role.ADMIN, Role.DATA_MANAGER})
Value = str | int | float | None


def reader_or_researcher(request: Request) -> Principal:
    """Clinical readers and researchers (the evidence holds no patient data)."""
    principal = resolve_principal(request)
    if principal is None:
        raise HTTPException(401, "sign in, or send a valid API token")
    if not (principal.may(Scope.READ) or principal.may(Scope.RESEARCH)):
        raise HTTPException(403, "this needs the 'read' or 'research' scope")
    return principal


def evidence_editor(request: Request) -> Principal:
    """Administrators and data managers (who curate the evidence table)."""
    principal = resolve_principal(request)
    if principal is None:
        raise HTTPException(401, "sign in, or send a valid API token")
    if principal.role not in EVIDENCE_EDITORS or not principal.may(Scope.WRITE):
        raise HTTPException(403, "changing the evidence needs the admin or data manager role")
    if request.method in UNSAFE_METHODS and request.state.via_cookie:
        check_csrf(request, request.headers.get(CSRF_HEADER))
    return principal


Editor = Annotated[Principal, Depends(evidence_editor)]
Version = Annotated[int, Depends(if_match_version)]


class EvidenceRowIn(BaseModel):
    """A new row: studies.csv columns; ``notes`` opens with the provenance marker."""

    model_config = ConfigDict(extra="forbid")

    study_id: str = Field(max_length=64)
    first_author: str = Field("", max_length=200)
    year: int
    journal: str = Field("", max_length=200)
    pmid_or_doi: str = Field("", max_length=200)
    therapy: str = Field(max_length=200)
    cell_source: str = Field("", max_length=200)
    design: str = Field("", max_length=500)
    n: int | None = None
    median_followup_months: float | None = None
    outcome: str = Field(max_length=200)
    definition: str = Field("", max_length=2000)
    timepoint_months: float | None = None
    events: int | None = None
    total: int | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    notes: str = Field(max_length=2000)


class EvidenceEdit(BaseModel):
    """Columns to change (column -> new value; null clears) and why."""

    model_config = ConfigDict(extra="forbid")

    changes: dict[str, Value] = Field(min_length=1, max_length=19)
    reason: str = Field(min_length=1, max_length=1000)


def _item(row: EvidenceRow, record: EvidenceRecord | None) -> dict[str, Any]:
    item: dict[str, Any] = to_record(row)
    item["caution"] = MEMORY_CAUTION if row.needs_caution else None
    if record is not None:
        item["id"] = record.id
        item["version"] = record.version
    return item


@router.get("/evidence", response_model=PageOut[dict[str, Any]])
def list_evidence(
    principal: Annotated[Principal, Depends(reader_or_researcher)],
    uow: Uow,
    therapy: Annotated[str | None, Query(max_length=100)] = None,
    outcome: Annotated[str | None, Query(max_length=100)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Study-level results with provenance; filter by therapy (contains) and outcome (equals).

    Stored rows carry ``id`` and ``version`` (for PATCH); before the table is seeded the shipped
    studies.csv is listed.
    """
    records = evidence.stored_evidence(uow())
    pairs: list[tuple[EvidenceRow, EvidenceRecord | None]] = (
        [(r.row, r) for r in records] if records else [(r, None) for r in evidence.load_evidence()]
    )
    chosen = [p for p in pairs if evidence.is_selected(p[0], therapy=therapy, outcome=outcome)]
    page = paginate(chosen, offset=offset, limit=limit)
    return {
        "items": [_item(row, record) for row, record in page.items],
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
    }


@router.post("/evidence", status_code=201, response_model=dict[str, Any])
def add_evidence(
    body: EvidenceRowIn, principal: Editor, uow: Uow, now: Now, response: Response
) -> dict[str, Any]:
    """Add a row, validated as studies.csv rows are, audited (the first write seeds the table)."""
    with uow() as unit:
        record = evidence_records.add_evidence(unit, body.model_dump(), by=principal.actor, now=now)
        unit.commit()
    tagged(response, record.version)
    return _item(record.row, record)


@router.patch("/evidence/{evidence_id}", response_model=dict[str, Any])
def edit_evidence(
    evidence_id: str,
    body: EvidenceEdit,
    version: Version,
    principal: Editor,
    uow: Uow,
    now: Now,
    response: Response,
) -> dict[str, Any]:
    """Change columns of a row; 409 if it changed since the version in If-Match."""
    with uow() as unit:
        record = evidence_records.edit_evidence(
            unit,
            evidence_id,
            body.changes,
            expected_version=version,
            reason=body.reason,
            by=principal.actor,
            now=now,
        )
        unit.commit()
    tagged(response, record.version)
    return _item(record.row, record)
