"""Centre benchmarking: observed against expected one-year survival, on a funnel plot.

References
----------
FACT-JACIE International Standards for Hematopoietic Cellular Therapy, 8th ed., B4.7 (one-year
survival benchmarking). CIBMTR Center-Specific Survival Analysis (observed against predicted
one-year survival from a risk-adjusted model over the pooled network). Spiegelhalter DJ. Stat Med
2005;24:1185-1202. doi:10.1002/sim.1970 (funnel plots; section 3.3, indirect standardisation).
Sorror ML et al. Blood 2005;106:2912-9. doi:10.1182/blood-2005-05-2004 (HCT-CI). Karnofsky DA,
Burchenal JH. 1949 (KPS).

Notes
-----
- The expectation comes from a Cox model over the pooled cohort of every centre (age at day 0 in
  years, HCT-CI, KPS and one indicator per therapy kind other than the most frequent), fitted with
  :func:`lupus_sct.analytics.survival.cox_ph` (Efron ties) and the Breslow baseline of
  :mod:`lupus_sct.analytics.cox_expected_survival`. Patients with a missing covariate are left
  out and counted; nothing is imputed.
- A patient is evaluable at one year when dead by day 365 or followed to it. Observed ``O`` =
  evaluable survivors; expected ``E`` = the sum of their predicted one-year survival.
- The funnel plots the risk-adjusted survival ``O / E x p0`` (cut at 1) against the number of
  evaluable patients ``n``, ``p0`` being the pooled observed one-year survival, with exact binomial
  95% and 99.8% limits around ``p0`` (:mod:`lupus_sct.analytics.spiegelhalter_2005`). Using the
  binomial for an indirectly standardised rate is Spiegelhalter's approximation (section 3.3).
- Without a model (no death, too few patients, collinear covariates, no convergence) the reason
  is returned instead of numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lupus_sct.analytics.cox_expected_survival import (
    ExpectedSurvivalModel,
    fit_expected_survival,
)
from lupus_sct.analytics.spiegelhalter_2005 import FunnelLimits, funnel_limits
from lupus_sct.domain.errors import InvalidValueError

ONE_YEAR_DAYS = 365


@dataclass(frozen=True)
class BenchmarkRow:
    """One patient of the pooled cohort with the model's covariates (``None``: not recorded)."""

    centre_id: str
    follow_up_days: int
    death_day: int | None
    age_years: float
    hct_ci: int | None
    kps: int | None
    therapy: str


@dataclass(frozen=True)
class CentreBenchmark:
    """One centre: observed and expected one-year survivors and where it falls on the funnel."""

    centre_id: str
    n: int
    observed_survivors: int
    expected_survivors: float
    observed: float
    expected: float
    risk_adjusted: float
    limits: FunnelLimits
    within_95: bool
    within_998: bool


@dataclass(frozen=True)
class Benchmarking:
    """The model, the pooled target and each centre's position."""

    day: int
    covariates: tuple[str, ...]
    n_pooled: int
    n_missing_covariate: int
    n_not_evaluable: int
    model: ExpectedSurvivalModel | None
    target: float | None
    centres: tuple[CentreBenchmark, ...]
    funnel: tuple[FunnelLimits, ...]
    reason: str | None


def _design(rows: Sequence[BenchmarkRow]) -> tuple[np.ndarray, tuple[str, ...]]:
    therapies = Counter(r.therapy for r in rows)
    reference = max(sorted(therapies), key=lambda t: therapies[t])
    others = sorted(t for t in therapies if t != reference)
    names = ("age_years", "hct_ci", "kps", *(f"therapy={t}" for t in others))
    x = np.array(
        [[r.age_years, r.hct_ci, r.kps, *(float(r.therapy == t) for t in others)] for r in rows],
        dtype=np.float64,
    )
    return x, names


def _time_event(rows: Sequence[BenchmarkRow]) -> tuple[np.ndarray, np.ndarray]:
    time = np.array(
        [r.follow_up_days if r.death_day is None else r.death_day for r in rows], dtype=np.float64
    )
    return time, np.array([r.death_day is not None for r in rows])


def _empty(
    rows: Sequence[BenchmarkRow], missing: int, names: tuple[str, ...], reason: str
) -> Benchmarking:
    return Benchmarking(ONE_YEAR_DAYS, names, len(rows), missing, 0, None, None, (), (), reason)


def _centre(
    centre_id: str, survived: np.ndarray, expected: np.ndarray, target: float
) -> CentreBenchmark:
    n = int(survived.size)
    observed, predicted = int(survived.sum()), float(expected.sum())
    adjusted = min(1.0, observed / predicted * target) if predicted > 0 else float("nan")
    limits = funnel_limits(target, n)
    return CentreBenchmark(
        centre_id=centre_id,
        n=n,
        observed_survivors=observed,
        expected_survivors=predicted,
        observed=observed / n,
        expected=predicted / n,
        risk_adjusted=adjusted,
        limits=limits,
        within_95=limits.inner_lower <= adjusted <= limits.inner_upper,
        within_998=limits.outer_lower <= adjusted <= limits.outer_upper,
    )


def benchmark_centres(rows: Sequence[BenchmarkRow]) -> Benchmarking:
    """Observed against expected one-year survival for every centre of the pooled cohort."""
    complete = [r for r in rows if r.hct_ci is not None and r.kps is not None]
    missing = len(rows) - len(complete)
    if len(complete) < 2:
        return _empty(rows, missing, (), "fewer than 2 patients with every covariate recorded")
    x, names = _design(complete)
    time, event = _time_event(complete)
    try:
        model = fit_expected_survival(time, event, x, names)
    except InvalidValueError as exc:
        return _empty(rows, missing, names, f"the Cox model cannot be fitted: {exc}")
    except OverflowError:
        # cox_ph overflows on exp(coef) when the partial likelihood is monotone (separation)
        return _empty(rows, missing, names, "the Cox model diverges (monotone likelihood)")
    evaluable = (event & (time <= ONE_YEAR_DAYS)) | (time >= ONE_YEAR_DAYS)
    survived = ~(event & (time <= ONE_YEAR_DAYS))
    predicted = model.survival_at(x, ONE_YEAR_DAYS)
    target = float(survived[evaluable].mean()) if evaluable.any() else None
    if target is None or not 0.0 < target < 1.0:
        return _empty(rows, missing, names, "pooled one-year survival is 0 or 1: no funnel")
    centres = []
    ids = np.array([r.centre_id for r in complete])
    for centre_id in sorted(set(ids[evaluable])):
        mine = evaluable & (ids == centre_id)
        centres.append(_centre(str(centre_id), survived[mine], predicted[mine], target))
    largest = max(c.n for c in centres)
    return Benchmarking(
        day=ONE_YEAR_DAYS,
        covariates=names,
        n_pooled=len(rows),
        n_missing_covariate=missing,
        n_not_evaluable=int((~evaluable).sum()),
        model=model,
        target=target,
        centres=tuple(centres),
        funnel=tuple(funnel_limits(target, n) for n in range(1, max(largest, 10) + 1)),
        reason=None,
    )
