"""Clopper-Pearson and Wilson intervals, and funnel-plot limits, against published values.

Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
methods. Stat Med 1998;17:857-872, Table II (95% limits printed to 4 decimals): method 3 is the
Wilson score interval without continuity correction, method 5 the Clopper-Pearson "exact" one.
"""

from __future__ import annotations

import pytest
from scipy import stats

from lupus_sct.analytics.response import estimate_proportion, wilson_interval
from lupus_sct.analytics.spiegelhalter_2005 import binomial_limit, funnel_limits
from lupus_sct.domain.errors import InvalidValueError

NEWCOMBE_1998_TABLE_II = [
    # (x, n, Wilson lower, Wilson upper, exact lower, exact upper)
    (81, 263, 0.2553, 0.3662, 0.2527, 0.3676),
    (15, 148, 0.0624, 0.1605, 0.0578, 0.1617),
    (0, 20, 0.0000, 0.1611, 0.0000, 0.1684),
    (1, 29, 0.0061, 0.1718, 0.0009, 0.1776),
]


@pytest.mark.parametrize(("x", "n", "w_lo", "w_hi", "e_lo", "e_hi"), NEWCOMBE_1998_TABLE_II)
def test_intervals_match_newcombe_1998_table_ii(
    x: int, n: int, w_lo: float, w_hi: float, e_lo: float, e_hi: float
) -> None:
    estimate = estimate_proportion(x, n)
    assert (round(estimate.wilson_lower, 4), round(estimate.wilson_upper, 4)) == (w_lo, w_hi)
    assert (round(estimate.exact_lower, 4), round(estimate.exact_upper, 4)) == (e_lo, e_hi)


def test_five_of_six_has_the_exact_interval_of_the_beta_quantiles() -> None:
    # Clopper & Pearson 1934: limits are Beta(0.025; 5, 2) and Beta(0.975; 6, 1); the upper one
    # solves u ** 6 = 0.975 in closed form, u = 0.99579 (0.359-0.996 to 3 decimals).
    estimate = estimate_proportion(5, 6)
    assert round(estimate.exact_lower, 3) == 0.359
    assert estimate.exact_upper == pytest.approx(0.975 ** (1 / 6), abs=1e-12)


def test_an_empty_denominator_is_refused_rather_than_read_as_zero() -> None:
    with pytest.raises(InvalidValueError, match="total"):
        wilson_interval(0, 0)


def test_funnel_limit_interpolates_between_binomial_quantiles_as_spiegelhalter_2005() -> None:
    # Hand-worked from the Binomial(10, 0.5) table: P(R<=7) = 968/1024, P(R<=8) = 1013/1024, so
    # r = 8, alpha = (1013/1024 - 0.975) / (45/1024) and the limit is (8 - alpha) / 10
    # (Spiegelhalter 2005, appendix A.1.1).
    alpha = (1013 / 1024 - 0.975) / (45 / 1024)
    assert binomial_limit(0.5, 10, 0.975) == pytest.approx((8 - alpha) / 10, abs=1e-12)


def test_funnel_limits_approach_the_normal_limits_for_large_n() -> None:
    # Spiegelhalter 2005 section 3.1: p0 +/- z sqrt(p0 (1 - p0) / n) for large n.
    limits = funnel_limits(0.8, 10_000)
    half = stats.norm.ppf(0.975) * (0.8 * 0.2 / 10_000) ** 0.5
    assert limits.inner_lower == pytest.approx(0.8 - half, abs=2e-4)
    assert limits.inner_upper == pytest.approx(0.8 + half, abs=2e-4)
