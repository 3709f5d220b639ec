"""A responder proportion with its exact (Clopper-Pearson) and Wilson score intervals.

References
----------
Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case of the
binomial. Biometrika 1934;26:404-413. doi:10.1093/biomet/26.4.404
Wilson EB. Probable inference, the law of succession, and statistical inference. J Am Stat Assoc
1927;22:209-212. doi:10.1080/01621459.1927.10502953
Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
methods. Stat Med 1998;17:857-872 (worked examples in its Table II, used by the reference tests).

Notes
-----
- Clopper-Pearson: the lower limit is the ``alpha/2`` quantile of Beta(x, n - x + 1) (0 when
  ``x = 0``), the upper the ``1 - alpha/2`` quantile of Beta(x + 1, n - x) (1 when ``x = n``);
  R ``binom.test`` and SciPy ``binomtest(...).proportion_ci(method="exact")`` agree. We reuse
  :func:`lupus_sct.analytics.meta_analysis.exact_ci.clopper_pearson`.
- Wilson (score, without continuity correction): centre ``(x + z^2/2) / (n + z^2)`` and half-width
  ``z / (n + z^2) * sqrt(x (n - x) / n + z^2 / 4)``; SciPy's ``method="wilson"``.
- Valid input: whole numbers ``0 <= x <= n`` with ``n >= 1``; a level in (0, 1). With no evaluable
  patient there is no proportion: callers keep ``None`` rather than a 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from lupus_sct.analytics.meta_analysis.exact_ci import clopper_pearson
from lupus_sct.domain.errors import InvalidValueError


@dataclass(frozen=True)
class ProportionEstimate:
    """``events / total`` with Clopper-Pearson and Wilson limits (0-1 scale)."""

    events: int
    total: int
    conf_level: float
    proportion: float
    exact_lower: float
    exact_upper: float
    wilson_lower: float
    wilson_upper: float


def wilson_interval(events: int, total: int, conf_level: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for ``events`` out of ``total``, without continuity correction.

    Raises
    ------
    InvalidValueError
        ``total < 1``, ``events`` outside ``0..total`` or a level outside (0, 1).
    """
    _check(events, total, conf_level)
    z = NormalDist().inv_cdf(1.0 - (1.0 - conf_level) / 2.0)
    z2 = z * z
    centre = (events + z2 / 2.0) / (total + z2)
    half = z / (total + z2) * math.sqrt(events * (total - events) / total + z2 / 4.0)
    return max(0.0, centre - half), min(1.0, centre + half)


def estimate_proportion(events: int, total: int, conf_level: float = 0.95) -> ProportionEstimate:
    """The proportion with both intervals (Clopper & Pearson 1934; Wilson 1927)."""
    _check(events, total, conf_level)
    exact = clopper_pearson(events, total, conf_level)
    wilson_lower, wilson_upper = wilson_interval(events, total, conf_level)
    return ProportionEstimate(
        events=events,
        total=total,
        conf_level=conf_level,
        proportion=events / total,
        exact_lower=exact.ci_lower,
        exact_upper=exact.ci_upper,
        wilson_lower=wilson_lower,
        wilson_upper=wilson_upper,
    )


def _check(events: int, total: int, conf_level: float) -> None:
    if isinstance(total, bool) or total < 1:
        raise InvalidValueError("total", total, "a whole number >= 1")
    if isinstance(events, bool) or not 0 <= events <= total:
        raise InvalidValueError("events", events, f"a whole number in 0-{total}")
    if not 0.0 < conf_level < 1.0:
        raise InvalidValueError("conf_level", conf_level, "a confidence level between 0 and 1")
