"""Example resources in the official FHIR R4 example format import without error.

Which official example each file follows, and what was changed, is in fhir_examples/README.md.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from data_paths import FHIR_EXAMPLES
from lupus_sct.domain.pathway.course import CourseStatus, EventKind
from lupus_sct.domain.records.medications import DrugClass, Frequency, Route
from lupus_sct.domain.records.people import Sex
from lupus_sct.interop.fhir import ImportStatus, import_bundle
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_centre

EXAMPLES = FHIR_EXAMPLES
FILES = sorted(EXAMPLES.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_example_is_valid_fhir_r4(path: Path) -> None:
    resource = _load(path)
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert model.id == resource["id"]


def test_a_bundle_of_every_example_imports_without_error() -> None:
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        seed_centre(uow)
        uow.commit()
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": _load(path)} for path in FILES],
    }
    with MemoryUnitOfWork(database) as uow:
        report = import_bundle(uow, bundle, centre_code="NWU", by=ACTOR, now=NOW)
    assert [o.as_dict() for o in report.refused] == []
    assert {o.status for o in report.outcomes} == {ImportStatus.ACCEPTED}
    assert {o.resource_type for o in report.outcomes} == {
        "Patient",
        "Condition",
        "Observation",
        "MedicationStatement",
        "EpisodeOfCare",
        "Procedure",
        "AdverseEvent",
    }
    _check_stored(MemoryUnitOfWork(database))


def _check_stored(uow: MemoryUnitOfWork) -> None:
    with uow:
        patient = uow.patients.get("example")
        identity = uow.identities.get("example")
        diagnosis = uow.diagnoses.get("f201")
        creatinine = uow.labs.get("f001")
        temperature = uow.labs.get("body-temperature")
        drug = uow.medications.get("example001")
        course = uow.courses.get("example")
        infusion = uow.course_events.get("example")
        event = uow.adverse_events.get("example")
    # patient.json: no pseudonym identifier, so the resource id is the pseudonym
    assert (patient.pseudonym, patient.sex, patient.birth_date) == (
        "example",
        Sex.FEMALE,
        date(1984, 12, 25),
    )
    assert (identity.family_name, identity.given_name, identity.hospital_number) == (
        "Testpatient",
        "Ada Synthetic",
        "SYN-0001",
    )
    assert (diagnosis.icd10_code, diagnosis.onset_date) == ("M32.14", date(2016, 4, 2))
    # observation-creatinine.json: 09:30:10+01:00 is 08:30:10 UTC; unit kept as reported
    assert creatinine.collected_at == datetime(2026, 2, 1, 8, 30, 10, tzinfo=UTC)
    assert (creatinine.value, creatinine.unit) == (118.0, "umol/L")
    assert (creatinine.reference_low, creatinine.reference_high) == (45.0, 90.0)
    # observation-body-temperature.json: a date alone is read as midnight UTC
    assert temperature.collected_at == datetime(2026, 2, 16, tzinfo=UTC)
    assert (drug.drug_class, drug.route, drug.frequency) == (
        DrugClass.ANTIMALARIAL,  # catalogue class of RxCUI 5521
        Route.ORAL,  # SNOMED CT 26643006
        Frequency.TWICE_DAILY,  # Timing.repeat frequency 2 per 1 d
    )
    assert (drug.dose, drug.dose_unit, drug.start_date) == (200.0, "mg", date(2019, 1, 23))
    assert course.status is CourseStatus.ACTIVE
    assert course.day0 == date(2026, 2, 15)  # set by the infusion: docs/spec/pathway.md §4.4
    assert infusion.kind is EventKind.INFUSION
    assert (event.ctcae_term, event.grade, event.serious, event.course_id) == (
        "Febrile neutropenia",
        3,
        True,
        "example",
    )
