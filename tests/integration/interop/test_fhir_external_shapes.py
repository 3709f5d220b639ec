"""Bundles in the shapes other systems write (Synthea, HL7 examples) import, on every backend.

The Bundles and the shape each follows are described in
tests/reference/interop/fhir/external_shapes/README.md; the expected counts, ids and dates below
are read from those files, not from our code.
"""

from __future__ import annotations

import collections
import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from data_paths import FHIR_EXTERNAL_SHAPES
from lupus_sct.cli.interop import import_app
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.interop.fhir import ImportStatus, import_bundle
from lupus_sct.services.clinic.clinical_records import record_outcome
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork
from support import ACTOR, NOW, seed_centre

Factory = Callable[[], UnitOfWork]
SYNTHEA = FHIR_EXTERNAL_SHAPES / "synthea_style_transaction.json"
HL7 = FHIR_EXTERNAL_SHAPES / "hl7_style_searchset.json"
SYNTHEA_PATIENT = "7f3c2a10-5b1e-4c8d-9a21-0d6e4b7c1a01"  # the Patient's id and urn:uuid
MODELLED = {"Patient", "Condition", "Observation"}
KEPT = {"Patient": 1, "Condition": 1, "Observation": 3}  # the rest are coded outside the catalogue
OUTSIDE_CATALOGUE = "outside the platform's catalogue"


