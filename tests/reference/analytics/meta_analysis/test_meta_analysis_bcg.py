"""BCG vaccine trials (metafor's dat.bcg): log risk ratios pooled with every model.

Data: the 13 trials of Colditz GA et al., JAMA 1994;271(9):698-702 (doi:10.1001/jama.1994.
03510330076038), as printed by ``dat.bcg`` in the README of wviechtb/metafor and in Viechtbauer W,
J Stat Softw 2010;36(3) (doi:10.18637/jss.v036.i03). Expected numbers are metafor's printed output
(4 decimals; 2 decimals for ``predict(..., digits=2)``), each quoted next to its assertion with the
R call that printed it. Sources:
- [README] wviechtb/metafor README.md, "Example" (escalc, ``rma(yi, vi, data=dat, test="knha")``,
  ``predict(res, transf=exp, digits=2)``).
- [RoBMA] RoBMA vignette "Bayesian Meta-Analysis", printing ``metafor::rma(yi, vi, data=dat,
  method="REML")``.
- [metan] metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r (values checked
  against Stata's metan).
- [influence] metafor tests/testthat/test_misc_influence.r (``leave1out(rma(yi, vi, data=dat))``).
- [rma_uni] metafor tests/testthat/test_misc_rma_uni.r: ``rma(yi, vi, data=dat, method="SJIT")``
  gives tau^2 0.3181; the iterated estimator's fixed point is the Paule-Mandel equation (DerSimonian
  and Kacker 2007, doi:10.1016/j.cct.2006.04.004), so PM must give the same value.
"""

from __future__ import annotations

import pytest

from lupus_sct.analytics.meta_analysis import (
    Measure,
    Model,
    effect_sizes,
    leave_one_out,
    meta_analyse,
)

# trial: author, year, tpos, tneg, cpos, cneg  (dat.bcg as printed in [README])
DAT_BCG = [
    ("Aronson", 1948, 4, 119, 11, 128),
    ("Ferguson & Simes", 1949, 6, 300, 29, 274),
    ("Rosenthal et al", 1960, 3, 228, 11, 209),
    ("Hart & Sutherland", 1977, 62, 13536, 248, 12619),
    ("Frimodt-Moller et al", 1973, 33, 5036, 47, 5761),
    ("Stein & Aronson", 1953, 180, 1361, 372, 1079),
    ("Vandiviere et al", 1973, 8, 2537, 10, 619),
    ("TPT Madras", 1980, 505, 87886, 499, 87892),
    ("Coetzee & Berjak", 1968, 29, 7470, 45, 7232),
    ("Rosenthal et al", 1961, 17, 1699, 65, 1600),
    ("Comstock et al", 1974, 186, 50448, 141, 27197),
    ("Comstock & Webster", 1969, 5, 2493, 3, 2338),
    ("Comstock et al", 1976, 27, 16886, 29, 17825),
]
P4 = 5e-5  # half a unit in the 4th decimal: "matches to the printed precision"
P2 = 5e-3


def bcg(measure: Measure = Measure.RR):
    columns = {
        name: [float(trial[i]) for trial in DAT_BCG]
        for i, name in zip((2, 3, 4, 5), ("ai", "bi", "ci", "di"), strict=True)
    }
    return effect_sizes(measure, columns)


def test_escalc_log_risk_ratios_match_the_printed_yi_and_vi() -> None:
    # [README] dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
    yi = [-0.8893, -1.5854, -1.3481, -1.4416, -0.2175, -0.7861, -1.6209, 0.0120, -0.4694,
          -1.3713, -0.3394, 0.4459, -0.0173]  # fmt: skip
    vi = [0.3256, 0.1946, 0.4154, 0.0200, 0.0512, 0.0069, 0.2230, 0.0040, 0.0564, 0.0730,
          0.0124, 0.5325, 0.0714]  # fmt: skip
    effects = bcg()
    assert effects.yi == pytest.approx(yi, abs=P4)
    assert effects.vi == pytest.approx(vi, abs=P4)


