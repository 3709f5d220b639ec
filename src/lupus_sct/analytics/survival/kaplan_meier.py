"""Kaplan-Meier survival with Greenwood variance, pointwise limits, quantiles and numbers at risk.

References
----------
Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc.
1958;53:457-481. doi:10.1080/01621459.1958.10501452
Greenwood M. The natural duration of cancer. Reports on Public Health and Medical Subjects 33.
HMSO; 1926. (The variance of the product-limit estimate.)
Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics.
1982;38:29-41. doi:10.2307/2530286
Therneau TM, Grambsch PM. Modeling Survival Data: Extending the Cox Model. Springer; 2000.
doi:10.1007/978-1-4757-3294-8 (and R ``survival`` 3.5, ``survfit`` and ``quantile.survfit``).

Notes
-----
- ``S(t) = prod over event times t_j <= t of (1 - d_j / n_j)``; Greenwood:
  ``Var(log S(t)) = sum d_j / (n_j (n_j - d_j))`` and ``se(S) = S sqrt(Var(log S))``, the
  ``std.err`` that R's ``summary.survfit`` prints. Where S reaches 0 the standard error is NaN, as
  in R.
- R's ``survfit`` uses the log scale for limits by default; we default to log-log (the issue's
  choice, and lifelines' "exponential Greenwood"), which keeps limits inside ``[0, 1]``. Pass
  ``ci=CiScale.LOG`` to reproduce R's default.
- Quantiles follow R's ``quantile.survfit``: the ``p`` quantile is the first time at which
  ``1 - S`` reaches ``p`` (within ``sqrt(machine epsilon)``); where the curve is flat at exactly
  ``1 - p`` the midpoint of the flat stretch is returned. Its limits are the same quantile of the
  lower and upper pointwise limit curves (Brookmeyer & Crowley's inversion). Not reached: NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lupus_sct.analytics.survival.confidence import CiScale, confidence_limits, normal_quantile
from lupus_sct.analytics.survival.risk_sets import (
    FloatArray,
    IntArray,
    checked_events,
    checked_times,
    counts_at,
    frozen,
    tabulate,
)
from lupus_sct.domain.errors import InvalidValueError

QUANTILE_TOLERANCE = math.sqrt(np.finfo(np.float64).eps)  # R quantile.survfit default tolerance


@dataclass(frozen=True)
class SurvivalQuantile:
    """The time by which a fraction ``probability`` have had the event, with its limits."""

    probability: float
    time: float
    ci_lower: float
    ci_upper: float


@dataclass(frozen=True)
class SurvivalAtTimes:
    """The curve read at chosen times (R ``summary(fit, times=...)``)."""

    time: FloatArray
    n_risk: IntArray
    survival: FloatArray
    std_err: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray


@dataclass(frozen=True)
class KaplanMeierEstimate:
    """A Kaplan-Meier curve with one row per distinct observed time (read-only arrays)."""

    n: int
    events: int
    conf_level: float
    ci: CiScale
    time: FloatArray
    n_risk: IntArray
    n_event: IntArray
    n_censor: IntArray
    survival: FloatArray
    std_err: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray

    def quantile(self, probability: float) -> SurvivalQuantile:
        """The ``probability`` quantile of the event time (0.5: the median) with its limits."""
        if not 0.0 < probability < 1.0:
            raise InvalidValueError("probability", probability, "a probability between 0 and 1")
        last = float(self.time[-1])
        return SurvivalQuantile(
            probability=probability,
            time=_first_reaching(self.time, 1.0 - self.survival, probability, last),
            ci_lower=_first_reaching(self.time, 1.0 - self.ci_lower, probability, last),
            ci_upper=_first_reaching(self.time, 1.0 - self.ci_upper, probability, last),
        )

    @property
    def median(self) -> SurvivalQuantile:
        """The median event time with its limits (NaN where not reached)."""
        return self.quantile(0.5)

    def at(self, times: npt.ArrayLike) -> SurvivalAtTimes:
        """Numbers at risk and the curve (right-continuous) at chosen times."""
        points = checked_times(times, "times")
        row = np.searchsorted(self.time, points, side="right") - 1
        before = row < 0
        safe = np.maximum(row, 0)

        def read(values: FloatArray, start: float) -> FloatArray:
            return frozen(np.where(before, start, values[safe]))

        return SurvivalAtTimes(
            time=frozen(points),
            n_risk=frozen(counts_at(self.time, self.n_risk, points)),
            survival=read(self.survival, 1.0),
            std_err=read(self.std_err, 0.0),
            ci_lower=read(self.ci_lower, 1.0),
            ci_upper=read(self.ci_upper, 1.0),
        )


def kaplan_meier(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    *,
    ci: CiScale = CiScale.LOG_LOG,
    conf_level: float = 0.95,
) -> KaplanMeierEstimate:
    """Kaplan-Meier estimate with Greenwood standard errors and pointwise limits.

    Parameters
    ----------
    time
        Follow-up times, finite and ``>= 0``.
    event
        1 or true where the time is an event, 0 or false where it is censored.
    ci
        Scale of the pointwise limits: log-log (default), log (R's default) or plain.
    conf_level
        Confidence level of the limits, in (0, 1).

    Raises
    ------
    InvalidValueError
        A time is negative, infinite or missing; an event flag is not 0/1; lengths differ.
    """
    times = checked_times(time)
    events = checked_events(event, times.size)
    z = normal_quantile(conf_level)
    table = tabulate(times, events.astype(np.int64), 1)
    d = table.n_event[:, 0]
    n = table.n_risk
    survival = np.cumprod(1.0 - d / n)
    greenwood = np.cumsum(_greenwood_terms(d, n))
    with np.errstate(invalid="ignore"):
        std_err = survival * np.sqrt(greenwood)
    lower, upper = confidence_limits(survival, std_err, ci, z)
    return KaplanMeierEstimate(
        n=int(times.size),
        events=int(d.sum()),
        conf_level=conf_level,
        ci=ci,
        time=frozen(table.time),
        n_risk=frozen(n),
        n_event=frozen(d.copy()),
        n_censor=frozen(table.n_censor),
        survival=frozen(survival),
        std_err=frozen(std_err),
        ci_lower=frozen(lower),
        ci_upper=frozen(upper),
    )


def _greenwood_terms(d: IntArray, n: IntArray) -> FloatArray:
    """``d / (n (n - d))``, infinite where everyone at risk has the event (Greenwood 1926)."""
    n_f = n.astype(np.float64)
    terms = np.full(d.shape, np.inf)
    survivors = n > d
    np.divide(d, n_f * (n_f - d), out=terms, where=survivors)
    return terms


def _first_reaching(time: FloatArray, incidence: FloatArray, p: float, last_time: float) -> float:
    """R ``findq``: first time the non-decreasing curve reaches ``p``, midpoint on a flat at ``p``.

    ``incidence`` is ``1 - S`` (or ``1 -`` a limit curve); NaN entries are ignored, as R's
    ``approx`` drops them.
    """
    x = np.concatenate(([0.0], time))
    y = np.concatenate(([0.0], incidence))
    _, first = np.unique(y, return_index=True)
    keep = np.sort(first)
    x, y = x[keep], y[keep]
    defined = ~np.isnan(y)
    if not defined.any() or np.nanmax(y) < p:
        return math.nan
    last_y = y[-1]
    x, y = x[defined], y[defined]
    start = int(np.searchsorted(y + QUANTILE_TOLERANCE, p, side="left"))
    stop = int(np.searchsorted(y - QUANTILE_TOLERANCE, p, side="left"))
    if not np.isnan(last_y) and abs(p - last_y) < QUANTILE_TOLERANCE:
        return (float(x[start]) + last_time) / 2.0
    if start >= y.size or stop >= y.size:
        return math.nan
    return (float(x[start]) + float(x[stop])) / 2.0
