"""CDAI and SDAI against Aletaha & Smolen, Clin Exp Rheumatol 2005;23(S39):S100-8 (formulas and
cut-offs) and Smolen 2003 (SDAI with CRP in mg/dL)."""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import OutOfValidatedRangeError
from lupus_sct.domain.instruments.arthritis.cdai_sdai import (
    ActivityIndex,
    CdaiComponents,
    activity_category,
    cdai,
    sdai,
)
from lupus_sct.domain.instruments.arthritis.das28 import DiseaseActivity

CDAI = ActivityIndex.CDAI
SDAI = ActivityIndex.SDAI


def test_cdai_is_the_simple_sum_of_its_four_components() -> None:
    # Aletaha 2005: CDAI = SJC28 + TJC28 + PtGA + EGA; 5 + 3 + 4.5 + 3.5 = 16 (moderate)
    result = cdai(
        CdaiComponents(tjc28=5, sjc28=3, patient_global_0_10=4.5, evaluator_global_0_10=3.5)
    )
    assert result.score == 16.0
    assert result.category is DiseaseActivity.MODERATE


def test_sdai_adds_crp_in_mg_per_dl() -> None:
    # Smolen 2003: SDAI = CDAI + CRP (mg/dL); 16 + 2.4 = 18.4 (moderate, Aletaha 2005: 11-26)
    components = CdaiComponents(5, 3, 4.5, 3.5)
    result = sdai(components, crp_mg_dl=2.4)
    assert result.score == 18.4
    assert result.category is DiseaseActivity.MODERATE


def test_a_decimal_sum_landing_on_2_8_is_cdai_remission() -> None:
    # Aletaha 2005: CDAI remission <= 2.8; in binary 1 + 0 + 1.1 + 0.7 = 2.8000000000000003,
    # the exact decimal sum is 2.8 (convention C6, docs/spec/instruments.md §10.2)
    result = cdai(CdaiComponents(1, 0, 1.1, 0.7))
    assert result.score == 2.8
    assert result.category is DiseaseActivity.REMISSION


@pytest.mark.parametrize(
    ("index", "score", "expected", "source"),
    [
        (CDAI, 2.8, DiseaseActivity.REMISSION, "Aletaha 2005: CDAI remission <= 2.8"),
        (CDAI, 2.9, DiseaseActivity.LOW, "Aletaha 2005: CDAI low > 2.8 and <= 10"),
        (CDAI, 10.0, DiseaseActivity.LOW, "Aletaha 2005: CDAI low includes 10"),
        (CDAI, 10.1, DiseaseActivity.MODERATE, "Aletaha 2005: CDAI moderate > 10 and <= 22"),
        (CDAI, 22.0, DiseaseActivity.MODERATE, "Aletaha 2005: CDAI moderate includes 22"),
        (CDAI, 22.1, DiseaseActivity.HIGH, "Aletaha 2005: CDAI high > 22"),
        (SDAI, 3.3, DiseaseActivity.REMISSION, "Aletaha 2005: SDAI remission <= 3.3"),
        (SDAI, 3.31, DiseaseActivity.LOW, "Aletaha 2005: SDAI low > 3.3 and <= 11"),
        (SDAI, 11.0, DiseaseActivity.LOW, "Aletaha 2005: SDAI low includes 11"),
        (SDAI, 11.01, DiseaseActivity.MODERATE, "Aletaha 2005: SDAI moderate > 11 and <= 26"),
        (SDAI, 26.0, DiseaseActivity.MODERATE, "Aletaha 2005: SDAI moderate includes 26"),
        (SDAI, 26.01, DiseaseActivity.HIGH, "Aletaha 2005: SDAI high > 26"),
    ],
)
def test_categories_follow_the_aletaha_2005_cut_offs(
    index: ActivityIndex, score: float, expected: DiseaseActivity, source: str
) -> None:
    assert activity_category(index, score) is expected, source


def test_sdai_sum_landing_on_3_3_is_remission() -> None:
    # Aletaha 2005: SDAI remission <= 3.3; 1 + 1 + 0.6 + 0.4 + 0.3 = 3.3 exactly in decimals
    assert sdai(CdaiComponents(1, 1, 0.6, 0.4), 0.3).category is DiseaseActivity.REMISSION


def test_a_global_assessment_above_10_cm_is_refused() -> None:
    # Aletaha 2005: global assessments on 0-10 cm scales (docs/spec/instruments.md §10, pitfall 2)
    with pytest.raises(OutOfValidatedRangeError, match="patient_global_0_10 45 cm"):
        cdai(CdaiComponents(1, 1, 45, 3.0))
