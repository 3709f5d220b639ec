"""Invariants of ASTCT 2019 CRS and ICANS grading: grades in range and monotone in severity."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.transplant.astct_2019 import (
    HYPOTENSION_GRADE,
    CerebralEdema,
    Consciousness,
    CrsAssessment,
    Hypotension,
    IcansAssessment,
    OxygenSupport,
    Seizure,
    grade_crs,
    grade_icans,
)

fixed_oxygen = [o for o in OxygenSupport if o is not OxygenSupport.NASAL_CANNULA]


@given(
    st.floats(min_value=30, max_value=45, allow_nan=False),
    st.sampled_from(list(Hypotension)),
    st.sampled_from(list(Hypotension)),
    st.sampled_from(fixed_oxygen),
    st.booleans(),
)
def test_worse_hypotension_never_lowers_the_crs_grade(
    temp: float, a: Hypotension, b: Hypotension, oxygen: OxygenSupport, treated: bool
) -> None:
    low, high = sorted((a, b), key=HYPOTENSION_GRADE.__getitem__)
    g_low = grade_crs(CrsAssessment(temp, low, oxygen, None, treated)).grade
    g_high = grade_crs(CrsAssessment(temp, high, oxygen, None, treated)).grade
    assert 0 <= g_low <= g_high <= 4


@given(
    st.floats(min_value=30, max_value=45, allow_nan=False),
    st.floats(min_value=0, max_value=60, allow_nan=False),
    st.floats(min_value=0, max_value=60, allow_nan=False),
)
def test_more_oxygen_flow_never_lowers_the_crs_grade(temp: float, a: float, b: float) -> None:
    low, high = sorted((a, b))
    nc = OxygenSupport.NASAL_CANNULA
    g_low = grade_crs(CrsAssessment(temp, Hypotension.NONE, nc, low)).grade
    g_high = grade_crs(CrsAssessment(temp, Hypotension.NONE, nc, high)).grade
    assert g_low <= g_high


@given(
    st.integers(min_value=0, max_value=10),
    st.integers(min_value=0, max_value=10),
    st.sampled_from(list(Consciousness)),
    st.sampled_from(list(Seizure)),
    st.sampled_from(list(CerebralEdema)),
    st.booleans(),
)
def test_a_lower_ice_score_never_lowers_the_icans_grade(
    a: int,
    b: int,
    consciousness: Consciousness,
    seizure: Seizure,
    edema: CerebralEdema,
    weakness: bool,
) -> None:
    low, high = sorted((a, b))
    g_low = grade_icans(IcansAssessment(low, consciousness, False, seizure, weakness, edema))
    g_high = grade_icans(IcansAssessment(high, consciousness, False, seizure, weakness, edema))
    assert 4 >= g_low.grade >= g_high.grade >= 0
