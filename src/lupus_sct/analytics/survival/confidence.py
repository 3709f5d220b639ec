"""Pointwise confidence limits on three scales, and the normal and chi-square tail areas.

References
----------
Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. 2nd ed. Wiley; 2002,
section 1.4 (log and log-log transformed limits). doi:10.1002/9781118032985
Borgan O, Liestol K. A note on confidence intervals and bands for the survival function based on
transformations. Scand J Stat. 1990;17:35-41.
Abramowitz M, Stegun IA. Handbook of Mathematical Functions. 1964, formulas 26.4.4 and 26.4.5
(chi-square tail area for whole-number degrees of freedom).

Notes
-----
The limits follow R ``survival``'s ``survfit_confint`` (Therneau, version 3.5):

- ``plain``: ``p -/+ z se``, cut to ``[0, 1]``;
- ``log``: ``p exp(-/+ z se / p)``, upper limit cut at 1;
- ``log-log``: ``p ** exp(-/+ z se / (p log p))``, which always lies in ``[0, 1]``.

``se`` is the standard error of the estimate ``p`` itself. R returns NA where ``p`` is 1 on the
log-log scale and where ``p`` is 0 on the log and log-log scales; where the standard error is 0 (a
survival of 1 before any event, a cumulative incidence of 0 before any event of its cause) we
return the degenerate interval ``[p, p]``, its limit as the standard error goes to 0, as lifelines
does. Where ``p`` is 0 with a positive or undefined standard error we return NaN, as R does.
The tail areas use only the standard library (``math.erfc``), so no SciPy is needed at run time;
the tests check them against SciPy.
"""

from __future__ import annotations

import math
from enum import StrEnum
from statistics import NormalDist

import numpy as np

from lupus_sct.analytics.survival.risk_sets import FloatArray
from lupus_sct.domain.errors import InvalidValueError


class CiScale(StrEnum):
    """The scale on which a pointwise confidence interval is symmetric."""

    LOG_LOG = "log-log"
    LOG = "log"
    PLAIN = "plain"


def normal_quantile(conf_level: float) -> float:
    """The two-sided standard normal critical value for a confidence level in (0, 1)."""
    if not 0.0 < conf_level < 1.0:
        raise InvalidValueError("conf_level", conf_level, "a confidence level between 0 and 1")
    return NormalDist().inv_cdf(1.0 - (1.0 - conf_level) / 2.0)


def confidence_limits(
    estimate: FloatArray, std_err: FloatArray, scale: CiScale, z: float
) -> tuple[FloatArray, FloatArray]:
    """Lower and upper pointwise limits of probabilities ``estimate`` with standard errors."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if scale is CiScale.PLAIN:
            lower = np.maximum(estimate - z * std_err, 0.0)
            upper = np.minimum(estimate + z * std_err, 1.0)
        elif scale is CiScale.LOG:
            spread = np.exp(z * std_err / estimate)
            lower = estimate / spread
            upper = np.minimum(estimate * spread, 1.0)
        else:
            exponent = np.exp(z * std_err / (estimate * np.log(estimate)))
            lower = estimate ** (1.0 / exponent)
            upper = estimate**exponent
    degenerate = std_err == 0.0
    lower = np.where(degenerate, estimate, lower)
    upper = np.where(degenerate, estimate, upper)
    undefined = (estimate == 0.0) & ~degenerate
    if scale is not CiScale.PLAIN:
        lower = np.where(undefined | np.isnan(std_err), np.nan, lower)
        upper = np.where(undefined | np.isnan(std_err), np.nan, upper)
    return lower, upper


def two_sided_normal_p(z: float) -> float:
    """``P(|Z| >= |z|)`` for a standard normal ``Z``."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def chi_square_sf(statistic: float, df: int) -> float:
    """Upper tail area of the chi-square distribution with whole-number ``df`` (A&S 26.4.4-5)."""
    if df < 1:
        raise InvalidValueError("df", df, "a whole number of degrees of freedom of at least 1")
    x = max(statistic, 0.0)
    half = x / 2.0
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for k in range(1, df // 2):
            term *= half / k
            total += term
        return min(1.0, math.exp(-half) * total)
    root = math.sqrt(x)
    tail = math.erfc(root / math.sqrt(2.0))
    if df == 1:
        return tail
    term = math.sqrt(2.0 * x / math.pi) * math.exp(-half)
    total = term
    for k in range(3, df, 2):
        term *= x / k
        total += term
    return min(1.0, tail + total)
