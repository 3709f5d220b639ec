"""Every path that writes a clinical record refuses the same bad record with the same message.

Issue #16: one write check per entity, used by every path that writes it. Each entity's bad record
goes through every write path: the use case that records it, the correction, the table import and
the FHIR import (new, and re-imported over the stored record), on the in-memory store. The expected
refusal is built from the rule the check cites (services/clinic/write_checks.py): a date between
the patient's birth and today, a time not in the future, a course of the same patient, the dose
ceilings of domain/records/dose_plausibility.py. All data are synthetic.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.dose_plausibility import MAX_GLUCOCORTICOID_PREDNISONE_MG_PER_DAY
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.interop.fhir.adverse_events import adverse_event_resource
from lupus_sct.interop.fhir.medications import medication_resource
from lupus_sct.interop.fhir.observations import lab_resource, sledai_resource
from lupus_sct.interop.fhir.people import condition_resource
from lupus_sct.services.clinic import clinical_records, patients, record_updates
from lupus_sct.store.memory import MemoryUnitOfWork
from unit.services.clinic.write_paths import (
    ACTOR,
    BEFORE_BIRTH,
    BETWEEN_BIRTH_AND_TODAY,
    NOW,
    REASON,
    Path,
    Seeded,
    fhir_refusal,
    pseudonym_of,
    refusal,
    seed_records,
    table_refusal,
    under_new_id,
)


@pytest.fixture
def seeded() -> Seeded:
    return seed_records()


def _lab_row(uow: MemoryUnitOfWork, lab: LabResult) -> dict[str, Any]:
    fields = ("loinc_code", "value", "unit", "collected_at")
    return {"patient": pseudonym_of(uow, lab.patient_id)} | {f: getattr(lab, f) for f in fields}


LAB_PATHS: dict[str, Path] = {
    "record_lab": lambda uow, lab: refusal(
        lambda: clinical_records.record_lab(uow, under_new_id(lab), by=ACTOR, now=NOW)
    ),
    "correct_lab": lambda uow, lab: refusal(
        lambda: record_updates.correct_lab(uow, lab, reason=REASON, by=ACTOR, now=NOW)
    ),
    "table import": lambda uow, lab: table_refusal(uow, "labs", _lab_row(uow, lab)),
    "FHIR import": lambda uow, lab: fhir_refusal(uow, lab_resource(under_new_id(lab))),
    "FHIR re-import": lambda uow, lab: fhir_refusal(uow, lab_resource(lab)),
}


@pytest.mark.parametrize("path", LAB_PATHS)
@pytest.mark.parametrize(
    ("collected_at", "expected"),
    [
        (
            datetime(1980, 1, 1, tzinfo=UTC),
            InvalidValueError("lab[718-7].collected_at", "1980-01-01", BETWEEN_BIRTH_AND_TODAY),
        ),
        (
            datetime(2026, 6, 2, tzinfo=UTC),
            InvalidValueError(
                "lab[718-7].collected_at", "2026-06-02T00:00:00+00:00", "a time not in the future"
            ),
        ),
    ],
    ids=["before birth", "in the future"],
)
def test_every_lab_write_refuses_a_collection_time_outside_the_patients_life(
    seeded: Seeded, path: str, collected_at: datetime, expected: Exception
) -> None:
    with MemoryUnitOfWork(seeded.database) as uow:
        lab = dataclasses.replace(uow.labs.get("lab-1"), collected_at=collected_at)
        assert LAB_PATHS[path](uow, lab) == str(expected)


def _assessment_row(uow: MemoryUnitOfWork, visit: Assessment) -> dict[str, Any]:
    return {"patient": pseudonym_of(uow, visit.patient_id), "visit_date": visit.visit_date} | {
        "sledai_descriptors": visit.sledai_descriptors,
        "pga": visit.pga,
    }


ASSESSMENT_PATHS: dict[str, Path] = {
    "record_assessment": lambda uow, a: refusal(
        lambda: clinical_records.record_assessment(uow, under_new_id(a), by=ACTOR, now=NOW)
    ),
    "correct_assessment": lambda uow, a: refusal(
        lambda: record_updates.correct_assessment(uow, a, reason=REASON, by=ACTOR, now=NOW)
    ),
    "table import": lambda uow, a: table_refusal(uow, "assessments", _assessment_row(uow, a)),
    "FHIR import": lambda uow, a: fhir_refusal(uow, sledai_resource(under_new_id(a))),
    "FHIR re-import": lambda uow, a: fhir_refusal(uow, sledai_resource(a)),
}


@pytest.mark.parametrize("path", ASSESSMENT_PATHS)
def test_every_assessment_write_refuses_a_visit_before_birth(seeded: Seeded, path: str) -> None:
    expected = InvalidValueError("assessment.visit_date", "1980-01-01", BETWEEN_BIRTH_AND_TODAY)
    with MemoryUnitOfWork(seeded.database) as uow:
        visit = dataclasses.replace(uow.assessments.get("visit-1"), visit_date=BEFORE_BIRTH)
        assert ASSESSMENT_PATHS[path](uow, visit) == str(expected)


def _medication_row(uow: MemoryUnitOfWork, m: MedicationExposure) -> dict[str, Any]:
    fields = ("drug_name", "rxnorm_code", "drug_class", "dose", "dose_unit", "route", "frequency")
    return {"patient": pseudonym_of(uow, m.patient_id), "start_date": m.start_date} | {
        f: getattr(m, f) for f in fields
    }


MEDICATION_PATHS: dict[str, Path] = {
    "record_medication": lambda uow, m: refusal(
        lambda: clinical_records.record_medication(uow, under_new_id(m), by=ACTOR, now=NOW)
    ),
    "correct_medication": lambda uow, m: refusal(
        lambda: record_updates.correct_medication(uow, m, reason=REASON, by=ACTOR, now=NOW)
    ),
    "table import": lambda uow, m: table_refusal(uow, "medications", _medication_row(uow, m)),
    "FHIR import": lambda uow, m: fhir_refusal(uow, medication_resource(under_new_id(m))),
    "FHIR re-import": lambda uow, m: fhir_refusal(uow, medication_resource(m)),
}


@pytest.mark.parametrize("path", MEDICATION_PATHS)
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            # 1,300 mg prednisone a day is above the 1 g methylprednisolone pulse (EULAR 2023)
            # as prednisone equivalent, 1,250 mg: the ceiling of dose_plausibility.py.
            {"dose": 1300.0},
            OutOfValidatedRangeError(
                "medication.dose", 1300.0, 0, MAX_GLUCOCORTICOID_PREDNISONE_MG_PER_DAY, "mg"
            ),
        ),
        (
            {"start_date": BEFORE_BIRTH},
            InvalidValueError("medication.start_date", "1980-01-01", BETWEEN_BIRTH_AND_TODAY),
        ),
    ],
    ids=["dose above its ceiling", "start before birth"],
)
def test_every_medication_write_refuses_an_implausible_dose_or_start(
    seeded: Seeded, path: str, changes: dict[str, Any], expected: Exception
) -> None:
    with MemoryUnitOfWork(seeded.database) as uow:
        exposure = dataclasses.replace(uow.medications.get("med-1"), **changes)
        assert MEDICATION_PATHS[path](uow, exposure) == str(expected)


ADVERSE_EVENT_PATHS: dict[str, Path] = {
    "record_adverse_event": lambda uow, e: refusal(
        lambda: clinical_records.record_adverse_event(uow, under_new_id(e), by=ACTOR, now=NOW)
    ),
    "correct_adverse_event": lambda uow, e: refusal(
        lambda: record_updates.correct_adverse_event(uow, e, reason=REASON, by=ACTOR, now=NOW)
    ),
    "FHIR import": lambda uow, e: fhir_refusal(uow, adverse_event_resource(under_new_id(e))),
    "FHIR re-import": lambda uow, e: fhir_refusal(uow, adverse_event_resource(e)),
}


@pytest.mark.parametrize("path", ADVERSE_EVENT_PATHS)
@pytest.mark.parametrize("fault", ["another patient's course", "onset before birth"])
def test_every_adverse_event_write_refuses_another_patients_course_or_an_onset_before_birth(
    seeded: Seeded, path: str, fault: str
) -> None:
    if fault == "onset before birth":
        changes: dict[str, Any] = {"onset_date": BEFORE_BIRTH}
        expected = InvalidValueError(
            "adverse_event.onset_date", "1980-01-01", BETWEEN_BIRTH_AND_TODAY
        )
    else:
        changes = {"course_id": seeded.other_course_id}
        expected = InvalidValueError(
            "course_id", seeded.other_course_id, "a course of the same patient"
        )
    with MemoryUnitOfWork(seeded.database) as uow:
        event = dataclasses.replace(uow.adverse_events.get("ae-1"), **changes)
        assert ADVERSE_EVENT_PATHS[path](uow, event) == str(expected)


def _diagnosis(uow: MemoryUnitOfWork, patient_id: str) -> Any:
    return uow.diagnoses.find(patient_id=patient_id)[0]


DIAGNOSIS_PATHS: dict[str, Path] = {
    "record_diagnosis": lambda uow, d: refusal(
        lambda: patients.record_diagnosis(
            uow,
            patient_id=d.patient_id,
            disease=d.disease,
            icd10_code=d.icd10_code,
            snomed_code=d.snomed_code,
            onset_date=d.onset_date,
            criteria_met=d.criteria_met,
            by=ACTOR,
            now=NOW,
        )
    ),
    "add_diagnosis": lambda uow, d: refusal(
        lambda: record_updates.add_diagnosis(uow, under_new_id(d), by=ACTOR, now=NOW)
    ),
    "correct_diagnosis": lambda uow, d: refusal(
        lambda: record_updates.correct_diagnosis(uow, d, reason=REASON, by=ACTOR, now=NOW)
    ),
    "FHIR import": lambda uow, d: fhir_refusal(uow, condition_resource(under_new_id(d))),
    "FHIR re-import": lambda uow, d: fhir_refusal(uow, condition_resource(d)),
}


@pytest.mark.parametrize("path", DIAGNOSIS_PATHS)
def test_every_diagnosis_write_refuses_an_onset_before_birth(seeded: Seeded, path: str) -> None:
    expected = InvalidValueError("diagnosis.onset_date", "1980-01-01", BETWEEN_BIRTH_AND_TODAY)
    with MemoryUnitOfWork(seeded.database) as uow:
        diagnosis = dataclasses.replace(_diagnosis(uow, seeded.patient.id), onset_date=BEFORE_BIRTH)
        assert DIAGNOSIS_PATHS[path](uow, diagnosis) == str(expected)
