"""Lupus nephritis renal response reference values.

Sources: KDIGO 2024 lupus nephritis guideline (Kidney Int 2024;105(1S):S1-S69) and the 2019
EULAR/ERA-EDTA update (Fanouriakis A, et al. Ann Rheum Dis 2020;79:713-23), operationalised in
docs/spec/instruments.md §5.6 (table of operational rules), decision D8 and
convention C2 (15% decline, UPCR 0.5 g/g, 90% of a normal reference of 90, sub-nephrotic < 3.0).
Expected categories are worked by hand from those published rules.
"""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError
from lupus_sct.domain.instruments.lupus.ln_renal_response import (
    LnDefinition,
    LnRenalMeasurements,
    LnResponse,
    LnResponseParameters,
    assess_ln_renal_response,
)

KDIGO = LnDefinition.KDIGO_2024
EULAR = LnDefinition.EULAR_ERA_EDTA_2019


def respond(
    definition: LnDefinition,
    upcr_baseline: float,
    upcr_followup: float,
    egfr_baseline: float = 90.0,
    egfr_followup: float = 90.0,
    **parameters: float,
) -> LnResponse:
    measurements = LnRenalMeasurements(
        upcr_baseline, upcr_followup, egfr_baseline, egfr_followup, 6
    )
    return assess_ln_renal_response(
        definition, measurements, LnResponseParameters(**parameters)
    ).response


@pytest.mark.parametrize("definition", list(LnDefinition))
@pytest.mark.parametrize(
    ("upcr_followup", "expected"),
    [(0.49, LnResponse.COMPLETE), (0.5, LnResponse.PARTIAL), (0.51, LnResponse.PARTIAL)],
)
def test_complete_response_needs_upcr_below_half_a_gram_per_gram(
    definition: LnDefinition, upcr_followup: float, expected: LnResponse
) -> None:
    # KDIGO 2024: complete "< 0.5 g/g"; EULAR default 0.5 (convention C2). Baseline 4.0: 0.5 and
    # 0.51 are still a >= 50% reduction to < 3 g/g, so they are partial.
    assert respond(definition, 4.0, upcr_followup) is expected


@pytest.mark.parametrize("definition", list(LnDefinition))
@pytest.mark.parametrize(
    ("upcr_followup", "expected"),
    [(2.99, LnResponse.PARTIAL), (3.0, LnResponse.NONE), (3.01, LnResponse.NONE)],
)
def test_partial_response_needs_upcr_below_three_grams_per_gram(
    definition: LnDefinition, upcr_followup: float, expected: LnResponse
) -> None:
    # KDIGO 2024 "< 3 g/g"; EULAR sub-nephrotic (< 3.0, convention C2). Baseline 8.0: >= 50% less.
    assert respond(definition, 8.0, upcr_followup) is expected


@pytest.mark.parametrize("definition", list(LnDefinition))
@pytest.mark.parametrize(
    ("upcr_followup", "expected"),
    [(1.19, LnResponse.PARTIAL), (1.2, LnResponse.PARTIAL), (1.21, LnResponse.NONE)],
)
def test_partial_response_needs_at_least_a_fifty_percent_reduction(
    definition: LnDefinition, upcr_followup: float, expected: LnResponse
) -> None:
    # KDIGO 2024 and Fanouriakis 2020: ">= 50% reduction"; baseline 2.4, half is 1.2.
    assert respond(definition, 2.4, upcr_followup) is expected


@pytest.mark.parametrize(
    ("egfr_followup", "expected"),
    [(84.9, LnResponse.NONE), (85.0, LnResponse.COMPLETE), (85.1, LnResponse.COMPLETE)],
)
def test_kdigo_kidney_function_is_stable_down_to_a_fifteen_percent_decline(
    egfr_followup: float, expected: LnResponse
) -> None:
    # KDIGO 2024 "within +/-10-15%"; convention C2 default 15%: baseline 100, limit 85.
    assert respond(KDIGO, 2.0, 0.3, 100.0, egfr_followup) is expected


def test_kdigo_any_rise_in_egfr_counts_as_improved() -> None:
    # docs/spec/instruments.md §5.6: "any rise counts as improved".
    assert respond(KDIGO, 2.0, 0.3, 40.0, 120.0) is LnResponse.COMPLETE


