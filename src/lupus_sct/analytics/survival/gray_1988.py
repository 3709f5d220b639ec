"""Gray's k-sample test for equality of the cumulative incidence of one cause.

References
----------
Gray RJ. A class of K-sample tests for comparing the cumulative incidence of a competing risk.
Ann Stat. 1988;16:1141-1154. doi:10.1214/aos/1176350951
Gray RJ. cmprsk: Subdistribution Analysis of Competing Risks, R package 2.2 (``cuminc``, Fortran
routine ``crst``: the score and its covariance estimator used here).

Notes
-----
For group ``g`` with ``Y_g`` at risk, all-cause survival ``S_g`` and cause incidence ``F_g`` (both
just before ``t``), the subdistribution risk set is ``R_g = Y_g (1 - F_g) / S_g``. With ``rho``
the weight exponent (0 by default, as in cmprsk) and ``F`` the pooled incidence under the null,
the score of group ``g`` is::

    s_g = sum over times of (1 - F(t-))^rho (d_g - d R_g / sum_h R_h)

where ``d_g`` counts cause events in group ``g`` and ``d`` in all groups. The covariance is Gray's
(1988, section 2) estimator, computed as cmprsk does (including its tie correction) but with the
running sums over time vectorised: each time contributes through arrays of shape
``(times, groups, groups)``. The statistic ``s' V^-1 s`` over the first ``k - 1`` groups is
chi-square with ``k - 1`` degrees of freedom. Strata are not supported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lupus_sct.analytics.survival.confidence import chi_square_sf
from lupus_sct.analytics.survival.logrank import group_counts
from lupus_sct.analytics.survival.risk_sets import (
    FloatArray,
    IntArray,
    checked_groups,
    checked_status,
    checked_times,
)
from lupus_sct.domain.errors import InvalidValueError


@dataclass(frozen=True)
class GrayTest:
    """Gray's test for one cause across groups."""

    cause: int
    statistic: float
    df: int
    p: float


@dataclass(frozen=True)
class _Step:
    """Per-time, per-group quantities of Gray's estimator (rows: event times)."""

    at_risk: FloatArray
    cause: FloatArray
    other: FloatArray
    s_before: FloatArray
    s_after: FloatArray
    f_before: FloatArray


def gray_test(
    time: npt.ArrayLike, status: npt.ArrayLike, group: npt.ArrayLike, *, cause: int, rho: float = 0
) -> GrayTest:
    """Gray's test that the cumulative incidence of ``cause`` is the same in every group.

    Parameters
    ----------
    time
        Follow-up times, finite and ``>= 0``.
    status
        0 censored, otherwise a whole-number cause code.
    group
        A label per subject.
    cause
        The cause code under test; every other code is a competing event.
    rho
        Exponent of the weight ``(1 - F(t-))^rho``; 0 (cmprsk's default) weights like a log-rank.

    Raises
    ------
    InvalidValueError
        Unusable times or codes, or fewer than two groups.
    """
    times = checked_times(time)
    codes = checked_status(status, times.size)
    groups, k = checked_groups(group, times.size)
    if k < 2:
        raise InvalidValueError("group", f"{k} group", "at least two groups to compare")
    step = _steps(times, codes, groups, k, cause)
    score, covariance = _score_and_covariance(step, rho)
    u, v = score[:-1], covariance[:-1, :-1]
    statistic = float(u @ np.linalg.solve(v, u))
    return GrayTest(cause=cause, statistic=statistic, df=k - 1, p=chi_square_sf(statistic, k - 1))


def _steps(
    times: FloatArray,
    codes: IntArray,
    groups: IntArray,
    k: int,
    cause: int,
) -> _Step:
    """Counts and group-wise Kaplan-Meier and incidence just before and at each event time."""
    is_cause = (codes == cause).astype(np.float64)
    is_other = ((codes > 0) & (codes != cause)).astype(np.float64)
    _, at_risk, d1 = group_counts(times, is_cause, groups, k)
    _, _, d2 = group_counts(times, is_other, groups, k)
    ratio = np.ones_like(at_risk)
    np.divide(at_risk - d1 - d2, at_risk, out=ratio, where=at_risk > 0)
    s_after = np.cumprod(ratio, axis=0)
    s_before = np.vstack((np.ones((1, k)), s_after[:-1]))
    jump = np.zeros_like(at_risk)
    np.divide(s_before * d1, at_risk, out=jump, where=at_risk > 0)
    f_before = np.vstack((np.zeros((1, k)), np.cumsum(jump, axis=0)[:-1]))
    rows = (d1 + d2).sum(axis=1) > 0
    return _Step(at_risk[rows], d1[rows], d2[rows], s_before[rows], s_after[rows], f_before[rows])


