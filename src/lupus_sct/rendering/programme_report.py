"""The programme report as HTML (Jinja2) and PDF (WeasyPrint), from computed numbers only.

:func:`report_context` turns a :class:`~lupus_sct.services.views.programme_report.ProgrammeReport`
into
the template's context: formatted strings and SVG charts, nothing else. The template
(``rendering/templates/reports/programme.html``) holds no number of its own, so every number in the
report comes from the tested analytics functions. The PDF is rendered without network access:
every URL fetch is refused, and fonts come from the system (fontconfig): see
:mod:`lupus_sct.rendering.pdf`. The template is loaded from the installed package (Jinja's
``PackageLoader``), never by a path relative to the working directory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup

from lupus_sct.analytics.centre_benchmarking import Benchmarking
from lupus_sct.analytics.programme_indicators import (
    ENGRAFTMENT_BY_DAY,
    SEVERE_CTCAE_GRADE,
    ProgrammeIndicators,
    RateAt,
    TransplantRow,
    engrafted_by_day_28,
)
from lupus_sct.analytics.response import (
    Endpoint,
    LandmarkRate,
    ProportionEstimate,
    ResponseOverTime,
    Verdict,
)
from lupus_sct.analytics.survival import CauseIncidence, KaplanMeierEstimate, numbers_at_risk
from lupus_sct.rendering.charts import (
    AtRiskRow,
    FunnelPoint,
    Lane,
    StepCurve,
    funnel_plot,
    step_chart,
    swimmer_plot,
    trajectory_chart,
)
from lupus_sct.rendering.errors import RenderingError
from lupus_sct.rendering.pdf import html_to_pdf
from lupus_sct.services.views.programme_report import ProgrammeReport

PACKAGE = "lupus_sct.rendering"
TEMPLATE_FOLDER = "templates/reports"
TEMPLATES = files(PACKAGE).joinpath(TEMPLATE_FOLDER)
TEMPLATE = "programme.html"
CURVE_TICKS_DAYS = (0, 365, 730, 1095, 1461, 1826)  # yearly ticks to 5 years (365.25-day years)


def _ticks(end: float) -> tuple[int, ...]:
    return tuple(t for t in CURVE_TICKS_DAYS if t <= end)


TRAJECTORY_TICKS_MONTHS = (0, 6, 12, 24, 36, 48, 60)
REFERENCES = (
    "Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457-81 (survival; Greenwood variance; log-log "
    "limits).",
    "Aalen OO, Johansen S. Scand J Stat 1978;5:141-50; cmprsk 2.2 Aalen variance (cumulative "
    "incidence of non-relapse mortality, relapse and secondary autoimmune disease).",
    "Clopper CJ, Pearson ES. Biometrika 1934;26:404-13 (exact intervals); Wilson EB. J Am Stat "
    "Assoc 1927;22:209-12 (score intervals).",
    "Cox DR. J R Stat Soc B 1972;34:187-220; Breslow baseline hazard (expected one-year survival).",
    "Spiegelhalter DJ. Stat Med 2005;24:1185-202, doi:10.1002/sim.1970 (funnel plot).",
)


def percent(value: float) -> str:
    """A proportion as a percentage with one decimal; ``n/a`` when undefined."""
    return "n/a" if math.isnan(value) else f"{100.0 * value:.1f}%"


def interval(lower: float, upper: float) -> str:
    """Confidence limits as percentages."""
    return f"{percent(lower)} to {percent(upper)}"


def rate_row(label: str, rate: RateAt) -> dict[str, str]:
    """One rate with its exact and Wilson intervals, formatted for a table."""
    return {
        "label": label,
        "estimate": percent(rate.estimate),
        "ci": interval(rate.ci_lower, rate.ci_upper),
        "at_risk": str(rate.n_risk),
    }


def _proportion(estimate: ProportionEstimate | None) -> dict[str, str]:
    if estimate is None:
        return {"count": "none evaluable", "estimate": "n/a", "exact": "n/a", "wilson": "n/a"}
    return {
        "count": f"{estimate.events}/{estimate.total}",
        "estimate": percent(estimate.proportion),
        "exact": interval(estimate.exact_lower, estimate.exact_upper),
        "wilson": interval(estimate.wilson_lower, estimate.wilson_upper),
    }


def years(day: int) -> str:
    """A day count as whole years ("1 year", "5 years")."""
    return f"{round(day / 365.25)} year" + ("s" if round(day / 365.25) != 1 else "")


def _km_curve(label: str, curve: KaplanMeierEstimate) -> StepCurve:
    return StepCurve(
        label,
        1.0,
        curve.time.tolist(),
        curve.survival.tolist(),
        curve.ci_lower.tolist(),
        curve.ci_upper.tolist(),
    )


def _cif_curve(label: str, curve: CauseIncidence) -> StepCurve:
    return StepCurve(
        label,
        0.0,
        curve.time.tolist(),
        curve.cif.tolist(),
        curve.ci_lower.tolist(),
        curve.ci_upper.tolist(),
    )


def survival_chart(indicators: ProgrammeIndicators, end: float) -> Markup:
    """Overall and progression-free survival curves with CI bands and numbers at risk (SVG)."""
    curves = [
        _km_curve("Overall survival", indicators.overall_survival),
        _km_curve("Progression-free survival", indicators.progression_free),
    ]
    rows = [
        AtRiskRow("OS", indicators.overall_survival.at(_ticks(end)).n_risk.tolist()),
        AtRiskRow("PFS", indicators.progression_free.at(_ticks(end)).n_risk.tolist()),
    ]
    svg = step_chart(
        curves,
        x_max=end,
        x_ticks=_ticks(end),
        at_risk=rows,
        labels=("Days since day 0", "Probability"),
    )
    return Markup(svg)  # noqa: S704 - SVG built by rendering.charts from numbers, labels escaped


def incidence_chart(
    indicators: ProgrammeIndicators, rows: Sequence[TransplantRow], end: float
) -> Markup:
    """Relapse and non-relapse mortality cumulative incidence with CI bands (SVG)."""
    curves = [
        _cif_curve(label, curve)
        for label, curve in (
            ("Non-relapse mortality", indicators.non_relapse_mortality),
            ("Relapse or progression", indicators.relapse),
        )
        if curve is not None
    ]
    times = [
        float(r.follow_up_days if r.relapse_day is None else min(r.relapse_day, r.follow_up_days))
        for r in rows
    ]
    counts = numbers_at_risk(times, _ticks(end)).tolist() if times else []
    svg = step_chart(
        curves,
        x_max=end,
        x_ticks=_ticks(end),
        at_risk=[AtRiskRow("All", counts)] if counts else [],
        labels=("Days since day 0", "Cumulative incidence"),
    )
    return Markup(svg)  # noqa: S704 - SVG built by rendering.charts from numbers, labels escaped


def landmark_rows(response: ResponseOverTime) -> list[dict[str, str]]:
    """Response rates at each landmark, formatted for the report table."""
    rows = []
    for rate in response.rates:
        rows.append(
            {
                "month": f"{rate.month} months",
                "endpoint": _endpoint_label(rate, response),
                **_proportion(rate.estimate),
                "missing": str(rate.counts[Verdict.MISSING]),
                "not_applicable": str(rate.counts[Verdict.NOT_APPLICABLE]),
                "died": str(rate.counts[Verdict.DIED]),
                "not_due": str(rate.counts[Verdict.NOT_DUE]),
            }
        )
    return rows


def _endpoint_label(rate: LandmarkRate, response: ResponseOverTime) -> str:
    if rate.endpoint is Endpoint.PROTOCOL_REMISSION:
        definition = response.settings.protocol_remission
        return (
            f"Protocol remission ({definition.name}: SLEDAI-2K at most "
            f"{definition.sledai_2k_at_most})"
        )
    if rate.endpoint in (Endpoint.RENAL_RESPONSE, Endpoint.COMPLETE_RENAL_RESPONSE):
        return f"{rate.endpoint.value!s} ({response.settings.renal_definition.value})"
    return str(rate.endpoint.value)


def _response_section(report: ProgrammeReport) -> dict[str, Any] | None:
    response = report.response
    if response is None:
        return None
    trajectory_max = max([p.summary.q3 for p in response.trajectory] + [8.0])
    return {
        "window": f"{response.settings.window_days} days",
        "rates": landmark_rows(response),
        "time_in_state": [
            {
                "state": t.state,
                "n": "none" if t.summary is None else str(t.summary.n),
                "median": "n/a" if t.summary is None else percent(t.summary.median),
                "iqr": "n/a" if t.summary is None else interval(t.summary.q1, t.summary.q3),
            }
            for t in response.time_in_state
        ],
        "trajectory": [
            {
                "month": str(p.month),
                "n": str(p.summary.n),
                "median": f"{p.summary.median:g}",
                "iqr": f"{p.summary.q1:g} to {p.summary.q3:g}",
            }
            for p in response.trajectory
        ],
        "trajectory_chart": Markup(  # noqa: S704 - SVG built from numbers, labels escaped
            trajectory_chart(
                response.trajectory,
                x_ticks=TRAJECTORY_TICKS_MONTHS,
                y_max=4.0 * math.ceil(trajectory_max / 4.0),
            )
        ),
    }


def _benchmark_section(benchmarking: Benchmarking, centre_id: str) -> dict[str, Any]:
    section: dict[str, Any] = {
        "reason": benchmarking.reason,
        "covariates": ", ".join(benchmarking.covariates),
        "pooled": str(benchmarking.n_pooled),
        "missing": str(benchmarking.n_missing_covariate),
        "not_evaluable": str(benchmarking.n_not_evaluable),
    }
    if benchmarking.target is None or not benchmarking.centres:
        return section
    target = benchmarking.target
    rows = []
    for centre in benchmarking.centres:
        rows.append(
            {
                "label": "this centre" if centre.centre_id == centre_id else "other centre",
                "n": str(centre.n),
                "observed": f"{centre.observed_survivors} ({percent(centre.observed)})",
                "expected": f"{centre.expected_survivors:.1f} ({percent(centre.expected)})",
                "adjusted": percent(centre.risk_adjusted),
                "inner_limits": interval(centre.limits.inner_lower, centre.limits.inner_upper),
                "position": "within 95% limits"
                if centre.within_95
                else ("within 99.8% limits" if centre.within_998 else "outside 99.8% limits"),
            }
        )
    points = [
        FunnelPoint(
            "this centre" if c.centre_id == centre_id else "",
            c.n,
            c.risk_adjusted,
            c.centre_id == centre_id,
        )
        for c in benchmarking.centres
    ]
    largest = max(limit.n for limit in benchmarking.funnel)
    ticks = sorted({1, *range(0, largest + 1, max(1, largest // 5))} - {0})
    section.update(
        target=percent(target),
        centres=rows,
        chart=Markup(  # noqa: S704 - SVG built from numbers, labels escaped
            funnel_plot(benchmarking.funnel, target, points, x_ticks=ticks)
        ),
    )
    return section


def _indicator_section(report: ProgrammeReport) -> dict[str, Any] | None:
    indicators = report.indicators
    if indicators is None:
        return None
    longest = max(r.follow_up_days for r in report.rows)
    end = float(next((t for t in CURVE_TICKS_DAYS if t >= longest), CURVE_TICKS_DAYS[-1]))
    return {
        "n": str(indicators.n),
        "trm": [rate_row(f"Day {r.day}", r) for r in indicators.trm],
        "survival": [
            *(rate_row(f"Overall survival, {years(r.day)}", r) for r in indicators.os_at),
            *(rate_row(f"Progression-free survival, {years(r.day)}", r) for r in indicators.pfs_at),
            *(
                rate_row(f"Relapse or progression, {years(r.day)}", r)
                for r in indicators.relapse_at
            ),
            *(
                rate_row(f"Secondary autoimmune disease, {years(r.day)}", r)
                for r in indicators.secondary_autoimmune_at
            ),
        ],
        "engraftment_by": f"day {ENGRAFTMENT_BY_DAY}",
        "severe_label": f"CTCAE grade {SEVERE_CTCAE_GRADE} or higher",
        "conf": f"{100.0 * indicators.overall_survival.conf_level:g}%",
        "engraftment": _proportion(indicators.engraftment),
        "engrafted_labels": ", ".join(r.label for r in report.rows if engrafted_by_day_28(r)),
        "infections": [
            {
                "period": f"Day {p.first_day} to {p.last_day}",
                "infections": str(p.infections),
                "at_risk": str(p.n_at_risk),
                **_proportion(p.patients),
            }
            for p in indicators.infections
        ],
        "severe_grades": [
            {"grade": str(g), "events": str(n)} for g, n in indicators.severe_by_grade
        ],
        "severe_terms": [{"term": t, "events": str(n)} for t, n in indicators.severe_by_term],
        "severe_patients": _proportion(indicators.patients_with_severe_event),
        "survival_chart": survival_chart(indicators, end),
        "incidence_chart": incidence_chart(indicators, report.rows, end),
        "swimmer_chart": Markup(  # noqa: S704 - SVG built from numbers, labels escaped
            swimmer_plot(
                [
                    Lane(
                        s.label,
                        s.follow_up_days,
                        s.died,
                        s.relapse_day,
                        s.remission_day,
                        s.flare_days,
                    )
                    for s in report.swimmer
                ],
                x_ticks=_ticks(end),
                x_max=end,
            )
        ),
    }


def report_context(report: ProgrammeReport) -> dict[str, Any]:
    """The template's whole context: formatted numbers and SVG charts from ``report`` alone."""
    return {
        "centre": f"{report.centre.name} ({report.centre.code})",
        "period": f"{report.period_from.isoformat()} to {report.period_to.isoformat()}",
        "as_of": report.as_of.isoformat(),
        "n_patients": str(len(report.rows)),
        "indicators": _indicator_section(report),
        "response": _response_section(report),
        "benchmarking": _benchmark_section(report.benchmarking, report.centre.id),
        "references": REFERENCES,
    }


def render_html(report: ProgrammeReport) -> str:
    """The report as a standalone HTML page."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(PACKAGE, TEMPLATE_FOLDER),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    try:
        return environment.get_template(TEMPLATE).render(report_context(report))
    except jinja2.TemplateError as exc:
        raise RenderingError(f"the report template failed: {exc}") from exc


def render_pdf(html: str) -> bytes:
    """The HTML report as PDF bytes (WeasyPrint, no network, system fonts)."""
    return html_to_pdf(html, base_url=str(TEMPLATES))
