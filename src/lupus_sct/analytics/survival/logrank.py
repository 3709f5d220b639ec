"""The k-sample log-rank test.

References
----------
Mantel N. Evaluation of survival data and two new rank order statistics arising in its
consideration. Cancer Chemother Rep. 1966;50:163-170.
Peto R, Peto J. Asymptotically efficient rank invariant test procedures. J R Stat Soc A.
1972;135:185-207. doi:10.2307/2344317
Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. 2nd ed. Wiley; 2002,
section 7.2.3 (the k-sample statistic and its hypergeometric covariance).
doi:10.1002/9781118032985

Notes
-----
At each distinct event time with ``n`` at risk (``n_g`` in group ``g``) and ``d`` events::

    E_g = sum d n_g / n
    V_gh = sum d (n - d) / (n - 1) * (n_g / n) (delta_gh - n_h / n)

and ``chisq = (O - E)' V^- (O - E)``. As R ``survival::survdiff`` does, groups with an expected
count of 0 are left out and the first remaining group is dropped before solving, so
``df = (groups with E > 0) - 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lupus_sct.analytics.survival.confidence import chi_square_sf
from lupus_sct.analytics.survival.risk_sets import (
    FloatArray,
    IntArray,
    checked_events,
    checked_groups,
    checked_times,
)
from lupus_sct.domain.errors import InvalidValueError


@dataclass(frozen=True)
class LogRankGroup:
    """Observed and expected events of one group (group index in sorted label order)."""

    group: int
    n: int
    observed: int
    expected: float
    variance: float


@dataclass(frozen=True)
class LogRankTest:
    """The log-rank chi-square over all groups."""

    groups: tuple[LogRankGroup, ...]
    chisq: float
    df: int
    p: float


def group_counts(
    time: FloatArray, event: FloatArray, codes: IntArray, k: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Distinct times; per time and group, numbers at risk and events (``(T, k)`` arrays)."""
    unique, position = np.unique(time, return_inverse=True)
    m = unique.size
    cell = position * k + codes
    leaving = np.bincount(cell, minlength=m * k).astype(np.float64).reshape(m, k)
    events = np.bincount(cell, weights=event, minlength=m * k).astype(np.float64).reshape(m, k)
    entered = leaving.sum(axis=0)
    at_risk: FloatArray = entered - np.vstack((np.zeros((1, k)), np.cumsum(leaving, axis=0)[:-1]))
    return unique, at_risk, events


def logrank_test(time: npt.ArrayLike, event: npt.ArrayLike, group: npt.ArrayLike) -> LogRankTest:
    """Log-rank test that the hazard is the same in every group.

    Parameters
    ----------
    time, event
        Follow-up times (``>= 0``) and event flags (1/true event, 0/false censored).
    group
        A label per subject; results are in sorted label order.

    Raises
    ------
    InvalidValueError
        Unusable times or flags, or fewer than two groups.
    """
    times = checked_times(time)
    events = checked_events(event, times.size).astype(np.float64)
    codes, k = checked_groups(group, times.size)
    if k < 2:
        raise InvalidValueError("group", f"{k} group", "at least two groups to compare")
    _, n_g, d_g = group_counts(times, events, codes, k)
    n = n_g.sum(axis=1)
    d = d_g.sum(axis=1)
    share = n_g / n[:, None]
    expected = (d[:, None] * share).sum(axis=0)
    spread = np.zeros_like(n)
    np.divide(d * (n - d), n - 1.0, out=spread, where=n > 1)
    weighted = spread[:, None] * share
    covariance = np.diag(weighted.sum(axis=0)) - weighted.T @ share
    observed = d_g.sum(axis=0)
    chisq, df = _quadratic_form(observed - expected, covariance, expected > 0)
    sizes = np.bincount(codes, minlength=k)
    return LogRankTest(
        groups=tuple(
            LogRankGroup(
                group=g,
                n=int(sizes[g]),
                observed=int(observed[g]),
                expected=float(expected[g]),
                variance=float(covariance[g, g]),
            )
            for g in range(k)
        ),
        chisq=chisq,
        df=df,
        p=chi_square_sf(chisq, df) if df > 0 else float("nan"),
    )


def _quadratic_form(
    score: FloatArray, covariance: FloatArray, keep: npt.NDArray[np.bool_]
) -> tuple[float, int]:
    """``u' V^-1 u`` over the kept groups less the first (R ``survdiff``), and its df."""
    index = np.flatnonzero(keep)[1:]
    if index.size == 0:
        return float("nan"), 0
    u = score[index]
    v = covariance[np.ix_(index, index)]
    return float(u @ np.linalg.solve(v, u)), int(index.size)
