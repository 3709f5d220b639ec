"""Use cases for centres, users, patients and diagnoses."""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from datetime import date, datetime

from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Diagnosis, Disease
from lupus_sct.domain.records.people import (
    Centre,
    Patient,
    PatientIdentity,
    Role,
    Sex,
    User,
)
from lupus_sct.services.audit.chain import audited_add, audited_update
from lupus_sct.services.clinic.write_checks import check_diagnosis, check_identity, check_patient
from lupus_sct.services.errors import DuplicateError
from lupus_sct.services.ports import UnitOfWork


def new_id() -> str:
    """A random record id (UUID 4)."""
    return str(uuid.uuid4())


def create_centre(
    uow: UnitOfWork, *, code: str, name: str, country: str, by: str, now: datetime
) -> Centre:
    """Register a treating programme; its code is unique."""
    if uow.centres.find(code=code):
        raise DuplicateError("centre", "code", code)
    centre = Centre(id=new_id(), code=code, name=name, country=country)
    return audited_add(uow.centres, uow.audit, centre, entity="centre", by=by, now=now)


def create_user(
    uow: UnitOfWork,
    *,
    username: str,
    display_name: str,
    role: Role,
    centre_ids: tuple[str, ...],
    password_hash: str,
    by: str,
    now: datetime,
) -> User:
    """Create a user; the username is unique and every centre must exist."""
    if uow.users.find(username=username):
        raise DuplicateError("user", "username", username)
    for centre_id in centre_ids:
        uow.centres.get(centre_id)
    user = User(
        id=new_id(),
        username=username,
        display_name=display_name,
        role=role,
        centre_ids=centre_ids,
        password_hash=password_hash,
    )
    return audited_add(uow.users, uow.audit, user, entity="user", by=by, now=now)


@dataclasses.dataclass(frozen=True, slots=True)
class IdentityDetails:
    """Direct identifiers captured at enrolment (stored apart from clinical data)."""

    family_name: str
    given_name: str
    hospital_number: str


def pseudonym_in_series(centre: Centre) -> str:
    """A random pseudonym in ``centre``'s series: code, hyphen, 8 hex digits (``NWU-3F2A9C1B``)."""
    return f"{centre.code}-{secrets.token_hex(4).upper()}"


def unused_pseudonym(uow: UnitOfWork, centre: Centre) -> str:
    """A pseudonym in ``centre``'s series that no patient has (drawn again on a collision)."""
    while True:
        pseudonym = pseudonym_in_series(centre)
        if not uow.patients.find(pseudonym=pseudonym):
            return pseudonym


def enrol_patient(
    uow: UnitOfWork,
    *,
    centre_id: str,
    sex: Sex,
    birth_date: date,
    identity: IdentityDetails | None = None,
    pseudonym: str | None = None,
    by: str,
    now: datetime,
) -> Patient:
    """Enrol a patient at a centre under a pseudonym (generated unless given)."""
    centre = uow.centres.get(centre_id)
    pseudonym = pseudonym or pseudonym_in_series(centre)
    patient = Patient(
        id=new_id(), pseudonym=pseudonym, sex=sex, birth_date=birth_date, centre_id=centre.id
    )
    check_patient(uow, patient, now=now)
    details = None
    if identity is not None:  # checked before anything is written: a refusal leaves nothing
        details = PatientIdentity(patient_id=patient.id, **dataclasses.asdict(identity))
        check_identity(uow, details, patient=patient)
    stored = audited_add(uow.patients, uow.audit, patient, entity="patient", by=by, now=now)
    if details is not None:
        audited_add(uow.identities, uow.audit, details, entity="patient_identity", by=by, now=now)
    return stored


def correct_patient(
    uow: UnitOfWork, patient: Patient, *, reason: str, by: str, now: datetime
) -> Patient:
    """Correct a patient's demographics or pseudonym (still unique).

    ``patient.version`` is the version that was read.
    """
    check_patient(uow, patient, now=now)
    return audited_update(
        uow.patients, uow.audit, patient, entity="patient", by=by, now=now, reason=reason
    )


def record_diagnosis(
    uow: UnitOfWork,
    *,
    patient_id: str,
    disease: Disease,
    icd10_code: str,
    snomed_code: str,
    onset_date: date,
    criteria_met: tuple[ClassificationCriteria, ...] = (),
    by: str,
    now: datetime,
) -> Diagnosis:
    """Record a coded diagnosis for an enrolled patient."""
    diagnosis = Diagnosis(
        id=new_id(),
        patient_id=patient_id,
        disease=disease,
        icd10_code=icd10_code,
        snomed_code=snomed_code,
        onset_date=onset_date,
        criteria_met=criteria_met,
    )
    check_diagnosis(uow, diagnosis, now=now)
    return audited_add(uow.diagnoses, uow.audit, diagnosis, entity="diagnosis", by=by, now=now)
