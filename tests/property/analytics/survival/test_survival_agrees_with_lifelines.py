"""Our Kaplan-Meier and Aalen-Johansen agree with lifelines, the peer library, on random data.

lifelines 0.30 is the oracle: ``KaplanMeierFitter`` (survival, the Greenwood sum it keeps in
``_cumulative_sq_``, and its log-log "exponential Greenwood" limits) and ``AalenJohansenFitter``
(cumulative incidence and its delta-method ``variance_``). Aalen-Johansen data have distinct
times because lifelines jitters tied times of different causes at random. Where everyone at risk
fails lifelines returns 0 (Kaplan-Meier Greenwood term) or NaN (Aalen-Johansen variance) and we
return NaN or the limit 0: those rows are compared only where both are defined.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupus_sct.analytics.survival import (
    CifVariance,
    CiScale,
    cumulative_incidence,
    kaplan_meier,
)
from lupus_sct.analytics.survival.confidence import chi_square_sf

lifelines = pytest.importorskip("lifelines")  # dev dependency: the oracle, never used in src
scipy_stats = pytest.importorskip("scipy.stats")
KaplanMeierFitter = lifelines.KaplanMeierFitter
AalenJohansenFitter = lifelines.AalenJohansenFitter

subjects = st.integers(min_value=1, max_value=60)


@st.composite
def censored_times(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Integer times (so with ties) and event flags."""
    n = draw(subjects)
    times = draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
    events = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return np.array(times, dtype=float), np.array(events)


@st.composite
def competing_times(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Distinct times and status codes 0 (censored), 1 and 2."""
    times = draw(st.lists(st.integers(1, 500), min_size=1, max_size=60, unique=True))
    codes = draw(st.lists(st.integers(0, 2), min_size=len(times), max_size=len(times)))
    return np.array(times, dtype=float), np.array(codes)


@settings(max_examples=200, deadline=None)
@given(censored_times())
def test_kaplan_meier_survival_and_greenwood_variance_equal_lifelines(
    data: tuple[np.ndarray, np.ndarray],
) -> None:
    times, events = data
    ours = kaplan_meier(times, events, ci=CiScale.LOG_LOG)
    peer = KaplanMeierFitter().fit(times, events)
    survival = peer.survival_function_.loc[ours.time].to_numpy()[:, 0]
    np.testing.assert_allclose(ours.survival, survival, rtol=1e-12, atol=1e-14)
    alive = ours.survival > 0
    greenwood = peer._cumulative_sq_.loc[ours.time].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ours_greenwood = (ours.std_err / ours.survival) ** 2
    np.testing.assert_allclose(ours_greenwood[alive], greenwood[alive], rtol=1e-10, atol=1e-14)
    limits = peer.confidence_interval_.loc[ours.time].to_numpy()
    inside = alive & (ours.survival < 1)
    np.testing.assert_allclose(ours.ci_lower[inside], limits[inside, 0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.ci_upper[inside], limits[inside, 1], rtol=1e-9, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(competing_times(), st.sampled_from([1, 2]))
def test_aalen_johansen_incidence_and_delta_variance_equal_lifelines(
    data: tuple[np.ndarray, np.ndarray], cause: int
) -> None:
    times, codes = data
    if not (codes == cause).any():
        return
    ours = cumulative_incidence(times, codes, variance=CifVariance.DELTA).cause(cause)
    peer = AalenJohansenFitter(calculate_variance=True).fit(times, codes, event_of_interest=cause)
    cif = peer.cumulative_density_.loc[ours.time].to_numpy()[:, 0]
    np.testing.assert_allclose(ours.cif, cif, rtol=1e-12, atol=1e-14)
    variance = peer.variance_.loc[ours.time].to_numpy()
    defined = np.isfinite(variance)
    np.testing.assert_allclose(ours.std_err[defined] ** 2, variance[defined], rtol=1e-8, atol=1e-12)


@given(st.floats(0, 200, allow_nan=False), st.integers(1, 12))
def test_chi_square_tail_area_equals_scipy(statistic: float, df: int) -> None:
    expected = float(scipy_stats.chi2.sf(statistic, df))
    assert chi_square_sf(statistic, df) == pytest.approx(expected, rel=1e-9, abs=1e-300)


@settings(max_examples=100, deadline=None)
@given(censored_times())
def test_survival_never_increases_and_limits_bracket_it(
    data: tuple[np.ndarray, np.ndarray],
) -> None:
    times, events = data
    for scale in CiScale:
        fit = kaplan_meier(times, events, ci=scale)
        assert np.all(np.diff(fit.survival) <= 0)
        defined = ~np.isnan(fit.ci_lower)
        assert np.all(fit.ci_lower[defined] <= fit.survival[defined] + 1e-12)
        assert np.all(fit.ci_upper[defined] >= fit.survival[defined] - 1e-12)
