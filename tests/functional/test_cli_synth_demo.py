"""``lupus-sct synth`` and ``lupus-sct demo``: end to end, and the command functions directly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from lupus_sct.cli import main as cli_main
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.cli.synthetic import demo, synth
from lupus_sct.synthetic.columns import TABLES

REGISTERED = {c.name for c in cli_main.app.registered_commands} >= {"synth", "demo"}
needs_registration = pytest.mark.skipif(
    not REGISTERED, reason="synth and demo are registered in cli/main.py by the integrating session"
)


@pytest.fixture
def app() -> typer.Typer:
    tiny = typer.Typer()
    tiny.command("synth")(synth)
    tiny.command("demo")(demo)
    return tiny


def test_synth_writes_one_parquet_file_per_table_with_its_columns(
    app: typer.Typer, tmp_path: Path
) -> None:
    out = tmp_path / "cohort"
    result = CliRunner().invoke(
        app,
        ["synth", "--patients", "40", "--seed", "3", "--out", str(out), "--as-of", "2026-01-01"],
    )
    assert result.exit_code == 0, result.output
    for layout in TABLES.values():
        frame = pl.read_parquet(out / f"{layout.table_name}.parquet")
        assert frame.columns == list(layout.column_names)
    assert pl.read_parquet(out / "patient.parquet").height == 40
    assert not list(out.glob(".synthetic-parts-*"))


def test_synth_without_an_output_folder_for_parquet_is_refused(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["synth", "--patients", "2"])
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT


def test_synth_loads_a_sqlite_database_through_the_services(
    app: typer.Typer, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app, ["synth", "--patients", "4", "--format", "db", "--out", str(tmp_path / "s.db")]
    )
    assert result.exit_code == 0, result.output
    assert "loaded 4 patients" in result.output


def test_demo_builds_a_database_with_one_user_per_role(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--dir", str(tmp_path), "--patients", "6", "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    for username in (
        "demo-admin",
        "demo-clinician",
        "demo-coordinator",
        "demo-data-manager",
        "demo-researcher",
        "demo-auditor",
    ):
        assert username in result.output
    assert (tmp_path / "lupus-sct.db").exists()
    again = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path), "--no-serve"])
    assert isinstance(again.exception, CliError)
    assert again.exception.code == EXIT_INVALID_INPUT


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LUPUS_SCT_DATA_DIR": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "lupus_sct.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )


@needs_registration
def test_lupus_sct_synth_writes_parquet(tmp_path: Path) -> None:
    done = _run("synth", "--patients", "20", "--format", "parquet", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "lab_result.parquet").exists()


@needs_registration
def test_lupus_sct_demo_builds_without_serving(tmp_path: Path) -> None:
    done = _run("demo", "--dir", "demo", "--patients", "5", "--no-serve", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "demo-admin" in done.stdout
