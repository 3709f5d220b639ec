"""Forest plot as a self-contained, accessible SVG string (no plotting library).

References
----------
Lewis S, Clarke M. Forest plots: trying to see the wood and the trees. BMJ 2001;322:1479-1480.
doi:10.1136/bmj.322.7300.1479.
W3C. SVG Accessibility API Mappings (``role="img"``, ``<title>``, ``<desc>``).

Notes
-----
- Like metafor's ``forest(res, atransf=...)``, positions are on the analysis scale and axis labels
  and the printed estimates are back-transformed to the natural scale where the measure has one.
- Study squares are sized by weight; each study's interval is the Wald interval
  ``yi +/- z * sqrt(vi)``. The pooled estimate is a diamond spanning its confidence interval; the
  prediction interval, for random-effects models, is a line through it.
- Rows marked for caution (recalled, unverified numbers) get a visible marker and a text note;
  colour is never the only carrier of meaning. Every number is also present as text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from lupus_sct.analytics.meta_analysis.back_transform import (
    back_transformer,
    study_back_transformer,
)
from lupus_sct.analytics.meta_analysis.distributions import normal_quantile
from lupus_sct.analytics.meta_analysis.effect_sizes import EffectSizes, Measure
from lupus_sct.analytics.meta_analysis.heterogeneity import Model
from lupus_sct.analytics.meta_analysis.results import MetaAnalysisResult
from lupus_sct.domain.errors import InvalidValueError

CAUTION_MARKER = "\u26a0"  # WARNING SIGN, followed by a text note
ROW_HEIGHT = 24
LEFT = 250  # width of the label column
PLOT_WIDTH = 320
RIGHT = 230  # width of the estimate column
TOP = 56
SINGLE_GROUP_MEASURES = (Measure.PLO, Measure.PFT)  # 0 is not "no effect" for these


def render_forest_plot(
    effects: EffectSizes,
    result: MetaAnalysisResult,
    labels: Sequence[str],
    *,
    cautions: Sequence[bool] | None = None,
    title: str = "Forest plot",
) -> str:
    """SVG forest plot of ``effects`` and their pooled ``result``.

    Raises
    ------
    InvalidValueError
        If ``labels`` or ``cautions`` do not have one entry per study.
    """
    flags = list(cautions) if cautions is not None else [False] * effects.k
    if len(labels) != effects.k or len(flags) != effects.k:
        raise InvalidValueError("labels", len(labels), f"one label per study ({effects.k})")
    z = normal_quantile(1 - (1 - result.level) / 2)
    intervals = [
        (y - z * math.sqrt(v), y, y + z * math.sqrt(v))
        for y, v in zip(effects.yi, effects.vi, strict=True)
    ]
    scale = _Scale(intervals, result)
    rows = [
        _study_row(index, labels[index], intervals[index], effects, result, scale, flags[index])
        for index in range(effects.k)
    ]
    bottom = TOP + ROW_HEIGHT * (effects.k + 1)
    body = "\n".join(
        [*rows, _pooled_row(effects, result, scale, bottom), _axis(scale, effects, bottom + 30)]
    )
    height = bottom + 110
    width = LEFT + PLOT_WIDTH + RIGHT
    note = _caution_note(flags, bottom + 90)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="forest-title forest-desc" '
        'font-family="sans-serif" font-size="12">\n'
        f'<title id="forest-title">{escape(title)}</title>\n'
        f'<desc id="forest-desc">{escape(_description(result, labels))}</desc>\n'
        f'<text x="8" y="20" font-weight="bold">{escape(title)}</text>\n'
        f'<text x="8" y="{TOP - 10}" font-weight="bold">Study</text>\n'
        f'<text x="{LEFT + PLOT_WIDTH + 10}" y="{TOP - 10}" font-weight="bold">'
        f"Estimate [{round(100 * result.level)}% CI]</text>\n"
        f"{body}\n{note}</svg>\n"
    )


class _Scale:
    """Maps analysis-scale values to x coordinates."""

    def __init__(self, intervals: Sequence[tuple[float, float, float]], result: MetaAnalysisResult):
        values = [v for interval in intervals for v in interval]
        values += [result.ci_lower, result.ci_upper]
        values += [v for v in (result.pi_lower, result.pi_upper) if v is not None]
        self.low, self.high = min(values), max(values)
        if self.high - self.low < 1e-12:
            self.low, self.high = self.low - 1.0, self.high + 1.0

    def x(self, value: float) -> float:
        return LEFT + 10 + (PLOT_WIDTH - 20) * (value - self.low) / (self.high - self.low)


def _formatter(transform: Callable[[float], float] | None) -> Callable[[float], str]:
    return lambda value: f"{transform(value) if transform else value:.2f}"


def _study_row(
    index: int,
    label: str,
    interval: tuple[float, float, float],
    effects: EffectSizes,
    result: MetaAnalysisResult,
    scale: _Scale,
    caution: bool,
) -> str:
    y = TOP + ROW_HEIGHT * index
    lower, estimate, upper = interval
    n = effects.ni[index] if effects.ni is not None else None
    show = _formatter(study_back_transformer(effects.measure, n))
    side = 4 + 8 * math.sqrt(result.studies[index].weight / 100)
    marker = f"{CAUTION_MARKER} " if caution else ""
    caution_text = " (not verified against the source)" if caution else ""
    return (
        f"<g><title>{escape(label)}{caution_text}: {show(estimate)} "
        f"[{show(lower)}, {show(upper)}], weight {result.studies[index].weight:.1f}%</title>"
        f'<text x="8" y="{y + 4}">{escape(marker + label)}</text>'
        f'<line x1="{scale.x(lower):.1f}" y1="{y}" x2="{scale.x(upper):.1f}" y2="{y}" '
        'stroke="black"/>'
        f'<rect x="{scale.x(estimate) - side / 2:.1f}" y="{y - side / 2:.1f}" width="{side:.1f}" '
        f'height="{side:.1f}" fill="black"/>'
        f'<text x="{LEFT + PLOT_WIDTH + 10}" y="{y + 4}">{show(estimate)} [{show(lower)}, '
        f"{show(upper)}]</text></g>"
    )


def _pooled_row(effects: EffectSizes, result: MetaAnalysisResult, scale: _Scale, y: float) -> str:
    show = _formatter(back_transformer(effects.measure, effects.ni))
    label = (
        "Fixed-effect model"
        if result.model is Model.FE
        else f"Random-effects model ({result.model})"
    )
    left, centre, right = (scale.x(v) for v in (result.ci_lower, result.estimate, result.ci_upper))
    prediction = ""
    if result.model is not Model.FE and result.pi_lower is not None and result.pi_upper is not None:
        prediction = (
            f'<line x1="{scale.x(result.pi_lower):.1f}" y1="{y}" '
            f'x2="{scale.x(result.pi_upper):.1f}" y2="{y}" stroke="black" '
            'stroke-dasharray="4 3"><title>Prediction interval '
            f"{show(result.pi_lower)} to {show(result.pi_upper)}</title></line>"
        )
    return (
        f"<g>{prediction}"
        f'<text x="8" y="{y + 4}" font-weight="bold">{escape(label)}</text>'
        f'<polygon points="{left:.1f},{y} {centre:.1f},{y - 7} {right:.1f},{y} '
        f'{centre:.1f},{y + 7}" fill="black"/>'
        f'<text x="{LEFT + PLOT_WIDTH + 10}" y="{y + 4}" font-weight="bold">'
        f"{show(result.estimate)} [{show(result.ci_lower)}, {show(result.ci_upper)}]</text></g>"
    )


def _axis(scale: _Scale, effects: EffectSizes, y: float) -> str:
    transform = back_transformer(effects.measure, effects.ni)
    show = _formatter(transform)
    ticks = [scale.low + (scale.high - scale.low) * step / 4 for step in range(5)]
    parts = [
        f'<line x1="{scale.x(scale.low):.1f}" y1="{y}" x2="{scale.x(scale.high):.1f}" y2="{y}" '
        'stroke="black"/>'
    ]
    for tick in ticks:
        x = scale.x(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 5}" stroke="black"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 18}" text-anchor="middle">{show(tick)}</text>')
    if effects.measure not in SINGLE_GROUP_MEASURES and scale.low <= 0.0 <= scale.high:
        x = scale.x(0.0)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - ROW_HEIGHT / 2}" x2="{x:.1f}" y2="{y}" stroke="grey" '
            'stroke-dasharray="2 2"><title>No effect</title></line>'
        )
    return "\n".join(parts)


def _caution_note(flags: Sequence[bool], y: float) -> str:
    if not any(flags):
        return ""
    return (
        f'<text x="8" y="{y}">{CAUTION_MARKER} Recalled from the literature: not verified against '
        "the source - confirm before clinical use.</text>\n"
    )


def _description(result: MetaAnalysisResult, labels: Sequence[str]) -> str:
    natural = result.back_transformed
    estimate = natural.estimate if natural else result.estimate
    lower = natural.ci_lower if natural else result.ci_lower
    upper = natural.ci_upper if natural else result.ci_upper
    return (
        f"{result.k} studies ({', '.join(labels)}); {result.measure} pooled with the "
        f"{result.model} model: {estimate:.2f} "
        f"({round(100 * result.level)}% CI {lower:.2f} to {upper:.2f}); "
        f"I squared {result.i2:.0f}%."
    )
