"""A patient's visits (with SLEDAI-2K), laboratory results, medications and adverse events."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from lupus_sct.api.context import Now, Reader, Uow, Writer
from lupus_sct.api.convert import assessment_out, attributes, if_match_version, sledai_out, tagged
from lupus_sct.api.schemas_clinical import (
    AdverseEventIn,
    AdverseEventOut,
    AssessmentIn,
    AssessmentOut,
    LabCorrection,
    LabIn,
    LabOut,
    MedicationIn,
    MedicationOut,
    SledaiOut,
    SledaiScoreIn,
)
from lupus_sct.api.schemas_people import PageOut
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    SledaiAssessment,
    SledaiMeasurements,
    score_sledai_2k,
)
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.records.adverse_events import AdverseEvent
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.http.errors import ERROR_RESPONSES
from lupus_sct.services.clinic import access as clinic_access
from lupus_sct.services.clinic import clinical_records, record_updates
from lupus_sct.services.clinic.access import paginate
from lupus_sct.services.clinic.patients import new_id
from lupus_sct.services.views import clinic as clinic_views

router = APIRouter(prefix="/api/v1", tags=["clinical records"], responses=ERROR_RESPONSES)
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=200)]
Version = Annotated[int, Depends(if_match_version)]
_NOT = Missing.NOT_EVALUATED


def _tri(value: Any) -> Any:
    return _NOT if value is None else value


def _page(items: list[Any], offset: int, limit: int, convert: Any) -> dict[str, Any]:
    page = paginate(items, offset=offset, limit=limit)
    return {
        "items": [convert(i) for i in page.items],
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
    }


@router.get("/patients/{patient_id}/assessments", response_model=PageOut[AssessmentOut])
def list_assessments(
    patient_id: str, principal: Reader, uow: Uow, offset: Offset = 0, limit: Limit = 50
) -> dict[str, Any]:
    """A patient's visits by date, each with its SLEDAI-2K (labs of the window included)."""
    scored = clinic_access.for_patient(
        uow(), principal, patient_id, lambda u, p: clinic_views.scored_assessments(u, p.id)
    )
    return _page(scored, offset, limit, assessment_out)


@router.post("/patients/{patient_id}/assessments", status_code=201, response_model=AssessmentOut)
def record_assessment(
    patient_id: str, body: AssessmentIn, principal: Writer, uow: Uow, now: Now, response: Response
) -> AssessmentOut:
    """Record a visit; the answer carries the SLEDAI-2K computed from it."""
    descriptors = body.sledai_descriptors
    assessment = Assessment(
        id=new_id(),
        patient_id=patient_id,
        visit_date=body.visit_date,
        sledai_window_days=body.sledai_window_days,
        sledai_descriptors=_NOT if descriptors is None else tuple(dict.fromkeys(descriptors)),
        sledai_not_attributed=tuple(dict.fromkeys(body.sledai_not_attributed)),
        pga=_tri(body.pga),
        hemolytic_anemia=_tri(body.hemolytic_anemia),
        gi_activity=_tri(body.gi_activity),
        maintenance_therapy_tolerated=_tri(body.maintenance_therapy_tolerated),
        investigational_drug=_tri(body.investigational_drug),
        hospitalised_for_sle=_tri(body.hospitalised_for_sle),
    )
    scored = clinic_access.for_patient(
        uow(),
        principal,
        patient_id,
        lambda u, p: clinic_views.scored_assessment(
            u, clinical_records.record_assessment(u, assessment, by=principal.actor, now=now)
        ),
        commit=True,
    )
    tagged(response, scored.assessment.version)
    return assessment_out(scored)


@router.post("/scores/sledai-2k", response_model=SledaiOut, tags=["scoring"])
def score_sledai(body: SledaiScoreIn, principal: Reader) -> SledaiOut | None:
    """Score ticked descriptors at once (the assessment form calls this as the user ticks)."""
    result = score_sledai_2k(
        SledaiAssessment(
            descriptors=frozenset(body.descriptors),
            measurements=SledaiMeasurements(),
            not_attributed_to_sle=frozenset(body.not_attributed_to_sle),
            window_days=body.window_days,
        )
    )
    return sledai_out(result)


