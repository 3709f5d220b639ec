"""DAS28 against the das-score.nl formulas (Prevoo 1995) and cut-offs (2.6 / 3.2 / 5.1, decision
D7). Worked values use perfect squares and ESR 1 (ln 1 = 0) so the arithmetic can be checked by
hand from the published formula; the minimum values come from the medicalalgorithms.com DAS28-CRP
page ("minimum score: 0.96 for the 4 variable version and 1.15 for the 3 variable version")."""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import OutOfValidatedRangeError
from lupus_sct.domain.instruments.arthritis.das28 import (
    Das28InputError,
    Das28Inputs,
    Das28Variant,
    DiseaseActivity,
    das28,
    das28_category,
    das28_score,
)


@pytest.mark.parametrize(
    ("variant", "inputs", "expected", "source"),
    [
        (
            Das28Variant.ESR,
            Das28Inputs(9, 4, esr_mm_h=1.0, patient_global_mm=50.0),
            2.94,
            "das-score.nl DAS28: 0.56*3 + 0.28*2 + 0.70*ln(1) + 0.014*50 = 2.94",
        ),
        (
            Das28Variant.ESR,
            Das28Inputs(4, 2, esr_mm_h=20.0, patient_global_mm=30.0),
            4.0330,
            "das-score.nl DAS28: 1.12 + 0.28*1.41421 + 0.70*2.99573 + 0.42 = 4.0330",
        ),
        (
            Das28Variant.CRP,
            Das28Inputs(9, 4, crp_mg_l=0.0, patient_global_mm=50.0),
            3.90,
            "das-score.nl DAS28-CRP: 1.68 + 0.56 + 0.36*ln(0+1) + 0.70 + 0.96 = 3.90",
        ),
        (
            Das28Variant.ESR_3,
            Das28Inputs(16, 9, esr_mm_h=1.0),
            3.4864,
            "das-score.nl DAS28(3): (0.56*4 + 0.28*3 + 0) * 1.08 + 0.16 = 3.4864",
        ),
        (
            Das28Variant.CRP_3,
            Das28Inputs(16, 9, crp_mg_l=0.0),
            4.538,
            "das-score.nl DAS28(3)-CRP: (2.24 + 0.84 + 0) * 1.10 + 1.15 = 4.538",
        ),
        (
            Das28Variant.CRP,
            Das28Inputs(0, 0, crp_mg_l=0.0, patient_global_mm=0.0),
            0.96,
            "medicalalgorithms.com: minimum DAS28-CRP (4 variables) is 0.96",
        ),
        (
            Das28Variant.CRP_3,
            Das28Inputs(0, 0, crp_mg_l=0.0),
            1.15,
            "medicalalgorithms.com: minimum DAS28-CRP (3 variables) is 1.15",
        ),
    ],
)
def test_das28_matches_the_published_formula(
    variant: Das28Variant, inputs: Das28Inputs, expected: float, source: str
) -> None:
    assert das28_score(variant, inputs) == pytest.approx(expected, abs=5e-5), source


@pytest.mark.parametrize(
    ("score", "expected", "source"),
    [
        (2.59, DiseaseActivity.REMISSION, "das-score.nl: remission is DAS28 < 2.6"),
        (2.6, DiseaseActivity.LOW, "docs/spec/instruments.md §10.1 pitfall 5: 2.6 is 'low'"),
        (3.2, DiseaseActivity.LOW, "das-score.nl: low activity is DAS28 <= 3.2"),
        (3.21, DiseaseActivity.MODERATE, "das-score.nl: moderate is 3.2 < DAS28 <= 5.1"),
        (5.1, DiseaseActivity.MODERATE, "das-score.nl: moderate includes 5.1"),
        (5.11, DiseaseActivity.HIGH, "das-score.nl: high activity is DAS28 > 5.1"),
    ],
)
def test_das28_category_uses_the_das_score_nl_cut_offs(
    score: float, expected: DiseaseActivity, source: str
) -> None:
    assert das28_category(score) is expected, source


def test_crp_variant_uses_the_same_cut_offs_as_esr() -> None:
    # decision D7: 2.4 / 2.9 / 4.6 CRP cut-offs are not used; 2.5 is remission, not low
    result = das28(Das28Variant.CRP, Das28Inputs(1, 0, crp_mg_l=0.0, patient_global_mm=70.0))
    assert result.score == pytest.approx(0.56 + 0.98 + 0.96, abs=1e-12)
    assert result.category is DiseaseActivity.REMISSION


def test_esr_below_1_is_refused_with_the_clinical_message() -> None:
    # docs/spec/instruments.md §12.1 example message; ln(0) is undefined (docs/spec/instruments.md
    # §10, pitfall 3).
    with pytest.raises(Das28InputError, match=r"^DAS28-ESR needs esr_mm_h >= 1$"):
        das28_score(Das28Variant.ESR, Das28Inputs(1, 1, esr_mm_h=0.0, patient_global_mm=10.0))


def test_joint_counts_above_28_are_refused() -> None:
    with pytest.raises(OutOfValidatedRangeError, match="tjc28 29 joints is outside 0-28"):
        das28_score(Das28Variant.ESR_3, Das28Inputs(29, 1, esr_mm_h=10.0))
