"""The patient timeline as inline SVG, aligned at day 0: SLEDAI-2K, prednisone dose, platelets and
neutrophils, and pathway events. Presentation attributes and classes only (no inline styles, so
the page keeps a CSP without 'unsafe-inline')."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from html import escape

from markupsafe import Markup

from lupus_sct.domain.pathway.course import day_number
from lupus_sct.domain.records.labs import canonical_value
from lupus_sct.services.views.clinic import PatientSummary

WIDTH, LEFT, RIGHT = 760, 64, 16
PANEL_HEIGHT, GAP, TOP = 90, 28, 24
PANELS = ("SLEDAI-2K", "Prednisone mg/day", "Platelets, neutrophils x10^9/L")


@dataclasses.dataclass(frozen=True)
class Axis:
    """Day range shown and its mapping to x."""

    first: int
    last: int

    def x(self, day: int) -> float:
        span = max(self.last - self.first, 1)
        return LEFT + (day - self.first) / span * (WIDTH - LEFT - RIGHT)


def _y(panel: int, value: float, top_value: float) -> float:
    base = TOP + panel * (PANEL_HEIGHT + GAP) + PANEL_HEIGHT
    return base - min(value / top_value, 1.0) * PANEL_HEIGHT if top_value > 0 else base


def _series(
    points: Sequence[tuple[int, float]], axis: Axis, panel: int, cls: str, label: str
) -> list[str]:
    if not points:
        return []
    peak = max(v for _, v in points)
    top_value = peak * 1.1 or 1.0
    coords = [(axis.x(d), _y(panel, v, top_value)) for d, v in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [f'<polyline class="series {cls}" points="{path}" fill="none"/>']
    for (day, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle class="dot {cls}" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
            f"<title>{escape(label)} {value:g} on day {day:+d}</title></circle>"
        )
    parts.append(
        f'<text class="peak" x="{WIDTH - RIGHT}" y="{TOP + panel * (PANEL_HEIGHT + GAP) + 10}" '
        f'text-anchor="end">max {peak:g}</text>'
    )
    return parts


def _frame(axis: Axis) -> list[str]:
    parts = []
    for i, name in enumerate(PANELS):
        y0 = TOP + i * (PANEL_HEIGHT + GAP)
        parts.append(
            f'<rect class="panel" x="{LEFT}" y="{y0}" width="{WIDTH - LEFT - RIGHT}" '
            f'height="{PANEL_HEIGHT}"/><text class="panel-label" x="{LEFT + 4}" y="{y0 - 6}">'
            f"{escape(name)}</text>"
        )
    bottom = TOP + len(PANELS) * (PANEL_HEIGHT + GAP) - GAP
    if axis.first <= 0 <= axis.last:
        x0 = axis.x(0)
        parts.append(f'<line class="day0" x1="{x0:.1f}" x2="{x0:.1f}" y1="{TOP}" y2="{bottom}"/>')
    for day in _ticks(axis):
        x = axis.x(day)
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{day:+d}</text>'
        )
    return parts


def _ticks(axis: Axis) -> list[int]:
    span = axis.last - axis.first
    step = next((s for s in (7, 14, 30, 90, 180, 365, 730) if span / s <= 8), 1460)
    start = -(-axis.first // step) * step
    return list(range(start, axis.last + 1, step)) or [axis.first]


def timeline_svg(summary: PatientSummary, today: date) -> Markup:
    """The timeline of a patient page; days are counted from the latest day 0 (or first visit)."""
    anchor = summary.disease_course.day0 or _first_date(summary) or today
    visits = summary.disease_course.visits
    sledai = [
        (day_number(anchor, v.visit_date), float(v.sledai_2k))
        for v in visits
        if v.sledai_2k is not None
    ]
    steroid = [
        (day_number(anchor, v.visit_date), v.prednisone_mg_per_day)
        for v in visits
        if v.prednisone_mg_per_day is not None
    ]
    platelets = [
        (day_number(anchor, lab.collected_at.date()), canonical_value(lab))
        for lab in summary.labs
        if lab.loinc_code == "777-3"
    ]
    neutrophils = [
        (day_number(anchor, lab.collected_at.date()), canonical_value(lab))
        for lab in summary.labs
        if lab.loinc_code == "751-8"
    ]
    events = [
        (day_number(anchor, e.event.event_date), e.event.kind.value)
        for c in summary.courses
        for e in c.events
    ]
    days = [d for d, _ in (*sledai, *steroid, *platelets, *neutrophils, *events)] + [
        0,
        day_number(anchor, today),
    ]
    axis = Axis(min(days) - 2, max(days) + 2)
    parts = _frame(axis)
    parts += _series(sledai, axis, 0, "sledai", "SLEDAI-2K")
    parts += _series(steroid, axis, 1, "steroid", "prednisone mg/day")
    parts += _series(platelets, axis, 2, "platelets", "platelets x10^9/L")
    parts += _series(neutrophils, axis, 2, "neutrophils", "neutrophils x10^9/L")
    bottom = TOP + len(PANELS) * (PANEL_HEIGHT + GAP) - GAP
    for day, kind in events:
        x = axis.x(day)
        parts.append(
            f'<line class="event" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{bottom}">'
            f"<title>{escape(kind.replace('_', ' '))} on day {day:+d}</title></line>"
        )
    height = bottom + 28
    counts = len(platelets) + len(neutrophils)
    return Markup(  # noqa: S704 (every text interpolated above goes through html.escape)
        f'<svg class="timeline" role="img" aria-labelledby="timeline-title timeline-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="timeline-title">Timeline aligned at day 0 ({anchor.isoformat()})</title>'
        f'<desc id="timeline-desc">{len(sledai)} SLEDAI-2K scores, {len(steroid)} steroid doses, '
        f"{counts} counts and {len(events)} pathway events by day.</desc>"
        + "".join(parts)
        + "</svg>"
    )


def _first_date(summary: PatientSummary) -> date | None:
    dates = [v.visit_date for v in summary.disease_course.visits]
    dates += [c.course.start_date for c in summary.courses]
    return min(dates, default=None)
