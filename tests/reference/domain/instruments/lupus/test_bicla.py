"""BICLA reference cases.

Source: the BICLA definition (Wallace DJ et al. Arthritis Rheum 2011;63(Suppl 10):S894; EMBLEM,
Ann Rheum Dis 2014;73:183-90; Mapi eprovide BICLA page), as transcribed in
docs/spec/instruments.md §5.2 with convention C8 and decision D11.
"""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.bicla import BiclaAssessment, assess_bicla
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade

A, B, C, D, E = BilagGrade.A, BilagGrade.B, BilagGrade.C, BilagGrade.D, BilagGrade.E
MUCO, MSK, RENAL = BilagDomain.MUCOCUTANEOUS, BilagDomain.MUSCULOSKELETAL, BilagDomain.RENAL
HAEM = BilagDomain.HAEMATOLOGICAL


def _bicla(**changes: Any) -> tuple[bool, tuple[int, ...]]:
    fields: dict[str, Any] = {
        "bilag_baseline": {MUCO: A, MSK: B},
        "bilag_followup": {MUCO: B, MSK: C},
        "sledai_baseline": 10,
        "sledai_followup": 8,
        "pga_baseline": 1.5,
        "pga_followup": 1.0,
    }
    fields.update(changes)
    result = assess_bicla(BiclaAssessment(**fields))
    return result.responder, result.unmet_criteria


def test_improvement_of_every_active_domain_without_worsening_is_a_response() -> None:
    # Wallace 2011: A -> B and B -> C, no new flare, SLEDAI-2K and PGA not worse.
    assert _bicla() == (True, ())


@pytest.mark.parametrize(
    ("muco_after", "msk_after", "responder"),
    [
        (B, C, True),
        (C, D, True),
        (D, D, True),
        (A, C, False),  # A unchanged
        (B, B, False),  # B unchanged
    ],
)
def test_every_baseline_a_must_reach_b_or_better_and_every_b_c_or_better(
    muco_after: BilagGrade, msk_after: BilagGrade, responder: bool
) -> None:
    # Wallace 2011, BICLA criterion 1.
    assert _bicla(bilag_followup={MUCO: muco_after, MSK: msk_after})[0] is responder


def test_a_new_a_prevents_response() -> None:
    # Wallace 2011, BICLA criterion 2 (new A as for SRI-4).
    assert _bicla(bilag_followup={MUCO: B, MSK: C, RENAL: A}) == (False, (2,))


def test_one_new_b_is_allowed_and_two_are_not() -> None:
    # Wallace 2011, BICLA criterion 2: no more than one new B.
    assert _bicla(bilag_followup={MUCO: B, MSK: C, RENAL: B}) == (True, ())
    assert _bicla(bilag_followup={MUCO: B, MSK: C, RENAL: B, HAEM: B}) == (False, (2,))


@pytest.mark.parametrize(("followup", "responder"), [(9, True), (10, True), (11, False)])
def test_the_sledai_2k_must_not_be_worse_than_baseline(followup: int, responder: bool) -> None:
    # Wallace 2011, BICLA criterion 3: follow-up <= baseline (10).
    assert _bicla(sledai_followup=followup)[0] is responder


@pytest.mark.parametrize(
    ("baseline", "followup", "responder"),
    [
        (1.0, 1.29, True),  # increase 0.29
        (0.4, 0.7, False),  # 0.7 - 0.4 == 0.29999999999999993, an increase of 0.3 (decision D11)
        (1.0, 1.3, False),  # increase 0.3
        (1.0, 1.31, False),  # increase 0.31
    ],
)
def test_a_pga_increase_of_0_3_or_more_makes_a_non_responder(
    baseline: float, followup: float, responder: bool
) -> None:
    # Wallace 2011 / Mapi, BICLA criterion 4: >=10% deterioration of the 0-3 PGA is 0.3.
    assert _bicla(pga_baseline=baseline, pga_followup=followup)[0] is responder


def test_treatment_failure_makes_a_non_responder() -> None:
    # Wallace 2011, BICLA criterion 5: no non-protocol treatment.
    assert _bicla(treatment_failure=True) == (False, (5,))


def test_a_domain_graded_at_baseline_but_missing_at_follow_up_is_an_input_error() -> None:
    # Convention C8.
    with pytest.raises(InvalidValueError):
        _bicla(bilag_followup={MUCO: B})


def test_a_domain_may_not_return_to_e() -> None:
    # Convention C8.
    with pytest.raises(InvalidValueError):
        _bicla(bilag_followup={MUCO: B, MSK: E})
