"""Subgroup analyses and leave-one-out sensitivity analyses.

References
----------
Borenstein M, Higgins JPT. Meta-analysis and subgroups. Prev Sci 2013;14(2):134-143.
doi:10.1007/s11121-013-0377-7 (separate tau^2 per subgroup; Q test between subgroup estimates).
Viechtbauer W, Cheung MWL. Outlier and influence diagnostics for meta-analysis. Res Synth
Methods 2010;1(2):112-125. doi:10.1002/jrsm.11 (leave-one-out, metafor's ``leave1out``).

Notes
-----
- Subgroups: metafor fits one model per subgroup (``rma(..., subset=group == g)``) or a
  meta-regression with a common tau^2; we fit one model per subgroup (tau^2 estimated separately)
  and test subgroup differences with ``Q_between = sum (mu_g - mu_bar)^2 / se_g^2`` on
  ``G - 1`` degrees of freedom, ``mu_bar`` the inverse-variance mean of the subgroup estimates
  (the "test for subgroup differences" of RevMan and of R meta's random-effects subgroups).
- Leave-one-out refits the same model without each study in turn, as metafor's ``leave1out``.
"""

from __future__ import annotations

from collections.abc import Sequence

from lupus_sct.analytics.meta_analysis.distributions import chi2_upper_tail
from lupus_sct.analytics.meta_analysis.effect_sizes import EffectSizes
from lupus_sct.analytics.meta_analysis.heterogeneity import Model
from lupus_sct.analytics.meta_analysis.pooling import meta_analyse
from lupus_sct.analytics.meta_analysis.results import (
    LeaveOneOutResult,
    PredictionInterval,
    SubgroupAnalysis,
    SubgroupResult,
)
from lupus_sct.domain.errors import InvalidValueError


def subgroup_analysis(
    effects: EffectSizes,
    groups: Sequence[str],
    model: Model,
    *,
    hartung_knapp: bool = False,
    prediction: PredictionInterval | None = None,
) -> SubgroupAnalysis:
    """Fit ``model`` within each subgroup (in order of first appearance) and compare them.

    Raises
    ------
    InvalidValueError
        If ``groups`` does not have one label per study, or fewer than two subgroups exist.
    """
    if len(groups) != effects.k:
        raise InvalidValueError(
            "groups", len(groups), f"one subgroup label per study ({effects.k})"
        )
    names = list(dict.fromkeys(groups))
    if len(names) < 2:
        raise InvalidValueError("groups", names, "at least two different subgroups")
    fits = []
    for name in names:
        indices = tuple(i for i, group in enumerate(groups) if group == name)
        result = meta_analyse(
            effects.subset(indices), model, hartung_knapp=hartung_knapp, prediction=prediction
        )
        fits.append(SubgroupResult(name, indices, result))
    weights = [1 / fit.result.se**2 for fit in fits]
    pooled = sum(w * fit.result.estimate for w, fit in zip(weights, fits, strict=True)) / sum(
        weights
    )
    q_between = sum(
        w * (fit.result.estimate - pooled) ** 2 for w, fit in zip(weights, fits, strict=True)
    )
    df = len(fits) - 1
    return SubgroupAnalysis(tuple(fits), q_between, df, chi2_upper_tail(q_between, df))


def leave_one_out(
    effects: EffectSizes,
    model: Model,
    *,
    hartung_knapp: bool = False,
    prediction: PredictionInterval | None = None,
) -> tuple[LeaveOneOutResult, ...]:
    """The meta-analysis refitted without each study in turn (needs at least two studies)."""
    if effects.k < 2:
        raise InvalidValueError("studies", effects.k, "at least 2 studies for leave-one-out")
    return tuple(
        LeaveOneOutResult(
            index,
            meta_analyse(
                effects.without(index), model, hartung_knapp=hartung_knapp, prediction=prediction
            ),
        )
        for index in range(effects.k)
    )
