"""Table import (issue #9): all rows or none, --partial, dry run and the validation report.

Runs on every backend of ``uow_factory`` (memory, SQLite, PostgreSQL). Expected refusals come from
the domain rules the import reuses: creatinine is plausible in 0.1-40 mg/dL
(``domain.labs.LAB_TESTS``, docs/spec/instruments.md §0); all data are synthetic.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from lupus_sct.cli.interop import import_app
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.records.medications import DrugClass
from lupus_sct.domain.records.people import Sex
from lupus_sct.interop.table_import import mapping_from_dict, parse_rows, read_table
from lupus_sct.services.imports.table_import import TableImportReport, import_rows
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient

LABS_MAPPING: dict[str, Any] = {
    "entity": "labs",
    "columns": {
        "patient": "Study number",
        "loinc_code": "Test",
        "value": "Result",
        "collected_at": "Sampled",
    },
    "fixed": {"unit": "mg/dL"},
    "date_formats": {"collected_at": "%d/%m/%Y %H:%M"},
    "timezone": "Europe/London",
}
HEADER = ("Study number", "Test", "Result", "Sampled")


def _write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _seed(uow_factory: Callable[[], UnitOfWork]) -> str:
    with uow_factory() as uow:
        patient = seed_patient(uow, seed_centre(uow))
        uow.commit()
    return patient.pseudonym


def _import(
    uow_factory: Callable[[], UnitOfWork], path: Path, mapping: dict[str, Any], **options: Any
) -> TableImportReport:
    table_mapping = mapping_from_dict(mapping)
    table = read_table(path)
    with uow_factory() as uow:
        return import_rows(
            uow,
            table_mapping.entity,
            parse_rows(table_mapping, table),
            centre_code="NWU",
            patient_key=table_mapping.patient_key,
            by=ACTOR,
            now=NOW,
            **options,
        )


def _counts(uow_factory: Callable[[], UnitOfWork]) -> tuple[int, int]:
    with uow_factory() as uow:
        return len(uow.labs.find()), len(list(uow.audit.entries()))


def _labs(pseudonym: str, bad_value: str | None = None) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        (pseudonym, "2160-0", "1.1", "03/01/2026 08:15"),
        (pseudonym, "2160-0", "0.9", "10/02/2026 09:00"),
        (pseudonym, "2160-0", "1.0", "01/03/2026 07:45"),
    ]
    if bad_value is not None:
        rows[1] = (pseudonym, "2160-0", bad_value, "10/02/2026 09:00")
    return rows


def test_a_valid_file_writes_every_row_with_its_audit_entry(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    pseudonym = _seed(uow_factory)
    labs_before, audit_before = _counts(uow_factory)
    path = _write_csv(tmp_path / "labs.csv", HEADER, _labs(pseudonym))
    report = _import(uow_factory, path, LABS_MAPPING)
    assert report.written
    assert (report.rows_read, report.rows_written, report.problems) == (3, 3, ())
    assert _counts(uow_factory) == (labs_before + 3, audit_before + 3)
    with uow_factory() as uow:
        first = min(uow.labs.find(), key=lambda lab: lab.collected_at)
    # 08:15 in London on 3 January (GMT, UTC+0) is 08:15 UTC.
    assert first.collected_at == datetime(2026, 1, 3, 8, 15, tzinfo=UTC)
    assert (first.value, first.unit) == (1.1, "mg/dL")


def test_one_bad_row_writes_nothing_and_the_report_names_row_field_value_and_problem(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    pseudonym = _seed(uow_factory)
    before = _counts(uow_factory)
    path = _write_csv(tmp_path / "labs.csv", HEADER, _labs(pseudonym, bad_value="-3"))
    report = _import(uow_factory, path, LABS_MAPPING)
    assert not report.written
    assert _counts(uow_factory) == before
    (problem,) = report.problems
    # Row 3: the header is row 1, so the second record is row 3, as a spreadsheet shows it.
    assert (problem.row, problem.field, problem.value) == (3, "value", "-3")
    assert "outside 0.1-40" in problem.problem


def test_partial_writes_the_valid_rows_and_reports_the_others(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    pseudonym = _seed(uow_factory)
    labs_before, audit_before = _counts(uow_factory)
    rows = [*_labs(pseudonym, bad_value="abc"), ("NWU-NOBODY", "2160-0", "1.0", "01/03/2026 07:45")]
    path = _write_csv(tmp_path / "labs.csv", HEADER, rows)
    report = _import(uow_factory, path, LABS_MAPPING, partial=True)
    assert report.written
    assert (report.rows_read, report.rows_written, report.rows_refused) == (4, 2, 2)
    assert _counts(uow_factory) == (labs_before + 2, audit_before + 2)
    assert [(p.row, p.field, p.value) for p in report.problems] == [
        (3, "value", "abc"),
        (5, "patient", "NWU-NOBODY"),
    ]
    assert "no patient with pseudonym 'NWU-NOBODY'" in report.problems[1].problem


def test_a_dry_run_checks_every_row_and_writes_nothing(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    pseudonym = _seed(uow_factory)
    before = _counts(uow_factory)
    path = _write_csv(tmp_path / "labs.csv", HEADER, _labs(pseudonym, bad_value="50"))
    report = _import(uow_factory, path, LABS_MAPPING, dry_run=True, partial=True)
    assert not report.written
    assert report.dry_run
    assert [(p.row, p.field) for p in report.problems] == [(3, "value")]
    assert _counts(uow_factory) == before


def test_patients_from_excel_with_value_maps_identities_and_a_duplicate_in_the_file(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Enrolment"
    sheet.append(["Study no", "Sex", "Born", "Surname", "Given", "MRN"])
    sheet.append(["NWU-X01", "F", datetime(1990, 4, 12), "Synthetic", "Alice", "H0000101"])  # noqa: DTZ001 - Excel cells hold naive date-times
    sheet.append(["NWU-X02", "M", "1985-01-31", None, None, None])
    sheet.append(["NWU-X01", "F", "1991-01-01", None, None, None])
    sheet.append(["NWU-X03", "Q", "1980-01-01", None, None, None])
    sheet.append(["NWU-X04", "F", "2099-01-01", None, None, None])
    path = tmp_path / "patients.xlsx"
    workbook.save(path)
    mapping = {
        "entity": "patients",
        "sheet": "Enrolment",
        "columns": {
            "pseudonym": "Study no",
            "sex": "Sex",
            "birth_date": "Born",
            "family_name": "Surname",
            "given_name": "Given",
            "hospital_number": "MRN",
        },
        "values": {"sex": {"F": "female", "M": "male"}},
    }
    report = _import(uow_factory, path, mapping, partial=True)
    assert report.rows_written == 2
    refused = {(p.row, p.field) for p in report.problems}
    assert (4, "pseudonym") in refused  # NWU-X01 again: the use case refuses the duplicate
    assert (5, "sex") in refused  # "Q" is not mapped to a sex
    assert (6, "birth_date") in refused  # check_birth_date: not after today (NOW, 2026-06-01)
    with uow_factory() as uow:
        stored = {p.pseudonym: p for p in uow.patients.find()}
        identity = uow.identities.get(stored["NWU-X01"].id)
    assert stored["NWU-X01"].sex is Sex.FEMALE
    assert stored["NWU-X01"].birth_date == date(1990, 4, 12)
    assert identity.hospital_number == "H0000101"


def test_assessments_from_parquet_keep_not_evaluated_apart_from_zero(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    pseudonym = _seed(uow_factory)
    frame = pl.DataFrame(
        {
            "pid": [pseudonym, pseudonym, pseudonym],
            "visit": [date(2026, 1, 3), date(2026, 2, 3), date(2026, 3, 3)],
            "sledai": ["rash; arthritis", "none", None],
            "pga": [1.5, None, 0.0],
            "tjc28": [None, 4, None],
        }
    )
    path = tmp_path / "visits.parquet"
    frame.write_parquet(path)
    mapping = {
        "entity": "assessments",
        "columns": {
            "patient": "pid",
            "visit_date": "visit",
            "sledai_descriptors": "sledai",
            "pga": "pga",
            "tjc28": "tjc28",
        },
    }
    report = _import(uow_factory, path, mapping)
    assert report.written, report.problems
    with uow_factory() as uow:
        visits = sorted(uow.assessments.find(), key=lambda a: a.visit_date)
    assert visits[0].sledai_descriptors == (SledaiDescriptor.RASH, SledaiDescriptor.ARTHRITIS)
    assert visits[1].sledai_descriptors == ()
    assert visits[2].sledai_descriptors is Missing.NOT_EVALUATED
    assert visits[1].pga is Missing.NOT_EVALUATED
    assert visits[2].pga == 0.0
    assert visits[1].ra.tjc28 == 4


def test_medications_take_the_drug_class_from_the_catalogue_when_the_file_has_none(
    uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    pseudonym = _seed(uow_factory)
    header = ("pid", "rxcui", "dose", "unit", "route", "freq", "start")
    rows = [
        (pseudonym, "8640", "10", "mg", "oral", "daily", "2025-06-01"),
        (pseudonym, "1000001", "1", "g", "oral", "daily", "2025-06-01"),
    ]
    path = _write_csv(tmp_path / "drugs.csv", header, rows)
    mapping = {
        "entity": "medications",
        "columns": {
            "patient": "pid",
            "rxnorm_code": "rxcui",
            "dose": "dose",
            "dose_unit": "unit",
            "route": "route",
            "frequency": "freq",
            "start_date": "start",
        },
    }
    report = _import(uow_factory, path, mapping, partial=True)
    assert report.rows_written == 1
    assert [(p.row, p.field) for p in report.problems] == [(3, "drug_class")]
    with uow_factory() as uow:
        (exposure,) = uow.medications.find()
    assert (exposure.drug_name, exposure.drug_class) == ("prednisone", DrugClass.GLUCOCORTICOID)


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite file with the centre NWU and one patient; returns the pseudonym."""
    path = tmp_path / "cli.db"
    engine = database.create_engine(f"sqlite:///{path}")
    database.upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        patient = seed_patient(uow, seed_centre(uow))
        uow.commit()
    engine.dispose()
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", f"sqlite:///{path}")
    return patient.pseudonym