def test_reml_matches_metafors_default_random_effects_model() -> None:
    # [RoBMA] rma(yi, vi, data=dat, method="REML"): tau^2 0.3132, tau 0.5597, I^2 92.22%,
    # H^2 12.86, Q(df = 12) = 152.2330; estimate -0.7145, se 0.1798, zval -3.9744,
    # ci.lb -1.0669, ci.ub -0.3622
    result = meta_analyse(bcg(), Model.REML)
    assert result.tau2 == pytest.approx(0.3132, abs=P4)
    assert result.tau == pytest.approx(0.5597, abs=P4)
    assert result.i2 == pytest.approx(92.22, abs=P2)
    assert result.h2 == pytest.approx(12.86, abs=P2)
    assert result.q == pytest.approx(152.2330, abs=P4)
    assert result.q_df == 12
    assert result.estimate == pytest.approx(-0.7145, abs=P4)
    assert result.se == pytest.approx(0.1798, abs=P4)
    assert result.z == pytest.approx(-3.9744, abs=P4)
    assert (result.ci_lower, result.ci_upper) == pytest.approx((-1.0669, -0.3622), abs=P4)


def test_reml_with_hartung_knapp_matches_the_readme_example() -> None:
    # [README] rma(yi, vi, data=dat, test="knha"): estimate -0.7145, se 0.1808, tval -3.9522,
    # df 12, pval 0.0019, ci.lb -1.1084, ci.ub -0.3206
    result = meta_analyse(bcg(), Model.REML, hartung_knapp=True)
    assert result.se == pytest.approx(0.1808, abs=P4)
    assert result.z == pytest.approx(-3.9522, abs=P4)
    assert result.test_df == 12
    assert result.p == pytest.approx(0.0019, abs=P4)
    assert (result.ci_lower, result.ci_upper) == pytest.approx((-1.1084, -0.3206), abs=P4)


def test_hartung_knapp_prediction_interval_back_transformed_matches_predict() -> None:
    # [README] predict(res, transf=exp, digits=2): pred 0.49, ci 0.33-0.73, pi 0.14-1.76
    # (metafor uses t with k-1 df for the prediction interval when test="knha")
    natural = meta_analyse(bcg(), Model.REML, hartung_knapp=True).back_transformed
    assert natural is not None
    assert natural.estimate == pytest.approx(0.49, abs=P2)
    assert (natural.ci_lower, natural.ci_upper) == pytest.approx((0.33, 0.73), abs=P2)
    assert (natural.pi_lower, natural.pi_upper) == pytest.approx((0.14, 1.76), abs=P2)


def test_fixed_effect_matches_metafor_and_stata_metan() -> None:
    # [metan] rma(yi, vi, data=dat, method="FE"): beta -0.4303, ci -0.5097 to -0.3509,
    # zval -10.6247, QE 152.2330; predict(res, transf=exp): 0.6503 (0.6007-0.7040)
    result = meta_analyse(bcg(), Model.FE)
    assert result.estimate == pytest.approx(-0.4303, abs=P4)
    assert (result.ci_lower, result.ci_upper) == pytest.approx((-0.5097, -0.3509), abs=P4)
    assert result.z == pytest.approx(-10.6247, abs=P4)
    assert result.q == pytest.approx(152.2330, abs=P4)
    natural = result.back_transformed
    assert natural is not None
    assert (natural.estimate, natural.ci_lower, natural.ci_upper) == pytest.approx(
        (0.6503, 0.6007, 0.7040), abs=P4
    )


