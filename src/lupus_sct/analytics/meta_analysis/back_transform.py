"""Back-transformations from the analysis scale to the natural scale of a measure.

References
----------
Miller JJ. The inverse of the Freeman-Tukey double arcsine transformation. Am Stat 1978;32(4):138.
doi:10.1080/00031305.1978.10479283.
Viechtbauer W. J Stat Softw 2010;36(3). doi:10.18637/jss.v036.i03 (``transf.exp.int``,
``transf.ilogit``, ``transf.ipft``, ``transf.ipft.hm``).

Notes
-----
- RR and OR: ``exp``; PLO: inverse logit; PFT: Miller's inverse with ``n`` = the harmonic mean of
  the studies' sample sizes for pooled values (metafor's ``transf.ipft.hm``) and each study's own
  ``n`` for study values (``transf.ipft``). Values beyond the transform of 0 or 1 are clamped to
  0 or 1, as metafor does.
- RD, MD, SMD, SMCR and GEN have no other natural scale: :func:`back_transformer` returns ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from lupus_sct.analytics.meta_analysis.effect_sizes import Measure

Transform = Callable[[float], float]


def inverse_logit(value: float) -> float:
    """``1 / (1 + exp(-value))``, computed without overflow."""
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp_value = math.exp(value)
    return exp_value / (1.0 + exp_value)


def double_arcsine(proportion: float, n: float) -> float:
    """Freeman-Tukey transform of ``proportion`` for sample size ``n`` (``transf.pft``)."""
    x = proportion * n
    return 0.5 * (math.asin(math.sqrt(x / (n + 1))) + math.asin(math.sqrt((x + 1) / (n + 1))))


def inverse_double_arcsine(value: float, n: float) -> float:
    """Miller (1978) inverse of the Freeman-Tukey double arcsine for sample size ``n``."""
    if value > double_arcsine(1.0, n):
        return 1.0
    if value < double_arcsine(0.0, n):
        return 0.0
    sine = math.sin(2 * value)
    inner = 1 - (sine + (sine - 1 / sine) / n) ** 2
    sign = math.copysign(1.0, math.cos(2 * value)) if math.cos(2 * value) != 0 else 0.0
    return 0.5 * (1 - sign * math.sqrt(max(inner, 0.0)))


def harmonic_mean(values: Sequence[float]) -> float:
    """``1 / mean(1 / values)``."""
    return len(values) / sum(1.0 / value for value in values)


def back_transformer(measure: Measure, ni: Sequence[float] | None = None) -> Transform | None:
    """The transform for pooled values of ``measure``, or ``None`` if it has no other scale.

    ``ni`` (all studies' sample sizes) is required for PFT.
    """
    if measure in (Measure.RR, Measure.OR):
        return math.exp
    if measure is Measure.PLO:
        return inverse_logit
    if measure is Measure.PFT:
        if not ni:
            raise ValueError("PFT back-transformation needs the studies' sample sizes")
        n_harmonic = harmonic_mean(ni)
        return lambda value: inverse_double_arcsine(value, n_harmonic)
    return None


def study_back_transformer(measure: Measure, n: float | None) -> Transform | None:
    """The transform for one study's value (PFT uses the study's own ``n``)."""
    if measure is Measure.PFT:
        if n is None:
            raise ValueError("PFT back-transformation needs the study's sample size")
        return lambda value: inverse_double_arcsine(value, n)
    return back_transformer(measure)
