"""The FHIR import benchmark runs end to end on two patients (no timing assertions)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from data_paths import BENCH

BENCH = BENCH / "bench_fhir_import.py"


@pytest.mark.postgres
def test_the_fhir_import_benchmark_runs_and_prints_its_ratio(postgres_server: str) -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--patients", "2", "--postgres-url", postgres_server],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "input: 2 Bundle files, 52 resources (synthetic)" in completed.stdout
    assert "ratio a/b (PostgreSQL vs SQLite):" in completed.stdout
    assert "ratio a/c (bulk vs one Bundle per transaction):" in completed.stdout
