"""Patients and their identities: list, enrol, read, correct (with If-Match)."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from lupus_sct.api.context import IdentityReader, Now, Reader, Uow, Writer
from lupus_sct.api.convert import identity_out, if_match_version, patient_out, tagged
from lupus_sct.api.schemas_people import (
    IdentityCorrection,
    IdentityOut,
    PageOut,
    PatientCorrection,
    PatientIn,
    PatientOut,
)
from lupus_sct.http.errors import ERROR_RESPONSES
from lupus_sct.services.clinic import access as clinic_access
from lupus_sct.services.clinic import patients, pseudonym_namespace, record_updates

router = APIRouter(prefix="/api/v1", tags=["patients"], responses=ERROR_RESPONSES)
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=200)]
Version = Annotated[int, Depends(if_match_version)]


@router.get("/patients", response_model=PageOut[PatientOut])
def list_patients(
    principal: Reader,
    uow: Uow,
    centre_id: Annotated[str | None, Query(max_length=64)] = None,
    pseudonym_prefix: Annotated[str, Query(max_length=32)] = "",
    offset: Offset = 0,
    limit: Limit = 50,
) -> PageOut[PatientOut]:
    """Patients of the user's centres, by pseudonym; filter by centre or pseudonym prefix."""
    page = clinic_access.list_patients(
        uow(),
        principal,
        centre_id=centre_id,
        pseudonym_prefix=pseudonym_prefix,
        offset=offset,
        limit=limit,
    )
    return PageOut(
        items=[patient_out(p) for p in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@router.post("/patients", status_code=201, response_model=PatientOut)
def enrol_patient(
    body: PatientIn, principal: Writer, uow: Uow, now: Now, response: Response
) -> PatientOut:
    """Enrol a patient at one of the user's centres (identity needs the identity scope: 403)."""
    identity = patients.IdentityDetails(**body.identity.model_dump()) if body.identity else None
    patient = clinic_access.for_centre(
        uow(),
        principal,
        body.centre_id,
        lambda u, centre: pseudonym_namespace.enrol_patient_as(
            u,
            principal,
            centre,
            sex=body.sex,
            birth_date=body.birth_date,
            identity=identity,
            pseudonym=body.pseudonym,
            now=now,
        ),
        commit=True,
    )
    tagged(response, patient.version)
    return patient_out(patient)


@router.get("/patients/{patient_id}", response_model=PatientOut)
def read_patient(patient_id: str, principal: Reader, uow: Uow, response: Response) -> PatientOut:
    """One patient; the ETag is the version to send back in If-Match."""
    patient = clinic_access.read_patient(uow(), principal, patient_id)
    tagged(response, patient.version)
    return patient_out(patient)


@router.put("/patients/{patient_id}", response_model=PatientOut)
def correct_patient(
    patient_id: str,
    body: PatientCorrection,
    version: Version,
    principal: Writer,
    uow: Uow,
    now: Now,
    response: Response,
) -> PatientOut:
    """Correct demographics; 409 if the patient changed since the version in If-Match."""
    patient = clinic_access.for_patient(
        uow(),
        principal,
        patient_id,
        lambda u, p: record_updates.correct_patient_record(
            u,
            dataclasses.replace(p, sex=body.sex, birth_date=body.birth_date, version=version),
            reason=body.reason,
            by=principal.actor,
            now=now,
        ),
        commit=True,
    )
    tagged(response, patient.version)
    return patient_out(patient)


@router.get("/patients/{patient_id}/identity", response_model=IdentityOut)
def read_identity(
    patient_id: str, principal: IdentityReader, uow: Uow, response: Response
) -> IdentityOut:
    """A patient's direct identifiers (roles with the identity scope only)."""
    identity = clinic_access.read_identity(uow(), principal, patient_id)
    tagged(response, identity.version)
    return identity_out(identity)


@router.put("/patients/{patient_id}/identity", response_model=IdentityOut)
def correct_identity(
    patient_id: str,
    body: IdentityCorrection,
    version: Version,
    principal: IdentityReader,
    writer: Writer,
    uow: Uow,
    now: Now,
    response: Response,
) -> IdentityOut:
    """Correct identifiers; 409 if they changed since the version in If-Match."""
    changes = body.model_dump(exclude={"reason"})
    identity = clinic_access.for_patient(
        uow(),
        principal,
        patient_id,
        lambda u, p: record_updates.correct_identity(
            u,
            dataclasses.replace(u.identities.get(p.id), **changes, version=version),
            reason=body.reason,
            by=writer.actor,
            now=now,
        ),
        commit=True,
    )
    tagged(response, identity.version)
    return identity_out(identity)
