"""Effect sizes (escalc), proportion back-transformations and exact CIs against published values.

Sources:
- [Miller] Miller JJ. Am Stat 1978;32(4):138 (doi:10.1080/00031305.1978.10479283), p. 138, as
  checked in metafor tests/testthat/test_analysis_example_miller1978.r.
- [Normand] Normand SLT. Stat Med 1999;18(3):321-359 (doi:10.1002/(SICI)1097-0258(19990215)18:3
  <321::AID-SIM28>3.0.CO;2-P), Tables VIII-IX; data dat.normand1999; metafor
  tests/testthat/test_analysis_example_normand1999.r and test_misc_escalc.r (SMD rows 1-4).
- [Morris] Morris SB. Organ Res Methods 2008;11(2):364-386 (doi:10.1177/1094428106291059), data of
  Table 1; metafor tests/testthat/test_analysis_example_morris2008.r and test_misc_rma_uni.r.
- [Kamen] Kamen DL et al. Lupus Sci Med 2022, SRI-4 with taper 5/6 = 83.3% (95% CI 35.9-99.6),
  studies.csv row KAMEN2022 (an exact Clopper-Pearson interval).
"""

from __future__ import annotations

import math

import pytest

from lupus_sct.analytics.meta_analysis import (
    EffectSizes,
    Measure,
    Model,
    clopper_pearson,
    effect_sizes,
    meta_analyse,
)
from lupus_sct.analytics.meta_analysis.back_transform import inverse_double_arcsine
from lupus_sct.domain.errors import InvalidValueError


def test_freeman_tukey_values_match_miller_1978() -> None:
    # [Miller] escalc(measure="PFT", xi=c(3,6,10,1), ni=c(11,17,21,6)): yi*2 = 1.1391, 1.2888,
    # 1.5253, 0.9515 and vi*4 = 0.0870, 0.0571, 0.0465, 0.1538 (Miller defines the transform
    # without the factor 1/2)
    effects = effect_sizes(Measure.PFT, {"xi": [3, 6, 10, 1], "ni": [11, 17, 21, 6]})
    assert [2 * y for y in effects.yi] == pytest.approx([1.1391, 1.2888, 1.5253, 0.9515], abs=5e-5)
    assert [4 * v for v in effects.vi] == pytest.approx([0.0870, 0.0571, 0.0465, 0.1538], abs=5e-5)


def test_pooled_proportion_uses_millers_inverse_with_the_harmonic_mean_n() -> None:
    # [Miller] rma(yi, vi, method="EE", data=dat); predict(res, transf=transf.ipft.hm,
    # targs=list(ni=dat$ni)) gives 0.3595
    effects = effect_sizes(Measure.PFT, {"xi": [3, 6, 10, 1], "ni": [11, 17, 21, 6]})
    natural = meta_analyse(effects, Model.FE).back_transformed
    assert natural is not None
    assert natural.estimate == pytest.approx(0.3595, abs=5e-5)


def test_back_transformation_with_proportions_of_0_and_1() -> None:
    # metafor test_analysis_example_miller1978.r: xi = 0, 4, 9, 16, 20 of ni = 10, 10, 15, 20, 20;
    # transf.ipft(yi, ni) = 0.0, 0.4, 0.6, 0.8, 1.0; EE model with transf.ipft.hm:
    # pred 0.6886, ci.lb 0.5734, ci.ub 0.7943
    xi, ni = [0, 4, 9, 16, 20], [10, 10, 15, 20, 20]
    effects = effect_sizes(Measure.PFT, {"xi": xi, "ni": ni})
    back = [inverse_double_arcsine(y, n) for y, n in zip(effects.yi, ni, strict=True)]
    assert back == pytest.approx([0.0, 0.4, 0.6, 0.8, 1.0], abs=1e-9)
    natural = meta_analyse(effects, Model.FE).back_transformed
    assert natural is not None
    assert (natural.estimate, natural.ci_lower, natural.ci_upper) == pytest.approx(
        (0.6886, 0.5734, 0.7943), abs=5e-5
    )


