"""2019 EULAR/ACR classification reference values.

Sources: Aringer M, et al. Ann Rheum Dis 2019;78:1151-9, Figure 1 (criteria, weights, domains,
entry criterion, ">= 10 points" with ">= 1 clinical criterion"), as tabulated in
docs/spec/instruments.md §3.
"""

from __future__ import annotations

import pytest

from lupus_sct.domain.instruments.lupus.eular_acr_2019 import (
    EularAcrCriterion,
    classify_eular_acr_2019,
)

C = EularAcrCriterion

# Aringer 2019, Figure 1: weight of every criterion.
PUBLISHED_WEIGHTS = {
    "fever": 2,
    "leukopenia": 3,
    "thrombocytopenia": 4,
    "autoimmune_hemolysis": 4,
    "delirium": 2,
    "psychosis": 3,
    "seizure": 5,
    "non_scarring_alopecia": 2,
    "oral_ulcers": 2,
    "subacute_cutaneous_or_discoid_lupus": 4,
    "acute_cutaneous_lupus": 6,
    "pleural_or_pericardial_effusion": 5,
    "acute_pericarditis": 6,
    "joint_involvement": 6,
    "proteinuria_gt_0_5g_24h": 4,
    "renal_biopsy_class_ii_or_v": 8,
    "renal_biopsy_class_iii_or_iv": 10,
    "antiphospholipid_antibodies": 2,
    "low_c3_or_low_c4": 3,
    "low_c3_and_low_c4": 4,
    "anti_dsdna_or_anti_smith": 6,
}


def test_every_criterion_carries_its_published_weight() -> None:
    # Aringer 2019, Figure 1.
    assert {c.id: c.weight for c in C} == PUBLISHED_WEIGHTS


def test_all_criteria_present_give_the_published_maximum_of_51() -> None:
    # docs/spec/instruments.md §3: maximum 51 (39 clinical + 12 immunologic).
    result = classify_eular_acr_2019(True, list(C))
    assert result.score == 51
    assert result.classified


def test_only_the_highest_criterion_of_a_domain_counts() -> None:
    # Aringer 2019: "within each domain, only the highest criterion is counted";
    # mucocutaneous: alopecia 2 + oral ulcers 2 + ACLE 6 -> 6.
    criteria = [C.NON_SCARRING_ALOPECIA, C.ORAL_ULCERS, C.ACUTE_CUTANEOUS_LUPUS]
    assert classify_eular_acr_2019(True, criteria).score == 6


@pytest.mark.parametrize(
    ("criteria", "score", "classified"),
    [
        ([C.FEVER, C.JOINT_INVOLVEMENT], 8, False),  # 2 + 6
        ([C.LEUKOPENIA, C.JOINT_INVOLVEMENT], 9, False),  # 3 + 6, one below
        ([C.JOINT_INVOLVEMENT, C.LOW_C3_AND_LOW_C4], 10, True),  # 6 + 4, at the threshold
        ([C.LEUKOPENIA, C.JOINT_INVOLVEMENT, C.FEVER], 11, True),  # 3 + 6 + 2, above
    ],
)
def test_classification_needs_at_least_ten_points(
    criteria: list[EularAcrCriterion], score: int, classified: bool
) -> None:
    # Aringer 2019: "classify as SLE with a score of >= 10 points" (docs/spec/instruments.md §3,
    # pitfall 5).
    result = classify_eular_acr_2019(True, criteria)
    assert (result.score, result.classified) == (score, classified)


def test_immunologic_criteria_alone_never_classify() -> None:
    # Aringer 2019 and docs/spec/instruments.md §3, pitfall 2: anti-dsDNA 6 + low C3 and C4 4 +
    # antiphospholipid 2 = 12 points without a clinical criterion.
    criteria = [C.ANTI_DSDNA_OR_ANTI_SMITH, C.LOW_C3_AND_LOW_C4, C.ANTIPHOSPHOLIPID_ANTIBODIES]
    result = classify_eular_acr_2019(True, criteria)
    assert result.score == 12
    assert not result.classified


def test_without_the_ana_entry_criterion_the_score_is_computed_but_not_classified() -> None:
    # Aringer 2019: ANA >= 1:80 is the entry criterion; docs/spec/instruments.md §12.3 computes the
    # score for information. Class III/IV nephritis 10 + anti-dsDNA 6 = 16.
    criteria = [C.RENAL_BIOPSY_CLASS_III_OR_IV, C.ANTI_DSDNA_OR_ANTI_SMITH]
    result = classify_eular_acr_2019(False, criteria)
    assert (result.entry_met, result.score, result.classified) == (False, 16, False)


def test_lupus_nephritis_class_iii_alone_with_ana_reaches_ten_points() -> None:
    # Aringer 2019, Figure 1: renal biopsy class III or IV lupus nephritis scores 10.
    result = classify_eular_acr_2019(True, [C.RENAL_BIOPSY_CLASS_III_OR_IV])
    assert result.classified
