"""FHIR Bundle import: all or nothing, updates on re-import, a reason for every refusal."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lupus_sct.domain.records.labs import LabResult
from lupus_sct.interop.fhir import (
    BundleError,
    ImportStatus,
    bundle_json,
    export_patient_bundle,
    import_bundle,
    load_bundle_json,
)
from lupus_sct.interop.fhir import systems as s
from lupus_sct.services.audit.chain import AuditAction
from lupus_sct.services.clinic.record_updates import correct_lab
from lupus_sct.services.errors import NotFoundError, StaleWriteError
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient
from unit.interop.fhir_synthetic import seed_full_record

Factory = Callable[[], UnitOfWork]


@pytest.fixture
def bundle() -> dict[str, Any]:
    """A Bundle exported from a synthetic record built in memory."""
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        patient = seed_full_record(uow)
        uow.commit()
    with MemoryUnitOfWork(database) as uow:
        return json.loads(bundle_json(export_patient_bundle(read_patient_records(uow, patient.id))))


@pytest.fixture
def empty(uow_factory: Factory) -> Factory:
    """The parametrised backend with only the centre NWU in it."""
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    return uow_factory


def _resources(bundle: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type
    ]


def _creatinine(bundle: dict[str, Any]) -> dict[str, Any]:
    return next(
        r
        for r in _resources(bundle, "Observation")
        if r["code"]["coding"][0]["code"] == "2160-0" and r["valueQuantity"]["code"] == "mg/dL"
    )


def _import(factory: Factory, bundle: dict[str, Any], **options: Any) -> Any:
    with factory() as uow:
        return import_bundle(uow, bundle, centre_code="NWU", by=ACTOR, now=NOW, **options)


def _nothing_stored(factory: Factory) -> bool:
    with factory() as uow:
        audit = [e for e in uow.audit.entries() if e.entity != "centre"]
        return not uow.patients.find() and not uow.labs.find() and not audit


def test_a_bundle_with_one_invalid_resource_writes_nothing(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    _creatinine(bundle)["valueQuantity"]["value"] = "one point one"
    report = _import(empty, bundle)
    assert not report.written
    [refused] = report.refused
    assert refused.resource_type == "Observation"
    assert "valueQuantity.value" in refused.reason
    others = [o for o in report.outcomes if o is not refused]
    assert {o.status for o in others} == {ImportStatus.ACCEPTED}
    assert _nothing_stored(empty)


def test_a_resource_refused_by_a_clinical_rule_writes_nothing_and_says_why(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    _resources(bundle, "Condition")[0]["code"]["coding"][0]["code"] = "M33.1"
    _resources(bundle, "AdverseEvent")[0]["severity"]["coding"][1]["code"] = "7"
    report = _import(empty, bundle)
    reasons = {o.resource_type: o.reason for o in report.refused}
    assert set(reasons) == {"AdverseEvent"}
    assert "a CTCAE grade 1-5" in reasons["AdverseEvent"]
    # A diagnosis other than SLE or RA is outside the catalogue: skipped, not refused (issue #20).
    skipped = {
        o.resource_type: o.reason for o in report.outcomes if o.status is ImportStatus.SKIPPED
    }
    assert set(skipped) == {"Condition"}
    assert "M33.1" in skipped["Condition"]
    assert "M32.x" in skipped["Condition"]
    assert _nothing_stored(empty)


def test_the_report_lists_a_reason_for_every_refused_resource(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    bundle["entry"].append({"resource": {"resourceType": "Encounter", "id": "enc-1"}})
    bundle["entry"].append({"resource": {"resourceType": "Observation", "status": "final"}})
    bundle["entry"].append(copy.deepcopy(bundle["entry"][0]))
    report = _import(empty, bundle, strict=True)
    lines = [o.as_dict() for o in report.refused]
    assert lines[0]["resourceType"] == "Encounter"
    assert "not a resource type we read" in lines[0]["reason"]
    assert "refused by --strict" in lines[0]["reason"]
    assert "needs an id" in lines[1]["reason"]
    assert lines[2]["resourceType"] == "Patient"
    assert "also entry 1" in lines[2]["reason"]
    assert all(line["status"] == "refused" for line in lines)
    assert _nothing_stored(empty)


def test_a_resource_type_we_do_not_model_is_skipped_and_reported_not_refused(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    bundle["entry"].append({"resource": {"resourceType": "Encounter", "id": "enc-1"}})
    report = _import(empty, bundle)
    skipped = [o for o in report.outcomes if o.status is ImportStatus.SKIPPED]
    assert [(o.resource_type, o.id) for o in skipped] == [("Encounter", "enc-1")]
    assert "not a resource type we read" in skipped[0].reason
    assert report.written
    assert not report.refused
    assert report.by_type()["Encounter"].counts["skipped"] == 1


def test_a_resource_whose_patient_was_refused_is_refused_too(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    _resources(bundle, "Patient")[0]["birthDate"] = "2090-01-01"
    report = _import(empty, bundle)
    assert all(o.status is ImportStatus.REFUSED for o in report.outcomes)
    assert "no patient with id" in report.outcomes[-1].reason


def test_a_dry_run_reports_what_would_be_accepted_and_writes_nothing(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    report = _import(empty, bundle, dry_run=True)
    assert {o.status for o in report.outcomes} == {ImportStatus.ACCEPTED}
    assert report.dry_run
    assert not report.written
    assert _nothing_stored(empty)


def test_re_import_updates_the_stored_record_through_an_audited_update(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    assert _import(empty, bundle).written
    creatinine = _creatinine(bundle)
    creatinine["valueQuantity"]["value"] = 1.4
    report = _import(empty, bundle)
    assert report.written
    by_id = {o.id: o for o in report.outcomes}
    assert by_id[creatinine["id"]].status is ImportStatus.UPDATED
    assert by_id[creatinine["id"]].reason == ""
    assert all(
        o.reason == "unchanged: nothing written" for i, o in by_id.items() if i != creatinine["id"]
    )
    with empty() as uow:
        stored = uow.labs.get(creatinine["id"])
        [entry] = [e for e in uow.audit.entries() if e.action is AuditAction.UPDATE]
    assert stored.value == 1.4
    assert stored.version == 2
    assert entry.entity_id == creatinine["id"]
    assert entry.reason == "FHIR re-import"
    assert entry.before is not None
    assert entry.before["value"] == 1.1


def test_re_import_of_a_sledai_observation_keeps_the_items_it_does_not_carry(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    assert _import(empty, bundle).written
    observation = next(r for r in _resources(bundle, "Observation") if r.get("valueInteger") == 12)
    with empty() as uow:
        assessment = uow.assessments.get(observation["id"])
        uow.assessments.update(dataclasses.replace(assessment, pga=1.5))
        uow.commit()
    observation["effectiveDateTime"] = "2026-01-04"
    assert _import(empty, bundle).written
    with empty() as uow:
        updated = uow.assessments.get(observation["id"])
    assert updated.visit_date == date(2026, 1, 4)
    assert updated.pga == 1.5


def test_a_stated_sledai_score_that_does_not_match_its_descriptors_is_refused(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    observation = next(r for r in _resources(bundle, "Observation") if r.get("valueInteger") == 12)
    observation["valueInteger"] = 14  # rash 2 + arthritis 4 + low complement 2 + proteinuria 4
    report = _import(empty, bundle)
    [refused] = report.refused
    assert "12, the SLEDAI-2K score of the descriptors listed" in refused.reason


def test_a_correction_from_an_old_version_is_refused_as_stale(empty: Factory) -> None:
    with empty() as uow:
        patient = seed_patient(uow, uow.centres.find(code="NWU")[0])
        lab = LabResult("lab-1", patient.id, "2160-0", 1.0, "mg/dL", NOW)
        stored = uow.labs.add(lab)
        correct_lab(uow, dataclasses.replace(stored, value=1.2), reason="r", by=ACTOR, now=NOW)
        with pytest.raises(StaleWriteError):
            correct_lab(uow, stored, reason="again", by=ACTOR, now=NOW)


def test_a_patient_of_another_centre_is_not_touched(empty: Factory, bundle: dict[str, Any]) -> None:
    assert _import(empty, bundle).written
    with empty() as uow:
        seed_centre(uow, "SOUTH")
        uow.commit()
    with empty() as uow:
        report = import_bundle(uow, bundle, centre_code="SOUTH", by=ACTOR, now=NOW)
    assert {o.status for o in report.outcomes} == {ImportStatus.REFUSED}
    assert "enrolled at another centre" in report.outcomes[0].reason


def test_an_unknown_centre_or_a_file_that_is_not_a_bundle_is_an_error(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    with empty() as uow, pytest.raises(NotFoundError):
        import_bundle(uow, bundle, centre_code="NOPE", by=ACTOR, now=NOW)
    with pytest.raises(BundleError, match="not a FHIR Bundle"):
        load_bundle_json('{"resourceType": "Patient"}')
    with pytest.raises(BundleError, match="invalid JSON at line 1"):
        load_bundle_json("{")


def test_re_import_corrects_every_kind_of_record_it_carries(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    assert _import(empty, bundle).written
    patient = _resources(bundle, "Patient")[0]
    patient["birthDate"] = "1990-04-13"
    patient["name"] = [{"family": "Synthetic", "given": ["Alicia"]}]
    patient["identifier"].append(
        {
            "type": {"coding": [{"system": s.IDENTIFIER_TYPE, "code": "MR"}]},
            "system": s.HOSPITAL_NUMBER_SYSTEM,
            "value": "H0000002",
        }
    )
    _resources(bundle, "Condition")[0]["onsetDateTime"] = "2015-03-02"
    _resources(bundle, "EpisodeOfCare")[0]["type"][1]["coding"][0]["code"] = "auto-hsct-sle-v2"
    apheresis = next(
        r for r in _resources(bundle, "Procedure") if r["code"]["coding"][0]["code"] == "apheresis"
    )
    apheresis["extension"][1]["extension"][0]["valueDecimal"] = 4.4
    _resources(bundle, "MedicationStatement")[0]["dosage"][0]["doseAndRate"][0]["doseQuantity"][
        "value"
    ] = 7.5
    fatigue = next(r for r in _resources(bundle, "AdverseEvent") if r["event"]["text"] == "Fatigue")
    fatigue["date"] = "2026-04-03"
    changed = {
        r["id"]
        for r in (
            patient,
            _resources(bundle, "Condition")[0],
            _resources(bundle, "EpisodeOfCare")[0],
            apheresis,
            _resources(bundle, "MedicationStatement")[0],
            fatigue,
        )
    }
    report = _import(empty, bundle)
    assert report.written, [o.as_dict() for o in report.refused]
    assert {o.id for o in report.outcomes if o.reason == ""} == changed
    with empty() as uow:
        identity = uow.identities.get(patient["id"])
        course = uow.courses.get(_resources(bundle, "EpisodeOfCare")[0]["id"])
        updates = [e for e in uow.audit.entries() if e.action is AuditAction.UPDATE]
    assert (identity.given_name, identity.hospital_number) == ("Alicia", "H0000002")
    assert course.protocol_id == "auto-hsct-sle-v2"
    assert {e.entity for e in updates} == {  # the identity was new: added, not updated
        "patient",
        "diagnosis",
        "course",
        "course_event",
        "medication",
        "adverse_event",
    }
    assert {e.reason for e in updates} == {"FHIR re-import"}


def test_a_correction_may_not_move_a_record_to_another_patient(
    empty: Factory, bundle: dict[str, Any]
) -> None:
    assert _import(empty, bundle).written
    with empty() as uow:
        other = seed_patient(uow, uow.centres.find(code="NWU")[0])
        uow.commit()
    _resources(bundle, "Condition")[0]["subject"]["reference"] = f"Patient/{other.id}"
    [refused] = _import(empty, bundle).refused
    assert refused.resource_type == "Condition"
    assert "diagnosis.patient_id" in refused.reason
