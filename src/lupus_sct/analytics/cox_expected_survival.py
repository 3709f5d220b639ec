"""Expected survival of each patient from a Cox model and the Breslow baseline hazard.

References
----------
Breslow NE. Discussion of Professor Cox's paper. J R Stat Soc B 1972;34:216-217 (the baseline
cumulative hazard estimator). Therneau TM, Grambsch PM. Modeling Survival Data. Springer; 2000,
section 10.2 (predicted survival curves). doi:10.1007/978-1-4757-3294-8

Notes
-----
With coefficients ``b`` from :func:`lupus_sct.analytics.survival.cox_ph` and covariates centred on
their means, ``H0(t) = sum over event times t_j <= t of d_j / sum_{T_i >= t_j} exp(x_i b)`` and a
patient's expected survival is ``S(t | x) = exp(-H0(t) exp(x b))``. This is the estimator lifelines
uses (``baseline_estimation_method="breslow"``), against which the tests check it; R's
``survfit.coxph`` after an Efron fit applies the Efron correction to tied increments instead, so
R differs from us only where event times are tied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lupus_sct.analytics.survival import CoxModel, Ties, cox_ph
from lupus_sct.analytics.survival.risk_sets import FloatArray, checked_events, checked_times, frozen


@dataclass(frozen=True)
class ExpectedSurvivalModel:
    """A Cox model with its Breslow baseline, able to predict survival for new covariates."""

    model: CoxModel
    means: FloatArray
    coefficients: FloatArray
    event_time: FloatArray
    baseline_cumulative_hazard: FloatArray

    def survival_at(self, covariates: npt.ArrayLike, time: float) -> FloatArray:
        """Expected survival to ``time`` for each row of ``covariates``."""
        x = np.atleast_2d(np.asarray(covariates, dtype=np.float64))
        row = int(np.searchsorted(self.event_time, time, side="right")) - 1
        cumulative = 0.0 if row < 0 else float(self.baseline_cumulative_hazard[row])
        risk = np.exp((x - self.means) @ self.coefficients)
        result: FloatArray = np.exp(-cumulative * risk)
        return result


def fit_expected_survival(
    time: npt.ArrayLike,
    event: npt.ArrayLike,
    covariates: npt.ArrayLike,
    names: tuple[str, ...],
    *,
    ties: Ties = Ties.EFRON,
) -> ExpectedSurvivalModel:
    """Fit the Cox model and the Breslow baseline cumulative hazard at the covariate means.

    Raises
    ------
    InvalidValueError
        As :func:`~lupus_sct.analytics.survival.cox_ph` (no events, collinear columns, a model
        that does not converge...).
    """
    model = cox_ph(time, event, covariates, names, ties=ties)
    times = checked_times(time)
    events = checked_events(event, times.size)
    x = np.asarray(covariates, dtype=np.float64).reshape(times.size, len(names))
    means = x.mean(axis=0)
    beta = np.array([c.coef for c in model.coefficients])
    risk = np.exp((x - means) @ beta)
    order = np.argsort(times, kind="stable")
    unique, position = np.unique(times[order], return_inverse=True)
    risk_by_time = np.bincount(position, weights=risk[order], minlength=unique.size)
    at_risk = np.cumsum(risk_by_time[::-1])[::-1]
    deaths = np.bincount(position, weights=events[order].astype(np.float64), minlength=unique.size)
    has_event = deaths > 0
    increments = deaths[has_event] / at_risk[has_event]
    return ExpectedSurvivalModel(
        model=model,
        means=frozen(means),
        coefficients=frozen(beta),
        event_time=frozen(unique[has_event]),
        baseline_cumulative_hazard=frozen(np.cumsum(increments)),
    )
