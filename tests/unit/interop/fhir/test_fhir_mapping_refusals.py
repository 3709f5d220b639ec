"""Resources we cannot map are refused (or, coded outside the catalogue, skipped) with the field
and what would be accepted."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.medications import Frequency
from lupus_sct.interop.fhir import systems as s
from lupus_sct.interop.fhir.adverse_events import read_adverse_event
from lupus_sct.interop.fhir.courses import DETAILS_EXTENSION, read_event
from lupus_sct.interop.fhir.medications import TIMING, read_medication
from lupus_sct.interop.fhir.observations import read_observation
from lupus_sct.interop.fhir.people import (
    PSEUDONYM_TO_GENERATE,
    carries_pseudonym,
    read_condition,
    read_patient,
)


def _model(resource: dict[str, Any]) -> Any:
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def _statement(repeat: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "MedicationStatement",
        "id": "m1",
        "status": "active",
        "medicationCodeableConcept": {"coding": [{"system": s.RXNORM, "code": "8640"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-01-01",
        "dosage": [
            {
                "timing": {"repeat": repeat},
                "route": {"coding": [{"system": s.SNOMED_CT, "code": "26643006"}]},
                "doseAndRate": [{"doseQuantity": s.quantity(5.0, "mg")}],
            }
        ],
    }


@pytest.mark.parametrize("frequency", list(Frequency))
def test_every_frequency_reads_back_from_its_timing(frequency: Frequency) -> None:
    count, per, period, unit = TIMING[frequency]
    repeat = {"count": count, "frequency": per, "period": period, "periodUnit": unit}
    statement = _statement({k: v for k, v in repeat.items() if v is not None})
    assert read_medication(_model(statement)).frequency is frequency


def test_a_timing_we_have_no_frequency_for_is_refused() -> None:
    statement = _statement({"frequency": 3, "period": 1, "periodUnit": "wk"})
    with pytest.raises(InvalidValueError, match=r"MedicationStatement\.dosage\.timing"):
        read_medication(_model(statement))


def test_a_patient_without_pseudonym_and_an_id_unfit_for_one_is_read_for_one_to_be_made() -> None:
    patient = _model({"resourceType": "Patient", "id": "x", "birthDate": "1980-01-01"})
    (read,) = read_patient(patient, "centre-1")
    assert not carries_pseudonym(patient)
    assert read.pseudonym == PSEUDONYM_TO_GENERATE  # replaced by the importer, in the series


def test_a_patient_with_our_pseudonym_identifier_carries_it() -> None:
    patient = _model(
        {
            "resourceType": "Patient",
            "id": "7f3c2a10-5b1e-4c8d-9a21-0d6e4b7c1a01",
            "identifier": [{"system": s.PSEUDONYM_SYSTEM, "value": "NWU-0001"}],
            "birthDate": "1980-01-01",
        }
    )
    assert carries_pseudonym(patient)
    assert read_patient(patient, "centre-1")[0].pseudonym == "NWU-0001"


def _condition(*codings: tuple[str, str]) -> Any:
    return _model(
        {
            "resourceType": "Condition",
            "id": "c1",
            "subject": {"reference": "Patient/p1"},
            "code": {"coding": [{"system": system, "code": code} for system, code in codings]},
            "onsetDateTime": "2020-01-01",
        }
    )


def test_a_condition_with_snomed_ct_only_is_outside_the_catalogue_its_code_kept() -> None:
    with pytest.raises(s.OutsideCatalogueError) as caught:
        read_condition(_condition((s.SNOMED_CT, "55464009")))
    assert "Condition.code" in str(caught.value)
    assert "no ICD-10-CM code; SNOMED CT '55464009' kept in report" in str(caught.value)
    assert "accepted: an ICD-10 or ICD-10-CM code in M32.x, M05.x or M06.x" in str(caught.value)


def test_a_condition_with_an_icd10_code_outside_sle_and_ra_is_outside_the_catalogue() -> None:
    with pytest.raises(s.OutsideCatalogueError, match=r"Condition\.code: ICD-10 'I10' is outside"):
        read_condition(_condition((s.ICD10_CM, "I10"), (s.SNOMED_CT, "59621000")))


def test_a_condition_reads_its_codes_from_any_coding_in_any_order() -> None:
    local = ("https://example.org/problem-list", "SLE-1")
    diagnosis = read_condition(_condition(local, (s.SNOMED_CT, "55464009"), (s.ICD10, "M32.1")))
    assert (diagnosis.icd10_code, diagnosis.snomed_code) == ("M32.1", "55464009")


def test_an_observation_with_an_unsupported_loinc_code_names_the_supported_ones() -> None:
    observation = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": {"coding": [{"system": s.LOINC, "code": "15074-8"}]},
        "subject": {"reference": "Patient/p1"},
    }
    with pytest.raises(InvalidValueError, match="2160-0"):
        read_observation(_model(observation))
    with pytest.raises(s.OutsideCatalogueError, match="LOINC '15074-8' is outside"):
        read_observation(_model(observation))


def test_a_lab_coded_first_in_another_system_is_read_from_its_loinc_coding() -> None:
    observation = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": {
            "coding": [
                {"system": "https://example.org/lab-codes", "code": "CREA"},
                {"system": s.LOINC, "code": "2160-0"},
            ]
        },
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-01-02T08:00:00Z",
        "valueQuantity": s.quantity(0.9, "mg/dL"),
    }
    lab = read_observation(_model(observation))
    assert lab.loinc_code == "2160-0"


def test_a_procedure_detail_that_is_not_a_field_of_the_event_is_refused() -> None:
    procedure = {
        "resourceType": "Procedure",
        "id": "e1",
        "extension": [
            {
                "url": s.local_extension("therapy-course"),
                "valueReference": {"reference": "EpisodeOfCare/c1"},
            },
            {"url": DETAILS_EXTENSION, "extension": [{"url": "colour", "valueString": "red"}]},
        ],
        "status": "completed",
        "code": {"coding": [{"system": s.local_system("pathway-event"), "code": "apheresis"}]},
        "subject": {"reference": "Patient/p1"},
        "performedDateTime": "2026-01-20",
    }
    with pytest.raises(InvalidValueError, match="a field of Apheresis"):
        read_event(_model(procedure))


def test_a_medication_coded_without_rxnorm_is_outside_the_catalogue() -> None:
    statement = _statement({"count": 1})
    statement["medicationCodeableConcept"] = {
        "coding": [{"system": "http://www.whocc.no/atc", "code": "L04AX03"}]
    }
    with pytest.raises(s.OutsideCatalogueError) as caught:
        read_medication(_model(statement))
    assert "MedicationStatement.medicationCodeableConcept" in str(caught.value)
    assert "'L04AX03'" in str(caught.value)
    assert "accepted: an RxNorm coding" in str(caught.value)


def test_an_adverse_event_not_coded_in_ctcae_is_outside_the_catalogue() -> None:
    event = {
        "resourceType": "AdverseEvent",
        "id": "ae1",
        "actuality": "actual",
        "event": {"coding": [{"system": s.SNOMED_CT, "code": "271737000"}]},
        "subject": {"reference": "Patient/p1"},
        "date": "2026-01-05",
    }
    with pytest.raises(s.OutsideCatalogueError, match=r"AdverseEvent\.event: .*'271737000'"):
        read_adverse_event(_model(event))
