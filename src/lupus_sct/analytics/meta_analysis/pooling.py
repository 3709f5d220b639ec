"""Inverse-variance pooling: fixed effect, random effects, Hartung-Knapp, prediction intervals.

References
----------
Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw
2010;36(3):1-48. doi:10.18637/jss.v036.i03 (``rma.uni``, ``predict.rma``).
Hartung J, Knapp G. A refined method for the meta-analysis of controlled clinical trials with
binary outcome. Stat Med 2001;20(24):3875-3889. doi:10.1002/sim.1009.
Higgins JPT, Thompson SG. Quantifying heterogeneity in a meta-analysis. Stat Med
2002;21(11):1539-1558. doi:10.1002/sim.1186 (I^2, H^2).
Higgins JPT, Thompson SG, Spiegelhalter DJ. A re-evaluation of random-effects meta-analysis.
J R Stat Soc A 2009;172(1):137-159. doi:10.1111/j.1467-985X.2008.00552.x (prediction interval).

Notes
-----
- Q is always Cochran's Q with fixed-effect weights, as metafor prints it.
- I^2 and H^2 follow metafor: for the fixed-effect model ``I^2 = max(0, (Q-(k-1))/Q)`` and
  ``H^2 = Q/(k-1)``; for random-effects models they are computed from tau^2 and the "typical"
  within-study variance ``s^2 = (k-1) / (sum w - sum w^2 / sum w)``:
  ``I^2 = tau^2/(tau^2+s^2)``, ``H^2 = (tau^2+s^2)/s^2``. (For DL both definitions agree.)
- Hartung-Knapp: metafor's ``test="knha"`` without the ad hoc truncation: the variance is
  multiplied by ``sum w (y - mu)^2 / (k-1)`` and t with k-1 df is used for the test and the CI.
- Prediction interval: ``mu +/- crit * sqrt(se^2 + tau^2)``. metafor uses the normal quantile with
  z tests and t(k-1) with Hartung-Knapp; that is our default (``prediction=None``); t(k-2) is
  offered as in Higgins et al. (2009). For the fixed-effect model tau^2 = 0, so the prediction
  interval equals the confidence interval, as in metafor.
- Input: at least one study; all ``vi > 0``; ``level`` in (0, 1). Hartung-Knapp and t prediction
  intervals need enough studies for their degrees of freedom.
"""

from __future__ import annotations

import math

import numpy as np

from lupus_sct.analytics.meta_analysis.back_transform import back_transformer
from lupus_sct.analytics.meta_analysis.distributions import (
    chi2_upper_tail,
    normal_quantile,
    normal_upper_tail,
    t_quantile,
    t_upper_tail,
)
from lupus_sct.analytics.meta_analysis.effect_sizes import EffectSizes
from lupus_sct.analytics.meta_analysis.heterogeneity import (
    Model,
    Vector,
    cochran_q,
    estimate_tau2,
)
from lupus_sct.analytics.meta_analysis.results import (
    BackTransformed,
    MetaAnalysisResult,
    PredictionInterval,
    StudyWeight,
)
from lupus_sct.domain.errors import InvalidValueError


