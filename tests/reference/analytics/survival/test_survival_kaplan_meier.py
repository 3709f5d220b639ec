"""Kaplan-Meier, Greenwood errors, limits, quantiles and numbers at risk against R ``survival``.

Every expected value is R's printed output, checked to the printed precision. The output was
produced by R 4.2.2 with survival 3.5-3 running ``data/r_survival_reference.R``; the full printed
output is ``data/r_survival_reference.Rout``. The data files are R's own ``aml``, ``lung`` and
``ovarian`` written with ``write.csv`` by that script.
"""

from __future__ import annotations

import math

import polars as pl
import pytest

from data_paths import REFERENCE_DATA
from lupus_sct.analytics.survival import CiScale, KaplanMeierEstimate, kaplan_meier

DATA = REFERENCE_DATA


def printed(value: float, text: str) -> bool:
    """``value`` shown to the decimals of R's printed ``text`` equals it ("NA" for NaN)."""
    if text in ("NA", "NaN"):
        return math.isnan(value)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(value - float(text)) <= 0.5 * 10**-decimals + 1e-12


def aml_fit(arm: str, ci: CiScale) -> KaplanMeierEstimate:
    aml = pl.read_csv(DATA / "survival_aml.csv").filter(pl.col("x") == arm)
    return kaplan_meier(aml["time"].to_numpy(), aml["status"].to_numpy(), ci=ci)


def event_rows(fit: KaplanMeierEstimate) -> list[tuple[float, ...]]:
    return [
        (t, n, d, s, se, lo, hi)
        for t, n, d, s, se, lo, hi in zip(
            fit.time,
            fit.n_risk,
            fit.n_event,
            fit.survival,
            fit.std_err,
            fit.ci_lower,
            fit.ci_upper,
            strict=True,
        )
        if d > 0
    ]


# R: summary(survfit(Surv(time, status) ~ x, data = aml))   (conf.type = "log", R's default)
# columns: time n.risk n.event survival std.err lower 95% CI upper 95% CI
AML_LOG = {
    "Maintained": """
    9     11       1    0.909  0.0867       0.7541        1.000
   13     10       1    0.818  0.1163       0.6192        1.000
   18      8       1    0.716  0.1397       0.4884        1.000
   23      7       1    0.614  0.1526       0.3769        0.999
   31      5       1    0.491  0.1642       0.2549        0.946
   34      4       1    0.368  0.1627       0.1549        0.875
   48      2       1    0.184  0.1535       0.0359        0.944""",
    "Nonmaintained": """
    5     12       2   0.8333  0.1076       0.6470        1.000
    8     10       2   0.6667  0.1361       0.4468        0.995
   12      8       1   0.5833  0.1423       0.3616        0.941
   23      6       1   0.4861  0.1481       0.2675        0.883
   27      5       1   0.3889  0.1470       0.1854        0.816
   30      4       1   0.2917  0.1387       0.1148        0.741
   33      3       1   0.1944  0.1219       0.0569        0.664
   43      2       1   0.0972  0.0919       0.0153        0.620
   45      1       1   0.0000     NaN           NA           NA""",
}
# R: summary(survfit(Surv(time, status) ~ x, data = aml, conf.type = "log-log"))
AML_LOG_LOG = {
    "Maintained": """
    9     11       1    0.909  0.0867       0.5081        0.987
   13     10       1    0.818  0.1163       0.4474        0.951
   18      8       1    0.716  0.1397       0.3502        0.899
   23      7       1    0.614  0.1526       0.2658        0.835
   31      5       1    0.491  0.1642       0.1673        0.753
   34      4       1    0.368  0.1627       0.0928        0.657
   48      2       1    0.184  0.1535       0.0117        0.525""",
    "Nonmaintained": """
    5     12       2   0.8333  0.1076      0.48171        0.956
    8     10       2   0.6667  0.1361      0.33702        0.860
   12      8       1   0.5833  0.1423      0.27014        0.801
   23      6       1   0.4861  0.1481      0.19188        0.730
   27      5       1   0.3889  0.1470      0.12627        0.650
   30      4       1   0.2917  0.1387      0.07240        0.561
   33      3       1   0.1944  0.1219      0.03120        0.461
   43      2       1   0.0972  0.0919      0.00575        0.349
   45      1       1   0.0000     NaN           NA           NA""",
}
# R: summary(survfit(Surv(time, status) ~ x, data = aml, conf.type = "plain"))
AML_PLAIN = {
    "Maintained": """
    9     11       1    0.909  0.0867       0.7392        1.000
   13     10       1    0.818  0.1163       0.5903        1.000
   18      8       1    0.716  0.1397       0.4422        0.990
   23      7       1    0.614  0.1526       0.3145        0.913
   31      5       1    0.491  0.1642       0.1691        0.813
   34      4       1    0.368  0.1627       0.0494        0.687
   48      2       1    0.184  0.1535       0.0000        0.485""",
    "Nonmaintained": """
    5     12       2   0.8333  0.1076       0.6225        1.000
    8     10       2   0.6667  0.1361       0.3999        0.933
   12      8       1   0.5833  0.1423       0.3044        0.862
   23      6       1   0.4861  0.1481       0.1958        0.776
   27      5       1   0.3889  0.1470       0.1008        0.677
   30      4       1   0.2917  0.1387       0.0198        0.564
   33      3       1   0.1944  0.1219       0.0000        0.433
   43      2       1   0.0972  0.0919       0.0000        0.277
   45      1       1   0.0000     NaN          NaN          NaN""",
}


