"""SRI-4 reference cases.

Source: Furie RA et al. Novel evidence-based systemic lupus erythematosus responder index.
Arthritis Rheum 2009;61:1143-51 (SELENA-SLEDAI reduction >=4; no new BILAG A and no more than
one new BILAG B; PGA worsening <0.3), as transcribed in docs/spec/instruments.md §5.1
with convention C8 and decision D11.
"""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sri_4 import (
    Sri4Assessment,
    assess_sri_4,
    new_bilag_a_domains,
    new_bilag_b_domains,
)

A, B, C, D, E = BilagGrade.A, BilagGrade.B, BilagGrade.C, BilagGrade.D, BilagGrade.E
MUCO, MSK, RENAL = BilagDomain.MUCOCUTANEOUS, BilagDomain.MUSCULOSKELETAL, BilagDomain.RENAL
HAEM = BilagDomain.HAEMATOLOGICAL


def _responder(**changes: Any) -> bool:
    fields: dict[str, Any] = {
        "sledai_baseline": 10,
        "sledai_followup": 6,
        "bilag_baseline": {MUCO: B, MSK: B},
        "bilag_followup": {MUCO: C, MSK: C},
        "pga_baseline": 1.5,
        "pga_followup": 1.0,
    }
    fields.update(changes)
    return assess_sri_4(Sri4Assessment(**fields)).responder


def test_a_4_point_fall_without_new_bilag_flare_or_pga_worsening_is_a_response() -> None:
    # Furie 2009: all three SRI components met.
    assert _responder() is True


@pytest.mark.parametrize(("followup", "responder"), [(7, False), (6, True), (5, True)])
def test_the_sledai_must_fall_by_at_least_4(followup: int, responder: bool) -> None:
    # Furie 2009: SELENA-SLEDAI reduction >=4 from a baseline of 10.
    assert _responder(sledai_followup=followup) is responder


def test_a_new_bilag_a_prevents_response() -> None:
    # Furie 2009: no new BILAG A domain score.
    assert _responder(bilag_followup={MUCO: C, MSK: C, RENAL: A}) is False


def test_one_new_bilag_b_is_allowed_and_two_are_not() -> None:
    # Furie 2009: no more than one new BILAG B domain score.
    assert _responder(bilag_followup={MUCO: C, MSK: C, RENAL: B}) is True
    assert _responder(bilag_followup={MUCO: C, MSK: C, RENAL: B, HAEM: B}) is False


def test_a_persisting_b_and_an_a_improving_to_b_are_not_new_bs() -> None:
    # docs/spec/instruments.md §5.1 pitfalls: a persisting B is not new; A -> B is an improvement.
    baseline, followup = {MUCO: B, RENAL: A}, {MUCO: B, RENAL: B}
    assert new_bilag_b_domains(baseline, followup) == ()


def test_a_follow_up_a_that_was_a_at_baseline_is_not_a_new_a() -> None:
    # docs/spec/instruments.md §5.1: a new A was not A at baseline.
    assert new_bilag_a_domains({RENAL: A}, {RENAL: A}) == ()


@pytest.mark.parametrize("before", [B, C, D, E])
def test_a_follow_up_a_that_was_b_to_e_at_baseline_is_a_new_a(before: BilagGrade) -> None:
    # docs/spec/instruments.md §5.1; convention C8 (a domain absent at baseline is E).
    assert new_bilag_a_domains({RENAL: before}, {RENAL: A}) == (RENAL,)


def test_a_domain_absent_at_both_visits_is_e_at_both_and_never_new() -> None:
    # Convention C8.
    assert new_bilag_b_domains({}, {}) == ()
    assert new_bilag_a_domains({}, {}) == ()


@pytest.mark.parametrize(
    ("baseline", "followup", "responder"),
    [
        (1.0, 1.29, True),  # increase 0.29
        (1.0, 1.3, False),  # 1.3 - 1.0 == 0.30000000000000004; an increase of 0.3 (decision D11)
        (
            0.4,
            0.7,
            False,
        ),  # 0.7 - 0.4 == 0.29999999999999993; an increase of 0.3 (decision D11)
        (1.0, 1.31, False),  # increase 0.31
        (2.0, 0.0, True),  # improvement
    ],
)
def test_the_pga_must_not_worsen_by_0_3_or_more(
    baseline: float, followup: float, responder: bool
) -> None:
    # Furie 2009: PGA worsening <0.3 points; decision D11 for the robust difference.
    assert _responder(pga_baseline=baseline, pga_followup=followup) is responder


def test_treatment_failure_makes_a_non_responder() -> None:
    # Navarra 2011 (BLISS-52): rescue medication or dropout is non-response.
    assert _responder(treatment_failure=True) is False


def test_a_domain_graded_at_baseline_but_missing_at_follow_up_is_an_input_error() -> None:
    # Convention C8.
    with pytest.raises(InvalidValueError):
        _responder(bilag_followup={MUCO: C})


def test_a_domain_may_not_return_to_e() -> None:
    # Convention C8: a domain may not return to E after being A-D.
    with pytest.raises(InvalidValueError):
        _responder(bilag_followup={MUCO: E, MSK: C})


@pytest.mark.parametrize(
    "changes", [{"sledai_baseline": 106}, {"pga_followup": 3.2}, {"sledai_followup": -1}]
)
def test_values_outside_their_validated_range_are_refused(changes: dict[str, Any]) -> None:
    # docs/spec/instruments.md §12.3: SELENA-SLEDAI 0-105, PGA 0-3.
    with pytest.raises(InvalidValueError):
        _responder(**changes)
