"""The ``analyse`` Typer app, called in-process: output shapes, formats and one-line errors.

Expected numbers are R's printed output for R's ``aml`` and ``lung`` data (the reference files
and provenance are in ``tests/reference/data/``; see ``r_survival_reference.Rout``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from data_paths import REFERENCE_DATA
from lupus_sct.cli.analyse import app
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError

DATA = REFERENCE_DATA
AML = str(DATA / "survival_aml.csv")
LUNG = str(DATA / "survival_lung.csv")
BMT = str(DATA / "kmsurv_bmt.csv")
runner = CliRunner()


def run_json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


def refused(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    return str(result.exception)


def test_km_by_group_gives_r_medians_and_a_row_per_time() -> None:
    # R: print(survfit(Surv(time, status) ~ x, data = aml)): medians 31 (18, NA) and 23 (8, NA)
    data = run_json("km", AML, "--time", "time", "--event", "status", "--group", "x", "--ci", "log")
    groups = data["groups"]
    assert isinstance(groups, list)
    assert [(g["group"], g["n"], g["events"]) for g in groups] == [
        ("Maintained", 11, 7),
        ("Nonmaintained", 12, 11),
    ]
    assert [(g["median"], g["median_ci"]) for g in groups] == [
        (31.0, [18.0, None]),
        (23.0, [8.0, None]),
    ]
    first = groups[0]["table"][0]
    assert set(first) == {
        "time",
        "n_risk",
        "n_event",
        "n_censor",
        "survival",
        "std_err",
        "ci_lower",
        "ci_upper",
    }
    # R summary: time 9, n.risk 11, survival 0.909, std.err 0.0867
    assert (first["time"], first["n_risk"], round(first["std_err"], 4)) == (9.0, 11, 0.0867)


def test_event_value_names_the_event_coding_of_lung() -> None:
    # R: survfit(Surv(time, status) ~ 1, data = lung): n 228, events 165, median 310 (285, 363)
    data = run_json(
        "km", LUNG, "--time", "time", "--event", "status", "--event-value", "2", "--ci", "log"
    )
    (group,) = data["groups"]  # type: ignore[misc]
    assert (group["n"], group["events"], group["median"], group["median_ci"]) == (
        228,
        165,
        310.0,
        [285.0, 363.0],
    )


def test_logrank_reports_observed_expected_and_chisq() -> None:
    # R: survdiff(Surv(time, status) ~ sex, data = lung): expected 91.6 and 73.4, Chisq= 10.3
    data = run_json(
        "logrank",
        LUNG,
        "--time",
        "time",
        "--event",
        "status",
        "--event-value",
        "2",
        "--group",
        "sex",
    )
    groups = data["groups"]
    assert [round(g["expected"], 1) for g in groups] == [91.6, 73.4]  # type: ignore[union-attr]
    assert (round(data["chisq"], 1), data["df"]) == (10.3, 1)  # type: ignore[call-overload]


def test_cox_reports_hazard_ratios_and_the_three_tests() -> None:
    # R: coxph(Surv(time, status) ~ age + sex, data = lung): sex HR 0.5986 (0.4311, 0.8311);
    # Likelihood ratio test= 14.12, Wald test = 13.47, Score (logrank) test = 13.72
    data = run_json(
        "cox",
        LUNG,
        "--time",
        "time",
        "--event",
        "status",
        "--event-value",
        "2",
        "--covariates",
        "age,sex",
    )
    sex = data["coefficients"][1]  # type: ignore[index]
    assert sex["covariate"] == "sex"
    assert (round(sex["hr"], 4), round(sex["hr_ci_lower"], 4), round(sex["hr_ci_upper"], 4)) == (
        0.5986,
        0.4311,
        0.8311,
    )
    tests = data["tests"]
    assert [round(tests[k]["statistic"], 2) for k in ("likelihood_ratio", "wald", "score")] == [
        14.12,
        13.47,
        13.72,
    ]  # type: ignore[index]


def test_cif_by_group_reports_each_cause_and_grays_tests() -> None:
    # R: print(cuminc(bmt$t2, status, bmt$group)): Tests stat 11.9228820 (cause 1), 0.1374108
    data = run_json("cif", BMT, "--time", "t2", "--status", "status", "--group", "group")
    assert [round(t["statistic"], 7) for t in data["gray_tests"]] == [11.922882, 0.1374108]  # type: ignore[union-attr]
    first = data["groups"][0]  # type: ignore[index]
    assert [c["cause"] for c in first["causes"]] == [1, 2]
    assert set(first["causes"][0]["table"][0]) == {
        "time",
        "n_risk",
        "n_event",
        "cif",
        "std_err",
        "ci_lower",
        "ci_upper",
    }


def test_csv_format_gives_one_row_per_group_and_time(tmp_path: Path) -> None:
    out = tmp_path / "km.csv"
    result = runner.invoke(
        app,
        [
            "km",
            AML,
            "--time",
            "time",
            "--event",
            "status",
            "--group",
            "x",
            "--format",
            "csv",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    # aml: 10 and 10 distinct observed times in the two arms (R survfit's rows)
    assert len(rows) == 20
    assert rows[0]["group"] == "Maintained"
    assert {"median_ci_lower", "median_ci_upper", "survival"} <= set(rows[0])


def test_a_group_label_a_spreadsheet_would_run_is_written_as_text(tmp_path: Path) -> None:
    # OWASP "CSV Injection": a cell starting with = + - @ is run as a formula when the file is
    # opened; the analyst's group labels reach the CSV, so they are prefixed with a quote.
    source = tmp_path / "groups.csv"
    formula = '=HYPERLINK("http://example.invalid","x")'
    labels = pl.read_csv(AML).with_columns(
        pl.when(pl.col("x") == "Maintained").then(pl.lit(formula)).otherwise(pl.col("x")).alias("x")
    )
    labels.write_csv(source)
    out = tmp_path / "km.csv"
    args = ["km", str(source), "--time", "time", "--event", "status", "--group", "x"]
    result = runner.invoke(app, [*args, "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    groups = {row["group"] for row in csv.DictReader(io.StringIO(out.read_text()))}
    assert groups == {"'" + formula, "Nonmaintained"}
    assert run_json(*args)["groups"][0]["group"] == formula  # the JSON keeps the label as it is


def test_parquet_input_gives_the_same_result_as_csv(tmp_path: Path) -> None:
    parquet = tmp_path / "aml.parquet"
    pl.read_csv(AML).write_parquet(parquet)
    args = ("--time", "time", "--event", "status", "--group", "x")
    assert run_json("km", str(parquet), *args) == run_json("km", AML, *args)


def test_rows_with_missing_values_are_left_out_and_counted() -> None:
    # lung has one missing ph.ecog (R: "1 observation deleted due to missingness")
    data = run_json(
        "cox",
        LUNG,
        "--time",
        "time",
        "--event",
        "status",
        "--event-value",
        "2",
        "--covariates",
        "age,sex,ph.ecog",
    )
    assert (data["excluded_rows_with_missing_values"], data["n"]) == (1, 227)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("t,e\n1,1\n", ("--time", "time", "--event", "e"), "no column 'time'"),
        ("t,e\nabc,1\n", ("--time", "t", "--event", "e"), "'abc' is not a finite number"),
        ("t,e\n-3,1\n", ("--time", "t", "--event", "e"), "time -3 is negative"),
        ("t,e\n3,2\n", ("--time", "t", "--event", "e"), "--event-value"),
        ("t,e\n3,1\n", ("--time", "t", "--event", "e", "--group", "arm"), "no column 'arm'"),
    ],
)
def test_bad_input_is_one_line_with_exit_code_2(
    tmp_path: Path, content: str, args: tuple[str, ...], message: str
) -> None:
    source = tmp_path / "data.csv"
    source.write_text(content)
    text = refused("km", str(source), *args)
    assert message in text
    assert "\n" not in text


def test_logrank_with_a_single_group_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    source.write_text("t,e,g\n1,1,a\n2,0,a\n")
    assert "at least two groups" in refused(
        "logrank", str(source), "--time", "t", "--event", "e", "--group", "g"
    )


def test_an_unsupported_file_type_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "data.xlsx"
    source.write_text("x")
    assert "unsupported file type" in refused("km", str(source), "--time", "t", "--event", "e")
