"""HCT-CI 2005 and HCT-CI/age reference values.

Sources: Sorror ML, et al. Blood 2005;106:2912-9, Table 2 (definitions and weights; risk groups
0, 1-2, >= 3); Sorror ML, et al. J Clin Oncol 2014;32:3249-56 (+1 at age >= 40), as tabulated in
docs/spec/instruments.md §7.1 with its bounds; decision D5.
"""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import OutOfValidatedRangeError
from lupus_sct.domain.instruments.transplant.hct_ci_2005 import (
    HctCiComorbidity,
    HctCiMeasurements,
    HepaticTier,
    PulmonaryTier,
    RheumatologicPolicy,
    RiskGroup,
    hepatic_tier,
    pulmonary_tier,
    score_hct_ci,
    score_hct_ci_age,
)

C = HctCiComorbidity

# Sorror 2005, Table 2: weight of every comorbidity.
PUBLISHED_WEIGHTS = {
    "arrhythmia": 1,
    "cardiac": 1,
    "inflammatory_bowel_disease": 1,
    "diabetes": 1,
    "cerebrovascular_disease": 1,
    "psychiatric_disturbance": 1,
    "hepatic_mild": 1,
    "obesity": 1,
    "infection": 1,
    "rheumatologic": 2,
    "peptic_ulcer": 2,
    "renal_moderate_severe": 2,
    "pulmonary_moderate": 2,
    "prior_solid_tumor": 3,
    "heart_valve_disease": 3,
    "pulmonary_severe": 3,
    "hepatic_moderate_severe": 3,
}


def score_of(**measurements: float) -> int:
    return score_hct_ci([], HctCiMeasurements(**measurements)).score


def test_every_comorbidity_carries_its_published_weight() -> None:
    # Sorror 2005, Table 2.
    assert {c.id: c.weight for c in C} == PUBLISHED_WEIGHTS


def test_every_comorbidity_present_gives_the_published_maximum_of_26() -> None:
    # docs/spec/instruments.md §7.1: maximum 26, the mild tiers dropping out.
    assert score_hct_ci(list(C)).score == 26


def test_only_the_higher_hepatic_and_pulmonary_tiers_count() -> None:
    # Sorror 2005; docs/spec/instruments.md §7.1, pitfall 2: 3 + 3, not 1 + 3 + 2 + 3.
    both = [C.HEPATIC_MILD, C.HEPATIC_MODERATE_SEVERE, C.PULMONARY_MODERATE, C.PULMONARY_SEVERE]
    assert score_hct_ci(both).score == 6


@pytest.mark.parametrize(
    ("score_items", "group"),
    [
        ([], RiskGroup.LOW),
        ([C.DIABETES], RiskGroup.INTERMEDIATE),
        ([C.RHEUMATOLOGIC], RiskGroup.INTERMEDIATE),
        ([C.RHEUMATOLOGIC, C.DIABETES], RiskGroup.HIGH),
    ],
)
def test_risk_groups_are_zero_one_to_two_and_three_or_more(
    score_items: list[HctCiComorbidity], group: RiskGroup
) -> None:
    # Sorror 2005: low 0, intermediate 1-2, high >= 3.
    assert score_hct_ci(score_items).risk_group is group


@pytest.mark.parametrize(("bmi", "points"), [(34.9, 0), (35.0, 0), (35.1, 1)])
def test_obesity_is_bmi_above_35(bmi: float, points: int) -> None:
    # Sorror 2005: "BMI > 35 kg/m2" (strict).
    assert score_of(bmi=bmi) == points


@pytest.mark.parametrize(("creatinine", "points"), [(1.99, 0), (2.0, 0), (2.01, 2)])
def test_renal_is_creatinine_above_2_mg_dl(creatinine: float, points: int) -> None:
    # Sorror 2005: "serum creatinine > 2 mg/dL" (strict), weight 2.
    assert score_of(creatinine_mg_dl=creatinine) == points


@pytest.mark.parametrize(("ef", "points"), [(49.9, 1), (50.0, 1), (50.1, 0)])
def test_cardiac_is_ejection_fraction_at_most_50(ef: float, points: int) -> None:
    # Sorror 2005: "EF <= 50%" (inclusive), weight 1.
    assert score_of(ejection_fraction_pct=ef) == points


