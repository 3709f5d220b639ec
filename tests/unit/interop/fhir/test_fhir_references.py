"""Bundle references of every R4 form resolve to ``Type/id`` (hl7.org/fhir/R4/references.html)."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.interop.fhir import systems as s
from lupus_sct.interop.fhir.bundle_import import read_bundle
from lupus_sct.interop.fhir.references import bundle_targets, entry_id, resolved

UUID = "urn:uuid:4a1b2c3d-0000-4000-8000-000000000001"
PATIENT = {"resourceType": "Patient", "id": "pt-1", "gender": "female", "birthDate": "1980-01-01"}


def _condition(reference: str) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": "cond-1",
        "code": {
            "coding": [
                {"system": s.ICD10, "code": "M32.1"},
                {"system": s.SNOMED_CT, "code": "55464009"},
            ]
        },
        "subject": {"reference": reference},
        "onsetDateTime": "2015-03-01",
    }


def test_a_urn_uuid_full_url_is_a_target_and_a_type_id_full_url_is_not() -> None:
    entries = [
        {"fullUrl": UUID, "resource": PATIENT},
        {"fullUrl": "http://example.org/fhir/Condition/cond-1", "resource": _condition("x")},
    ]
    assert bundle_targets(entries) == {UUID: "Patient/pt-1"}


def test_references_in_nested_elements_are_rewritten_and_the_input_is_left_alone() -> None:
    resource = {"resourceType": "Claim", "diagnosis": [{"diagnosisReference": {"reference": UUID}}]}
    result = resolved(resource, {UUID: "Patient/pt-1"})
    assert result["diagnosis"][0]["diagnosisReference"]["reference"] == "Patient/pt-1"
    assert resource["diagnosis"][0]["diagnosisReference"]["reference"] == UUID


def test_a_resource_without_an_id_takes_the_uuid_of_its_full_url() -> None:
    assert entry_id({"fullUrl": UUID, "resource": {"resourceType": "Patient"}}) == UUID[9:]


@pytest.mark.parametrize(
    ("full_url", "reference"),
    [
        (UUID, UUID),  # Synthea-style transaction
        ("http://example.org/fhir/Patient/pt-1", "Patient/pt-1"),  # relative
        ("http://example.org/fhir/Patient/pt-1", "http://example.org/fhir/Patient/pt-1"),
        (None, "https://other.example/fhir/Patient/pt-1"),  # absolute, no entry names it
    ],
    ids=["urn-uuid", "relative", "absolute-full-url", "absolute-elsewhere"],
)
def test_every_reference_form_reads_as_the_bundles_patient(
    full_url: str | None, reference: str
) -> None:
    patient_entry: dict[str, Any] = {"resource": PATIENT}
    if full_url is not None:
        patient_entry["fullUrl"] = full_url
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [patient_entry, {"resource": _condition(reference)}],
    }
    read = read_bundle(bundle, "centre-1")
    (diagnosis,) = [r for resource in read.resources for r in resource.records][1:]
    assert diagnosis.patient_id == "pt-1"


def test_a_reference_to_another_type_is_refused_naming_the_reference() -> None:
    class Ref:
        reference = "Group/g-1"

    with pytest.raises(InvalidValueError, match=r"Condition.subject: .*Group/g-1.*Patient/<id>"):
        s.patient_referenced(Ref(), "Condition.subject")
