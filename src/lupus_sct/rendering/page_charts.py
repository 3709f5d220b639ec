"""The charts of the cohort dashboard and the evidence explorer, as markup ready for a template.

The survival and incidence charts are the programme report's own, with a ``<title>`` and
``<desc>`` added so a screen reader announces what each chart shows; the forest plot is
:func:`lupus_sct.rendering.forest_plot.render_forest_plot`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from lupus_sct.analytics.programme_indicators import ProgrammeIndicators, RateAt, TransplantRow
from lupus_sct.rendering.forest_plot import render_forest_plot
from lupus_sct.rendering.programme_report import (
    CURVE_TICKS_DAYS,
    incidence_chart,
    interval,
    percent,
    survival_chart,
    years,
)
from lupus_sct.services.evidence.studies import EvidencePool


def titled_svg(svg: str, ident: str, title: str, desc: str) -> Markup:
    """``svg`` with an accessible name and description (SVG-AAM: ``<title>``, ``<desc>``)."""
    head, _, rest = svg.partition(">")
    labelled = (
        f'{head} aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>{rest}'
    )
    return Markup(labelled)  # noqa: S704 - SVG built by rendering.charts from numbers, text escaped


def _read(label: str, rates: tuple[RateAt, ...]) -> str:
    known = [r for r in rates if not math.isnan(r.estimate)]
    if not known:
        return f"{label}: not estimated yet"
    return "; ".join(
        f"{label} at {years(r.day)} {percent(r.estimate)} "
        f"(CI {interval(r.ci_lower, r.ci_upper)}, {r.n_risk} at risk)"
        for r in known
    )


def dashboard_charts(
    indicators: ProgrammeIndicators, rows: Sequence[TransplantRow]
) -> dict[str, Markup]:
    """The survival and incidence charts of the dashboard, each with a title and a description."""
    longest = max(r.follow_up_days for r in rows)
    end = float(next((t for t in CURVE_TICKS_DAYS if t >= longest), CURVE_TICKS_DAYS[-1]))
    nrm = ", ".join(f"day {r.day} {percent(r.estimate)}" for r in indicators.trm)
    n = f"{indicators.n} patients"
    return {
        "survival": titled_svg(
            str(survival_chart(indicators, end)),
            "survival-chart",
            "Overall and progression-free survival since day 0 (Kaplan-Meier, 95% band)",
            f"{n}. {_read('Overall survival', indicators.os_at)}. "
            f"{_read('Progression-free survival', indicators.pfs_at)}. "
            "Numbers at risk are listed under the axis.",
        ),
        "incidence": titled_svg(
            str(incidence_chart(indicators, rows, end)),
            "incidence-chart",
            "Cumulative incidence of relapse and of non-relapse mortality (competing risks)",
            f"{n}. {_read('Relapse or progression', indicators.relapse_at)}. "
            f"Non-relapse mortality: {nrm}. Numbers at risk are listed under the axis.",
        ),
    }


def evidence_forest_plot(pool: EvidencePool, title: str) -> Markup:
    """The forest plot of a pooled selection of studies, each labelled by study and author."""
    labels = [f"{r.study_id} ({r.first_author} {r.year})" for r in pool.rows]
    forest = render_forest_plot(
        pool.effects,
        pool.result,
        labels,
        cautions=[r.needs_caution for r in pool.rows],
        title=title,
    )
    return Markup(forest)  # noqa: S704 - SVG built from numbers by forest_plot, escaped
