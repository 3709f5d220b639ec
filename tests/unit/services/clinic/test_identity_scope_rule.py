"""Issue 16: the identity scope is checked by the use cases, so the API and the web agree."""

from __future__ import annotations

from datetime import date

import pytest

from lupus_sct.domain.access.permissions import ROLE_SCOPES, Principal, Scope
from lupus_sct.domain.records.people import Role, Sex
from lupus_sct.services.accounts.sign_in import PermissionDeniedError
from lupus_sct.services.clinic import access, patients, pseudonym_namespace
from lupus_sct.store.memory import MemoryUnitOfWork
from support import NOW, seed_centre, seed_patient

IDENTIFIERS = patients.IdentityDetails("Synthetic", "Beatrix", "H7654321")


def _clinician(centre_id: str, scopes: frozenset[Scope]) -> Principal:
    return Principal("u-1", "clin", "Clinician", Role.CLINICIAN, (centre_id,), scopes)


WITHOUT_IDENTITY = frozenset({Scope.READ, Scope.WRITE})


def test_enrolling_with_identifiers_needs_the_identity_scope() -> None:
    with MemoryUnitOfWork() as uow:
        centre = seed_centre(uow)
        principal = _clinician(centre.id, WITHOUT_IDENTITY)
        with pytest.raises(PermissionDeniedError, match="needs the 'identity' scope"):
            pseudonym_namespace.enrol_patient_as(
                uow,
                principal,
                centre,
                sex=Sex.FEMALE,
                birth_date=date(1990, 4, 12),
                identity=IDENTIFIERS,
                pseudonym=None,
                now=NOW,
            )
        assert uow.patients.find(centre_id=centre.id) == []


def test_enrolling_without_identifiers_needs_no_identity_scope() -> None:
    with MemoryUnitOfWork() as uow:
        centre = seed_centre(uow)
        principal = _clinician(centre.id, WITHOUT_IDENTITY)
        patient = pseudonym_namespace.enrol_patient_as(
            uow,
            principal,
            centre,
            sex=Sex.FEMALE,
            birth_date=date(1990, 4, 12),
            identity=None,
            pseudonym=None,
            now=NOW,
        )
        assert uow.patients.find(centre_id=centre.id) == [patient]


def test_reading_identifiers_needs_the_identity_scope() -> None:
    uow = MemoryUnitOfWork()
    with uow:
        centre = seed_centre(uow)
        patient = seed_patient(uow, centre)
        uow.commit()
    with pytest.raises(PermissionDeniedError, match="needs the 'identity' scope"):
        access.read_identity(uow, _clinician(centre.id, WITHOUT_IDENTITY), patient.id)
    scoped = _clinician(centre.id, ROLE_SCOPES[Role.CLINICIAN])
    assert access.read_identity(uow, scoped, patient.id).family_name == "Synthetic"