def meta_analyse(
    effects: EffectSizes,
    model: Model,
    *,
    hartung_knapp: bool = False,
    prediction: PredictionInterval | None = None,
    level: float = 0.95,
) -> MetaAnalysisResult:
    """Pool ``effects`` with ``model`` (see module Notes for every convention).

    Raises
    ------
    InvalidValueError
        No studies, a variance not above 0, a level outside (0, 1), Hartung-Knapp with one study,
        or a t prediction interval without degrees of freedom.
    """
    yi, vi = _validated(effects, level)
    k = yi.size
    if hartung_knapp and k < 2:
        raise InvalidValueError("hk", k, "at least 2 studies for the Hartung-Knapp adjustment")
    tau2 = estimate_tau2(model, yi, vi)
    weights = 1.0 / (vi + tau2)
    estimate = float(np.sum(weights * yi) / np.sum(weights))
    variance = 1.0 / float(np.sum(weights))
    test_df: int | None = None
    if hartung_knapp:
        variance *= float(np.sum(weights * (yi - estimate) ** 2)) / (k - 1)
        test_df = k - 1
    se = math.sqrt(variance)
    statistic = estimate / se if se > 0 else math.copysign(math.inf, estimate)
    critical = _critical(level, test_df)
    prediction = prediction or (
        PredictionInterval.T_K_MINUS_1 if hartung_knapp else PredictionInterval.NORMAL
    )
    pi_lower, pi_upper = _prediction_interval(estimate, variance, tau2, k, level, prediction)
    q = cochran_q(yi, vi)
    i2, h2 = _i2_h2(model, q, tau2, vi)
    ci_lower, ci_upper = estimate - critical * se, estimate + critical * se
    return MetaAnalysisResult(
        measure=effects.measure,
        model=model,
        hartung_knapp=hartung_knapp,
        level=level,
        k=k,
        estimate=estimate,
        se=se,
        z=statistic,
        p=_p_value(statistic, test_df),
        ci_lower=ci_lower,
        ci_upper=ci_upper,
        test_df=test_df,
        tau2=tau2,
        tau=math.sqrt(tau2),
        i2=i2,
        h2=h2,
        q=q,
        q_df=k - 1,
        q_p=chi2_upper_tail(q, k - 1) if k > 1 else 1.0,
        prediction=prediction,
        pi_lower=pi_lower,
        pi_upper=pi_upper,
        back_transformed=_back_transformed(
            effects, (estimate, ci_lower, ci_upper), pi_lower, pi_upper
        ),
        studies=tuple(
            StudyWeight(float(y), float(v), float(100 * w / np.sum(weights)))
            for y, v, w in zip(yi, vi, weights, strict=True)
        ),
    )


def _validated(effects: EffectSizes, level: float) -> tuple[Vector, Vector]:
    if effects.k == 0:
        raise InvalidValueError("studies", 0, "at least one study")
    if not 0 < level < 1:
        raise InvalidValueError("level", level, "a confidence level between 0 and 1")
    yi = np.asarray(effects.yi, dtype=np.float64)
    vi = np.asarray(effects.vi, dtype=np.float64)
    for index, (y, v) in enumerate(zip(yi, vi, strict=True)):
        if not math.isfinite(y) or not math.isfinite(v) or v <= 0:
            raise InvalidValueError(f"row {index + 1}.vi", float(v), "a finite variance > 0")
    return yi, vi


def _critical(level: float, df: int | None) -> float:
    upper = 1 - (1 - level) / 2
    return normal_quantile(upper) if df is None else t_quantile(upper, df)


def _p_value(statistic: float, df: int | None) -> float:
    tail = normal_upper_tail(abs(statistic)) if df is None else t_upper_tail(abs(statistic), df)
    return 2 * tail


def _prediction_interval(
    estimate: float, variance: float, tau2: float, k: int, level: float, kind: PredictionInterval
) -> tuple[float | None, float | None]:
    df = {PredictionInterval.NORMAL: None, PredictionInterval.T_K_MINUS_1: k - 1}.get(kind, k - 2)
    if df is not None and df < 1:
        if kind is PredictionInterval.T_K_MINUS_2:
            return None, None
        raise InvalidValueError("pi", kind.value, "a normal interval when there is one study")
    half_width = _critical(level, df) * math.sqrt(variance + tau2)
    return estimate - half_width, estimate + half_width


def _i2_h2(model: Model, q: float, tau2: float, vi: Vector) -> tuple[float, float]:
    k = vi.size
    if k < 2:
        return 0.0, 1.0
    if model is Model.FE:
        return (max(0.0, 100 * (q - (k - 1)) / q) if q > 0 else 0.0), q / (k - 1)
    weights = 1.0 / vi
    typical = (k - 1) / float(np.sum(weights) - np.sum(weights**2) / np.sum(weights))
    return 100 * tau2 / (tau2 + typical), (tau2 + typical) / typical


def _back_transformed(
    effects: EffectSizes,
    estimate_and_ci: tuple[float, float, float],
    pi_lower: float | None,
    pi_upper: float | None,
) -> BackTransformed | None:
    transform = back_transformer(effects.measure, effects.ni)
    if transform is None:
        return None
    estimate, ci_lower, ci_upper = (transform(value) for value in estimate_and_ci)
    return BackTransformed(
        estimate=estimate,
        ci_lower=ci_lower,
        ci_upper=ci_upper,
        pi_lower=transform(pi_lower) if pi_lower is not None else None,
        pi_upper=transform(pi_upper) if pi_upper is not None else None,
    )
