"""One hospital number, one patient per centre, on every path in (issue #15, finding 14).

The probe found 500 hospital numbers each held by two patients of one centre after a re-run
import, with later labs attached to either. Enrolment, identity writes and the FHIR import now
refuse a second holder; the refusal never repeats the number. All identifiers are invented.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lupus_sct.domain.records.people import PatientIdentity, Sex
from lupus_sct.interop.fhir import ImportStatus, bundle_json, export_patient_bundle, import_bundle
from lupus_sct.services.clinic import record_updates
from lupus_sct.services.clinic.hospital_numbers import HospitalNumberTakenError
from lupus_sct.services.clinic.patients import IdentityDetails, enrol_patient
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.services.ports import UnitOfWork
from support import ACTOR, NOW, seed_centre

UowFactory = Callable[[], UnitOfWork]
NUMBER = "R200001"


def _enrol(uow: UnitOfWork, centre_id: str, number: str = NUMBER) -> Any:
    return enrol_patient(
        uow,
        centre_id=centre_id,
        sex=Sex.FEMALE,
        birth_date=date(1988, 2, 1),
        identity=IdentityDetails("Quintero", "Lucia", number),
        by=ACTOR,
        now=NOW,
    )


def test_a_second_patient_with_the_centres_hospital_number_is_refused_without_naming_it(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        centre = seed_centre(uow)
        _enrol(uow, centre.id)
        with pytest.raises(HospitalNumberTakenError) as refused:
            _enrol(uow, centre.id)
    assert NUMBER not in str(refused.value)


def test_the_same_hospital_number_at_another_centre_is_another_patient(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        _enrol(uow, seed_centre(uow).id)
        _enrol(uow, seed_centre(uow, "SEL").id)
        uow.commit()
    with uow_factory() as uow:
        assert len(uow.identities.find(hospital_number=NUMBER)) == 2


def test_correcting_an_identity_to_a_number_another_patient_holds_is_refused(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        centre = seed_centre(uow)
        _enrol(uow, centre.id)
        other = _enrol(uow, centre.id, "R200002")
        uow.commit()
    with uow_factory() as uow:
        stored = uow.identities.get(other.id)
        taken = PatientIdentity(other.id, "Quintero", "Lucia", NUMBER, version=stored.version)
        with pytest.raises(HospitalNumberTakenError):
            record_updates.correct_identity(uow, taken, reason="typo", by=ACTOR, now=NOW)


def _bundle_with_identity(uow_factory: UowFactory) -> dict[str, Any]:
    with uow_factory() as uow:
        patient = _enrol(uow, seed_centre(uow).id)
        uow.commit()
    with uow_factory() as uow:
        return json.loads(
            bundle_json(
                export_patient_bundle(read_patient_records(uow, patient.id, include_identity=True))
            )
        )


def test_a_fhir_patient_under_a_new_id_with_a_stored_hospital_number_is_refused(
    uow_factory: UowFactory,
) -> None:
    bundle = _bundle_with_identity(uow_factory)
    (patient,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    other = copy.deepcopy(patient)
    other["id"] = "other-system-1"
    for identifier in other["identifier"]:
        if "pseudonym" in identifier["system"]:
            identifier["value"] = "NWU-OTHER01"
    again = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": other}]}
    with uow_factory() as uow:
        report = import_bundle(uow, again, centre_code="NWU", by=ACTOR, now=NOW)
    (outcome,) = report.outcomes
    assert outcome.status is ImportStatus.REFUSED
    assert "already holds this hospital number" in outcome.reason
    with uow_factory() as uow:
        assert len(uow.patients.find()) == 1


def test_the_same_fhir_bundle_imported_again_adds_no_patient(uow_factory: UowFactory) -> None:
    bundle = _bundle_with_identity(uow_factory)
    for _ in range(2):
        with uow_factory() as uow:
            report = import_bundle(uow, bundle, centre_code="NWU", by=ACTOR, now=NOW)
        assert report.written
    with uow_factory() as uow:
        assert len(uow.patients.find()) == 1
        assert len(uow.identities.find(hospital_number=NUMBER)) == 1