def test_the_command_writes_the_report_csv_and_exits_2_when_nothing_was_written(
    database_file: str, tmp_path: Path
) -> None:
    data = _write_csv(tmp_path / "labs.csv", HEADER, _labs(database_file, bad_value="-3"))
    mapping = tmp_path / "labs.yaml"
    mapping.write_text(json.dumps(LABS_MAPPING), encoding="utf-8")  # JSON is valid YAML
    report = tmp_path / "report.csv"
    args = ["table", str(data), "--mapping", str(mapping), "--centre", "NWU"]
    result = CliRunner().invoke(import_app, [*args, "--report", str(report)])
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert "importing 3 labs rows" in result.stderr
    with report.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert [(r["row"], r["field"], r["value"]) for r in lines] == [("3", "value", "-3")]
    assert "outside 0.1-40" in lines[0]["problem"]
    partial = CliRunner().invoke(import_app, [*args, "--partial"])
    assert partial.exit_code == 1
    assert "2 written" in partial.stderr
    assert partial.stdout.startswith("row,field,value,problem\n3,value,-3,")


def test_a_mapping_that_leaves_a_required_field_unfed_is_refused_before_reading(
    database_file: str, tmp_path: Path
) -> None:
    data = _write_csv(tmp_path / "labs.csv", HEADER, _labs(database_file))
    mapping = tmp_path / "labs.yaml"
    broken = {**LABS_MAPPING, "fixed": {}}
    mapping.write_text(json.dumps(broken), encoding="utf-8")
    result = CliRunner().invoke(
        import_app, ["table", str(data), "--mapping", str(mapping), "--centre", "NWU"]
    )
    assert isinstance(result.exception, CliError)
    assert "unit" in str(result.exception)
