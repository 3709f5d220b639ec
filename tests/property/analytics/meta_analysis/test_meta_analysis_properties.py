"""Invariants of the engine: tau^2 >= 0, CI contains the estimate, weights sum to 100, the
prediction interval contains the CI, and leave-one-out/subgroups refit consistent subsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupus_sct.analytics.meta_analysis import (
    EffectSizes,
    Measure,
    Model,
    leave_one_out,
    meta_analyse,
    subgroup_analysis,
)

studies = st.lists(
    st.tuples(
        st.floats(min_value=-3, max_value=3, allow_nan=False),
        st.floats(min_value=0.005, max_value=2.0, allow_nan=False),
    ),
    min_size=2,
    max_size=12,
)


@settings(max_examples=80, deadline=None)
@given(data=studies, model=st.sampled_from(list(Model)), hk=st.booleans())
def test_every_fit_is_internally_consistent(data, model, hk) -> None:
    effects = EffectSizes(Measure.GEN, tuple(y for y, _ in data), tuple(v for _, v in data))
    result = meta_analyse(effects, model, hartung_knapp=hk)
    assert result.tau2 >= 0
    assert result.ci_lower <= result.estimate <= result.ci_upper
    assert sum(s.weight for s in result.studies) == pytest.approx(100)
    assert result.pi_lower is not None
    assert result.pi_upper is not None
    assert result.pi_lower <= result.ci_lower + 1e-12
    assert result.pi_upper >= result.ci_upper - 1e-12
    assert 0 <= result.i2 <= 100


@settings(max_examples=20, deadline=None)
@given(data=studies.filter(lambda d: len(d) >= 4))
def test_leave_one_out_and_subgroups_refit_the_right_studies(data) -> None:
    effects = EffectSizes(Measure.GEN, tuple(y for y, _ in data), tuple(v for _, v in data))
    for item in leave_one_out(effects, Model.DL):
        assert item.result.k == effects.k - 1
    groups = ["a" if i % 2 == 0 else "b" for i in range(effects.k)]
    analysis = subgroup_analysis(effects, groups, Model.DL)
    assert [g.result.k for g in analysis.subgroups] == [groups.count("a"), groups.count("b")]
    assert analysis.q_between >= 0
    assert analysis.q_between_df == 1
