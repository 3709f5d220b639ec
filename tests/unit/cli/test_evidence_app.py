"""The ``evidence`` Typer app, invoked directly (before it is registered in cli/main.py).

Expected numbers: the 13 BCG trials (metafor's dat.bcg) pooled with DL give beta -0.7141 and
tau2 0.3088 (metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r), and with REML +
Hartung-Knapp a back-transformed prediction interval 0.14-1.76 (metafor README).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lupus_sct.cli.evidence import app
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError

BCG_CSV = """study,ai,bi,ci,di
Aronson 1948,4,119,11,128
Ferguson & Simes 1949,6,300,29,274
Rosenthal 1960,3,228,11,209
Hart & Sutherland 1977,62,13536,248,12619
Frimodt-Moller 1973,33,5036,47,5761
Stein & Aronson 1953,180,1361,372,1079
Vandiviere 1973,8,2537,10,619
TPT Madras 1980,505,87886,499,87892
Coetzee & Berjak 1968,29,7470,45,7232
Rosenthal 1961,17,1699,65,1600
Comstock 1974,186,50448,141,27197
Comstock & Webster 1969,5,2493,3,2338
Comstock 1976,27,16886,29,17825
"""
KEYS = {
    "k", "estimate", "se", "z", "p", "ci_lower", "ci_upper", "tau2", "tau", "i2", "h2", "q",
    "q_df", "q_p", "pi_lower", "pi_upper", "back_transformed", "studies",
}  # fmt: skip

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty database: list and pool read the shipped table (never the user's data dir)."""
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")


def test_pooling_a_csv_writes_the_documented_json_keys(tmp_path: Path) -> None:
    data = tmp_path / "bcg.csv"
    data.write_text(BCG_CSV)
    out = tmp_path / "out.json"
    result = runner.invoke(
        app, ["pool", str(data), "--measure", "RR", "--model", "DL", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert set(document) == KEYS
    assert document["estimate"] == pytest.approx(-0.7141, abs=5e-5)  # metan vs rma.uni, DL
    assert document["tau2"] == pytest.approx(0.3088, abs=5e-5)
    assert set(document["back_transformed"]) == {
        "estimate",
        "ci_lower",
        "ci_upper",
        "pi_lower",
        "pi_upper",
    }
    assert set(document["studies"][0]) == {"yi", "vi", "weight"}


def test_hk_with_a_t_prediction_interval_and_a_forest_plot(tmp_path: Path) -> None:
    data = tmp_path / "bcg.csv"
    data.write_text(BCG_CSV)
    svg = tmp_path / "forest.svg"
    result = runner.invoke(
        app, ["pool", str(data), "--measure", "RR", "--hk", "--pi", "t", "--forest", str(svg)]
    )
    assert result.exit_code == 0, result.output
    natural = json.loads(result.output)["back_transformed"]
    # metafor README: predict(rma(yi, vi, data=dat, test="knha"), transf=exp, digits=2)
    assert (natural["pi_lower"], natural["pi_upper"]) == pytest.approx((0.14, 1.76), abs=5e-3)
    text = svg.read_text()
    assert "<title" in text
    assert "Aronson 1948" in text


def test_a_missing_column_is_one_line_with_exit_code_2(tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("ai,bi\n1,2\n")
    result = runner.invoke(app, ["pool", str(data), "--measure", "RR"])
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert "ci, di missing" in str(result.exception)


def test_list_shows_the_memory_caution() -> None:
    result = runner.invoke(
        app, ["list", "--therapy", "autologous HSCT", "--outcome", "overall_survival"]
    )
    assert result.exit_code == 0, result.output
    burt = next(line for line in result.output.splitlines() if line.startswith("BURT2006"))
    assert "Not verified against the source" in burt


def test_pooling_nested_cohorts_from_the_store_is_refused() -> None:
    result = runner.invoke(
        app,
        ["pool", "--measure", "PLO", "--therapy", "autologous HSCT", "--outcome",
         "treatment_related_mortality"],
    )  # fmt: skip
    assert isinstance(result.exception, CliError)
    assert "never pooled together" in str(result.exception)


def test_store_pool_reports_exclusions_and_cautions_and_plots_them(tmp_path: Path) -> None:
    svg = tmp_path / "forest.svg"
    result = runner.invoke(
        app,
        ["pool", "--measure", "PFT", "--model", "DL", "--therapy", "MSC", "--outcome", "remission",
         "--forest", str(svg)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "comparator arm (placebo)" in result.output
    assert "<title" in svg.read_text()
