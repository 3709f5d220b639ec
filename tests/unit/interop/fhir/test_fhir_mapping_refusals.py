"""Resources we cannot map are refused with the field and what would be accepted."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.medications import Frequency
from lupus_sct.interop.fhir import systems as s
from lupus_sct.interop.fhir.courses import DETAILS_EXTENSION, read_event
from lupus_sct.interop.fhir.medications import TIMING, read_medication
from lupus_sct.interop.fhir.observations import read_observation
from lupus_sct.interop.fhir.people import read_condition, read_patient


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


def test_a_patient_without_pseudonym_and_an_id_unfit_for_one_is_refused() -> None:
    patient = {"resourceType": "Patient", "id": "x", "birthDate": "1980-01-01"}
    with pytest.raises(InvalidValueError, match="the pseudonym"):
        read_patient(_model(patient), "centre-1")


def test_a_condition_with_snomed_ct_only_is_refused() -> None:
    condition = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": s.SNOMED_CT, "code": "55464009"}]},
        "onsetDateTime": "2020-01-01",
    }
    with pytest.raises(InvalidValueError, match="an ICD-10 coding and a SNOMED CT coding"):
        read_condition(_model(condition))


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