@pytest.mark.parametrize(
    ("egfr_followup", "expected"), [(42.29, LnResponse.NONE), (42.3, LnResponse.COMPLETE)]
)
def test_kdigo_decline_limit_is_compared_robustly_at_the_exact_boundary(
    egfr_followup: float, expected: LnResponse
) -> None:
    # Decision D11: (1 - 10%) x 47 is 42.3 by hand but 42.300000000000004 in binary floating point.
    result = respond(KDIGO, 2.0, 0.3, 47.0, egfr_followup, egfr_stable_max_decline_pct=10.0)
    assert result is expected


def test_kdigo_uses_the_patients_baseline_not_a_normal_reference() -> None:
    # docs/spec/instruments.md §5.6, pitfall: KDIGO measures against baseline. eGFR 40 -> 38 is a
    # 5% fall, stable for KDIGO but far from near-normal for EULAR (bar 81).
    assert respond(KDIGO, 2.0, 0.3, 40.0, 38.0) is LnResponse.COMPLETE
    assert respond(EULAR, 2.0, 0.3, 40.0, 38.0) is LnResponse.NONE


@pytest.mark.parametrize(
    ("egfr_followup", "expected"),
    [(80.9, LnResponse.NONE), (81.0, LnResponse.COMPLETE), (81.1, LnResponse.COMPLETE)],
)
def test_eular_near_normal_gfr_is_ninety_percent_of_a_normal_reference_of_ninety(
    egfr_followup: float, expected: LnResponse
) -> None:
    # Fanouriakis 2020 "within 10% of normal GFR"; convention C2: 0.9 x 90 = 81.
    assert respond(EULAR, 2.0, 0.3, 60.0, egfr_followup) is expected


def test_eular_normal_reference_can_be_set() -> None:
    # docs/spec/instruments.md §12.3: egfr_normal_reference 60-120; 0.9 x 100 = 90.
    assert respond(EULAR, 2.0, 0.3, 60.0, 89.9, egfr_normal_reference=100.0) is LnResponse.NONE
    assert respond(EULAR, 2.0, 0.3, 60.0, 90.0, egfr_normal_reference=100.0) is (
        LnResponse.COMPLETE
    )


@pytest.mark.parametrize(
    ("upcr_followup", "expected"), [(0.69, LnResponse.COMPLETE), (0.7, LnResponse.PARTIAL)]
)
def test_eular_complete_threshold_can_be_raised_to_seven_tenths(
    upcr_followup: float, expected: LnResponse
) -> None:
    # Fanouriakis 2020: "UPCR < 0.5-0.7 g/g"; convention C2 allows 0.5-0.7, strict "<".
    result = respond(EULAR, 4.0, upcr_followup, upcr_complete_threshold_g_per_g=0.7)
    assert result is expected


def test_kdigo_ignores_the_eular_complete_threshold() -> None:
    # KDIGO 2024 fixes complete response at < 0.5 g/g.
    assert respond(KDIGO, 4.0, 0.6, upcr_complete_threshold_g_per_g=0.7) is LnResponse.PARTIAL


def test_worsening_kidney_function_prevents_any_response() -> None:
    # KDIGO 2024: both categories need stable or improved kidney function (100 -> 70 is -30%).
    assert respond(KDIGO, 4.0, 0.2, 100.0, 70.0) is LnResponse.NONE


def test_the_result_records_the_parameters_and_timepoint_used() -> None:
    # Convention C2: "each value used is stored with the result".
    measurements = LnRenalMeasurements(3.0, 0.2, 90.0, 90.0, 3.0)
    result = assess_ln_renal_response(KDIGO, measurements)
    assert result.parameters.egfr_stable_max_decline_pct == 15.0
    assert result.months_from_start == 3.0
    assert result.definition is KDIGO


def test_a_zero_baseline_upcr_is_rejected() -> None:
    # docs/spec/instruments.md §12.3: upcr_baseline_g_per_g "0-30 (>0)".
    with pytest.raises(InvalidValueError):
        LnRenalMeasurements(0.0, 0.2, 90.0, 90.0, 6.0)


@pytest.mark.parametrize(
    "parameters",
    [
        {"egfr_stable_max_decline_pct": 9.9},
        {"egfr_stable_max_decline_pct": 15.1},
        {"upcr_complete_threshold_g_per_g": 0.49},
        {"upcr_complete_threshold_g_per_g": 0.71},
        {"egfr_normal_reference": 59.0},
    ],
)
def test_parameters_outside_their_published_bands_are_rejected(
    parameters: dict[str, float],
) -> None:
    # KDIGO 2024 "10-15%"; Fanouriakis 2020 "0.5-0.7 g/g"; reference 60-120
    # (docs/spec/instruments.md §12.3).
    with pytest.raises(OutOfValidatedRangeError):
        LnResponseParameters(**parameters)
