"""Our DL and PM pooling agrees with statsmodels.stats.meta_analysis.combine_effects.

statsmodels does not truncate the DL estimate at 0, so the comparison is made where the studies
are heterogeneous enough for both estimates to be positive (Q clearly above k - 1).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from statsmodels.stats.meta_analysis import combine_effects

from lupus_sct.analytics.meta_analysis import EffectSizes, Measure, Model, meta_analyse
from lupus_sct.analytics.meta_analysis.heterogeneity import cochran_q

studies = st.lists(
    st.tuples(
        st.floats(min_value=-3, max_value=3, allow_nan=False),
        st.floats(min_value=0.005, max_value=2.0, allow_nan=False),
    ),
    min_size=3,
    max_size=15,
)

METHODS = {Model.DL: "dl", Model.PM: "pm"}
# statsmodels iterates PM to an absolute tolerance of about 1e-5 on tau^2; we solve it to 1e-12.
RELATIVE_TOLERANCE = {Model.DL: 1e-6, Model.PM: 1e-4}


@settings(max_examples=60, deadline=None)
@given(data=studies, model=st.sampled_from([Model.DL, Model.PM]))
def test_random_effects_pooling_agrees_with_statsmodels(data, model) -> None:
    yi = np.array([y for y, _ in data])
    vi = np.array([v for _, v in data])
    assume(cochran_q(yi, vi) > 1.2 * (len(data) - 1) + 1)
    ours = meta_analyse(EffectSizes(Measure.GEN, tuple(yi), tuple(vi)), model)
    theirs = combine_effects(yi, vi, method_re=METHODS[model])
    rel = RELATIVE_TOLERANCE[model]
    assert ours.tau2 == pytest.approx(theirs.tau2, rel=rel, abs=1e-9)
    assert ours.estimate == pytest.approx(theirs.mean_effect_re, rel=rel, abs=1e-6)
    assert ours.se == pytest.approx(theirs.sd_eff_w_re, rel=rel)
    assert ours.q == pytest.approx(theirs.q, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(data=studies)
def test_hartung_knapp_agrees_with_statsmodels_hksj(data) -> None:
    yi = np.array([y for y, _ in data])
    vi = np.array([v for _, v in data])
    assume(cochran_q(yi, vi) > 1.2 * (len(data) - 1) + 1)
    ours = meta_analyse(
        EffectSizes(Measure.GEN, tuple(yi), tuple(vi)), Model.DL, hartung_knapp=True
    )
    theirs = combine_effects(yi, vi, method_re="dl", use_t=True)
    lower, upper = theirs.conf_int(use_t=True)[3]  # random effects, HKSJ variance, t(k-1)
    assert ours.se == pytest.approx(theirs.sd_eff_w_re_hksj, rel=1e-6)
    assert (ours.ci_lower, ours.ci_upper) == pytest.approx((lower, upper), rel=1e-6, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(data=studies)
def test_fixed_effect_agrees_with_statsmodels(data) -> None:
    yi = np.array([y for y, _ in data])
    vi = np.array([v for _, v in data])
    ours = meta_analyse(EffectSizes(Measure.GEN, tuple(yi), tuple(vi)), Model.FE)
    with np.errstate(all="ignore"):  # statsmodels divides by vi + tau2 with an untruncated tau2
        theirs = combine_effects(yi, vi, method_re="dl")
    assert ours.estimate == pytest.approx(theirs.mean_effect_fe, rel=1e-9, abs=1e-12)
    assert ours.se == pytest.approx(theirs.sd_eff_w_fe, rel=1e-9)
