"""Funnel-plot control limits for a proportion (Spiegelhalter 2005), exact binomial.

References
----------
Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
2005;24:1185-1202. doi:10.1002/sim.1970 (section 3.1 and appendix A.1.1: exact binomial limits
with interpolation between the attainable proportions).

Notes
-----
For a target proportion ``p0`` and ``n`` cases, the limit at tail probability ``p`` is
``(r_p - alpha) / n`` where ``r_p`` is the smallest ``r`` with ``P(R <= r) >= p`` for
``R ~ Binomial(n, p0)`` and ``alpha = (P(R <= r_p) - p) / (P(R <= r_p) - P(R <= r_p - 1))``; the
interpolation makes the limits smooth in ``n``. The usual limits are the 95% (2 SD,
``p = 0.025, 0.975``) and 99.8% (3 SD, ``p = 0.001, 0.999``) bands; results are cut to [0, 1].
Valid input: ``0 < p0 < 1``, ``n >= 1``, ``0 < p < 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from lupus_sct.domain.errors import InvalidValueError

INNER_TAIL = 0.025  # Spiegelhalter 2005: 95% limits (about 2 SD)
OUTER_TAIL = 0.001  # Spiegelhalter 2005: 99.8% limits (about 3 SD)


@dataclass(frozen=True)
class FunnelLimits:
    """Lower and upper 95% and 99.8% control limits at one number of cases."""

    n: int
    inner_lower: float
    inner_upper: float
    outer_lower: float
    outer_upper: float


def binomial_limit(target: float, n: int, probability: float) -> float:
    """The interpolated exact binomial limit at tail probability ``probability``."""
    if not 0.0 < target < 1.0:
        raise InvalidValueError("target", target, "a proportion strictly between 0 and 1")
    if isinstance(n, bool) or n < 1:
        raise InvalidValueError("n", n, "a whole number of cases >= 1")
    if not 0.0 < probability < 1.0:
        raise InvalidValueError("probability", probability, "a probability between 0 and 1")
    r = float(stats.binom.ppf(probability, n, target))
    at_r = float(stats.binom.cdf(r, n, target))
    below_r = float(stats.binom.cdf(r - 1.0, n, target))
    alpha = (at_r - probability) / (at_r - below_r)
    return min(1.0, max(0.0, (r - alpha) / n))


def funnel_limits(target: float, n: int) -> FunnelLimits:
    """95% and 99.8% control limits around ``target`` for ``n`` cases."""
    return FunnelLimits(
        n=n,
        inner_lower=binomial_limit(target, n, INNER_TAIL),
        inner_upper=binomial_limit(target, n, 1.0 - INNER_TAIL),
        outer_lower=binomial_limit(target, n, OUTER_TAIL),
        outer_upper=binomial_limit(target, n, 1.0 - OUTER_TAIL),
    )
