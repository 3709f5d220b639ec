"""Invariants of CTCAE v5.0 grading: grades stay in range and never fall as severity rises."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.transplant.ctcae_v5 import (
    CountUnit,
    CreatinineUnit,
    grade_alt_increased,
    grade_creatinine_increased,
    grade_neutrophil_count_decreased,
    grade_platelet_count_decreased,
)

counts = st.floats(min_value=0, max_value=20_000, allow_nan=False)
llns = st.floats(min_value=100, max_value=5_000, allow_nan=False)
creatinine = st.floats(min_value=0.1, max_value=40, allow_nan=False)
positive = st.floats(min_value=0.1, max_value=10, allow_nan=False)


def _g(grade: int | None) -> int:
    return 0 if grade is None else grade


@given(counts, counts, llns)
def test_a_lower_neutrophil_count_never_has_a_lower_grade(a: float, b: float, lln: float) -> None:
    low, high = sorted((a, b))
    g_low = grade_neutrophil_count_decreased(low, lln, CountUnit.PER_UL).grade
    g_high = grade_neutrophil_count_decreased(high, lln, CountUnit.PER_UL).grade
    assert _g(g_low) >= _g(g_high)
    assert _g(g_low) in range(5)


@given(st.floats(min_value=0, max_value=500_000, allow_nan=False), st.integers(1, 1000))
def test_a_platelet_count_is_graded_the_same_in_every_unit(value: float, lln_e3: int) -> None:
    lln = lln_e3 * 1000.0
    per_ul = grade_platelet_count_decreased(value, lln, CountUnit.PER_UL).grade
    per_mm3 = grade_platelet_count_decreased(value, lln, CountUnit.PER_MM3).grade
    x10e9 = grade_platelet_count_decreased(value / 1000, lln / 1000, CountUnit.X10E9_PER_L).grade
    assert per_ul == per_mm3 == x10e9


@given(creatinine, creatinine, positive, st.one_of(st.none(), positive))
def test_a_higher_creatinine_never_has_a_lower_grade(
    a: float, b: float, uln: float, baseline: float | None
) -> None:
    low, high = sorted((a, b))
    g_low = grade_creatinine_increased(low, uln, CreatinineUnit.MG_DL, baseline).grade
    g_high = grade_creatinine_increased(high, uln, CreatinineUnit.MG_DL, baseline).grade
    assert _g(g_low) <= _g(g_high) <= 4


@given(creatinine, positive, positive)
def test_knowing_the_baseline_never_lowers_the_creatinine_grade(
    value: float, uln: float, baseline: float
) -> None:
    # decision D6: the baseline family only adds criteria
    without = grade_creatinine_increased(value, uln, CreatinineUnit.MG_DL).grade
    with_baseline = grade_creatinine_increased(value, uln, CreatinineUnit.MG_DL, baseline).grade
    assert _g(with_baseline) >= _g(without)


@given(
    st.floats(min_value=0, max_value=5000, allow_nan=False),
    st.floats(min_value=0, max_value=5000, allow_nan=False),
    st.floats(min_value=5, max_value=100, allow_nan=False),
    st.one_of(st.none(), st.floats(min_value=1, max_value=500, allow_nan=False)),
)
def test_a_higher_alt_never_has_a_lower_grade(
    a: float, b: float, uln: float, baseline: float | None
) -> None:
    low, high = sorted((a, b))
    g_low = grade_alt_increased(low, uln, baseline).grade
    g_high = grade_alt_increased(high, uln, baseline).grade
    assert _g(g_low) <= _g(g_high) <= 4
