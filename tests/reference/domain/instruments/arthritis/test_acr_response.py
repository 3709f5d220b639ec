"""ACR20/50/70 against Felson DT et al. Arthritis Rheum 1995;38:727-35: >= n% improvement in the
tender (68) and swollen (66) counts and in at least 3 of the 5 other core-set measures."""

from __future__ import annotations

import dataclasses

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.arthritis.acr_response import (
    AcrCoreSet,
    acr_response,
    is_improved_by,
)

BASELINE = AcrCoreSet(
    tjc68=10,
    sjc66=10,
    patient_pain_mm=50.0,
    patient_global_mm=50.0,
    physician_global_mm=50.0,
    haq_di=1.5,
    acute_phase_reactant=30.0,
)


def _improved_by(fraction: float) -> AcrCoreSet:
    return AcrCoreSet(
        tjc68=round(10 * (1 - fraction)),
        sjc66=round(10 * (1 - fraction)),
        patient_pain_mm=50.0 * (1 - fraction),
        patient_global_mm=50.0 * (1 - fraction),
        physician_global_mm=50.0 * (1 - fraction),
        haq_di=1.5 * (1 - fraction),
        acute_phase_reactant=30.0 * (1 - fraction),
    )


@pytest.mark.parametrize(
    ("fraction", "expected", "source"),
    [
        (0.1, (False, False, False), "Felson 1995: 10% improvement meets no ACR level"),
        (0.2, (True, False, False), "Felson 1995: exactly 20% meets ACR20 ('at least')"),
        (0.5, (True, True, False), "Felson 1995 definition applied at 50%: ACR50"),
        (0.7, (True, True, True), "Felson 1995 definition applied at 70%: ACR70"),
    ],
)
def test_uniform_improvement_meets_the_matching_acr_levels(
    fraction: float, expected: tuple[bool, bool, bool], source: str
) -> None:
    result = acr_response(BASELINE, _improved_by(fraction))
    assert (result.acr20, result.acr50, result.acr70) == expected, source


def test_haq_improvement_of_exactly_20_percent_is_compared_robustly() -> None:
    # Felson 1995 ">= 20%"; 1.5 - 1.2 = 0.30000000000000004 vs 0.2 * 1.5 (decision D11)
    assert is_improved_by(1.5, 1.2, 20) is True
    assert is_improved_by(1.5, 1.21, 20) is False


def test_joint_counts_are_both_required() -> None:
    # Felson 1995: improvement in tender AND swollen joint counts is mandatory
    followup = dataclasses.replace(_improved_by(0.5), sjc66=9)
    result = acr_response(BASELINE, followup)
    assert (result.acr20, result.acr50) == (False, False)


@pytest.mark.parametrize(
    ("improved_others", "expected", "source"),
    [
        (2, False, "Felson 1995: 2 of the 5 remaining measures is not enough"),
        (3, True, "Felson 1995: 3 of the 5 remaining measures"),
    ],
)
def test_at_least_three_of_the_five_other_measures_must_improve(
    improved_others: int, expected: bool, source: str
) -> None:
    fields = ["patient_pain_mm", "patient_global_mm", "physician_global_mm", "haq_di"]
    changes = {f: getattr(BASELINE, f) * 0.5 for f in fields[:improved_others]}
    followup = dataclasses.replace(BASELINE, tjc68=5, sjc66=5, **changes)
    assert acr_response(BASELINE, followup).acr20 is expected, source


def test_a_zero_baseline_measure_counts_as_not_improved() -> None:
    # docs/spec/instruments.md §10.4: a core-set measure with baseline 0 cannot show improvement.
    assert is_improved_by(0.0, 0.0, 20) is False


def test_a_zero_joint_count_baseline_is_refused() -> None:
    # docs/spec/instruments.md §12.3: tjc68 and sjc66 baselines must be > 0
    with pytest.raises(InvalidValueError, match="tjc68_baseline"):
        acr_response(dataclasses.replace(BASELINE, tjc68=0), BASELINE)
