"""``lupus-sct evidence`` end to end through ``python -m lupus_sct.cli`` (needs the sub-app to be
registered as "evidence" in cli/main.py). Expected numbers: metafor README, ``rma(yi, vi,
data=dat, test="knha")`` on dat.bcg: estimate -0.7145, ci -1.1084 to -0.3206."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BCG = [
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
    (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
    (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]  # fmt: skip


def evidence(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lupus_sct.cli", "evidence", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_pool_reml_with_hk_matches_metafor(tmp_path: Path) -> None:
    data = tmp_path / "bcg.csv"
    data.write_text("ai,bi,ci,di\n" + "".join(",".join(map(str, row)) + "\n" for row in BCG))
    out = tmp_path / "result.json"
    done = evidence("pool", str(data), "--measure", "RR", "--model", "REML", "--hk", "-o", str(out))
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["k"] == 13
    assert result["estimate"] == pytest.approx(-0.7145, abs=5e-5)
    assert (result["ci_lower"], result["ci_upper"]) == pytest.approx((-1.1084, -0.3206), abs=5e-5)


def test_list_filters_by_therapy_and_outcome() -> None:
    done = evidence("list", "--therapy", "CAR-T", "--outcome", "crs_any")
    assert done.returncode == 0, done.stderr
    studies = {line.split("\t")[0] for line in done.stdout.splitlines()[1:]}
    assert studies == {"MACKENSEN2022", "FENG2025", "WANGY2025_RELMA", "KYSA1_2024"}


def test_bad_input_is_one_line_on_stderr_with_exit_code_2(tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("xi,ni\n12,10\n")
    done = evidence("pool", str(data), "--measure", "PLO")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "row 1.xi" in done.stderr
