"""``export fhir-bulk`` through Typer, and the paged reads on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lupus_sct.cli.interop import export_app, import_app
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.interop.fhir import bundle_json, export_patient_bundle
from lupus_sct.interop.fhir.ndjson import read_ndjson
from lupus_sct.services.exports.centre_records import find_centre_by_code, read_centre_records
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork
from support import seed_centre
from unit.interop.fhir_synthetic import seed_full_record


def _seed(uow_factory: Callable[[], UnitOfWork]) -> tuple[list[str], list[str]]:
    """Two synthetic patients at NWU, one at OTH: their ids, by centre."""
    with uow_factory() as uow:
        nwu, oth = seed_centre(uow, "NWU"), seed_centre(uow, "OTH")
        ours = sorted(seed_full_record(uow, nwu).id for _ in range(2))
        theirs = [seed_full_record(uow, oth).id]
        uow.commit()
    return ours, theirs


def test_paged_reads_equal_the_per_patient_reads_on_each_backend(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    ours, _ = _seed(uow_factory)
    with uow_factory() as uow:
        centre = find_centre_by_code(uow, "NWU")
        paged = list(read_centre_records(uow, centre, include_identity=True, page_patients=1))
        single = [read_patient_records(uow, pid, include_identity=True) for pid in ours]
    assert paged == single


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """A migrated SQLite file with patients at two centres, named by LUPUS_SCT_DATABASE_URL."""
    path = tmp_path / "cli.db"
    engine = database.create_engine(f"sqlite:///{path}")
    database.upgrade(engine)
    ids = _seed(lambda: SqlUnitOfWork(engine))
    with SqlUnitOfWork(engine) as uow:
        expected = [
            e["resource"]
            for pid in ids[0]
            for e in json.loads(bundle_json(export_patient_bundle(read_patient_records(uow, pid))))[
                "entry"
            ]
        ]
    engine.dispose()
    (tmp_path / "expected.json").write_text(json.dumps(expected), encoding="utf-8")
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", f"sqlite:///{path}")
    return ids


def test_the_command_writes_one_centre_as_ndjson_with_its_manifest(
    database_file: tuple[list[str], list[str]], tmp_path: Path
) -> None:
    ours, theirs = database_file
    out = tmp_path / "bulk"
    result = CliRunner().invoke(export_app, ["fhir-bulk", "--centre", "NWU", "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.stdout)
    assert manifest == json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["request"] == "lupus-sct export fhir-bulk --centre NWU"
    exported = [r for item in manifest["output"] for r in read_ndjson(out / item["url"])]
    expected = json.loads((tmp_path / "expected.json").read_text(encoding="utf-8"))
    key = lambda r: (r["resourceType"], r["id"])  # noqa: E731
    assert sorted(exported, key=key) == sorted(expected, key=key)
    assert f"wrote {len(expected)} resources in 7 files to {out}" in result.stderr
    text = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert all(pid not in text for pid in theirs)
    assert all(pid in text for pid in ours)
    assert '"name"' not in text  # no --include-identity: no direct identifiers


def test_an_unknown_centre_is_refused_naming_the_option(
    database_file: tuple[list[str], list[str]], tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        export_app, ["fhir-bulk", "--centre", "XYZ", "--out", str(tmp_path / "x")]
    )
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert str(result.exception) == "--centre: no centre with code 'XYZ'"
    assert not (tmp_path / "x").exists()


def test_importing_the_exported_folder_into_an_empty_database_gives_the_same_ndjson(
    database_file: tuple[list[str], list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    first = tmp_path / "first"
    exported = runner.invoke(
        export_app, ["fhir-bulk", "--centre", "NWU", "--out", str(first), "--include-identity"]
    )
    assert exported.exit_code == 0, exported.output
    empty = tmp_path / "empty.db"
    engine = database.create_engine(f"sqlite:///{empty}")
    database.upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        seed_centre(uow, "NWU")
        uow.commit()
    engine.dispose()
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", f"sqlite:///{empty}")
    imported = runner.invoke(import_app, ["fhir", str(first), "--centre", "NWU", "--workers", "0"])
    assert imported.exit_code == 0, imported.output
    results = json.loads(imported.stdout)
    assert len(results) == len(database_file[0])  # one Bundle per patient
    assert all(r["written"] for r in results)
    second = tmp_path / "second"
    again = runner.invoke(
        export_app, ["fhir-bulk", "--centre", "NWU", "--out", str(second), "--include-identity"]
    )
    assert again.exit_code == 0, again.output
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        if name != "manifest.json":  # transactionTime differs
            assert (second / name).read_bytes() == (first / name).read_bytes(), name


def test_a_bad_ndjson_line_is_refused_naming_the_file_and_line(
    database_file: tuple[list[str], list[str]], tmp_path: Path
) -> None:
    bad = tmp_path / "Patient.ndjson"
    bad.write_text('{"resourceType": "Patient", "id": "a"}\n{oops\n', encoding="utf-8")
    result = CliRunner().invoke(import_app, ["fhir", str(bad), "--centre", "NWU"])
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert f"{bad}:2: not JSON" in str(result.exception)
