"""Invariants of MAGIC 2016 staging: stages and grade in range, monotone in each organ."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.transplant.magic_2016 import (
    OrganStages,
    liver_stage,
    overall_grade,
    skin_stage,
)

stage = st.integers(min_value=0, max_value=4)
stages = st.builds(OrganStages, stage, stage, st.integers(0, 1), stage)


@given(
    st.floats(min_value=0, max_value=60, allow_nan=False),
    st.floats(min_value=0, max_value=60, allow_nan=False),
)
def test_a_higher_bilirubin_never_lowers_the_liver_stage(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert 0 <= liver_stage(low) <= liver_stage(high) <= 4


@given(
    st.floats(min_value=0, max_value=100, allow_nan=False),
    st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_more_rash_never_lowers_the_skin_stage(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert 0 <= skin_stage(low) <= skin_stage(high) <= 3


@given(stages, st.sampled_from(["skin", "liver", "upper_gi", "lower_gi"]))
def test_raising_one_organ_stage_never_lowers_the_overall_grade(s: OrganStages, organ: str) -> None:
    top = 1 if organ == "upper_gi" else 4
    raised = OrganStages(**{**_as_dict(s), organ: min(top, getattr(s, organ) + 1)})
    assert 0 <= overall_grade(s) <= overall_grade(raised) <= 4


def _as_dict(s: OrganStages) -> dict[str, int]:
    return {"skin": s.skin, "liver": s.liver, "upper_gi": s.upper_gi, "lower_gi": s.lower_gi}
