"""Every resource of an exported Bundle validates with the fhir.resources R4B models."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from lupus_sct.interop.fhir import bundle_json, export_patient_bundle
from lupus_sct.interop.fhir import systems as s
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from unit.interop.fhir_synthetic import seed_full_record


def _export(*, include_identity: bool) -> dict[str, Any]:
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        patient = seed_full_record(uow)
        uow.commit()
    with MemoryUnitOfWork(database) as uow:
        text = bundle_json(
            export_patient_bundle(
                read_patient_records(uow, patient.id, include_identity=include_identity)
            )
        )
    return dict(json.loads(text))


@pytest.mark.parametrize("include_identity", [False, True])
def test_every_exported_resource_validates_with_fhir_resources(include_identity: bool) -> None:
    bundle = _export(include_identity=include_identity)
    assert Bundle.model_validate(bundle).type == "collection"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert json.loads(model.model_dump_json(exclude_none=True)) == resource
        assert entry["fullUrl"] == f"{s.LOCAL_BASE}/{resource['resourceType']}/{resource['id']}"


def test_an_export_without_identity_holds_no_name_nor_hospital_number() -> None:
    text = json.dumps(_export(include_identity=False))
    assert '"name"' not in text
    assert "Synthetic" not in text  # tests/support.py family name
    assert "H0000001" not in text  # tests/support.py hospital number
    assert s.HOSPITAL_NUMBER_SYSTEM not in text


def test_an_export_with_identity_holds_the_name_and_the_medical_record_number() -> None:
    [patient] = [
        e["resource"]
        for e in _export(include_identity=True)["entry"]
        if e["resource"]["resourceType"] == "Patient"
    ]
    assert patient["name"] == [{"family": "Synthetic", "given": ["Alice"]}]
    assert patient["identifier"][1]["value"] == "H0000001"
    assert patient["identifier"][1]["type"]["coding"][0]["code"] == "MR"  # HL7 v2 table 0203


def test_labs_use_loinc_and_ucum_and_medications_use_rxnorm() -> None:
    resources = [e["resource"] for e in _export(include_identity=False)["entry"]]
    labs = [
        r
        for r in resources
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["system"] == s.LOINC
    ]
    assert labs
    assert all(r["valueQuantity"]["system"] == "http://unitsofmeasure.org" for r in labs)
    statements = [r for r in resources if r["resourceType"] == "MedicationStatement"]
    assert {r["medicationCodeableConcept"]["coding"][0]["system"] for r in statements} == {
        "http://www.nlm.nih.gov/research/umls/rxnorm"
    }


def test_entries_are_sorted_by_resource_type_then_id() -> None:
    order = [
        "Patient",
        "Condition",
        "EpisodeOfCare",
        "Procedure",
        "Observation",
        "MedicationStatement",
        "AdverseEvent",
    ]
    keys = [
        (order.index(e["resource"]["resourceType"]), e["resource"]["id"])
        for e in _export(include_identity=False)["entry"]
    ]
    assert keys == sorted(keys)
