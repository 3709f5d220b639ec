"""Exact (Clopper-Pearson) confidence intervals for one study's proportion.

References
----------
Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case of the
binomial. Biometrika 1934;26(4):404-413. doi:10.1093/biomet/26.4.404.

Notes
-----
metafor's ``escalc`` gives Wald-type study CIs on the analysis scale; for single proportions we
also report the exact interval from beta quantiles (``binom.test`` in R): the lower limit is 0 when
``x = 0`` and the upper limit is 1 when ``x = n``. Valid input: whole numbers ``0 <= x <= n``,
``n >= 1``, ``level`` in (0, 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from lupus_sct.analytics.meta_analysis.distributions import beta_quantile
from lupus_sct.domain.errors import InvalidValueError


@dataclass(frozen=True)
class ProportionInterval:
    """A proportion ``events / total`` with its exact confidence limits (0-1 scale)."""

    events: int
    total: int
    proportion: float
    ci_lower: float
    ci_upper: float


def clopper_pearson(events: int, total: int, level: float = 0.95) -> ProportionInterval:
    """Exact binomial confidence interval for ``events`` out of ``total``."""
    if total < 1:
        raise InvalidValueError("total", total, "a whole number >= 1")
    if not 0 <= events <= total:
        raise InvalidValueError("events", events, f"a whole number in 0-{total}")
    if not 0 < level < 1:
        raise InvalidValueError("level", level, "a confidence level between 0 and 1")
    alpha = 1 - level
    lower = 0.0 if events == 0 else (beta_quantile(alpha / 2, events, total - events + 1))
    upper = 1.0 if events == total else (beta_quantile(1 - alpha / 2, events + 1, total - events))
    return ProportionInterval(events, total, events / total, lower, upper)
