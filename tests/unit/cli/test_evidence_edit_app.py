"""``evidence seed``, ``add`` and ``edit`` of the Typer app against a migrated SQLite file.

Expected rows come from the shipped studies.csv: TRAYNOR2000 reports 7 of 9 patients treated
(Traynor 2000, Lancet, abstract); DENG2017 reports its remission result per arm.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from lupus_sct.cli.evidence import app
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.services.evidence.studies import load_evidence
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork

runner = CliRunner()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = database.create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    database.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def env(engine: sa.Engine) -> dict[str, str]:
    return {"LUPUS_SCT_DATABASE_URL": engine.url.render_as_string(hide_password=False)}


def _refused(result: object) -> str:
    exc = getattr(result, "exception", None)
    assert isinstance(exc, CliError)
    assert exc.code == EXIT_INVALID_INPUT
    return str(exc)


def test_seed_stores_the_shipped_table_once(env: dict[str, str], engine: sa.Engine) -> None:
    first = runner.invoke(app, ["seed"], env=env)
    assert first.exit_code == 0, first.output
    assert f"seeded {len(load_evidence())} evidence rows" in first.output
    again = runner.invoke(app, ["seed"], env=env)
    assert "already seeded" in again.output
    with SqlUnitOfWork(engine) as uow:
        assert len(uow.evidence_rows.find()) == len(load_evidence())


def test_edit_changes_a_row_with_the_reason_in_the_audit_trail(
    env: dict[str, str], engine: sa.Engine
) -> None:
    args = ["edit", "TRAYNOR2000", "n_treated", "--set", "events=6", "--reason", "re-read"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output
    listed = runner.invoke(app, ["list", "--therapy", "HSCT", "--outcome", "n_treated"], env=env)
    assert "TRAYNOR2000\tautologous HSCT\tn_treated\t\t6/9" in listed.output
    with SqlUnitOfWork(engine) as uow:
        (entry,) = [e for e in uow.audit.entries() if e.action.value == "update"]
    assert entry.actor.startswith("cli:")
    assert entry.reason == "re-read"


def test_edit_refuses_an_invalid_value_naming_the_field(env: dict[str, str]) -> None:
    args = ["edit", "TRAYNOR2000", "n_treated", "--set", "events=10", "--reason", "typo"]
    message = _refused(runner.invoke(app, args, env=env))
    assert "events" in message
    assert "at most total (9)" in message


def test_edit_needs_one_row_and_a_field_value_pair(env: dict[str, str]) -> None:
    args = ["edit", "DENG2017", "remission", "--set", "events=1", "--reason", "x"]
    assert "--timepoint/--arm" in _refused(runner.invoke(app, args, env=env))
    args = ["edit", "TRAYNOR2000", "n_treated", "--set", "events", "--reason", "x"]
    assert "field=value" in _refused(runner.invoke(app, args, env=env))


def test_add_from_json_stores_a_row_and_shows_the_memory_caution(
    env: dict[str, str], tmp_path: Path
) -> None:
    row = {
        "study_id": "SYNTH2026",
        "year": 2026,
        "therapy": "autologous HSCT",
        "outcome": "remission",
        "events": 3,
        "total": 10,
        "notes": "[recall] illustrative row",
    }
    path = tmp_path / "row.json"
    path.write_text(json.dumps(row), encoding="utf-8")
    result = runner.invoke(app, ["add", "--from-json", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "added SYNTH2026 remission" in result.output
    listed = runner.invoke(app, ["list", "--therapy", "HSCT", "--outcome", "remission"], env=env)
    assert "SYNTH2026" in listed.output
    assert "CAUTION" in listed.output.splitlines()[-1]
    path.write_text(json.dumps({**row, "study_id": "", "notes": "[read]"}), encoding="utf-8")
    assert "study_id" in _refused(runner.invoke(app, ["add", "--from-json", str(path)], env=env))
