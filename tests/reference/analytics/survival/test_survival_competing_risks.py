"""Aalen-Johansen cumulative incidence and Gray's test against R ``cmprsk``.

Data: the bone marrow transplant study of Copelan et al. (1991) as shipped in R ``KMsurv`` 0.1-5
(``data(bmt)``, Klein & Moeschberger, Survival Analysis, 2nd ed., section 1.3), 137 patients.
``status`` is 1 for relapse (``d2 == 1``), 2 for death in remission (``d3 == 1`` without relapse)
and 0 for censored; ``group`` is 1 ALL, 2 AML low risk, 3 AML high risk; the time is ``t2``.
Expected values are R 4.2.2 / cmprsk 2.2-11 printed output from ``data/r_survival_reference.R``
(full output in ``data/r_survival_reference.Rout``), checked to the printed digits.
"""

from __future__ import annotations

import polars as pl
import pytest

from data_paths import REFERENCE_DATA
from lupus_sct.analytics.survival import CifVariance, cumulative_incidence, gray_test

DATA = REFERENCE_DATA
TIMES = [100, 365, 730, 1000]


def bmt() -> pl.DataFrame:
    return pl.read_csv(DATA / "kmsurv_bmt.csv")


def significant(value: float, text: str) -> bool:
    """Equal to R's 7-significant-digit print of ``text``."""
    return float(f"{value:.7g}") == pytest.approx(float(text), rel=1e-9, abs=1e-12)


# R: status <- ifelse(bmt$d2 == 1, 1, ifelse(bmt$d3 == 1, 2, 0))
#    timepoints(cuminc(bmt$t2, status, bmt$group), c(100, 365, 730, 1000))
# $est rows "group cause"; $var the cmprsk (Aalen-type) variances
CMPRSK_EST = {
    (1, 1): "0.05263158 0.23798627 0.3242890 0.3242890",
    (2, 1): "0.00000000 0.07407407 0.1481481 0.1666667",
    (3, 1): "0.20000000 0.35555556 0.4666667 0.4666667",
    (1, 2): "0.05263158 0.21281465 0.3226545 0.3226545",
    (2, 2): "0.11111111 0.14814815 0.2407407 0.2407407",
    (3, 2): "0.11111111 0.26666667 0.2888889 0.2888889",
}
CMPRSK_VAR = {
    (1, 1): "0.001349126 0.004966846 0.006251675 0.006251675",
    (2, 1): "0.000000000 0.001298691 0.002394891 0.002637744",
    (3, 1): "0.003654582 0.005273965 0.005792137 0.005792137",
    (1, 2): "0.001349214 0.004632263 0.006159699 0.006159699",
    (2, 2): "0.001865331 0.002385252 0.003465300 0.003465300",
    (3, 2): "0.002251968 0.004513380 0.004763777 0.004763777",
}


@pytest.mark.parametrize(("group", "cause"), sorted(CMPRSK_EST))
def test_cumulative_incidence_and_aalen_variance_match_cmprsk_timepoints(
    group: int, cause: int
) -> None:
    rows = bmt().filter(pl.col("group") == group)
    fit = cumulative_incidence(rows["t2"], rows["status"], variance=CifVariance.AALEN)
    cif, std_err = fit.cause(cause).at(TIMES)
    for value, text in zip(cif, CMPRSK_EST[(group, cause)].split(), strict=True):
        assert abs(value - float(text)) <= 0.5e-7 + 1e-12
    for value, text in zip(std_err**2, CMPRSK_VAR[(group, cause)].split(), strict=True):
        assert abs(value - float(text)) <= 0.5e-9 + 1e-12


# R: timepoints(cuminc(bmt$t2, status), c(100, 365, 730, 1000))   (all 137 patients)
# $est  1 1 0.08029197 0.2121655 0.3011985 0.3086960
#       1 2 0.09489051 0.2047851 0.2789403 0.2789403
# $var  1 1 0.0005433488 0.001234967 0.001565484 0.001588508
#       1 2 0.0006318395 0.001202663 0.001494481 0.001494481
@pytest.mark.parametrize(
    ("cause", "est", "var"),
    [
        (
            1,
            "0.08029197 0.2121655 0.3011985 0.3086960",
            "0.0005433488 0.001234967 0.001565484 0.001588508",
        ),
        (
            2,
            "0.09489051 0.2047851 0.2789403 0.2789403",
            "0.0006318395 0.001202663 0.001494481 0.001494481",
        ),
    ],
)
def test_pooled_cumulative_incidence_matches_cmprsk_to_seven_digits(
    cause: int, est: str, var: str
) -> None:
    data = bmt()
    cif, std_err = cumulative_incidence(data["t2"], data["status"]).cause(cause).at(TIMES)
    assert all(significant(v, t) for v, t in zip(cif, est.split(), strict=True))
    assert all(significant(v, t) for v, t in zip(std_err**2, var.split(), strict=True))


# R: print(cuminc(bmt$t2, status, bmt$group))
# Tests:
#         stat          pv df
# 1 11.9228820 0.002576197  2
# 2  0.1374108 0.933601686  2
@pytest.mark.parametrize(
    ("cause", "stat", "p"), [(1, "11.9228820", "0.002576197"), (2, "0.1374108", "0.933601686")]
)
def test_grays_test_matches_cmprsk_cuminc(cause: int, stat: str, p: str) -> None:
    data = bmt()
    test = gray_test(data["t2"], data["status"], data["group"], cause=cause)
    assert abs(test.statistic - float(stat)) <= 0.5e-7
    assert abs(test.p - float(p)) <= 0.5 * 10 ** -len(p.split(".")[1])
    assert test.df == 2
