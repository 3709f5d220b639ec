"""The command line end to end, in a subprocess, on a fresh embedded database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LUPUS_SCT_DATA_DIR": str(data_dir), **env}
    environment.pop("LUPUS_SCT_DATABASE_URL", None) if "LUPUS_SCT_DATABASE_URL" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "lupus_sct.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_init_creates_the_database_and_prints_the_first_admin_password_once(tmp_path: Path) -> None:
    first = run_cli(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    assert "administrator 'admin' created" in first.stdout
    assert "initial password (shown once): " in first.stdout
    assert (tmp_path / "lupus-sct.db").exists()
    again = run_cli(tmp_path, "init")
    assert again.returncode == 0
    assert "an administrator already exists" in again.stdout
    assert "password" not in again.stdout


def test_audit_verify_names_the_tampered_row(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "init").returncode == 0
    assert (
        run_cli(tmp_path, "audit", "verify").stdout.strip()
        == "audit trail intact: 1 entry verified; signed checkpoints agree; "
        "every audited row matches the trail"
    )
    connection = sqlite3.connect(tmp_path / "lupus-sct.db")
    with connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1")
    connection.close()
    result = run_cli(tmp_path, "audit", "verify")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: audit trail broken at entry 1: content does not match its hash (1 entries read)"
    )


def test_errors_are_one_line_without_a_traceback(tmp_path: Path) -> None:
    unreachable = run_cli(
        tmp_path, "db", "status", LUPUS_SCT_DATABASE_URL="postgresql://nobody@127.0.0.1:9/none"
    )
    assert unreachable.returncode == 1
    assert unreachable.stderr.startswith("error: the database cannot be used:")
    assert "Traceback" not in unreachable.stderr
    assert len(unreachable.stderr.strip().splitlines()) == 1


def test_a_short_password_file_is_refused_with_exit_code_2(tmp_path: Path) -> None:
    password_file = tmp_path / "pw"
    password_file.write_text("short\n")
    result = run_cli(tmp_path, "init", "--password-file", str(password_file))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: password-file: not accepted: use at least 12 characters"


@pytest.mark.parametrize(
    "args", [["--help"], ["db", "--help"], ["audit", "verify", "--help"], ["serve", "--help"]]
)
def test_every_command_has_help(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(tmp_path, *args)
    assert result.returncode == 0
    assert "Usage" in result.stdout


def test_an_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "frobnicate")
    assert result.returncode == 2
    assert "No such command" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_status_reports_an_empty_database_as_not_up_to_date(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "db", "status")
    assert result.returncode == 1
    assert "schema: empty" in result.stdout
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    assert run_cli(tmp_path, "db", "status").returncode == 0
