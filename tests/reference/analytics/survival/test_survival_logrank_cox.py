"""Log-rank test and Cox regression against R ``survival`` (``survdiff``, ``coxph``).

Expected values are R 4.2.2 / survival 3.5-3 printed output of ``data/r_survival_reference.R``
(full output in ``data/r_survival_reference.Rout``) on R's ``aml``, ``lung`` and ``ovarian``,
checked to the printed digits. ``lung$status`` is 1 censored, 2 dead.
"""

from __future__ import annotations

import polars as pl
import pytest

from data_paths import REFERENCE_DATA
from lupus_sct.analytics.survival import CoxModel, Ties, cox_ph, logrank_test

DATA = REFERENCE_DATA


def close(value: float, text: str) -> bool:
    """Equal to R's printed ``text`` to its decimals."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(value - float(text)) <= 0.5 * 10**-decimals + 1e-12


def lung() -> pl.DataFrame:
    return pl.read_csv(DATA / "survival_lung.csv", null_values=[""])


# R: survdiff(Surv(time, status) ~ x, data = aml)
#                  N Observed Expected (O-E)^2/E (O-E)^2/V
# x=Maintained    11        7    10.69      1.27       3.4
# x=Nonmaintained 12       11     7.31      1.86       3.4
#  Chisq= 3.4  on 1 degrees of freedom, p= 0.07
def test_aml_logrank_matches_r_survdiff() -> None:
    aml = pl.read_csv(DATA / "survival_aml.csv")
    test = logrank_test(aml["time"], aml["status"], aml["x"])
    assert [(g.n, g.observed) for g in test.groups] == [(11, 7), (12, 11)]
    assert close(test.groups[0].expected, "10.69")
    assert close(test.groups[1].expected, "7.31")
    assert close(test.chisq, "3.4")
    assert test.df == 1
    assert close(test.p, "0.07")


# R: survdiff(Surv(time, status) ~ sex, data = lung)
# sex=1 138      112     91.6      4.55      10.3
# sex=2  90       53     73.4      5.68      10.3
#  Chisq= 10.3  on 1 degrees of freedom, p= 0.001
def test_lung_logrank_by_sex_matches_r_survdiff() -> None:
    data = lung()
    test = logrank_test(data["time"], data["status"] == 2, data["sex"])
    assert close(test.groups[0].expected, "91.6")
    assert close(test.groups[1].expected, "73.4")
    assert close((112 - test.groups[0].expected) ** 2 / test.groups[0].variance, "10.3")
    assert (close(test.chisq, "10.3"), test.df, close(test.p, "0.001")) == (True, 1, True)


# R: survdiff(Surv(time, status) ~ ph.ecog, data = lung)   (1 observation deleted: NA ph.ecog)
#             N Observed Expected (O-E)^2/E (O-E)^2/V
# ph.ecog=0  63       37   54.153    5.4331    8.2119
# ph.ecog=1 113       82   83.528    0.0279    0.0573
# ph.ecog=2  50       44   26.147   12.1893   14.6491
# ph.ecog=3   1        1    0.172    3.9733    4.0040
#  Chisq= 22  on 3 degrees of freedom, p= 7e-05
def test_lung_four_group_logrank_by_ecog_matches_r_survdiff() -> None:
    data = lung().drop_nulls("ph.ecog")
    test = logrank_test(data["time"], data["status"] == 2, data["ph.ecog"])
    expected = [
        (63, 37, "54.153", "8.2119"),
        (113, 82, "83.528", "0.0573"),
        (50, 44, "26.147", "14.6491"),
        (1, 1, "0.172", "4.0040"),
    ]
    for group, (n, observed, e, ov) in zip(test.groups, expected, strict=True):
        assert (group.n, group.observed) == (n, observed)
        assert close(group.expected, e)
        assert close((group.observed - group.expected) ** 2 / group.variance, ov)
    assert close(test.chisq, "22")
    assert test.df == 3
    assert f"{test.p:.0e}" == "7e-05"


# R: survdiff(Surv(futime, fustat) ~ rx, data = ovarian)
# rx=1 13        7     5.23     0.596      1.06
# rx=2 13        5     6.77     0.461      1.06
#  Chisq= 1.1  on 1 degrees of freedom, p= 0.3
def test_ovarian_logrank_matches_r_survdiff() -> None:
    ovarian = pl.read_csv(DATA / "survival_ovarian.csv")
    test = logrank_test(ovarian["futime"], ovarian["fustat"], ovarian["rx"])
    assert close(test.groups[0].expected, "5.23")
    assert close(test.groups[1].expected, "6.77")
    assert (close(test.chisq, "1.1"), close(test.p, "0.3")) == (True, True)


def check_coefficients(model: CoxModel, printed: str) -> None:
    """``printed``: R's summary(coxph) lines: coef exp(coef) se(coef) z Pr(>|z|) lower upper."""
    for coefficient, line in zip(model.coefficients, printed.strip().splitlines(), strict=True):
        coef, hr, se, z, p, lower, upper = line.split()
        found = (coefficient.coef, coefficient.hr, coefficient.se, coefficient.z, coefficient.p)
        assert all(close(v, t) for v, t in zip(found, (coef, hr, se, z, p), strict=True))
        assert close(coefficient.hr_ci_lower, lower)
        assert close(coefficient.hr_ci_upper, upper)


