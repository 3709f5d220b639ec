"""The CIBMTR-style submission Bundle of a course validates and carries the centre's tag."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fhir.resources.R4B.bundle import Bundle

from lupus_sct.domain.records.labs import LabResult
from lupus_sct.interop.cibmtr_bundle import (
    CRID_SYSTEM,
    TRANSPLANT_CENTER_SYSTEM,
    cibmtr_course_bundle,
)
from lupus_sct.interop.fhir import bundle_json
from lupus_sct.services.clinic import clinical_records
from lupus_sct.services.clinic.patients import new_id
from lupus_sct.services.exports.stored_records import read_course_records
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW
from unit.interop.fhir_synthetic import seed_full_record


def _bundle(**options: str) -> tuple[dict, str]:
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        patient = seed_full_record(uow)
        for when in (datetime(2025, 10, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)):
            lab = LabResult(new_id(), patient.id, "777-3", 120.0, "10*9/L", when)
            clinical_records.record_lab(uow, lab, by=ACTOR, now=NOW)
        uow.commit()
    with MemoryUnitOfWork(database) as uow:
        course = uow.courses.find(patient_id=patient.id)[0]
        text = bundle_json(
            cibmtr_course_bundle(read_course_records(uow, course.id), course.id, **options)
        )
    return json.loads(text), course.id


def test_the_bundle_validates_with_fhir_resources_and_every_resource_has_the_security_tag() -> None:
    data, _ = _bundle(ccn="10101")
    Bundle.model_validate(data)  # raises when the Bundle is not valid R4
    tag = {"system": TRANSPLANT_CENTER_SYSTEM, "code": "rc_10101"}
    assert data["meta"]["security"] == [tag]
    for entry in data["entry"]:
        assert entry["resource"]["meta"]["security"] == [tag], entry["resource"]["resourceType"]


def test_the_patient_is_pseudonymous_and_carries_the_crid_when_given() -> None:
    data, _ = _bundle(crid="9876543")
    (patient,) = [
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert "name" not in patient
    systems = [i["system"] for i in patient["identifier"]]
    assert CRID_SYSTEM in systems
    assert all("type" not in i for i in patient["identifier"])  # no medical record number
    default, _ = _bundle()
    assert default["meta"]["security"][0]["code"] == "rc_NWU"  # the centre code by default


def test_the_bundle_holds_the_course_its_procedures_and_only_labs_of_the_course_window() -> None:
    data, course_id = _bundle()
    resources = [e["resource"] for e in data["entry"]]
    kinds = {r["resourceType"] for r in resources}
    assert kinds == {"Patient", "Condition", "EpisodeOfCare", "Procedure", "Observation"}
    assert [r["id"] for r in resources if r["resourceType"] == "EpisodeOfCare"] == [course_id]
    procedures = [r for r in resources if r["resourceType"] == "Procedure"]
    assert len(procedures) == 6  # mobilisation, 2 aphereses, processing, conditioning, infusion
    days = sorted(
        r["effectiveDateTime"][:10] for r in resources if r["resourceType"] == "Observation"
    )
    # Course started 2026-01-05: the 3 January work-up labs (6) and 1 March are in the window,
    # 1 October 2025 (more than 30 days before the start) is not.
    assert days == ["2026-01-03"] * 6 + ["2026-03-01"]
