"""Invariants of ACR20/50/70: the levels are nested (ACR70 implies ACR50 implies ACR20)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.arthritis.acr_response import AcrCoreSet, acr_response

vas = st.floats(min_value=0, max_value=100, allow_nan=False)


def core_sets(min_joints: int) -> st.SearchStrategy[AcrCoreSet]:
    return st.builds(
        AcrCoreSet,
        st.integers(min_joints, 68),
        st.integers(min_joints, 66),
        vas,
        vas,
        vas,
        st.floats(min_value=0, max_value=3, allow_nan=False),
        st.floats(min_value=0, max_value=150, allow_nan=False),
    )


@given(core_sets(1), core_sets(0))
def test_acr_levels_are_nested(baseline: AcrCoreSet, followup: AcrCoreSet) -> None:
    result = acr_response(baseline, followup)
    assert result.acr20 or not result.acr50
    assert result.acr50 or not result.acr70


@given(core_sets(1))
def test_no_change_is_never_a_response(baseline: AcrCoreSet) -> None:
    result = acr_response(baseline, baseline)
    assert not result.acr20
