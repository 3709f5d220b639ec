"""The published evidence base (studies.csv), filtered and paged."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from lupus_sct.api.context import resolve_principal
from lupus_sct.api.errors import ERROR_RESPONSES
from lupus_sct.api.schemas_people import PageOut
from lupus_sct.domain.access import Principal, Scope
from lupus_sct.domain.evidence import EvidenceRow
from lupus_sct.services import evidence
from lupus_sct.services.clinic_access import paginate
from lupus_sct.services.records import to_record

router = APIRouter(prefix="/api/v1", tags=["evidence"], responses=ERROR_RESPONSES)


@cache
def _rows() -> tuple[EvidenceRow, ...]:
    return evidence.load_evidence()


def reader_or_researcher(request: Request) -> Principal:
    """Clinical readers and researchers (the evidence holds no patient data)."""
    principal = resolve_principal(request)
    if principal is None:
        raise HTTPException(401, "sign in, or send a valid API token")
    if not (principal.may(Scope.READ) or principal.may(Scope.RESEARCH)):
        raise HTTPException(403, "this needs the 'read' or 'research' scope")
    return principal


@router.get("/evidence", response_model=PageOut[dict[str, Any]])
def list_evidence(
    principal: Annotated[Principal, Depends(reader_or_researcher)],
    therapy: Annotated[str | None, Query(max_length=100)] = None,
    outcome: Annotated[str | None, Query(max_length=100)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Study-level results with provenance; filter by therapy (contains) and outcome (equals)."""
    rows = evidence.select_evidence(_rows(), therapy=therapy, outcome=outcome)
    page = paginate(rows, offset=offset, limit=limit)
    return {
        "items": [to_record(r) for r in page.items],
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
    }