@pytest.mark.parametrize(
    ("ci", "expected"),
    [(CiScale.LOG, AML_LOG), (CiScale.LOG_LOG, AML_LOG_LOG), (CiScale.PLAIN, AML_PLAIN)],
)
@pytest.mark.parametrize("arm", ["Maintained", "Nonmaintained"])
def test_aml_curves_match_r_summary_survfit_on_each_scale(
    arm: str, ci: CiScale, expected: dict[str, str]
) -> None:
    rows = event_rows(aml_fit(arm, ci))
    printed_rows = [line.split() for line in expected[arm].strip().splitlines()]
    assert len(rows) == len(printed_rows)
    for row, texts in zip(rows, printed_rows, strict=True):
        assert all(printed(float(v), t) for v, t in zip(row, texts, strict=True)), (row, texts)


# R: quantile(survfit(Surv(time, status) ~ x, data = aml), c(0.25, 0.5, 0.75))   (log scale)
#                   25 50 75      lower: 25 50 75     upper: 25 50 75
# x=Maintained      18 31 48             13 18 34            NA NA NA
# x=Nonmaintained    8 23 33              5  8 27            30 NA NA
# and the same with conf.type = "log-log":
# x=Maintained      18 31 48              9 13 31            34 NA NA
# x=Nonmaintained    8 23 33              5  5 23            23 33 NA
@pytest.mark.parametrize(
    ("arm", "ci", "expected"),
    [
        ("Maintained", CiScale.LOG, ["18 31 48", "13 18 34", "NA NA NA"]),
        ("Nonmaintained", CiScale.LOG, ["8 23 33", "5 8 27", "30 NA NA"]),
        ("Maintained", CiScale.LOG_LOG, ["18 31 48", "9 13 31", "34 NA NA"]),
        ("Nonmaintained", CiScale.LOG_LOG, ["8 23 33", "5 5 23", "23 33 NA"]),
    ],
)
def test_aml_quantiles_and_their_limits_match_r_quantile_survfit(
    arm: str, ci: CiScale, expected: list[str]
) -> None:
    fit = aml_fit(arm, ci)
    quantiles = [fit.quantile(p) for p in (0.25, 0.5, 0.75)]
    for attribute, texts in zip(("time", "ci_lower", "ci_upper"), expected, strict=True):
        values = [getattr(q, attribute) for q in quantiles]
        assert all(printed(v, t) for v, t in zip(values, texts.split(), strict=True)), attribute


# R: print(survfit(Surv(time, status) ~ x, data = aml, conf.type = "plain"))
#                  n events median 0.95LCL 0.95UCL
# x=Maintained    11      7     31      18      48
# x=Nonmaintained 12     11     23       8      33
@pytest.mark.parametrize(
    ("arm", "n", "events", "median"),
    [
        ("Maintained", 11, 7, "31 18 48"),
        ("Nonmaintained", 12, 11, "23 8 33"),
    ],
)
def test_aml_median_on_the_plain_scale_matches_r_print_survfit(
    arm: str, n: int, events: int, median: str
) -> None:
    fit = aml_fit(arm, CiScale.PLAIN)
    assert (fit.n, fit.events) == (n, events)
    found = (fit.median.time, fit.median.ci_lower, fit.median.ci_upper)
    assert all(printed(v, t) for v, t in zip(found, median.split(), strict=True))


