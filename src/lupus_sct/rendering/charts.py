"""Charts of the programme report as hand-written SVG (no plotting library, no network).

Kaplan-Meier and cumulative incidence curves are drawn as right-continuous steps with their
pointwise confidence band and a numbers-at-risk table under the axis (the layout recommended by
Pocock SJ, Clayton TC, Altman DG. Lancet 2002;359:1686-9, doi:10.1016/S0140-6736(02)08594-X); the
swimmer plot aligns courses at day 0; the funnel plot follows Spiegelhalter 2005
(doi:10.1002/sim.1970). Every plotted value is passed in; the charts compute nothing clinical.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from lupus_sct.analytics.response import TrajectoryPoint
from lupus_sct.analytics.spiegelhalter_2005 import FunnelLimits

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 14, 40
COLOURS = ("#1f5f8b", "#b5472b", "#3c7d3a", "#7a4b94")
FONT = 'font-family="DejaVu Sans, sans-serif" font-size="10"'


@dataclass(frozen=True)
class StepCurve:
    """A step curve with its band: ``estimate[i]`` holds from ``time[i]`` on."""

    label: str
    start: float
    time: Sequence[float]
    estimate: Sequence[float]
    lower: Sequence[float]
    upper: Sequence[float]


@dataclass(frozen=True)
class AtRiskRow:
    """Numbers at risk of one curve at the tick days."""

    label: str
    counts: Sequence[int]


@dataclass(frozen=True)
class Lane:
    """One swimmer-plot lane (days since day 0)."""

    label: str
    end_day: int
    died: bool
    relapse_day: int | None
    remission_day: int | None
    flare_days: Sequence[int]


@dataclass(frozen=True)
class FunnelPoint:
    """A centre on the funnel: its number of cases and its (risk-adjusted) proportion."""

    label: str
    n: int
    value: float
    highlighted: bool


class _Frame:
    """Maps data to the plotting area."""

    def __init__(self, x_max: float, y_max: float, height: float = HEIGHT) -> None:
        self.x_max, self.y_max, self.height = max(x_max, 1.0), max(y_max, 1e-9), height

    def x(self, value: float) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * min(value, self.x_max) / self.x_max

    def y(self, value: float) -> float:
        span = self.height - TOP - BOTTOM
        return TOP + span * (1.0 - min(max(value, 0.0), self.y_max) / self.y_max)


def _el(name: str, **attrs: object) -> str:
    """A self-closing SVG element; underscores in attribute names become hyphens."""
    text = " ".join(
        f'{key.replace("_", "-")}="{value:.1f}"'
        if isinstance(value, float)
        else f'{key.replace("_", "-")}="{value}"'
        for key, value in attrs.items()
    )
    return f"<{name} {text}/>"


def _text(x: float, y: float, label: str, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} {extra}>'
        f"{escape(label)}</text>"
    )


def _axes(
    frame: _Frame,
    x_ticks: Sequence[float],
    y_ticks: Sequence[float],
    labels: tuple[str, str],
    y_format: str,
) -> list[str]:
    bottom = frame.height - BOTTOM
    parts = [
        _el("line", x1=LEFT, y1=bottom, x2=WIDTH - RIGHT, y2=bottom, stroke="#333"),
        _el("line", x1=LEFT, y1=TOP, x2=LEFT, y2=bottom, stroke="#333"),
    ]
    for tick in x_ticks:
        x = frame.x(tick)
        parts.append(_el("line", x1=x, y1=bottom, x2=x, y2=bottom + 4, stroke="#333"))
        parts.append(_text(x, bottom + 14, f"{tick:g}"))
    for tick in y_ticks:
        y = frame.y(tick)
        parts.append(_el("line", x1=LEFT - 4, y1=y, x2=LEFT, y2=y, stroke="#333"))
        parts.append(_text(LEFT - 6, y + 3, format(tick, y_format), "end"))
    middle = (TOP + bottom) / 2
    parts.append(_text((LEFT + WIDTH - RIGHT) / 2, bottom + 28, labels[0]))
    parts.append(_text(12, middle, labels[1], extra=f'transform="rotate(-90 12 {middle:.1f})"'))
    return parts


def _clean(values: Sequence[float], fallback: Sequence[float]) -> list[float]:
    """Undefined limits (NaN where the estimate is 0 or 1) are drawn at the estimate."""
    return [f if math.isnan(v) else v for v, f in zip(values, fallback, strict=True)]


def _steps(
    frame: _Frame, start: float, time: Sequence[float], values: Sequence[float], end: float
) -> list[tuple[float, float]]:
    points = [(frame.x(0.0), frame.y(start))]
    level = start
    for t, v in zip(time, values, strict=True):
        if t > frame.x_max:
            break
        points.append((frame.x(t), frame.y(level)))
        points.append((frame.x(t), frame.y(v)))
        level = v
    points.append((frame.x(end), frame.y(level)))
    return points


def _path(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _curve(frame: _Frame, curve: StepCurve, colour: str, end: float) -> list[str]:
    lower = _clean(curve.lower, curve.estimate)
    upper = _clean(curve.upper, curve.estimate)
    top = _steps(frame, curve.start, curve.time, upper, end)
    low = _steps(frame, curve.start, curve.time, lower, end)
    line = _steps(frame, curve.start, curve.time, curve.estimate, end)
    return [
        _el("polygon", points=_path(top + low[::-1]), fill=colour, fill_opacity="0.15"),
        _el("polyline", points=_path(line), fill="none", stroke=colour, stroke_width="1.6"),
    ]


def step_chart(
    curves: Sequence[StepCurve],
    *,
    x_max: float,
    x_ticks: Sequence[float],
    at_risk: Sequence[AtRiskRow],
    labels: tuple[str, str],
) -> str:
    """Step curves with confidence bands (0-1 scale), a legend and numbers at risk below."""
    frame = _Frame(x_max, 1.0)
    parts = _axes(frame, x_ticks, (0.0, 0.25, 0.5, 0.75, 1.0), labels, ".0%")
    for index, curve in enumerate(curves):
        colour = COLOURS[index % len(COLOURS)]
        parts.extend(_curve(frame, curve, colour, x_max))
        y = TOP + 4 + 14 * index
        parts.append(_el("rect", x=WIDTH - 170, y=y, width=10, height=10, fill=colour))
        parts.append(_text(WIDTH - 156, y + 9, curve.label, "start"))
    base = HEIGHT + 4
    parts.append(_text(4, base + 8, "Number at risk", "start", 'font-weight="bold"'))
    for row_index, row in enumerate(at_risk):
        y = base + 24 + 16 * row_index
        parts.append(_text(4, y, row.label, "start"))
        for tick, count in zip(x_ticks, row.counts, strict=True):
            parts.append(_text(frame.x(tick), y, str(count), extra='class="at-risk"'))
    return _svg(HEIGHT + 16 * (len(at_risk) + 1) + 8, parts)


def _svg(height: float, parts: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" role="img">' + "".join(parts) + "</svg>"
    )


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "remission":
        return _el("circle", cx=x, cy=y, r=4, fill=COLOURS[2])
    if kind == "flare":
        diamond = _path(((x, y - 4), (x + 4, y), (x, y + 4), (x - 4, y)))
        return _el("polygon", points=diamond, fill="#e0a100")
    if kind == "relapse":
        triangle = _path(((x - 4, y + 4), (x + 4, y + 4), (x, y - 4)))
        return _el("polygon", points=triangle, fill=COLOURS[1])
    a, b, c, d = x - 4, y - 4, x + 4, y + 4
    cross = f"M{a:.1f},{b:.1f} L{c:.1f},{d:.1f} M{a:.1f},{d:.1f} L{c:.1f},{b:.1f}"
    return _el("path", d=cross, stroke="#000", stroke_width=2)


MARKER_LABELS = {
    "remission": "first DORIS remission",
    "flare": "flare",
    "relapse": "relapse",
    "death": "death",
}


def _lane(frame: _Frame, lane: Lane, y: float) -> list[str]:
    width = frame.x(lane.end_day) - frame.x(0)
    parts = [
        _text(LEFT - 6, y + 3, lane.label, "end"),
        _el("rect", x=frame.x(0), y=y - 5, width=width, height=10, fill="#9db8cf"),
    ]
    marks = [("flare", d) for d in lane.flare_days]
    if lane.remission_day is not None:
        marks.append(("remission", lane.remission_day))
    if lane.relapse_day is not None:
        marks.append(("relapse", lane.relapse_day))
    if lane.died:
        marks.append(("death", lane.end_day))
    parts.extend(_marker(kind, frame.x(day), y) for kind, day in marks)
    return parts


def swimmer_plot(lanes: Sequence[Lane], *, x_ticks: Sequence[float], x_max: float) -> str:
    """One bar per patient from day 0 to death or last contact, with dated markers."""
    lane_height = 18
    height = TOP + BOTTOM + lane_height * max(len(lanes), 1) + 20
    frame = _Frame(x_max, 1.0, height)
    parts = _axes(frame, x_ticks, (), ("Days since day 0", ""), "g")
    for index, lane in enumerate(lanes):
        parts.extend(_lane(frame, lane, TOP + lane_height * index + lane_height / 2))
    legend_y = height - 6
    for offset, (kind, label) in enumerate(MARKER_LABELS.items()):
        x = LEFT + 130 * offset
        parts.append(_marker(kind, x + 4, legend_y - 4))
        parts.append(_text(x + 12, legend_y, label, "start"))
    return _svg(height, parts)


def trajectory_chart(
    points: Sequence[TrajectoryPoint], *, x_ticks: Sequence[float], y_max: float
) -> str:
    """Median SLEDAI-2K by month since day 0 with the interquartile range as a band."""
    frame = _Frame(max([float(p.month) for p in points] + [1.0]), y_max)
    y_ticks = [float(t) for t in range(0, int(y_max) + 1, 4)]
    parts = _axes(frame, x_ticks, y_ticks, ("Months since day 0", "SLEDAI-2K"), "g")
    if points:
        upper = [(frame.x(p.month), frame.y(p.summary.q3)) for p in points]
        lower = [(frame.x(p.month), frame.y(p.summary.q1)) for p in points]
        line = [(frame.x(p.month), frame.y(p.summary.median)) for p in points]
        band = _path(upper + lower[::-1])
        parts.append(_el("polygon", points=band, fill=COLOURS[0], fill_opacity="0.15"))
        parts.append(
            _el("polyline", points=_path(line), fill="none", stroke=COLOURS[0], stroke_width="1.6")
        )
        parts.extend(_el("circle", cx=x, cy=y, r="2.5", fill=COLOURS[0]) for x, y in line)
    return _svg(HEIGHT, parts)


LIMIT_STYLES = (
    ("inner_lower", "4 2"),
    ("inner_upper", "4 2"),
    ("outer_lower", "1 2"),
    ("outer_upper", "1 2"),
)


def funnel_plot(
    limits: Sequence[FunnelLimits],
    target: float,
    points: Sequence[FunnelPoint],
    *,
    x_ticks: Sequence[float],
) -> str:
    """Risk-adjusted proportions against the number of cases, with 95% and 99.8% limits."""
    x_max = float(max(limit.n for limit in limits))
    frame = _Frame(x_max, 1.0)
    labels = ("Evaluable patients", "One-year survival")
    parts = _axes(frame, x_ticks, (0.0, 0.25, 0.5, 0.75, 1.0), labels, ".0%")
    for attribute, dash in LIMIT_STYLES:
        line = [(frame.x(limit.n), frame.y(getattr(limit, attribute))) for limit in limits]
        parts.append(
            _el("polyline", points=_path(line), fill="none", stroke="#555", stroke_dasharray=dash)
        )
    y = frame.y(target)
    parts.append(_el("line", x1=frame.x(0), y1=y, x2=frame.x(x_max), y2=y, stroke="#333"))
    for point in points:
        colour = COLOURS[1] if point.highlighted else COLOURS[0]
        radius = "5" if point.highlighted else "3.5"
        cx, cy = frame.x(point.n), frame.y(point.value)
        parts.append(_el("circle", cx=cx, cy=cy, r=radius, fill=colour))
    return _svg(HEIGHT, parts)