@router.get("/patients/{patient_id}/labs", response_model=PageOut[LabOut])
def list_labs(
    patient_id: str,
    principal: Reader,
    uow: Uow,
    loinc_code: Annotated[str | None, Query(max_length=10)] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, Any]:
    """A patient's laboratory results by collection time; filter by LOINC code."""
    filters = {"loinc_code": loinc_code} if loinc_code else {}
    labs = clinic_access.for_patient(
        uow(),
        principal,
        patient_id,
        lambda u, p: sorted(u.labs.find(patient_id=p.id, **filters), key=lambda x: x.collected_at),
    )
    return _page(labs, offset, limit, lambda x: attributes(LabOut, x))


@router.post("/patients/{patient_id}/labs", status_code=201, response_model=LabOut)
def record_lab(
    patient_id: str, body: LabIn, principal: Writer, uow: Uow, now: Now, response: Response
) -> LabOut:
    """Record a laboratory result."""
    lab = LabResult(id=new_id(), patient_id=patient_id, **body.model_dump())
    stored = clinic_access.for_patient(
        uow(),
        principal,
        patient_id,
        lambda u, p: clinical_records.record_lab(u, lab, by=principal.actor, now=now),
        commit=True,
    )
    tagged(response, stored.version)
    return attributes(LabOut, stored)  # type: ignore[no-any-return]


@router.put("/labs/{lab_id}", response_model=LabOut)
def correct_lab(
    lab_id: str,
    body: LabCorrection,
    version: Version,
    principal: Writer,
    uow: Uow,
    now: Now,
    response: Response,
) -> LabOut:
    """Correct a result; 409 if it changed since the version in If-Match."""
    changes = body.model_dump(exclude={"reason"})
    stored = clinic_access.for_patient_record(
        uow(),
        principal,
        "labs",
        lab_id,
        lambda u, lab: record_updates.correct_lab(
            u,
            dataclasses.replace(lab, **changes, version=version),
            reason=body.reason,
            by=principal.actor,
            now=now,
        ),
        commit=True,
    )
    tagged(response, stored.version)
    return attributes(LabOut, stored)  # type: ignore[no-any-return]


@router.get("/patients/{patient_id}/medications", response_model=PageOut[MedicationOut])
def list_medications(
    patient_id: str, principal: Reader, uow: Uow, offset: Offset = 0, limit: Limit = 50
) -> dict[str, Any]:
    """A patient's medication exposures by start date."""
    found = clinic_access.for_patient(
        uow(),
        principal,
        patient_id,
        lambda u, p: sorted(u.medications.find(patient_id=p.id), key=lambda m: m.start_date),
    )
    return _page(found, offset, limit, lambda x: attributes(MedicationOut, x))


@router.post("/patients/{patient_id}/medications", status_code=201, response_model=MedicationOut)
def record_medication(
    patient_id: str, body: MedicationIn, principal: Writer, uow: Uow, now: Now
) -> MedicationOut:
    """Record a period on one drug at one dose."""
    exposure = MedicationExposure(id=new_id(), patient_id=patient_id, **body.model_dump())
    stored = clinic_access.for_patient(
        uow(),
        principal,
        patient_id,
        lambda u, p: clinical_records.record_medication(u, exposure, by=principal.actor, now=now),
        commit=True,
    )
    return attributes(MedicationOut, stored)  # type: ignore[no-any-return]


@router.get("/patients/{patient_id}/adverse-events", response_model=PageOut[AdverseEventOut])
def list_adverse_events(
    patient_id: str, principal: Reader, uow: Uow, offset: Offset = 0, limit: Limit = 50
) -> dict[str, Any]:
    """A patient's adverse events by onset."""
    found = clinic_access.for_patient(
        uow(),
        principal,
        patient_id,
        lambda u, p: sorted(u.adverse_events.find(patient_id=p.id), key=lambda e: e.onset_date),
    )
    return _page(found, offset, limit, lambda x: attributes(AdverseEventOut, x))


@router.post(
    "/patients/{patient_id}/adverse-events", status_code=201, response_model=AdverseEventOut
)
def record_adverse_event(
    patient_id: str, body: AdverseEventIn, principal: Writer, uow: Uow, now: Now
) -> AdverseEventOut:
    """Record a CTCAE-graded adverse event."""
    event = AdverseEvent(id=new_id(), patient_id=patient_id, **body.model_dump())
    stored = clinic_access.for_patient(
        uow(),
        principal,
        patient_id,
        lambda u, p: clinical_records.record_adverse_event(u, event, by=principal.actor, now=now),
        commit=True,
    )
    return attributes(AdverseEventOut, stored)  # type: ignore[no-any-return]
