"""Cox proportional hazards regression with Efron or Breslow handling of tied event times.

References
----------
Cox DR. Regression models and life-tables. J R Stat Soc B. 1972;34:187-220.
doi:10.1111/j.2517-6161.1972.tb00899.x
Efron B. The efficiency of Cox's likelihood function for censored data. J Am Stat Assoc.
1977;72:557-565. doi:10.1080/01621459.1977.10479940
Breslow N. Covariance analysis of censored survival data. Biometrics. 1974;30:89-99.
doi:10.2307/2529620
Therneau TM, Grambsch PM. Modeling Survival Data: Extending the Cox Model. Springer; 2000,
sections 3.1-3.3 (Newton-Raphson, the three tests). doi:10.1007/978-1-4757-3294-8

Notes
-----
At a time with ``d`` tied events, Efron's partial likelihood replaces the risk-set sum
``S0 = sum_{risk} exp(x b)`` by ``S0 - (l / d) D0`` for ``l = 0..d-1``, where ``D0`` sums over
the tied events; Breslow's uses ``S0`` ``d`` times. The score, information and log-likelihood sum
these terms over every event; risk-set sums come from one reverse cumulative sum over the sorted
times, so a fit costs O(n log n + n p^2) per iteration.

As R ``survival::coxph`` does, covariates are centred on their means (the coefficients do not
change), the search starts at 0 and runs Newton-Raphson with step-halving until the relative
change in log-likelihood is below ``1e-9`` (R's ``eps``), for at most 20 iterations (R's
``iter.max``). The Wald test uses the information at the estimate, the score test the
information at 0, and the likelihood-ratio test ``2 (l(b) - l(0))``; each has ``p`` degrees of
freedom. Covariates must be numeric (code factors as indicators first); missing values are
refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from lupus_sct.analytics.survival.confidence import (
    chi_square_sf,
    normal_quantile,
    two_sided_normal_p,
)
from lupus_sct.analytics.survival.risk_sets import FloatArray, checked_events, checked_times
from lupus_sct.domain.errors import InvalidValueError

MAX_LOG_HAZARD_RATIO = 700.0  # exp(700) is near the largest float; beyond it an HR is infinite
CONVERGENCE_EPS = 1e-9  # R coxph.control(eps = 1e-9)
MAX_ITERATIONS = 20  # R coxph.control(iter.max = 20)


class Ties(StrEnum):
    """Handling of tied event times in the partial likelihood."""

    EFRON = "efron"
    BRESLOW = "breslow"


@dataclass(frozen=True)
class CoxCoefficient:
    """One covariate's log hazard ratio, hazard ratio and Wald test."""

    name: str
    coef: float
    se: float
    hr: float
    hr_ci_lower: float
    hr_ci_upper: float
    z: float
    p: float


@dataclass(frozen=True)
class ChiSquareTest:
    """A chi-square test of all coefficients being 0."""

    statistic: float
    df: int
    p: float


@dataclass(frozen=True)
class CoxModel:
    """A fitted Cox model with the likelihood-ratio, Wald and score tests."""

    n: int
    events: int
    ties: Ties
    conf_level: float
    coefficients: tuple[CoxCoefficient, ...]
    loglik_null: float
    loglik: float
    iterations: int
    likelihood_ratio: ChiSquareTest
    wald: ChiSquareTest
    score: ChiSquareTest


@dataclass(frozen=True)
class _Design:
    """Sorted, centred data and the positions of each distinct event time."""

    x: FloatArray
    event: npt.NDArray[np.bool_]
    position: npt.NDArray[np.intp]
    n_times: int
    tie_fraction: FloatArray
    tie_time: npt.NDArray[np.intp]


def cox_ph(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    covariates: npt.ArrayLike,
    names: tuple[str, ...],
    *,
    ties: Ties = Ties.EFRON,
    conf_level: float = 0.95,
) -> CoxModel:
    """Fit a Cox proportional hazards model by maximum partial likelihood.

    Parameters
    ----------
    time, event
        Follow-up times (``>= 0``) and event flags (1/true event, 0/false censored).
    covariates
        A numeric ``(n, p)`` matrix, one column per name in ``names``.
    ties
        Efron (default, as R) or Breslow (as SAS PHREG's default).
    conf_level
        Level of the hazard-ratio limits.

    Raises
    ------
    InvalidValueError
        Unusable times or flags, a covariate matrix of the wrong shape, a missing or infinite
        covariate value, no events, or a model that does not converge.
    """
    times = checked_times(time)
    events = checked_events(event, times.size)
    x = _checked_covariates(covariates, times.size, names)
    if not events.any():
        raise InvalidValueError("event", "no events", "at least one event to fit a Cox model")
    design = _design(times, events, x, ties)
    beta, iterations, loglik, information = _newton_raphson(design)
    loglik_null, score0, information0 = _loglik(design, np.zeros(len(names)))
    return _summarise(
        design,
        beta,
        loglik,
        information,
        (loglik_null, score0, information0),
        names,
        ties,
        conf_level,
        iterations,
    )


