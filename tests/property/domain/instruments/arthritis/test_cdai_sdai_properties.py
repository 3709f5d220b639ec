"""Invariants of CDAI and SDAI: SDAI = CDAI + CRP exactly, categories ordered with the score."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.arthritis.cdai_sdai import (
    ActivityIndex,
    CdaiComponents,
    activity_category,
    cdai,
    sdai,
)
from lupus_sct.domain.instruments.arthritis.das28 import DiseaseActivity

tenths = st.integers(min_value=0, max_value=100).map(lambda n: n / 10)
components = st.builds(CdaiComponents, st.integers(0, 28), st.integers(0, 28), tenths, tenths)
ORDER = list(DiseaseActivity)


@given(components, st.integers(min_value=0, max_value=500).map(lambda n: n / 10))
def test_sdai_is_cdai_plus_crp_as_an_exact_decimal_sum(c: CdaiComponents, crp: float) -> None:
    expected = Decimal(str(cdai(c).score)) + Decimal(str(crp))
    assert Decimal(str(sdai(c, crp).score)) == expected


@given(components)
def test_cdai_stays_within_0_to_76(c: CdaiComponents) -> None:
    assert 0 <= cdai(c).score <= 76


@given(
    st.sampled_from(list(ActivityIndex)),
    st.floats(min_value=0, max_value=100, allow_nan=False),
    st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_a_higher_score_never_has_a_lower_category(
    index: ActivityIndex, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    assert ORDER.index(activity_category(index, low)) <= ORDER.index(activity_category(index, high))
