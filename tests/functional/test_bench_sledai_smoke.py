"""The SLEDAI-2K benchmark runs end to end on a small cohort (no timing assertions)."""

from __future__ import annotations

import subprocess
import sys

from data_paths import BENCH

BENCH = BENCH / "bench_sledai_2k.py"


def test_the_sledai_2k_benchmark_runs_and_prints_both_ratios() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--rows", "2000", "--loop-sample", "500", "--repeats", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "check: (a) == (c) on all 2,000 rows" in completed.stdout
    assert "ratio a/b (polars vs python loop):" in completed.stdout
    assert "ratio a/c (polars vs duckdb SQL):" in completed.stdout