NORMAND = {  # [Normand] dat.normand1999: n1i, m1i, sd1i, n2i, m2i, sd2i
    "n1i": [155, 31, 75, 18, 8, 57, 34, 110, 60],
    "m1i": [55, 27, 64, 66, 14, 19, 52, 21, 30],
    "sd1i": [47, 7, 17, 20, 8, 7, 45, 16, 27],
    "n2i": [156, 32, 71, 18, 13, 52, 33, 183, 52],
    "m2i": [75, 29, 119, 137, 18, 18, 41, 31, 23],
    "sd2i": [64, 4, 29, 48, 11, 4, 34, 27, 20],
}


def normand(rows: slice = slice(None)) -> dict[str, list[float]]:
    return {name: [float(v) for v in values[rows]] for name, values in NORMAND.items()}


def test_hedges_g_matches_escalc_for_normand_rows_1_to_4() -> None:
    # test_misc_escalc.r: escalc(measure="SMD", ..., data=dat.normand1999, subset=1:4):
    # yi -0.3552, -0.3479, -2.3176, -1.8880; vi 0.0131, 0.0645, 0.0458, 0.1606
    effects = effect_sizes(Measure.SMD, normand(slice(0, 4)))
    assert effects.yi == pytest.approx([-0.3552, -0.3479, -2.3176, -1.8880], abs=5e-5)
    assert effects.vi == pytest.approx([0.0131, 0.0645, 0.0458, 0.1606], abs=5e-5)


def test_smd_random_effects_tau2_matches_rma() -> None:
    # test_misc_rma_uni.r: rma(measure="SMD", ..., data=dat, subset=1:4)$tau2 == 1.0090
    assert meta_analyse(effect_sizes(Measure.SMD, normand(slice(0, 4))), Model.REML).tau2 == (
        pytest.approx(1.0090, abs=5e-5)
    )


def test_mean_differences_with_pooled_sds_match_normand_table_ix() -> None:
    # [Normand] Table VIII: yi -20, -2, -55, -71, -4, 1, 11, -10, 7 and vi 40.59, 2.05, 15.28,
    # 150.22, 20.19, 1.22, 95.38, 8.03, 20.69 (pooled SD: sd1i = sd2i = sdpi);
    # Table IX: FE -3.49 (-5.03, -1.96); DL -14.10 (-24.45, -3.75), tau2 218.72;
    # REML -15.12 (-32.67, 2.43), tau2 685.20
    data = normand()
    pooled_sd = [
        math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
        for n1, s1, n2, s2 in zip(data["n1i"], data["sd1i"], data["n2i"], data["sd2i"], strict=True)
    ]
    effects = effect_sizes(Measure.MD, {**data, "sd1i": pooled_sd, "sd2i": pooled_sd})
    assert effects.yi == pytest.approx([-20, -2, -55, -71, -4, 1, 11, -10, 7])
    vi = [40.59, 2.05, 15.28, 150.22, 20.19, 1.22, 95.38, 8.03, 20.69]
    assert effects.vi == pytest.approx(vi, abs=5e-3)
    for model, estimate, low, high in (
        (Model.FE, -3.49, -5.03, -1.96),
        (Model.DL, -14.10, -24.45, -3.75),
        (Model.REML, -15.12, -32.67, 2.43),
    ):
        result = meta_analyse(effects, model)
        assert (result.estimate, result.ci_lower, result.ci_upper) == pytest.approx(
            (estimate, low, high), abs=5e-3
        )
    assert meta_analyse(effects, Model.DL).tau2 == pytest.approx(218.72, abs=5e-3)
    assert meta_analyse(effects, Model.REML).tau2 == pytest.approx(685.20, abs=5e-3)


MORRIS_TREATMENT = {  # [Morris] Table 1, treatment groups: post (m1i), pre (m2i), sd_pre, n, r
    "m1i": [38.5, 26.8, 0.7, 75.9, 36.0],
    "m2i": [30.6, 23.5, 0.5, 53.4, 35.6],
    "sd1i": [15.0, 3.1, 0.1, 14.5, 4.7],
    "ni": [20, 50, 9, 10, 14],
    "ri": [0.47, 0.64, 0.77, 0.89, 0.44],
}