# R: summary(survfit(Surv(time, status) ~ x, data = aml), times = c(0, 12, 24, 36))
#   x=Maintained:    time n.risk survival std.err lower upper
#                       0     11    1.000  0.0000 1.000 1.000
#                      12     10    0.909  0.0867 0.754 1.000
#                      24      6    0.614  0.1526 0.377 0.999
#                      36      3    0.368  0.1627 0.155 0.875
def test_numbers_at_risk_and_survival_at_chosen_times_match_r_summary_times() -> None:
    at = aml_fit("Maintained", CiScale.LOG).at([0, 12, 24, 36])
    assert at.n_risk.tolist() == [11, 10, 6, 3]
    expected = [
        ("1.000", "0.0000", "1.000", "1.000"),
        ("0.909", "0.0867", "0.754", "1.000"),
        ("0.614", "0.1526", "0.377", "0.999"),
        ("0.368", "0.1627", "0.155", "0.875"),
    ]
    for i, texts in enumerate(expected):
        found = (at.survival[i], at.std_err[i], at.ci_lower[i], at.ci_upper[i])
        assert all(printed(float(v), t) for v, t in zip(found, texts, strict=True))


def lung_fit(sex: int | None, ci: CiScale) -> KaplanMeierEstimate:
    lung = pl.read_csv(DATA / "survival_lung.csv", null_values=[""])
    if sex is not None:
        lung = lung.filter(pl.col("sex") == sex)
    return kaplan_meier(lung["time"].to_numpy(), (lung["status"] == 2).to_numpy(), ci=ci)


# R: survfit(Surv(time, status) ~ sex, data = lung)          (log scale)
#         n events median 0.95LCL 0.95UCL
# sex=1 138    112    270     212     310
# sex=2  90     53    426     348     550
# R: survfit(Surv(time, status) ~ sex, data = lung, conf.type = "log-log")
# sex=1 138    112    270     210     306
# sex=2  90     53    426     345     524
# R: survfit(Surv(time, status) ~ 1, data = lung)
#      228    165    310     285     363
@pytest.mark.parametrize(
    ("sex", "ci", "expected"),
    [
        (1, CiScale.LOG, "138 112 270 212 310"),
        (2, CiScale.LOG, "90 53 426 348 550"),
        (1, CiScale.LOG_LOG, "138 112 270 210 306"),
        (2, CiScale.LOG_LOG, "90 53 426 345 524"),
        (None, CiScale.LOG, "228 165 310 285 363"),
    ],
)
def test_lung_medians_match_r_print_survfit(sex: int | None, ci: CiScale, expected: str) -> None:
    fit = lung_fit(sex, ci)
    found = (fit.n, fit.events, fit.median.time, fit.median.ci_lower, fit.median.ci_upper)
    assert all(printed(float(v), t) for v, t in zip(found, expected.split(), strict=True))


# R: summary(survfit(Surv(time, status) ~ sex, data = lung, conf.type = "log-log"),
#            times = c(180, 365, 730))
#   sex=2:  180  71  14  0.842  0.0387  0.7484  0.904
#           365  30  22  0.526  0.0597  0.4036  0.635
#           730   6  14  0.187  0.0621  0.0847  0.321
def test_lung_one_and_two_year_survival_match_r_summary_times_log_log() -> None:
    at = lung_fit(2, CiScale.LOG_LOG).at([180, 365, 730])
    assert at.n_risk.tolist() == [71, 30, 6]
    expected = [
        ("0.842", "0.0387", "0.7484", "0.904"),
        ("0.526", "0.0597", "0.4036", "0.635"),
        ("0.187", "0.0621", "0.0847", "0.321"),
    ]
    for i, texts in enumerate(expected):
        found = (at.survival[i], at.std_err[i], at.ci_lower[i], at.ci_upper[i])
        assert all(printed(float(v), t) for v, t in zip(found, texts, strict=True))


# R: print(survfit(Surv(futime, fustat) ~ rx, data = ovarian))
#       n events median 0.95LCL 0.95UCL
# rx=1 13      7    638     268      NA
# rx=2 13      5     NA     475      NA
@pytest.mark.parametrize(("rx", "expected"), [(1, "13 7 638 268 NA"), (2, "13 5 NA 475 NA")])
def test_ovarian_medians_including_one_not_reached_match_r(rx: int, expected: str) -> None:
    ovarian = pl.read_csv(DATA / "survival_ovarian.csv").filter(pl.col("rx") == rx)
    fit = kaplan_meier(ovarian["futime"], ovarian["fustat"], ci=CiScale.LOG)
    found = (fit.n, fit.events, fit.median.time, fit.median.ci_lower, fit.median.ci_upper)
    assert all(printed(float(v), t) for v, t in zip(found, expected.split(), strict=True))
