"""``import fhir`` and ``export fhir`` through Typer, on a migrated SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lupus_sct.cli.interop import export_app, import_app
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.interop.fhir import bundle_json, export_patient_bundle
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.store import database
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from lupus_sct.store.sql import SqlUnitOfWork
from support import seed_centre
from unit.interop.fhir_synthetic import seed_full_record


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


@pytest.fixture
def bundle_file(tmp_path: Path) -> tuple[Path, str]:
    """A Bundle file exported from a synthetic record, and its patient id."""
    source = MemoryDatabase()
    with MemoryUnitOfWork(source) as uow:
        patient = seed_full_record(uow)
        uow.commit()
    with MemoryUnitOfWork(source) as uow:
        text = bundle_json(export_patient_bundle(read_patient_records(uow, patient.id)))
    path = tmp_path / "bundle.json"
    path.write_text(text, encoding="utf-8")
    return path, patient.id


def test_import_then_export_on_the_command_line_gives_back_the_same_bundle(
    database_file: Path, bundle_file: tuple[Path, str], tmp_path: Path
) -> None:
    path, patient_id = bundle_file
    runner = CliRunner()
    imported = runner.invoke(import_app, ["fhir", str(path), "--centre", "NWU"])
    assert imported.exit_code == 0, imported.output
    report = json.loads(imported.stdout)
    assert {line["status"] for line in report} == {"accepted"}
    assert "0 refused: written" in imported.stderr
    out = tmp_path / "out.json"
    exported = runner.invoke(export_app, ["fhir", patient_id, "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    assert out.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    to_stdout = runner.invoke(export_app, ["fhir", patient_id, "--include-identity"])
    assert to_stdout.exit_code == 0
    assert json.loads(to_stdout.stdout)["type"] == "collection"


def test_a_dry_run_on_the_command_line_writes_nothing(
    database_file: Path, bundle_file: tuple[Path, str]
) -> None:
    path, patient_id = bundle_file
    runner = CliRunner()
    result = runner.invoke(import_app, ["fhir", str(path), "--centre", "NWU", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run, nothing written" in result.stderr
    missing = runner.invoke(export_app, ["fhir", patient_id])
    assert isinstance(missing.exception, CliError)
    assert missing.exception.code == EXIT_INVALID_INPUT
    assert "no patient with id" in str(missing.exception)


def test_a_refused_resource_is_reported_and_exits_2(
    database_file: Path, bundle_file: tuple[Path, str]
) -> None:
    path, _ = bundle_file
    bundle = json.loads(path.read_text(encoding="utf-8"))
    bundle["entry"][1]["resource"]["onsetDateTime"] = "2099-01-01"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = CliRunner().invoke(import_app, ["fhir", str(path), "--centre", "NWU"])
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert "1 of" in str(result.exception)
    refused = [line for line in json.loads(result.stdout) if line["status"] == "refused"]
    assert refused[0]["resourceType"] == "Condition"
    assert "2099-01-01" in refused[0]["reason"]


def test_an_unknown_centre_or_an_unreadable_file_is_one_line_and_exit_2(
    database_file: Path, bundle_file: tuple[Path, str], tmp_path: Path
) -> None:
    path, _ = bundle_file
    runner = CliRunner()
    unknown = runner.invoke(import_app, ["fhir", str(path), "--centre", "NOPE"])
    assert isinstance(unknown.exception, CliError)
    assert unknown.exception.code == EXIT_INVALID_INPUT
    assert "no centre with code 'NOPE'" in str(unknown.exception)
    missing = runner.invoke(import_app, ["fhir", str(tmp_path / "none.json"), "--centre", "NWU"])
    assert isinstance(missing.exception, CliError)
    assert "cannot read" in str(missing.exception)
    not_a_bundle = tmp_path / "patient.json"
    not_a_bundle.write_text('{"resourceType": "Patient"}', encoding="utf-8")
    wrong = runner.invoke(import_app, ["fhir", str(not_a_bundle), "--centre", "NWU"])
    assert isinstance(wrong.exception, CliError)
    assert "not a FHIR Bundle" in str(wrong.exception)


def _more_bundles(folder: Path, count: int) -> list[Path]:
    source = MemoryDatabase()
    with MemoryUnitOfWork(source) as uow:
        centre = seed_centre(uow)
        ids = [seed_full_record(uow, centre).id for _ in range(count)]
        uow.commit()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with MemoryUnitOfWork(source) as uow:
        for index, patient_id in enumerate(ids):
            paths.append(folder / f"{index:02d}.json")
            paths[-1].write_text(
                bundle_json(export_patient_bundle(read_patient_records(uow, patient_id))), "utf-8"
            )
    return paths


def test_a_folder_of_bundles_is_imported_with_a_report_per_bundle(
    database_file: Path, tmp_path: Path
) -> None:
    paths = _more_bundles(tmp_path / "bundles" / "nested", 3)
    result = CliRunner().invoke(
        import_app, ["fhir", str(tmp_path / "bundles"), "--centre", "NWU", "--workers", "0"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [line["source"] for line in report] == [str(p) for p in paths]
    assert all(line["written"] and len(line["resources"]) == 26 for line in report)
    assert "importing 3 Bundles" in result.stderr
    assert "3 Bundles: 3 written, 0 with refused resources" in result.stderr


def test_several_files_with_a_bad_one_write_the_others_and_exit_2(
    database_file: Path, tmp_path: Path
) -> None:
    good = _more_bundles(tmp_path / "in", 2)
    bad = tmp_path / "in" / "bad.json"
    bad.write_text('{"resourceType": "Bundle", "entry": "not a list"}', encoding="utf-8")
    args = ["fhir", str(good[0]), str(bad), str(good[1]), "--centre", "NWU", "--workers", "1"]
    result = CliRunner().invoke(import_app, args)
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert f"1 of 3 Bundles not written (first: {bad})" in str(result.exception)
    report = json.loads(result.stdout)
    assert [line["written"] for line in report] == [True, False, True]
    assert "Bundle.entry must be a list" in report[1]["problem"]
    dry = CliRunner().invoke(import_app, [*args[:2], str(good[1]), "--centre", "NWU", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 would be written (dry run, nothing written)" in dry.stderr
    assert {r["status"] for line in json.loads(dry.stdout) for r in line["resources"]} == {
        "updated"
    }
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = CliRunner().invoke(import_app, ["fhir", str(empty), "--centre", "NWU"])
    assert isinstance(nothing.exception, CliError)
    assert "no *.json files in this folder" in str(nothing.exception)