def _load(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _types(bundle: dict[str, Any]) -> collections.Counter[str]:
    return collections.Counter(e["resource"]["resourceType"] for e in bundle["entry"])


@pytest.fixture
def empty(uow_factory: Factory) -> Factory:
    """The parametrised backend with only the centre NWU in it."""
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    return uow_factory


def _import(factory: Factory, bundle: dict[str, Any], **options: Any) -> Any:
    with factory() as uow:
        return import_bundle(uow, bundle, centre_code="NWU", by=ACTOR, now=NOW, **options)


def _stored(factory: Factory) -> dict[str, Any]:
    with factory() as uow:
        return {
            "patients": uow.patients.find(),
            "identities": uow.identities.find(),
            "diagnoses": uow.diagnoses.find(),
            "labs": uow.labs.find(),
            "outcomes": uow.outcomes.find(),
            "audit": len(list(uow.audit.entries())),
        }


def test_a_synthea_style_bundle_imports_and_reports_every_resource_type(empty: Factory) -> None:
    bundle = _load(SYNTHEA)
    report = _import(empty, bundle)
    assert report.written
    assert not report.refused
    summary = report.by_type()
    assert set(summary) == set(_types(bundle))
    for resource_type, count in _types(bundle).items():
        kept = KEPT.get(resource_type, 0)
        skipped = count - kept
        assert (summary[resource_type].kept, summary[resource_type].counts["skipped"]) == (
            kept,
            skipped,
        ), resource_type
        why = OUTSIDE_CATALOGUE if resource_type in MODELLED else "not a resource type we read"
        if skipped:
            assert any(why in r for r in summary[resource_type].reasons)


def test_urn_uuid_references_point_the_records_at_the_bundles_patient(empty: Factory) -> None:
    _import(empty, _load(SYNTHEA))
    stored = _stored(empty)
    assert [p.id for p in stored["patients"]] == [SYNTHEA_PATIENT]
    assert {d.patient_id for d in stored["diagnoses"]} == {SYNTHEA_PATIENT}
    assert {lab.patient_id for lab in stored["labs"]} == {SYNTHEA_PATIENT}
    assert len(stored["labs"]) == KEPT["Observation"]
    assert stored["identities"][0].hospital_number == "TEST-MRN-0001"


def test_a_patient_without_a_pseudonym_gets_one_in_the_centres_series(empty: Factory) -> None:
    report = _import(empty, _load(SYNTHEA))
    (patient,) = _stored(empty)["patients"]
    assert patient.id == SYNTHEA_PATIENT  # the source's id, the link for re-imports
    assert patient.pseudonym.startswith("NWU-")
    assert len(patient.pseudonym) == len("NWU-") + 8
    (line,) = [o for o in report.outcomes if o.resource_type == "Patient"]
    assert line.status is ImportStatus.ACCEPTED
    assert f"pseudonym {patient.pseudonym} made in the centre's series" in line.reason


def test_a_reimport_keeps_the_generated_pseudonym_and_adds_no_patient(empty: Factory) -> None:
    bundle = _load(SYNTHEA)
    _import(empty, bundle)
    (first,) = _stored(empty)["patients"]
    bundle["entry"][0]["resource"]["birthDate"] = "1968-02-02"
    report = _import(empty, bundle)
    assert report.written
    (patient,) = _stored(empty)["patients"]
    assert patient.pseudonym == first.pseudonym
    assert patient.birth_date == date(1968, 2, 2)
    (line,) = [o for o in report.outcomes if o.resource_type == "Patient"]
    assert line.status is ImportStatus.UPDATED
    assert "made in the centre's series" not in line.reason


def test_observations_outside_the_catalogue_are_skipped_and_counted_per_code(
    empty: Factory,
) -> None:
    report = _import(empty, _load(SYNTHEA))
    assert report.written
    reasons = report.by_type()["Observation"].reasons
    for loinc in ("8302-2", "29463-7", "39156-5", "85354-9"):  # height, weight, BMI, BP panel
        (key,) = [r for r in reasons if f"LOINC '{loinc}'" in r]
        assert reasons[key] == 1
        assert key.startswith("skipped: Observation.code: ")
        assert "accepted: a supported LOINC code (" in key


def test_a_condition_outside_sle_and_ra_is_skipped_naming_its_snomed_code(empty: Factory) -> None:
    report = _import(empty, _load(SYNTHEA))
    (skipped,) = [
        o
        for o in report.outcomes
        if o.resource_type == "Condition" and o.status is ImportStatus.SKIPPED
    ]
    assert "Condition.code: SNOMED CT '59621000'" in skipped.reason
    assert OUTSIDE_CATALOGUE in skipped.reason
    assert "M32.x, M05.x or M06.x" in skipped.reason


def test_a_snomed_ct_only_ra_condition_is_skipped_its_code_kept_in_the_report(
    empty: Factory,
) -> None:
    bundle = _load(SYNTHEA)
    condition = bundle["entry"][4]["resource"]
    condition["code"]["coding"] = [
        c for c in condition["code"]["coding"] if "snomed" in c["system"]
    ]
    report = _import(empty, bundle)
    assert report.written
    (line,) = [o for o in report.outcomes if o.id == condition["id"]]
    assert line.status is ImportStatus.SKIPPED
    assert "no ICD-10-CM code; SNOMED CT '69896004' kept in report" in line.reason
    assert _stored(empty)["diagnoses"] == []


def test_deceased_date_time_is_stored_as_the_death_on_that_date(empty: Factory) -> None:
    _import(empty, _load(SYNTHEA))
    (death,) = _stored(empty)["outcomes"]
    assert death.kind is OutcomeKind.DEATH
    assert death.patient_id == SYNTHEA_PATIENT
    assert death.event_date == date(2025, 11, 3)  # deceasedDateTime 2025-11-03T14:20:00+01:00
    assert death.detail == "unknown"


def test_importing_the_same_synthea_style_bundle_twice_changes_nothing(empty: Factory) -> None:
    bundle = _load(SYNTHEA)
    first = _import(empty, bundle)
    before = _stored(empty)
    second = _import(empty, bundle)
    assert _stored(empty) == before
    kept = [o for o in second.outcomes if o.status is not ImportStatus.SKIPPED]
    assert len(kept) == sum(o.status is ImportStatus.ACCEPTED for o in first.outcomes)
    assert all(o.status is ImportStatus.UPDATED for o in kept)
    assert all(o.reason.startswith("unchanged: nothing written") for o in kept)


def test_a_changed_death_date_is_corrected_not_duplicated(empty: Factory) -> None:
    bundle = _load(SYNTHEA)
    _import(empty, bundle)
    bundle["entry"][0]["resource"]["deceasedDateTime"] = "2025-11-05"
    report = _import(empty, bundle)
    assert report.written
    (death,) = _stored(empty)["outcomes"]
    assert death.event_date == date(2025, 11, 5)


def test_a_death_already_recorded_by_hand_is_kept_and_the_bundle_still_imports(
    empty: Factory,
) -> None:
    bundle = _load(SYNTHEA)
    without_death = copy.deepcopy(bundle)
    del without_death["entry"][0]["resource"]["deceasedDateTime"]
    _import(empty, without_death)
    by_hand = OutcomeEvent(
        "death-by-hand", SYNTHEA_PATIENT, None, OutcomeKind.DEATH, date(2025, 11, 2), "sepsis"
    )
    with empty() as uow:
        record_outcome(uow, by_hand, by=ACTOR, now=NOW)
        uow.commit()
    report = _import(empty, bundle)
    assert report.written
    assert not report.refused
    assert [o.id for o in _stored(empty)["outcomes"]] == ["death-by-hand"]


def test_strict_refuses_the_unmodelled_resources_and_writes_nothing(empty: Factory) -> None:
    bundle = _load(SYNTHEA)
    report = _import(empty, bundle, strict=True)
    refused = collections.Counter(o.resource_type for o in report.refused)
    assert refused == {
        t: n - KEPT.get(t, 0) for t, n in _types(bundle).items() if n > KEPT.get(t, 0)
    }
    assert all("refused by --strict" in o.reason for o in report.refused)
    assert not report.written
    assert _stored(empty)["patients"] == []


def test_an_hl7_style_bundle_resolves_relative_and_absolute_references(empty: Factory) -> None:
    report = _import(empty, _load(HL7))
    assert report.written
    assert not report.refused
    stored = _stored(empty)
    assert [p.pseudonym for p in stored["patients"]] == ["example-sle-1"]  # id as pseudonym
    assert [d.patient_id for d in stored["diagnoses"]] == ["example-sle-1"]  # Patient/<id>
    assert [lab.patient_id for lab in stored["labs"]] == ["example-sle-1"]  # absolute URL


def test_deceased_boolean_without_a_date_is_reported_and_not_stored(empty: Factory) -> None:
    report = _import(empty, _load(HL7))
    (patient,) = [o for o in report.outcomes if o.resource_type == "Patient"]
    assert patient.status is ImportStatus.ACCEPTED
    assert "deceasedBoolean true" in patient.reason
    assert "not stored" in patient.reason
    assert _stored(empty)["outcomes"] == []


def test_a_reference_to_no_entry_is_refused_naming_field_and_value(empty: Factory) -> None:
    bundle = _load(SYNTHEA)
    condition = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition")
    condition["resource"]["subject"] = {
        "reference": "urn:uuid:00000000-0000-0000-0000-000000000000"
    }
    report = _import(empty, bundle)
    (refused,) = report.refused
    assert refused.resource_type == "Condition"
    assert "Condition.subject" in refused.reason
    assert "urn:uuid:00000000-0000-0000-0000-000000000000" in refused.reason
    assert "Patient/<id>" in refused.reason
    assert not report.written


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite file with the centre NWU, named by LUPUS_SCT_DATABASE_URL."""
    path = tmp_path / "cli.db"
    engine = database.create_engine(f"sqlite:///{path}")
    database.upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        seed_centre(uow)
        uow.commit()
    engine.dispose()
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", f"sqlite:///{path}")
    return path


def test_the_command_line_reports_per_resource_type_and_strict_refuses(
    database_file: Path,
) -> None:
    runner = CliRunner()
    strict = runner.invoke(import_app, ["fhir", str(SYNTHEA), "--centre", "NWU", "--strict"])
    assert isinstance(strict.exception, CliError)
    assert strict.exception.code == EXIT_INVALID_INPUT
    assert "Claim: 0 kept, 0 skipped, 1 refused" in strict.stderr
    assert "nothing written" in strict.stderr
    result = runner.invoke(import_app, ["fhir", str(SYNTHEA), "--centre", "NWU"])
    assert result.exit_code == 0, result.output
    assert "per resource type:" in result.stderr
    assert "Observation: 3 kept, 4 skipped, 0 refused" in result.stderr
    assert "1 x skipped: Observation.code: LOINC '8302-2' is outside" in result.stderr
    assert "Claim: 0 kept, 1 skipped, 0 refused" in result.stderr
    assert "1 x skipped: not a resource type we read" in result.stderr
    folder = runner.invoke(import_app, ["fhir", str(FHIR_EXTERNAL_SHAPES), "--centre", "NWU"])
    assert folder.exit_code == 0, folder.output
    assert "Encounter: 0 kept, 1 skipped, 0 refused" in folder.stderr
