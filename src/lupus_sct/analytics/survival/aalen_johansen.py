"""Aalen-Johansen cumulative incidence for competing risks, with Aalen and delta-method variances.

References
----------
Aalen OO, Johansen S. An empirical transition matrix for non-homogeneous Markov chains based on
censored observations. Scand J Stat. 1978;5:141-150.
Aalen OO. Nonparametric estimation of partial transition probabilities in multiple decrement
models. Ann Stat. 1978;6:534-545. doi:10.1214/aos/1176344198
Gray RJ. cmprsk: Subdistribution Analysis of Competing Risks, R package 2.2 (``cuminc``, the
variance estimator of Aalen 1978 with its correction for tied failure times).
Marubini E, Valsecchi MG. Analysing Survival Data from Clinical Trials and Observational Studies.
Wiley; 1995, section 10.2 (the delta-method, Greenwood-type variance).
Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. 2nd ed. Wiley; 2002,
section 8.2. doi:10.1002/9781118032985

Notes
-----
With ``n_j`` at risk, ``d_j`` events of any cause and ``d_kj`` of cause ``k`` at time ``t_j``,
and ``S`` the all-cause Kaplan-Meier estimate (``S_{j-1}`` just before ``t_j``)::

    F_k(t) = sum over t_j <= t of S_{j-1} d_kj / n_j

Delta method (Marubini & Valsecchi; lifelines' ``AalenJohansenFitter``), with
``D_j = F_k(t) - F_k(t_j)``::

    Var F_k(t) = sum D_j^2 d_j / (n_j (n_j - d_j)) + S_{j-1}^2 d_kj (n_j - d_kj) / n_j^3
                 - 2 D_j S_{j-1} d_kj / n_j^2

Aalen (as cmprsk computes it), with ``c(d) = 1 - (d - 1) / (n_j - 1)``::

    Var F_k(t) = sum (S_{j-1} / n_j)^2 [ e_j c(e_j) (D_j / S_j)^2 + d_kj c(d_kj) (1 - D_j / S_j)^2 ]

where ``e_j = d_j - d_kj`` are the competing events; the competing term is left out where
``S_j = 0``. Both sums are expanded into running sums, so a curve of a million rows costs a few
passes over the arrays (lifelines loops over rows in Python). Where everyone at risk fails
(``n_j = d_j``) the delta method's first term at ``t_j`` is ``0 * inf``; we take its limit 0 where
lifelines returns NaN. R ``survival``'s multi-state ``survfit`` uses an infinitesimal-jackknife
variance instead; cmprsk's Aalen variance is the one R users of ``cuminc`` see.
Limits use :func:`~lupus_sct.analytics.survival.confidence.confidence_limits` on ``F``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from lupus_sct.analytics.survival.confidence import CiScale, confidence_limits, normal_quantile
from lupus_sct.analytics.survival.risk_sets import (
    FloatArray,
    IntArray,
    checked_status,
    checked_times,
    frozen,
    tabulate,
)


class CifVariance(StrEnum):
    """Variance estimator of a cumulative incidence curve."""

    AALEN = "aalen"
    DELTA = "delta"


@dataclass(frozen=True)
class CauseIncidence:
    """The cumulative incidence of one cause, one row per distinct observed time."""

    cause: int
    events: int
    time: FloatArray
    n_risk: IntArray
    n_event: IntArray
    cif: FloatArray
    std_err: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray

    def at(self, times: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """The cumulative incidence and its standard error at chosen times (right-continuous)."""
        points = checked_times(times, "times")
        row = np.searchsorted(self.time, points, side="right") - 1
        safe = np.maximum(row, 0)
        cif = np.where(row < 0, 0.0, self.cif[safe])
        std_err = np.where(row < 0, 0.0, self.std_err[safe])
        return cif, std_err


@dataclass(frozen=True)
class CumulativeIncidence:
    """Aalen-Johansen cumulative incidence of every cause seen in the data."""

    n: int
    variance: CifVariance
    ci: CiScale
    conf_level: float
    causes: tuple[CauseIncidence, ...]

    def cause(self, code: int) -> CauseIncidence:
        """The curve of one cause code."""
        for curve in self.causes:
            if curve.cause == code:
                return curve
        raise KeyError(code)


def cumulative_incidence(
    time: npt.ArrayLike,
    status: npt.ArrayLike,
    *,
    variance: CifVariance = CifVariance.AALEN,
    ci: CiScale = CiScale.LOG_LOG,
    conf_level: float = 0.95,
) -> CumulativeIncidence:
    """Aalen-Johansen cumulative incidence of each cause, with variance and pointwise limits.

    Parameters
    ----------
    time
        Follow-up times, finite and ``>= 0``.
    status
        0 where censored; a whole-number cause code ``>= 1`` where an event occurred.
    variance
        ``aalen`` (cmprsk ``cuminc``; default) or ``delta`` (lifelines).
    ci, conf_level
        Scale and level of the pointwise limits (log-log by default).

    Raises
    ------
    InvalidValueError
        A time is negative, infinite or missing; a status is not 0 or a whole number ``>= 1``.
    """
    times = checked_times(time)
    codes = checked_status(status, times.size)
    z = normal_quantile(conf_level)
    n_codes = int(codes.max())
    table = tabulate(times, codes, n_codes)
    n = table.n_risk.astype(np.float64)
    d_all = table.n_event_total.astype(np.float64)
    survival = np.cumprod(1.0 - d_all / n)
    before = np.concatenate(([1.0], survival[:-1]))
    curves = []
    for code in np.flatnonzero(table.n_event.sum(axis=0)) + 1:
        d_k = table.n_event[:, code - 1]
        cif = np.cumsum(before * d_k / n)
        if variance is CifVariance.DELTA:
            var = _delta_variance(cif, before, n, d_all, d_k.astype(np.float64))
        else:
            var = _aalen_variance(cif, before, survival, n, d_all, d_k.astype(np.float64))
        std_err = np.sqrt(np.maximum(var, 0.0))
        lower, upper = confidence_limits(cif, std_err, ci, z)
        curves.append(
            CauseIncidence(
                cause=int(code),
                events=int(d_k.sum()),
                time=frozen(table.time),
                n_risk=frozen(table.n_risk),
                n_event=frozen(d_k.copy()),
                cif=frozen(cif),
                std_err=frozen(std_err),
                ci_lower=frozen(lower),
                ci_upper=frozen(upper),
            )
        )
    return CumulativeIncidence(
        n=int(times.size), variance=variance, ci=ci, conf_level=conf_level, causes=tuple(curves)
    )


def _delta_variance(
    cif: FloatArray, before: FloatArray, n: FloatArray, d_all: FloatArray, d_k: FloatArray
) -> FloatArray:
    """Delta-method variance (Marubini & Valsecchi 1995) as running sums in ``F(t)``."""
    a = np.zeros_like(n)
    np.divide(d_all, n * (n - d_all), out=a, where=n > d_all)
    b = before**2 * d_k * (n - d_k) / n**3
    c = before * d_k / n**2
    # sum a (F - F_j)^2 + b - 2 c (F - F_j), expanded in powers of F = F(t)
    s_a = np.cumsum(a)
    s_af = np.cumsum(a * cif)
    s_aff = np.cumsum(a * cif**2)
    s_c = np.cumsum(c)
    s_cf = np.cumsum(c * cif)
    result: FloatArray = (
        cif**2 * s_a - 2.0 * cif * s_af + s_aff + np.cumsum(b) - 2.0 * (cif * s_c - s_cf)
    )
    return result


def _aalen_variance(
    cif: FloatArray,
    before: FloatArray,
    survival: FloatArray,
    n: FloatArray,
    d_all: FloatArray,
    d_k: FloatArray,
) -> FloatArray:
    """Aalen (1978) variance with cmprsk's tie correction, as running sums in ``F(t)``."""
    d_other = d_all - d_k
    inv_s = np.zeros_like(survival)
    np.divide(1.0, survival, out=inv_s, where=survival > 0)
    weight = (before / n) ** 2
    g_other = np.where(survival > 0, weight * d_other * _tie_factor(d_other, n), 0.0)
    g_cause = weight * d_k * _tie_factor(d_k, n)
    # term (u_j + F_j / S_j - F / S_j)^2 with u_j = 1 (cause) or 0 (competing), in powers of F
    u = g_other * (cif * inv_s) ** 2 + g_cause * (1.0 + cif * inv_s) ** 2
    v = g_other * inv_s * (cif * inv_s) + g_cause * inv_s * (1.0 + cif * inv_s)
    w = (g_other + g_cause) * inv_s**2
    result: FloatArray = np.cumsum(u) + cif**2 * np.cumsum(w) - 2.0 * cif * np.cumsum(v)
    return result


def _tie_factor(d: FloatArray, n: FloatArray) -> FloatArray:
    """``1 - (d - 1) / (n - 1)`` for ``d > 1`` tied events, else 1 (cmprsk ``cinc``)."""
    factor = np.ones_like(d)
    np.divide(n - d, n - 1.0, out=factor, where=d > 1)
    return factor