def test_dersimonian_laird_matches_metafor_and_stata_metan() -> None:
    # [metan] rma(yi, vi, data=dat, method="DL"): beta -0.7141, ci -1.0644 to -0.3638,
    # zval -3.9952, tau2 0.3088, I2 92.1173; predict(res, transf=exp): 0.4896 (0.3449-0.6950)
    result = meta_analyse(bcg(), Model.DL)
    assert result.estimate == pytest.approx(-0.7141, abs=P4)
    assert (result.ci_lower, result.ci_upper) == pytest.approx((-1.0644, -0.3638), abs=P4)
    assert result.z == pytest.approx(-3.9952, abs=P4)
    assert result.tau2 == pytest.approx(0.3088, abs=P4)
    assert result.i2 == pytest.approx(92.1173, abs=P4)
    natural = result.back_transformed
    assert natural is not None
    assert (natural.estimate, natural.ci_lower, natural.ci_upper) == pytest.approx(
        (0.4896, 0.3449, 0.6950), abs=P4
    )


def test_paule_mandel_equals_the_fixed_point_of_the_iterated_estimator() -> None:
    # [rma_uni] rma(yi, vi, data=dat, method="SJIT")$tau2 == 0.3181 (fixed point = PM)
    assert meta_analyse(bcg(), Model.PM).tau2 == pytest.approx(0.3181, abs=P4)


def test_log_odds_ratios_with_dersimonian_laird_match_metan() -> None:
    # [metan] escalc(measure="OR", ...); rma(yi, vi, data=dat, method="DL"): beta -0.7474,
    # ci -1.1242 to -0.3706, zval -3.8873, tau2 0.3663, I2 92.6455
    result = meta_analyse(bcg(Measure.OR), Model.DL)
    assert result.estimate == pytest.approx(-0.7474, abs=P4)
    assert (result.ci_lower, result.ci_upper) == pytest.approx((-1.1242, -0.3706), abs=P4)
    assert result.z == pytest.approx(-3.8873, abs=P4)
    assert result.tau2 == pytest.approx(0.3663, abs=P4)
    assert result.i2 == pytest.approx(92.6455, abs=P4)


def test_risk_differences_match_metan() -> None:
    # [metan] escalc(measure="RD", ...); rma(yi, vi, data=dat, method="FE"): zval -4.0448,
    # QE 276.4737; method="DL": beta -0.0071, ci -0.0101 to -0.0040, zval -4.5128, I2 95.6596
    fixed = meta_analyse(bcg(Measure.RD), Model.FE)
    assert fixed.z == pytest.approx(-4.0448, abs=P4)
    assert fixed.q == pytest.approx(276.4737, abs=P4)
    random = meta_analyse(bcg(Measure.RD), Model.DL)
    assert random.estimate == pytest.approx(-0.0071, abs=P4)
    assert (random.ci_lower, random.ci_upper) == pytest.approx((-0.0101, -0.0040), abs=P4)
    assert random.z == pytest.approx(-4.5128, abs=P4)
    assert random.i2 == pytest.approx(95.6596, abs=P4)
    assert random.back_transformed is None


def test_leave_one_out_without_the_first_trial_matches_leave1out() -> None:
    # [influence] leave1out(rma(yi, vi, data=dat))[1]: estimate -0.7071, se 0.1900,
    # zval -3.7223, ci -1.0794 to -0.3348, Q 151.5826, tau2 0.3362, I2 93.2259, H2 14.7622
    first = leave_one_out(bcg(), Model.REML)[0]
    assert first.omitted == 0
    result = first.result
    assert result.estimate == pytest.approx(-0.7071, abs=P4)
    assert result.se == pytest.approx(0.1900, abs=P4)
    assert result.z == pytest.approx(-3.7223, abs=P4)
    assert (result.ci_lower, result.ci_upper) == pytest.approx((-1.0794, -0.3348), abs=P4)
    assert result.q == pytest.approx(151.5826, abs=P4)
    assert result.tau2 == pytest.approx(0.3362, abs=P4)
    assert result.i2 == pytest.approx(93.2259, abs=P4)
    assert result.h2 == pytest.approx(14.7622, abs=P4)
