"""Invariants of DAS28: increasing in each component, categories ordered with the score."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.arthritis.das28 import (
    Das28Inputs,
    Das28Variant,
    DiseaseActivity,
    das28_category,
    das28_score,
)

joints = st.integers(min_value=0, max_value=28)
esr = st.floats(min_value=1, max_value=200, allow_nan=False)
crp = st.floats(min_value=0, max_value=500, allow_nan=False)
vas = st.floats(min_value=0, max_value=100, allow_nan=False)
inputs = st.builds(Das28Inputs, joints, joints, esr, crp, vas)
ORDER = list(DiseaseActivity)


def _bump(i: Das28Inputs, field: str) -> Das28Inputs:
    caps = {"tjc28": 28, "sjc28": 28, "esr_mm_h": 200.0, "crp_mg_l": 500.0}
    caps["patient_global_mm"] = 100.0
    value = getattr(i, field)
    raised = min(caps[field], value + 1)
    return Das28Inputs(**{**_fields(i), field: raised})


def _fields(i: Das28Inputs) -> dict[str, object]:
    return {
        "tjc28": i.tjc28,
        "sjc28": i.sjc28,
        "esr_mm_h": i.esr_mm_h,
        "crp_mg_l": i.crp_mg_l,
        "patient_global_mm": i.patient_global_mm,
    }


@given(
    inputs,
    st.sampled_from(list(Das28Variant)),
    st.sampled_from(["tjc28", "sjc28", "esr_mm_h", "crp_mg_l", "patient_global_mm"]),
)
def test_das28_never_falls_when_a_component_rises(
    i: Das28Inputs, variant: Das28Variant, field: str
) -> None:
    assert das28_score(variant, _bump(i, field)) >= das28_score(variant, i)


@given(inputs, st.sampled_from(list(Das28Variant)))
def test_das28_stays_within_0_to_10(i: Das28Inputs, variant: Das28Variant) -> None:
    assert 0 <= das28_score(variant, i) <= 10


@given(
    st.floats(min_value=0, max_value=10, allow_nan=False),
    st.floats(min_value=0, max_value=10, allow_nan=False),
)
def test_a_higher_das28_never_has_a_lower_category(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert ORDER.index(das28_category(low)) <= ORDER.index(das28_category(high))
