"""Imports apply the same plausibility checks as the API (issue #15, finding 15).

A prednisone dose of 1e12 mg and a lab value ``true`` are refused by a table import and a FHIR
import, naming the field, as they are by the API (tests/api/test_data_integrity_api.py); the
ceiling is the one of :mod:`lupus_sct.domain.records.dose_plausibility` (methylprednisolone 1 g/day,
EULAR 2023, = 1250 mg prednisone).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lupus_sct.interop.fhir import ImportStatus, bundle_json, export_patient_bundle, import_bundle
from lupus_sct.interop.table_import import mapping_from_dict, parse_rows, read_table
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.services.imports.table_import import TableImportReport, import_rows
from lupus_sct.services.ports import UnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient
from unit.interop.fhir_synthetic import seed_full_record

UowFactory = Callable[[], UnitOfWork]


def _import(uow_factory: UowFactory, path: Path, mapping: dict[str, Any]) -> TableImportReport:
    table_mapping = mapping_from_dict(mapping)
    with uow_factory() as uow:
        return import_rows(
            uow,
            table_mapping.entity,
            parse_rows(table_mapping, read_table(path)),
            centre_code="NWU",
            by=ACTOR,
            now=NOW,
            partial=True,
        )


def _csv(path: Path, rows: list[tuple[Any, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _study(uow_factory: UowFactory) -> str:
    with uow_factory() as uow:
        patient = seed_patient(uow, seed_centre(uow))
        uow.commit()
    return patient.pseudonym


def test_a_table_lab_value_of_true_is_refused_naming_the_value(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    study = _study(uow_factory)
    rows = [("Study", "Result", "At"), (study, "true", "2026-01-15T10:30Z")]
    mapping = {
        "entity": "labs",
        "columns": {"patient": "Study", "value": "Result", "collected_at": "At"},
        "fixed": {"loinc_code": "2160-0", "unit": "mg/dL"},
    }
    report = _import(uow_factory, _csv(tmp_path / "labs.csv", rows), mapping)
    assert [(p.row, p.field) for p in report.problems] == [(2, "value")]


def test_a_table_prednisone_dose_of_a_trillion_mg_is_refused_naming_the_dose(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    study = _study(uow_factory)
    rows = [("Study", "Dose", "From"), (study, "1e12", "2026-01-01"), (study, "60", "2026-02-01")]
    mapping = {
        "entity": "medications",
        "columns": {"patient": "Study", "dose": "Dose", "start_date": "From"},
        "fixed": {"rxnorm_code": "8640", "dose_unit": "mg", "route": "oral", "frequency": "daily"},
    }
    report = _import(uow_factory, _csv(tmp_path / "drugs.csv", rows), mapping)
    ((row, field, problem),) = [(p.row, p.field, p.problem) for p in report.problems]
    assert (row, field) == (2, "dose")
    assert "outside 0-1250" in problem
    assert report.rows_written == 1


def test_a_fhir_prednisone_dose_of_a_trillion_mg_is_refused(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        patient = seed_full_record(uow)
        uow.commit()
    with uow_factory() as uow:
        bundle = json.loads(
            bundle_json(export_patient_bundle(read_patient_records(uow, patient.id)))
        )
    statement = next(  # seed_full_record's prednisone 10 mg daily (RxCUI 8640)
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationStatement"
        and e["resource"]["medicationCodeableConcept"]["coding"][0]["code"] == "8640"
    )
    statement["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 1e12
    with uow_factory() as uow:
        report = import_bundle(uow, bundle, centre_code="NWU", by=ACTOR, now=NOW)
    refused = [o for o in report.outcomes if o.status is ImportStatus.REFUSED]
    assert [o.resource_type for o in refused] == ["MedicationStatement"]
    assert "medication.dose" in refused[0].reason