def check_tests(model: CoxModel, lr: str, wald: str, score: str) -> None:
    assert close(model.likelihood_ratio.statistic, lr)
    assert close(model.wald.statistic, wald)
    assert close(model.score.statistic, score)


# R: summary(coxph(Surv(time, status) ~ x, data = aml))              ties = "efron"
# xNonmaintained 0.9155 2.4981 0.5119 1.788 0.0737 | lower .95 0.9159 upper .95 6.813
# Likelihood ratio test= 3.38; Wald test = 3.2; Score (logrank) test = 3.42; all on 1 df
# R: summary(coxph(Surv(time, status) ~ x, data = aml, ties = "breslow"))
# xNonmaintained 0.9042 2.4700 0.5122 1.765 0.0775 | 0.905 6.741
# Likelihood ratio test= 3.3; Wald test = 3.12; Score (logrank) test = 3.32
@pytest.mark.parametrize(
    ("ties", "line", "tests"),
    [
        (Ties.EFRON, "0.9155 2.4981 0.5119 1.788 0.0737 0.9159 6.813", ("3.38", "3.2", "3.42")),
        (Ties.BRESLOW, "0.9042 2.4700 0.5122 1.765 0.0775 0.905 6.741", ("3.3", "3.12", "3.32")),
    ],
)
def test_aml_cox_model_matches_r_coxph(ties: Ties, line: str, tests: tuple[str, ...]) -> None:
    aml = pl.read_csv(DATA / "survival_aml.csv")
    arm = (aml["x"] == "Nonmaintained").cast(pl.Int8).to_numpy()
    model = cox_ph(aml["time"], aml["status"], arm, ("x",), ties=ties)
    check_coefficients(model, line)
    check_tests(model, *tests)
    assert (model.n, model.events) == (23, 18)


# R: summary(coxph(Surv(time, status) ~ age + sex, data = lung))
#          coef exp(coef)  se(coef)      z Pr(>|z|)          lower .95 upper .95
# age  0.017045  1.017191  0.009223  1.848  0.06459            0.9990    1.0357
# sex -0.513219  0.598566  0.167458 -3.065  0.00218            0.4311    0.8311
# Likelihood ratio test= 14.12 on 2 df, p=9e-04; Wald test = 13.47; Score (logrank) test = 13.72
# and with ties = "breslow":
# age  0.017013  1.017158  0.009222  1.845  0.06506            0.9989    1.0357
# sex -0.512565  0.598957  0.167462 -3.061  0.00221            0.4314    0.8316
# Likelihood ratio test= 14.08; Wald test = 13.44; Score (logrank) test = 13.69
LUNG_EFRON = """
0.017045 1.017191 0.009223 1.848 0.06459 0.9990 1.0357
-0.513219 0.598566 0.167458 -3.065 0.00218 0.4311 0.8311"""
LUNG_BRESLOW = """
0.017013 1.017158 0.009222 1.845 0.06506 0.9989 1.0357
-0.512565 0.598957 0.167462 -3.061 0.00221 0.4314 0.8316"""


@pytest.mark.parametrize(
    ("ties", "printed", "tests"),
    [
        (Ties.EFRON, LUNG_EFRON, ("14.12", "13.47", "13.72")),
        (Ties.BRESLOW, LUNG_BRESLOW, ("14.08", "13.44", "13.69")),
    ],
)
def test_lung_cox_model_matches_r_coxph(ties: Ties, printed: str, tests: tuple[str, ...]) -> None:
    data = lung()
    covariates = data.select("age", "sex").to_numpy()
    model = cox_ph(data["time"], data["status"] == 2, covariates, ("age", "sex"), ties=ties)
    check_coefficients(model, printed)
    check_tests(model, *tests)
    assert f"{model.likelihood_ratio.p:.0e}" == "9e-04"


# R: summary(coxph(Surv(futime, fustat) ~ age + resid.ds + rx + ecog.ps, data = ovarian))
#              coef exp(coef) se(coef)      z Pr(>|z|)   lower .95 upper .95
# age       0.12481   1.13294  0.04689  2.662  0.00777      1.0335     1.242
# resid.ds  0.82619   2.28459  0.78961  1.046  0.29541      0.4861    10.738
# rx       -0.91450   0.40072  0.65332 -1.400  0.16158      0.1114     1.442
# ecog.ps   0.33621   1.39964  0.64392  0.522  0.60158      0.3962     4.945
# Likelihood ratio test= 17.04 on 4 df; Wald test = 14.25; Score (logrank) test = 20.81
# (no tied death times, so R prints the same with ties = "breslow")
OVARIAN = """
0.12481 1.13294 0.04689 2.662 0.00777 1.0335 1.242
0.82619 2.28459 0.78961 1.046 0.29541 0.4861 10.738
-0.91450 0.40072 0.65332 -1.400 0.16158 0.1114 1.442
0.33621 1.39964 0.64392 0.522 0.60158 0.3962 4.945"""


@pytest.mark.parametrize("ties", list(Ties))
def test_ovarian_four_covariate_cox_model_matches_r_coxph(ties: Ties) -> None:
    ovarian = pl.read_csv(DATA / "survival_ovarian.csv")
    names = ("age", "resid.ds", "rx", "ecog.ps")
    model = cox_ph(
        ovarian["futime"], ovarian["fustat"], ovarian.select(names).to_numpy(), names, ties=ties
    )
    check_coefficients(model, OVARIAN)
    check_tests(model, "17.04", "14.25", "20.81")