@pytest.mark.parametrize(
    ("value", "tier"),
    [
        (64.9, PulmonaryTier.SEVERE),
        (65.0, PulmonaryTier.SEVERE),
        (65.1, PulmonaryTier.MODERATE),
        (79.9, PulmonaryTier.MODERATE),
        (80.0, PulmonaryTier.MODERATE),
        (80.1, None),
    ],
)
def test_pulmonary_tiers_are_at_most_65_and_66_to_80(
    value: float, tier: PulmonaryTier | None
) -> None:
    # Sorror 2005: DLco and/or FEV1 <= 65% severe (3), 66-80% moderate (2).
    assert pulmonary_tier(value, None) is tier
    assert pulmonary_tier(None, value) is tier


def test_the_worse_of_fev1_and_dlco_sets_the_pulmonary_tier() -> None:
    # Sorror 2005: "DLco and/or FEV1".
    assert pulmonary_tier(95.0, 60.0) is PulmonaryTier.SEVERE
    assert score_of(fev1_pct_pred=75.0, dlco_corr_pct_pred=90.0) == 2


@pytest.mark.parametrize(
    ("bilirubin", "tier"),
    [
        (1.0, None),
        (1.01, HepaticTier.MILD),
        (1.5, HepaticTier.MILD),
        (1.51, HepaticTier.MODERATE_SEVERE),
    ],
)
def test_bilirubin_tiers_are_above_uln_to_1_5_and_above_1_5_times_uln(
    bilirubin: float, tier: HepaticTier | None
) -> None:
    # Sorror 2005: mild "bilirubin > ULN to 1.5 x ULN"; moderate/severe "> 1.5 x ULN".
    assert hepatic_tier(bilirubin, None) is tier


@pytest.mark.parametrize(
    ("ast_alt", "tier"),
    [
        (1.0, None),
        (1.01, HepaticTier.MILD),
        (2.5, HepaticTier.MILD),
        (2.51, HepaticTier.MODERATE_SEVERE),
    ],
)
def test_aminotransferase_tiers_are_above_uln_to_2_5_and_above_2_5_times_uln(
    ast_alt: float, tier: HepaticTier | None
) -> None:
    # Sorror 2005: mild "AST/ALT > ULN to 2.5 x ULN"; moderate/severe "> 2.5 x ULN".
    assert hepatic_tier(None, ast_alt) is tier


def test_a_multiple_of_uln_computed_in_floating_point_is_compared_robustly() -> None:
    # Decision D11: 1.8 / 1.2 is 1.5000000000000002 in binary floating point but 1.5 by hand.
    assert hepatic_tier(1.8 / 1.2, None) is HepaticTier.MILD


def test_measurements_add_to_the_listed_comorbidities_without_double_counting() -> None:
    # Sorror 2005: a comorbidity counts once; obesity listed and BMI 40 score 1.
    assert score_hct_ci([C.OBESITY], HctCiMeasurements(bmi=40.0)).score == 1


def test_rheumatologic_counts_by_default_even_when_it_is_the_transplant_indication() -> None:
    # Decision D5: scored whenever SLE or RA is present; the policy is recorded.
    result = score_hct_ci([C.RHEUMATOLOGIC], rheumatologic_is_indication=True)
    assert result.score == 2
    assert result.rheumatologic_policy is RheumatologicPolicy.INCLUDE_INDICATION


def test_a_protocol_can_exclude_the_rheumatologic_indication() -> None:
    # Decision D5: "protocols that exclude the indication can switch it off".
    result = score_hct_ci(
        [C.RHEUMATOLOGIC],
        rheumatologic_policy=RheumatologicPolicy.EXCLUDE_INDICATION,
        rheumatologic_is_indication=True,
    )
    assert result.score == 0


@pytest.mark.parametrize(("age", "score"), [(39, 2), (40, 3), (41, 3)])
def test_hct_ci_age_adds_one_point_from_age_40(age: int, score: int) -> None:
    # Sorror 2014: HCT-CI/age adds 1 at age >= 40 (inclusive); HCT-CI here is 2.
    assert score_hct_ci_age(score_hct_ci([C.RHEUMATOLOGIC]), age).score == score


def test_measurements_outside_their_validated_range_are_rejected() -> None:
    # docs/spec/instruments.md §12.3: BMI 10-80.
    with pytest.raises(OutOfValidatedRangeError, match=r"^bmi 9 kg/m2 is outside 10-80$"):
        HctCiMeasurements(bmi=9)
