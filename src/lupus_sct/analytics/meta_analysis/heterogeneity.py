"""Between-study variance (tau^2) estimators for the intercept-only random-effects model.

References
----------
DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7(3):177-188.
doi:10.1016/0197-2456(86)90046-2 (DL).
Paule RC, Mandel J. Consensus values and weighting factors. J Res Natl Bur Stand
1982;87(5):377-385. doi:10.6028/jres.087.022 (PM).
Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the random-effects
model. J Educ Behav Stat 2005;30(3):261-293. doi:10.3102/10769986030003261 (ML, REML by Fisher
scoring, as in metafor's ``rma.uni``).
Veroniki AA, et al. Methods to estimate the between-study variance and its uncertainty in
meta-analysis. Res Synth Methods 2016;7(1):55-79. doi:10.1002/jrsm.1164.

Notes
-----
- Every estimate is truncated at 0 (metafor's ``tau2.min = 0``).
- ML and REML: metafor iterates Fisher scoring from the Hedges estimate and stops when the step
  is below ``1e-5``; we iterate the same scoring step from the DL estimate and stop at ``1e-12``
  (relative), so our value is the optimum metafor approximates. Steps that would go below 0 are
  halved (metafor's step-halving); a negative score at 0 gives 0.
- PM: metafor solves the generalised Q equation with ``uniroot`` (tolerance about ``1.2e-4``);
  we solve it with Brent's method to ``1e-12``. Printed 4-decimal values agree.
- With a single study every estimator returns 0: heterogeneity cannot be estimated.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from lupus_sct.analytics.meta_analysis.distributions import find_root
from lupus_sct.domain.errors import DomainError

Vector = npt.NDArray[np.float64]

FISHER_SCORING_TOLERANCE = 1e-12  # ours; metafor's threshold is 1e-5
FISHER_SCORING_MAX_ITERATIONS = 1000  # metafor's maxiter default is 100


class Model(enum.StrEnum):
    """Fixed effect (inverse variance) or a random-effects tau^2 estimator."""

    FE = "FE"
    DL = "DL"
    REML = "REML"
    PM = "PM"
    ML = "ML"


class EstimationError(DomainError):
    """An iterative estimator did not converge for these data."""


def estimate_tau2(model: Model, yi: Vector, vi: Vector) -> float:
    """tau^2 for ``model`` (0 for the fixed-effect model and for a single study)."""
    if model is Model.FE or yi.size < 2:
        return 0.0
    return _ESTIMATORS[model](yi, vi)


def weighted_mean(yi: Vector, weights: Vector) -> float:
    """Inverse-variance weighted mean."""
    return float(np.sum(weights * yi) / np.sum(weights))


def cochran_q(yi: Vector, vi: Vector) -> float:
    """Cochran's Q with fixed-effect weights ``1/vi``."""
    weights = 1.0 / vi
    return float(np.sum(weights * (yi - weighted_mean(yi, weights)) ** 2))


def tau2_dersimonian_laird(yi: Vector, vi: Vector) -> float:
    """Method-of-moments estimate ``max(0, (Q - (k-1)) / (sum w - sum w^2 / sum w))``."""
    weights = 1.0 / vi
    scale = np.sum(weights) - np.sum(weights**2) / np.sum(weights)
    return max(0.0, float((cochran_q(yi, vi) - (yi.size - 1)) / scale))


def generalised_q(tau2: float, yi: Vector, vi: Vector) -> float:
    """Q with random-effects weights ``1/(vi + tau2)``; decreasing in ``tau2``."""
    weights = 1.0 / (vi + tau2)
    return float(np.sum(weights * (yi - weighted_mean(yi, weights)) ** 2))


def tau2_paule_mandel(yi: Vector, vi: Vector) -> float:
    """The ``tau2`` at which the generalised Q equals its expectation ``k - 1`` (0 if below)."""
    target = yi.size - 1
    if generalised_q(0.0, yi, vi) <= target:
        return 0.0
    upper = max(float(np.var(yi)), float(np.max(vi)), 1e-8)
    while generalised_q(upper, yi, vi) > target:
        upper *= 2.0
    return find_root(lambda tau2: generalised_q(tau2, yi, vi) - target, 0.0, upper)


def _reml_step(yi: Vector, vi: Vector, tau2: float) -> float:
    weights = 1.0 / (vi + tau2)
    total = np.sum(weights)
    residual = yi - weighted_mean(yi, weights)
    trace_p = total - np.sum(weights**2) / total
    trace_pp = (
        np.sum(weights**2) - 2 * np.sum(weights**3) / total + (np.sum(weights**2) / total) ** 2
    )
    return float((np.sum(weights**2 * residual**2) - trace_p) / trace_pp)


def _ml_step(yi: Vector, vi: Vector, tau2: float) -> float:
    weights = 1.0 / (vi + tau2)
    residual = yi - weighted_mean(yi, weights)
    return float((np.sum(weights**2 * residual**2) - np.sum(weights)) / np.sum(weights**2))


def _fisher_scoring(
    step: Callable[[Vector, Vector, float], float], yi: Vector, vi: Vector
) -> float:
    tau2 = tau2_dersimonian_laird(yi, vi)
    for _ in range(FISHER_SCORING_MAX_ITERATIONS):
        adjustment = step(yi, vi, tau2)
        if tau2 == 0.0 and adjustment <= 0.0:
            return 0.0
        while tau2 + adjustment < 0.0:
            adjustment /= 2.0
        tau2 += adjustment
        if abs(adjustment) <= FISHER_SCORING_TOLERANCE * max(1.0, tau2):
            return tau2
    raise EstimationError(
        f"the tau^2 estimate did not converge in {FISHER_SCORING_MAX_ITERATIONS} Fisher-scoring "
        "steps; try the DL or PM estimator"
    )


def tau2_reml(yi: Vector, vi: Vector) -> float:
    """Restricted maximum-likelihood estimate by Fisher scoring."""
    return _fisher_scoring(_reml_step, yi, vi)


def tau2_ml(yi: Vector, vi: Vector) -> float:
    """Maximum-likelihood estimate by Fisher scoring."""
    return _fisher_scoring(_ml_step, yi, vi)


_ESTIMATORS: dict[Model, Callable[[Vector, Vector], float]] = {
    Model.DL: tau2_dersimonian_laird,
    Model.PM: tau2_paule_mandel,
    Model.REML: tau2_reml,
    Model.ML: tau2_ml,
}
