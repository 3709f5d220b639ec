"""Template contexts of the cohort dashboard and the evidence explorer: formatted text and SVG.

The charts are drawn by :mod:`lupus_sct.rendering.page_charts`; here the numbers are only shaped
for the templates.
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.evidence.studies import MEMORY_CAUTION, EvidenceRow
from lupus_sct.rendering.page_charts import dashboard_charts, evidence_forest_plot
from lupus_sct.rendering.programme_report import interval, landmark_rows, percent, rate_row, years
from lupus_sct.services.evidence.explorer import (
    EXPLORER_MODEL,
    THERAPY_GROUPS,
    EvidenceExploration,
)
from lupus_sct.services.evidence.studies import EvidencePool
from lupus_sct.services.views.dashboard import CohortDashboard


def dashboard_context(dashboard: CohortDashboard) -> dict[str, Any]:
    """Everything the dashboard template shows, formatted."""
    indicators = dashboard.indicators
    context: dict[str, Any] = {
        "centres": ", ".join(f"{c.name} ({c.code})" for c in dashboard.centres) or "none",
        "n_patients": len(dashboard.rows),
        "therapies": [
            {
                "kind": t.kind.value.replace("_", " "),
                "started": t.started,
                "infused": t.infused,
            }
            for t in dashboard.therapies
        ],
        "indicators": None,
        "rates": landmark_rows(dashboard.response) if dashboard.response else [],
    }
    if indicators is not None:
        charts = dashboard_charts(indicators, dashboard.rows)
        context["indicators"] = {
            "conf": f"{100.0 * indicators.overall_survival.conf_level:g}%",
            "survival_chart": charts["survival"],
            "incidence_chart": charts["incidence"],
            "survival": [
                *(rate_row(f"Overall survival, {years(r.day)}", r) for r in indicators.os_at),
                *(rate_row(f"Non-relapse mortality, day {r.day}", r) for r in indicators.trm),
                *(
                    rate_row(f"Relapse or progression, {years(r.day)}", r)
                    for r in indicators.relapse_at
                ),
            ],
        }
    return context


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}g}"


def evidence_row_view(row: EvidenceRow) -> dict[str, Any]:
    """One study row with its provenance and, for recalled numbers, the caution."""
    counts = "" if row.events is None or row.total is None else f"{row.events}/{row.total}"
    ci = (
        ""
        if row.ci_low is None or row.ci_high is None
        else f"{_number(row.ci_low)} to {_number(row.ci_high)}"
    )
    return {
        "study": row.study_id,
        "citation": f"{row.first_author} {row.year}, {row.journal}",
        "source": row.pmid_or_doi,
        "therapy": row.therapy,
        "design": row.design,
        "outcome": row.outcome,
        "definition": row.definition,
        "timepoint": _number(row.timepoint_months) or "not stated",
        "counts": counts or "none",
        "estimate": _number(row.estimate) or "none",
        "ci": ci,
        "provenance": row.provenance.value.replace("_", " "),
        "caution": MEMORY_CAUTION if row.needs_caution else "",
        "notes": row.notes,
    }


def _pool_view(pool: EvidencePool, choice_label: str) -> dict[str, Any]:
    result = pool.result
    natural = result.back_transformed
    estimate = natural.estimate if natural else result.estimate
    lower = natural.ci_lower if natural else result.ci_lower
    upper = natural.ci_upper if natural else result.ci_upper
    pi = ""
    if natural and natural.pi_lower is not None and natural.pi_upper is not None:
        pi = interval(natural.pi_lower, natural.pi_upper)
    return {
        "k": result.k,
        "measure": str(result.measure),
        "model": str(result.model),
        "estimate": percent(estimate),
        "ci": interval(lower, upper),
        "level": f"{round(100 * result.level)}%",
        "prediction": pi,
        "i2": f"{result.i2:.0f}%",
        "tau2": f"{result.tau2:.3f}",
        "excluded": [{"study": e.row.study_id, "reason": e.reason} for e in pool.excluded],
        "cautions": pool.cautions,
        "forest": evidence_forest_plot(pool, f"Forest plot: {choice_label}"),
    }


def evidence_context(exploration: EvidenceExploration) -> dict[str, Any]:
    """Everything the evidence explorer template shows, formatted."""
    choice = exploration.choice
    label = f"{choice.outcome} after {choice.therapy}"
    return {
        "choice": choice,
        "therapy_groups": THERAPY_GROUPS,
        "therapies": exploration.therapies,
        "outcomes": exploration.outcomes,
        "timepoints": [_number(t) for t in exploration.timepoints],
        "chosen_timepoint": _number(choice.timepoint_months),
        "studies": sorted({r.study_id for r in exploration.rows}),
        "rows": [evidence_row_view(r) for r in exploration.rows],
        "n_caution": sum(1 for r in exploration.rows if r.needs_caution),
        "caution": MEMORY_CAUTION,
        "model": str(EXPLORER_MODEL),
        "pool": _pool_view(exploration.pool, label) if exploration.pool else None,
        "refusal": exploration.refusal,
    }
