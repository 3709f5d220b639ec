"""Imports are safe to re-run, and local times are read in the file's zone (#15, 13 and 14).

Runs on every backend of ``uow_factory`` (memory, SQLite, PostgreSQL). The probe imported the same
patient table twice (every hospital number then held by two patients) and one lab row repeated
three times (three labs). All people and numbers are invented.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lupus_sct.cli.interop import import_app
from lupus_sct.interop.table_import import mapping_from_dict, parse_rows, read_table
from lupus_sct.services.imports.table_import import TableImportReport, import_rows
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient

UowFactory = Callable[[], UnitOfWork]
PATIENTS: dict[str, Any] = {
    "entity": "patients",
    "patient_key": "hospital_number",
    "columns": {
        "sex": "Sex",
        "birth_date": "Born",
        "family_name": "Surname",
        "given_name": "Given",
        "hospital_number": "MRN",
    },
}
PATIENT_HEADER = ("Sex", "Born", "Surname", "Given", "MRN")
PATIENT_ROWS = [
    ("female", "1988-02-01", "Quintero", "Lucia", "R100001"),
    ("male", "1975-06-30", "Abernethy", "Callum", "R100002"),
    ("female", "1991-11-12", "Nakashima", "Emi", "R100003"),
]
LABS: dict[str, Any] = {
    "entity": "labs",
    "columns": {"patient": "Study", "loinc_code": "Test", "value": "Result", "collected_at": "At"},
    "fixed": {"unit": "mg/dL"},
    "timezone": "America/Chicago",
}
LAB_HEADER = ("Study", "Test", "Result", "At")
MEDICATIONS: dict[str, Any] = {
    "entity": "medications",
    "columns": {
        "patient": "Study",
        "rxnorm_code": "Drug",
        "dose": "Dose",
        "start_date": "From",
    },
    "fixed": {"dose_unit": "mg", "route": "oral", "frequency": "daily"},
}


def _csv(path: Path, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _import(uow_factory: UowFactory, path: Path, mapping: dict[str, Any]) -> TableImportReport:
    table_mapping = mapping_from_dict(mapping)
    with uow_factory() as uow:
        return import_rows(
            uow,
            table_mapping.entity,
            parse_rows(table_mapping, read_table(path)),
            centre_code="NWU",
            patient_key=table_mapping.patient_key,
            by=ACTOR,
            now=NOW,
        )


def _seed(uow_factory: UowFactory) -> str:
    with uow_factory() as uow:
        patient = seed_patient(uow, seed_centre(uow))
        uow.commit()
    return patient.pseudonym


def _audit_size(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return len(list(uow.audit.entries()))


def test_importing_the_same_patient_file_twice_writes_nothing_the_second_time(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    _seed(uow_factory)
    path = _csv(tmp_path / "patients.csv", PATIENT_HEADER, PATIENT_ROWS)
    first = _import(uow_factory, path, PATIENTS)
    assert (first.rows_written, first.unchanged) == (3, ())
    audit_after_first = _audit_size(uow_factory)
    again = _import(uow_factory, path, PATIENTS)
    assert again.problems == ()
    assert again.unchanged == (2, 3, 4)
    assert again.rows_written == 0
    assert _audit_size(uow_factory) == audit_after_first
    with uow_factory() as uow:
        numbers = [i.hospital_number for i in uow.identities.find()]
    assert sorted(n for n in numbers if n.startswith("R")) == ["R100001", "R100002", "R100003"]


def test_a_patient_row_with_a_changed_birth_date_updates_the_patient_it_matches(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    _seed(uow_factory)
    _import(uow_factory, _csv(tmp_path / "a.csv", PATIENT_HEADER, PATIENT_ROWS), PATIENTS)
    corrected = [PATIENT_ROWS[0], ("male", "1975-06-03", "Abernethy", "Callum", "R100002")]
    report = _import(uow_factory, _csv(tmp_path / "b.csv", PATIENT_HEADER, corrected), PATIENTS)
    assert (report.unchanged, report.updated, report.rows_written) == ((2,), (3,), 1)
    with uow_factory() as uow:
        (identity,) = uow.identities.find(hospital_number="R100002")
        patient = uow.patients.get(identity.patient_id)
    assert patient.birth_date.isoformat() == "1975-06-03"


def test_a_lab_row_repeated_in_one_file_is_written_once_and_its_repeats_reported(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    study = _seed(uow_factory)
    row = (study, "2160-0", "1.1", "2026-01-15T10:30")
    path = _csv(tmp_path / "labs.csv", LAB_HEADER, [row, row, row])
    report = _import(uow_factory, path, LABS)
    assert report.repeats == ((3, 2), (4, 2))
    assert report.rows_written == 1
    with uow_factory() as uow:
        assert len(uow.labs.find()) == 1


def test_re_importing_a_lab_file_writes_nothing_and_reports_every_row_unchanged(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    study = _seed(uow_factory)
    rows = [
        (study, "2160-0", "1.1", "2026-01-15T10:30"),
        (study, "2160-0", "1.1", "2026-01-16T10:30"),
        (study, "2160-0", "0.9", "2026-01-16T10:30"),
    ]
    path = _csv(tmp_path / "labs.csv", LAB_HEADER, rows)
    assert _import(uow_factory, path, LABS).rows_written == 3
    again = _import(uow_factory, path, LABS)
    assert (again.unchanged, again.rows_written) == ((2, 3, 4), 0)
    with uow_factory() as uow:
        assert len(uow.labs.find()) == 3


def test_a_local_lab_time_in_chicago_is_stored_as_its_utc_instant(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    study = _seed(uow_factory)
    rows = [
        (study, "2160-0", "1.1", "2026-01-15T10:30"),  # CST, UTC-6 (IANA tz database)
        (study, "2160-0", "1.2", "2025-07-15T10:30"),  # CDT, UTC-5
    ]
    _import(uow_factory, _csv(tmp_path / "labs.csv", LAB_HEADER, rows), LABS)
    with uow_factory() as uow:
        times = sorted(lab.collected_at for lab in uow.labs.find())
    assert times == [
        datetime(2025, 7, 15, 15, 30, tzinfo=UTC),
        datetime(2026, 1, 15, 16, 30, tzinfo=UTC),
    ]


def test_a_medication_file_imported_twice_is_written_once(
    uow_factory: UowFactory, tmp_path: Path
) -> None:
    study = _seed(uow_factory)
    rows = [(study, "8640", "10", "2026-01-01"), (study, "8640", "5", "2026-02-01")]
    path = _csv(tmp_path / "drugs.csv", ("Study", "Drug", "Dose", "From"), rows)
    assert _import(uow_factory, path, MEDICATIONS).rows_written == 2
    again = _import(uow_factory, path, MEDICATIONS)
    assert (again.unchanged, again.rows_written) == ((2, 3), 0)
    with uow_factory() as uow:
        assert len(uow.medications.find()) == 2


def test_the_command_says_which_rows_were_unchanged_or_repeated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cli.db"
    engine = database.create_engine(f"sqlite:///{path}")
    database.upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        study = seed_patient(uow, seed_centre(uow)).pseudonym
        uow.commit()
    engine.dispose()
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", f"sqlite:///{path}")
    row = (study, "2160-0", "1.1", "2026-01-15T10:30")
    data = _csv(tmp_path / "labs.csv", LAB_HEADER, [row, row])
    mapping = tmp_path / "labs.yaml"
    mapping.write_text(json.dumps(LABS), encoding="utf-8")  # JSON is valid YAML
    args = ["table", str(data), "--mapping", str(mapping), "--centre", "NWU"]
    first = CliRunner().invoke(import_app, args)
    assert first.exit_code == 0, first.output
    assert "1 written (row 3 repeats row 2)" in first.stderr
    again = CliRunner().invoke(import_app, args)
    assert again.exit_code == 0, again.output
    assert "0 written (2 unchanged)" in again.stderr
