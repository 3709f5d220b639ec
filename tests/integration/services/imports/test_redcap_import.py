"""A REDCap export imports through the table import, and a second import changes nothing (#20).

Runs on every backend of ``uow_factory`` (memory, SQLite, PostgreSQL). The files are the
REDCap-shaped ones written for the tests in tests/reference/interop/redcap/ (invented people).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lupus_sct.cli.interop import import_app
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.interop.redcap import load_redcap_mapping, read_records, redcap_rows
from lupus_sct.interop.redcap_dictionary import read_dictionary
from lupus_sct.services.imports.table_import import TableImportReport, import_rows
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork
from support import ACTOR, NOW, seed_centre

UowFactory = Callable[[], UnitOfWork]
FILES = Path(__file__).parents[3] / "reference" / "interop" / "redcap"
DICTIONARY = FILES / "dictionary.csv"


def _import(uow_factory: UowFactory, mapping: str, records: str) -> TableImportReport:
    dictionary = read_dictionary(DICTIONARY)
    redcap_mapping = load_redcap_mapping(FILES / mapping, dictionary)
    rows = redcap_rows(redcap_mapping, dictionary, read_records(FILES / records, dictionary))
    with uow_factory() as uow:
        return import_rows(
            uow, redcap_mapping.table.entity, rows.rows, centre_code="NWU", by=ACTOR, now=NOW
        )


def _import_all(uow_factory: UowFactory, records: str) -> list[TableImportReport]:
    return [_import(uow_factory, m, records) for m in ("patients.yaml", "assessments.yaml")] + [
        _import(uow_factory, "labs.yaml", records)
    ]


def _audit_size(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return len(list(uow.audit.entries()))


def test_a_longitudinal_export_imports_patients_assessments_and_labs(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    reports = _import_all(uow_factory, "records_raw.csv")
    assert [r.problems for r in reports] == [(), (), ()]
    assert [r.rows_written for r in reports] == [3, 3, 2]
    with uow_factory() as uow:
        pseudonyms = sorted(p.pseudonym for p in uow.patients.find())
        assert pseudonyms == ["RC-0001", "RC-0002", "RC-0012"]
        assert len(uow.assessments.find()) == 3
        assert len(uow.labs.find()) == 2


def test_importing_the_same_export_again_changes_nothing(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    _import_all(uow_factory, "records_raw.csv")
    audit_after_first = _audit_size(uow_factory)
    again = _import_all(uow_factory, "records_raw.csv")
    assert [r.rows_written for r in again] == [0, 0, 0]
    assert [len(r.unchanged) for r in again] == [3, 3, 2]
    assert _audit_size(uow_factory) == audit_after_first


def test_the_labels_export_of_the_same_records_changes_nothing_either(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    _import_all(uow_factory, "records_raw.csv")
    labels = _import_all(uow_factory, "records_labels.csv")
    assert [r.rows_written for r in labels] == [0, 0, 0]


def test_the_command_imports_then_reports_every_row_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cli.db"
    engine = database.create_engine(f"sqlite:///{path}")
    database.upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        seed_centre(uow)
        uow.commit()
    engine.dispose()
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", f"sqlite:///{path}")
    args = ["redcap", "--dictionary", str(DICTIONARY), "--data", str(FILES / "records_raw.csv")]
    args += ["--mapping", str(FILES / "patients.yaml"), "--centre", "NWU"]
    first = CliRunner().invoke(import_app, args)
    assert first.exit_code == 0, first.output
    assert "3 rows read, 3 valid, 0 refused: 3 written" in first.stderr
    again = CliRunner().invoke(import_app, args)
    assert again.exit_code == 0, again.output
    assert "0 written (3 unchanged)" in again.stderr


def test_the_command_reports_a_refused_row_by_record_and_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cli.db"
    engine = database.create_engine(f"sqlite:///{path}")
    database.upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        seed_centre(uow)
        uow.commit()
    engine.dispose()
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", f"sqlite:///{path}")
    records = tmp_path / "records.csv"
    text = (FILES / "records_raw.csv").read_text(encoding="utf-8")
    records.write_text(text.replace("2,1984-07-14", "3,1984-07-14"), encoding="utf-8")
    args = ["redcap", "--dictionary", str(DICTIONARY), "--data", str(records)]
    args += ["--mapping", str(FILES / "patients.yaml"), "--centre", "NWU", "--dry-run"]
    result = CliRunner().invoke(import_app, args)
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert (
        "8,sex,3,\"record 2, event baseline_arm_1: REDCap field sex: '3' is not one of its "
        'choices (1 = Female, 2 = Male)"'
    ) in result.stdout
