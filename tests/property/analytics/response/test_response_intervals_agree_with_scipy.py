"""Our Clopper-Pearson and Wilson limits agree with SciPy's ``binomtest(...).proportion_ci``
(a peer implementation), and our Cox expected survival with lifelines' Breslow prediction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import CoxPHFitter
from scipy.stats import binomtest

from lupus_sct.analytics.cox_expected_survival import fit_expected_survival
from lupus_sct.analytics.response import estimate_proportion


@st.composite
def counts(draw: st.DrawFn) -> tuple[int, int, float]:
    n = draw(st.integers(1, 400))
    return draw(st.integers(0, n)), n, draw(st.sampled_from([0.8, 0.9, 0.95, 0.99]))


@given(counts())
@settings(max_examples=200, deadline=None)
def test_intervals_agree_with_scipy_binomtest(case: tuple[int, int, float]) -> None:
    x, n, level = case
    ours = estimate_proportion(x, n, level)
    peer = binomtest(x, n)
    exact = peer.proportion_ci(confidence_level=level, method="exact")
    wilson = peer.proportion_ci(confidence_level=level, method="wilson")
    assert (ours.exact_lower, ours.exact_upper) == pytest.approx((exact.low, exact.high), abs=1e-9)
    assert (ours.wilson_lower, ours.wilson_upper) == pytest.approx(
        (wilson.low, wilson.high), abs=1e-9
    )
    assert ours.exact_lower <= ours.proportion <= ours.exact_upper


def test_expected_survival_agrees_with_lifelines_breslow_prediction() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 2))
    time = rng.exponential(365 * np.exp(-0.5 * x[:, 0]))
    event = rng.random(60) < 0.7
    ours = fit_expected_survival(time, event, x, ("a", "b")).survival_at(x[:5], 365.0)
    frame = pd.DataFrame({"t": time, "e": event.astype(int), "a": x[:, 0], "b": x[:, 1]})
    peer = CoxPHFitter(baseline_estimation_method="breslow").fit(frame, "t", "e")
    curves = peer.predict_survival_function(frame[["a", "b"]].iloc[:5])
    # read lifelines' step function at 365 (its ``times=`` argument interpolates)
    expected = curves[curves.index <= 365].iloc[-1].to_numpy()
    assert ours == pytest.approx(expected, abs=1e-4)