def _score_and_covariance(step: _Step, rho: float) -> tuple[FloatArray, FloatArray]:
    """Gray's scores for all groups and their covariance (Gray 1988, section 2; cmprsk ``crst``)."""
    y, d1, s_before = step.at_risk, step.cause, step.s_before
    live = y > 0
    t1 = np.where(live, y / s_before, 0.0)
    tr = t1.sum(axis=1)
    nd1 = d1.sum(axis=1)
    f_pooled = np.cumsum(nd1 / tr)
    f_pooled_before = np.concatenate(([0.0], f_pooled[:-1]))
    weight = (1.0 - f_pooled_before) ** rho
    r = np.where(live, y * (1.0 - step.f_before) / s_before, 0.0)
    score = (weight[:, None] * (d1 - nd1[:, None] * r / r.sum(axis=1)[:, None])).sum(axis=0)
    a = weight[:, None, None] * (
        t1[:, :, None] * np.eye(t1.shape[1]) - t1[:, :, None] * t1[:, None, :] / tr[:, None, None]
    )
    gain = np.zeros_like(tr)
    np.divide(nd1, tr * (1.0 - f_pooled_before), out=gain, where=f_pooled_before < 1.0)
    c = np.cumsum(a * gain[:, None, None], axis=0)
    t4, t3 = _cause_terms(step, tr, nd1, f_pooled, live)
    b = a - t4[:, None, :] * c
    v3 = (t4**2 * t3).sum(axis=0)
    v2 = np.einsum("tik,tk->ik", b, t4 * t3)
    v = np.einsum("tik,tjk,tk->ij", b, b, t3)
    u4, u3 = _competing_terms(step, f_pooled)
    v3 = v3 + (u4**2 * u3).sum(axis=0)
    v2 = v2 - np.einsum("tik,tk->ik", c, u4**2 * u3)
    v = v + np.einsum("tik,tjk,tk->ij", c, c, u4**2 * u3)
    final = c[-1]
    v = v + final @ np.diag(v3) @ final.T + final @ v2.T + v2 @ final.T
    return score, v


def _cause_terms(
    step: _Step, tr: FloatArray, nd1: FloatArray, f_pooled: FloatArray, live: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray]:
    """``t4`` and ``t3`` of the cause-of-interest events at each time and group."""
    use = live & (nd1 > 0)[:, None]
    t4 = np.ones_like(step.s_after)
    np.divide(1.0 - f_pooled[:, None], step.s_after, out=t4, where=step.s_after > 0)
    t4 = np.where(step.s_after > 0, 1.0 - t4, 1.0)
    t5 = np.ones_like(t4)
    np.divide(
        (nd1 - 1.0)[:, None],
        tr[:, None] * step.s_before - 1.0,
        out=t5,
        where=use & (nd1 > 1)[:, None],
    )
    t5 = np.where(use & (nd1 > 1)[:, None], 1.0 - t5, 1.0)
    t3 = np.zeros_like(t4)
    np.divide(t5 * step.s_before * nd1[:, None], tr[:, None] * step.at_risk, out=t3, where=use)
    return np.where(use, t4, 0.0), t3


def _competing_terms(step: _Step, f_pooled: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``t4`` and ``t3`` of the competing events at each time and group."""
    d2, y = step.other, step.at_risk
    use = (step.s_after > 0) & (d2 > 0)
    u4 = np.zeros_like(d2)
    np.divide(1.0 - f_pooled[:, None], step.s_after, out=u4, where=use)
    t5 = np.ones_like(d2)
    np.divide(y - d2, y - 1.0, out=t5, where=use & (d2 > 1))
    u3 = np.zeros_like(d2)
    np.divide(t5 * step.s_before**2 * d2, y**2, out=u3, where=use)
    return u4, u3
