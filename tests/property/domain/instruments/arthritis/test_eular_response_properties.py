"""Invariants of the EULAR response: a larger improvement never gives a worse response."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.arthritis.eular_response import EularResponse, eular_response

das = st.floats(min_value=0, max_value=10, allow_nan=False)
RANK = {EularResponse.NONE: 0, EularResponse.MODERATE: 1, EularResponse.GOOD: 2}


@given(das, das, das)
def test_a_higher_baseline_never_worsens_the_response(a: float, b: float, followup: float) -> None:
    low, high = sorted((a, b))
    assert (
        RANK[eular_response(low, followup).response]
        <= RANK[eular_response(high, followup).response]
    )


@given(das, das)
def test_worsening_is_never_a_response(baseline: float, followup: float) -> None:
    if followup >= baseline:
        assert eular_response(baseline, followup).response is EularResponse.NONE