def test_standardised_mean_change_with_raw_score_standardisation_matches_escalc() -> None:
    # test_analysis_example_morris2008.r: escalc(measure="SMCR", m1i=m_post, m2i=m_pre,
    # sd1i=sd_pre, ni=ni, ri=ri): yi 0.5056, 1.0481, 1.8054, 1.4181, 0.0801;
    # vi 0.0594, 0.0254, 0.2322, 0.1225, 0.0802
    effects = effect_sizes(Measure.SMCR, MORRIS_TREATMENT)
    assert effects.yi == pytest.approx([0.5056, 1.0481, 1.8054, 1.4181, 0.0801], abs=5e-5)
    assert effects.vi == pytest.approx([0.0594, 0.0254, 0.2322, 0.1225, 0.0802], abs=5e-5)


def test_standardised_mean_change_reml_tau2_matches_rma() -> None:
    # test_misc_rma_uni.r: rma(measure="SMCR", m1i=m_post, m2i=m_pre, sd1i=sd_pre, ni=ni,
    # ri=ri, data=datT)$tau2 == 0.3164
    effects = effect_sizes(Measure.SMCR, MORRIS_TREATMENT)
    assert meta_analyse(effects, Model.REML).tau2 == pytest.approx(0.3164, abs=5e-5)


def test_logit_proportion_adds_one_half_only_when_a_cell_is_zero() -> None:
    # metafor escalc source (measure="PLO", add=1/2, to="only0"): yi = log(x/(n-x)),
    # vi = 1/x + 1/(n-x); with x = 0 both cells get 1/2: log(0.5/10.5), 1/0.5 + 1/10.5.
    effects = effect_sizes(Measure.PLO, {"xi": [3, 0], "ni": [10, 10]})
    assert effects.yi == pytest.approx([math.log(3 / 7), math.log(0.5 / 10.5)])
    assert effects.vi == pytest.approx([1 / 3 + 1 / 7, 1 / 0.5 + 1 / 10.5])


def test_two_by_two_zero_cell_gets_the_half_correction_in_all_four_cells() -> None:
    # metafor escalc source (measure="OR", add=1/2, to="only0"): a study with ai = 0 becomes
    # 0.5, 10.5, 2.5, 8.5: yi = log(0.5*8.5/(10.5*2.5)), vi = 1/0.5 + 1/10.5 + 1/2.5 + 1/8.5
    effects = effect_sizes(Measure.OR, {"ai": [0], "bi": [10], "ci": [2], "di": [8]})
    assert effects.yi[0] == pytest.approx(math.log(0.5 * 8.5 / (10.5 * 2.5)))
    assert effects.vi[0] == pytest.approx(1 / 0.5 + 1 / 10.5 + 1 / 2.5 + 1 / 8.5)


def test_exact_interval_matches_the_published_kamen_2022_interval() -> None:
    # [Kamen] 5/6 = 83.3% (95% CI 35.9-99.6)
    interval = clopper_pearson(5, 6)
    assert interval.proportion == pytest.approx(0.833, abs=5e-4)
    assert (interval.ci_lower, interval.ci_upper) == pytest.approx((0.359, 0.996), abs=5e-4)


def test_exact_interval_limits_at_zero_and_all_events() -> None:
    # Clopper and Pearson (1934): lower limit 0 when x = 0; upper 1 when x = n; and for x = 0 the
    # upper limit is 1 - (alpha/2)^(1/n) = 1 - 0.025^(1/10) = 0.3085 (closed form).
    assert clopper_pearson(0, 10).ci_lower == 0.0
    assert clopper_pearson(0, 10).ci_upper == pytest.approx(1 - 0.025 ** (1 / 10))
    assert clopper_pearson(10, 10).ci_upper == 1.0


def test_bad_counts_are_refused_naming_the_row_and_column() -> None:
    with pytest.raises(InvalidValueError, match=r"row 2\.xi"):
        effect_sizes(Measure.PLO, {"xi": [1, 12], "ni": [10, 10]})
    with pytest.raises(InvalidValueError, match=r"row 1\.vi"):
        effect_sizes(Measure.GEN, {"yi": [0.1], "vi": [0.0]})
    with pytest.raises(InvalidValueError, match="columns"):
        effect_sizes(Measure.RR, {"ai": [1]})
    with pytest.raises(InvalidValueError):
        meta_analyse(EffectSizes(Measure.GEN, (0.1,), (0.01,)), Model.REML, hartung_knapp=True)