def _checked_covariates(covariates: npt.ArrayLike, n: int, names: tuple[str, ...]) -> FloatArray:
    x = np.asarray(covariates, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if x.shape != (n, len(names)) or not names:
        raise InvalidValueError(
            "covariates", f"a matrix of shape {x.shape}", f"({n}, {len(names)})"
        )
    bad = ~np.isfinite(x)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise InvalidValueError(names[column], x[row, column], "a finite number in every row")
    return x


def _design(times: FloatArray, events: npt.NDArray[np.bool_], x: FloatArray, ties: Ties) -> _Design:
    unique, position = np.unique(times, return_inverse=True)
    tied = np.bincount(position, weights=events.astype(np.float64), minlength=unique.size)
    tie_time = np.repeat(np.arange(unique.size), tied.astype(np.intp))
    start = np.concatenate(([0], np.cumsum(tied.astype(np.intp))[:-1]))
    rank = np.arange(tie_time.size) - start[tie_time]
    fraction = rank / tied[tie_time] if ties is Ties.EFRON else np.zeros(tie_time.size)
    return _Design(
        x=x - x.mean(axis=0),
        event=events,
        position=position,
        n_times=int(unique.size),
        tie_fraction=fraction,
        tie_time=tie_time,
    )


def _loglik(design: _Design, beta: FloatArray) -> tuple[float, FloatArray, FloatArray]:
    """Partial log-likelihood, score vector and information matrix at ``beta``."""
    x, m, p = design.x, design.n_times, design.x.shape[1]
    eta = x @ beta
    risk = np.exp(eta)
    outer = (x[:, :, None] * x[:, None, :]).reshape(-1, p * p)
    weighted = risk[:, None] * np.hstack((np.ones((x.shape[0], 1)), x, outer))
    per_time = _sum_by_time(design.position, weighted, m)
    at_risk = np.cumsum(per_time[::-1], axis=0)[::-1]
    tied = _sum_by_time(design.position[design.event], weighted[design.event], m)
    sums = at_risk[design.tie_time] - design.tie_fraction[:, None] * tied[design.tie_time]
    s0 = sums[:, 0]
    mean = sums[:, 1 : 1 + p] / s0[:, None]
    second = sums[:, 1 + p :].reshape(-1, p, p) / s0[:, None, None]
    loglik = float(eta[design.event].sum() - np.log(s0).sum())
    score = x[design.event].sum(axis=0) - mean.sum(axis=0)
    information = (second - mean[:, :, None] * mean[:, None, :]).sum(axis=0)
    return loglik, score, information


def _sum_by_time(position: npt.NDArray[np.intp], values: FloatArray, m: int) -> FloatArray:
    """Column sums of ``values`` within each distinct time (``bincount`` per column)."""
    columns = [np.bincount(position, weights=column, minlength=m) for column in values.T]
    return np.stack(columns, axis=1)


def _newton_raphson(design: _Design) -> tuple[FloatArray, int, float, FloatArray]:
    with np.errstate(over="raise", invalid="raise"):
        try:
            return _iterate(design)
        except (FloatingPointError, OverflowError) as exc:
            raise _monotone_likelihood() from exc


def _monotone_likelihood() -> InvalidValueError:
    # R's coxph warns "coefficient may be infinite" and prints it; we refuse the fit instead.
    return InvalidValueError(
        "covariates",
        "a covariate that separates events perfectly (monotone likelihood)",
        "data in which no covariate predicts every event; the hazard ratio would be infinite",
    )


def _iterate(design: _Design) -> tuple[FloatArray, int, float, FloatArray]:
    beta = np.zeros(design.x.shape[1])
    loglik, score, information = _loglik(design, beta)
    for iteration in range(1, MAX_ITERATIONS + 2):
        step = _solve(information, score)
        candidate = beta + step
        new_loglik, new_score, new_information = _loglik(design, candidate)
        halvings = 0
        while (not math.isfinite(new_loglik) or new_loglik < loglik) and halvings < 30:
            step /= 2.0
            candidate = beta + step
            new_loglik, new_score, new_information = _loglik(design, candidate)
            halvings += 1
        converged = abs(1.0 - loglik / new_loglik) < CONVERGENCE_EPS if new_loglik else True
        beta, loglik, score, information = candidate, new_loglik, new_score, new_information
        if converged:
            return beta, iteration, loglik, information
    raise InvalidValueError(
        "covariates", "this model", f"a fit that converges within {MAX_ITERATIONS} iterations"
    )


def _solve(information: FloatArray, score: FloatArray) -> FloatArray:
    try:
        return np.linalg.solve(information, score)
    except np.linalg.LinAlgError as exc:
        raise InvalidValueError(
            "covariates", "collinear or constant columns", "columns that vary independently"
        ) from exc


def _summarise(
    design: _Design,
    beta: FloatArray,
    loglik: float,
    information: FloatArray,
    null: tuple[float, FloatArray, FloatArray],
    names: tuple[str, ...],
    ties: Ties,
    conf_level: float,
    iterations: int,
) -> CoxModel:
    z_crit = normal_quantile(conf_level)
    covariance = np.linalg.inv(information)
    se = np.sqrt(np.diag(covariance))
    if np.any(np.abs(beta) + z_crit * se > MAX_LOG_HAZARD_RATIO):
        raise _monotone_likelihood()
    coefficients = tuple(
        CoxCoefficient(
            name=name,
            coef=float(b),
            se=float(s),
            hr=math.exp(b),
            hr_ci_lower=math.exp(b - z_crit * s),
            hr_ci_upper=math.exp(b + z_crit * s),
            z=float(b / s),
            p=two_sided_normal_p(float(b / s)),
        )
        for name, b, s in zip(names, beta, se, strict=True)
    )
    loglik_null, score0, information0 = null
    df = len(names)
    lr = 2.0 * (loglik - loglik_null)
    wald = float(beta @ information @ beta)
    score = float(score0 @ _solve(information0, score0))
    return CoxModel(
        n=int(design.x.shape[0]),
        events=int(design.event.sum()),
        ties=ties,
        conf_level=conf_level,
        coefficients=coefficients,
        loglik_null=loglik_null,
        loglik=loglik,
        iterations=iterations,
        likelihood_ratio=ChiSquareTest(lr, df, chi_square_sf(lr, df)),
        wald=ChiSquareTest(wald, df, chi_square_sf(wald, df)),
        score=ChiSquareTest(score, df, chi_square_sf(score, df)),
    )
