"""``lupus-sct analyse`` end to end: a subprocess, real files, JSON or CSV out, exit codes.

Expected numbers are R's printed output on R's ``aml`` and ``lung`` data (provenance in
``tests/reference/data/r_survival_reference.R`` and ``.Rout``).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import polars as pl

from data_paths import REFERENCE_DATA

DATA = REFERENCE_DATA


def analyse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lupus_sct.cli", "analyse", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_km_writes_r_medians_as_json_to_a_file(tmp_path: Path) -> None:
    # R: print(survfit(Surv(time, status) ~ x, data = aml, conf.type = "log-log"))
    #   x=Maintained 11 7 31 13 NA ; x=Nonmaintained 12 11 23 5 33
    out = tmp_path / "km.json"
    result = analyse(
        "km",
        str(DATA / "survival_aml.csv"),
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "x",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    groups = json.loads(out.read_text())["groups"]
    assert [(g["median"], g["median_ci"]) for g in groups] == [
        (31.0, [13.0, None]),
        (23.0, [5.0, 33.0]),
    ]


def test_logrank_as_csv_on_stdout_with_another_event_coding() -> None:
    # R: survdiff(Surv(time, status) ~ sex, data = lung): Observed 112 and 53, Chisq= 10.3
    result = analyse(
        "logrank",
        str(DATA / "survival_lung.csv"),
        "--time",
        "time",
        "--event",
        "status",
        "--event-value",
        "2",
        "--group",
        "sex",
        "--format",
        "csv",
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["group"], r["n"], r["observed"]) for r in rows] == [
        ("1", "138", "112"),
        ("2", "90", "53"),
    ]
    assert {round(float(r["chisq"]), 1) for r in rows} == {10.3}


def test_cox_with_breslow_ties_reads_parquet(tmp_path: Path) -> None:
    # R: coxph(Surv(time, status) ~ x, data = aml, ties = "breslow"): coef 0.9042, se 0.5122
    aml = tmp_path / "aml.parquet"
    frame = pl.read_csv(DATA / "survival_aml.csv")
    indicator = (pl.col("x") == "Nonmaintained").cast(pl.Int8).alias("nonmaintained")
    frame.with_columns(indicator).write_parquet(aml)
    result = analyse(
        "cox",
        str(aml),
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        "nonmaintained",
        "--ties",
        "breslow",
    )
    assert result.returncode == 0, result.stderr
    (coefficient,) = json.loads(result.stdout)["coefficients"]
    assert (round(coefficient["coef"], 4), round(coefficient["se"], 4)) == (0.9042, 0.5122)


def test_a_missing_column_is_one_line_on_stderr_with_exit_2() -> None:
    result = analyse("km", str(DATA / "survival_aml.csv"), "--time", "days", "--event", "status")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: no column 'days' in the table; its columns are time, status, x"
    ]
