"""``export tables`` and ``export cibmtr`` through Typer: the records read, then translated.

The command reads the records through a services read model and hands them to interop; the
files must be those that translating the same records directly gives.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from lupus_sct.cli.interop import export_app
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.interop.cibmtr_bundle import cibmtr_course_bundle
from lupus_sct.interop.fhir import bundle_json
from lupus_sct.interop.table_export import TABLE_SOURCES, tidy_tables
from lupus_sct.services.exports.stored_records import read_course_records, read_stored_records
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork
from support import seed_course, seed_patient


@pytest.fixture
def course_in_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[sa.Engine, str]]:
    """A migrated SQLite file (LUPUS_SCT_DATABASE_URL) with one patient and course at NWU."""
    path = tmp_path / "cli.db"
    engine = database.create_engine(f"sqlite:///{path}")
    database.upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        course = seed_course(uow, seed_patient(uow))
        uow.commit()
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", f"sqlite:///{path}")
    yield engine, course.id
    engine.dispose()


def test_export_tables_writes_the_tables_of_the_stored_records_and_names_an_unknown_centre(
    course_in_database: tuple[sa.Engine, str], tmp_path: Path
) -> None:
    engine, _ = course_in_database
    with SqlUnitOfWork(engine) as uow:
        expected = tidy_tables(read_stored_records(uow, TABLE_SOURCES), centre_code="NWU")
    out = tmp_path / "tables"
    runner = CliRunner()
    done = runner.invoke(export_app, ["tables", "--out", str(out), "--centre", "NWU"])
    assert done.exit_code == 0, done.output
    assert len(list(out.iterdir())) == len(expected)
    assert len((out / "patients.csv").read_text(encoding="utf-8").splitlines()) == 2  # + header
    unknown = runner.invoke(export_app, ["tables", "--out", str(out), "--centre", "NOPE"])
    assert isinstance(unknown.exception, CliError)
    assert unknown.exception.code == EXIT_INVALID_INPUT
    assert "--centre:" in str(unknown.exception)
    assert "'NOPE'" in str(unknown.exception)


def test_export_cibmtr_writes_the_bundle_of_the_course_and_names_an_unknown_course(
    course_in_database: tuple[sa.Engine, str], tmp_path: Path
) -> None:
    engine, course_id = course_in_database
    with SqlUnitOfWork(engine) as uow:
        expected = bundle_json(cibmtr_course_bundle(read_course_records(uow, course_id), course_id))
    out = tmp_path / "cibmtr.json"
    runner = CliRunner()
    done = runner.invoke(export_app, ["cibmtr", course_id, "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_text(encoding="utf-8") == expected
    assert json.loads(expected)["type"] == "collection"
    missing = runner.invoke(export_app, ["cibmtr", "no-such-course"])
    assert isinstance(missing.exception, CliError)
    assert missing.exception.code == EXIT_INVALID_INPUT
    assert "no course with id 'no-such-course'" in str(missing.exception)
