"""The bulk NDJSON export benchmark runs end to end on two patients (no timing assertions)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from data_paths import BENCH

BENCH = BENCH / "bench_fhir_bulk_export.py"


@pytest.mark.postgres
def test_the_bulk_export_benchmark_runs_and_prints_its_ratios(postgres_server: str) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--patients",
            "2",
            "--single",
            "1",
            "--postgres-url",
            postgres_server,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "input: 2 patients, 52 resources (synthetic)" in completed.stdout
    assert "ratio b/a (bulk export vs import):" in completed.stdout
    assert "ratio b/c (bulk export vs one Bundle per patient):" in completed.stdout
