"""The decision-aid benchmark runs end to end and renders each version once (no timings)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from data_paths import BENCH

BENCH = BENCH / "bench_decision_aid.py"


@pytest.mark.slow
def test_the_decision_aid_benchmark_renders_three_versions_once_and_prints_the_ratio() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--repeats", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    # three kidney answers are three content versions; the two repeats are served from memory
    assert "renders in all: 3;" in completed.stdout
    assert "rendered / cached:" in completed.stdout
