"""Text and JSON renderings of trials, matches and centre facts for ``lupus-sct trials``."""

from __future__ import annotations

from typing import Any

import yaml

from lupus_sct.domain.eligibility.atoms import Evidence
from lupus_sct.domain.evidence.centre_directory import CentreFacts
from lupus_sct.domain.trials.clinical_trials import Trial, describe_age_range
from lupus_sct.domain.trials.matching import ItemResult, ItemVerdict, TrialMatch
from lupus_sct.services.eligibility.trials import FileImportReport, ImportSummary


def fixture_mark(trial: Trial) -> str:
    """ " [FIXTURE]" for illustrative records, else nothing."""
    return " [FIXTURE: illustrative, not live data]" if trial.is_fixture else ""


def summary_line(summary: ImportSummary) -> str:
    """Counts of an import: created, updated, unchanged."""
    return (
        f"{len(summary.created)} created, {len(summary.updated)} updated, "
        f"{len(summary.unchanged)} unchanged"
    )


def file_report_lines(report: FileImportReport) -> list[str]:
    """The totals (with the files refused), then one line per file and one per refusal."""
    refused_files = sum(bool(file.refusals) for file, _ in report.files)
    lines = [
        f"{summary_line(report.summary)}; {refused_files} of {len(report.files)} file(s) "
        f"with refused records"
    ]
    for file, summary in report.files:
        done = [
            f"{nct_id} {outcome}"
            for outcome, ids in (
                ("created", summary.created),
                ("updated", summary.updated),
                ("unchanged", summary.unchanged),
            )
            for nct_id in ids
        ]
        lines.append(f"{file.name}: {', '.join(done) or 'nothing imported'}")
        lines += [f"  refused: {reason}" for reason in file.refusals]
    return lines


def trial_line(trial: Trial) -> str:
    """One line per trial for ``list``."""
    ruled = sum(not i.needs_review for i in trial.items)
    return (
        f"{trial.id}\t{trial.overall_status.value}\t{','.join(trial.phases) or '-'}\t"
        f"{ruled}/{len(trial.items)} criteria computable\t{trial.brief_title}{fixture_mark(trial)}"
    )


def trial_text(trial: Trial) -> list[str]:
    """The lines of ``show``: structured eligibility, sites, then each item with its rule."""
    lines = [
        f"{trial.id}: {trial.brief_title}{fixture_mark(trial)}",
        f"status: {trial.overall_status.value}; phases: {', '.join(trial.phases) or '-'}; "
        f"type: {trial.study_type or '-'}",
        f"conditions: {', '.join(trial.conditions) or '-'}",
        f"interventions: {', '.join(f'{i.name} ({i.type})' for i in trial.interventions) or '-'}",
        f"ages: {describe_age_range(trial.minimum_age, trial.maximum_age)}; sex: {trial.sex.value}",
        f"source: {trial.source}",
        f"sites ({len(trial.locations)}):",
    ]
    for site in trial.locations:
        where = (
            f" ({site.geo_point.latitude:.4f}, {site.geo_point.longitude:.4f})"
            if site.geo_point
            else ""
        )
        status = site.status.value if site.status else "status not given"
        lines.append(f"  {site.facility}, {site.city}, {site.country}{where}: {status}")
    lines.append("criteria:")
    for item in trial.items:
        lines.append(f"  {item.number} {item.label} [{item.kind.value}] {item.text}")
        if item.rule_source is None:
            lines.append("      rule: none (needs review)")
        else:
            rule = yaml.safe_dump(item.rule_source, default_flow_style=True, sort_keys=False)
            lines.append(
                f"      rule: {rule.strip()} (attached by {item.attached_by}; data at most "
                f"{item.max_age_days} days old)"
            )
    return lines


def _evidence(evidence: tuple[Evidence, ...]) -> list[dict[str, Any]]:
    return [
        {"what": e.what, "value": e.value, "on": e.on.isoformat() if e.on else None}
        for e in evidence
    ]


def _item(result: ItemResult) -> dict[str, Any]:
    return {
        "number": result.item.number,
        "label": result.item.label,
        "kind": result.item.kind.value,
        "text": result.item.text,
        "verdict": result.verdict.value,
        "passes": result.passes,
        "reason": result.reason,
        "evidence": _evidence(result.evidence),
    }


def match_dict(match: TrialMatch, patient: str | None = None) -> dict[str, Any]:
    """A match as JSON-ready data, every verdict with its reason and evidence."""
    site = match.nearest_site
    data: dict[str, Any] = {
        "nct_id": match.trial.id,
        "title": match.trial.brief_title,
        "is_fixture": match.trial.is_fixture,
        "recruitment_status": match.trial.overall_status.value,
        "overall": match.overall.value,
        "structured": [
            {
                "check": s.what,
                "verdict": s.outcome.verdict.value,
                "reason": s.outcome.reason,
                "evidence": _evidence(s.outcome.evidence),
            }
            for s in match.structured
        ],
        "criteria": [_item(r) for r in match.items],
        "nearest_open_site": None
        if site is None
        else {"facility": site.facility, "city": site.city, "country": site.country},
        "distance_km": None if match.distance_km is None else round(match.distance_km, 1),
    }
    if patient is not None:
        data = {"patient": patient, **data}
    return data


def verdict_counts(match: TrialMatch) -> str:
    """ "3 met, 1 not met, 2 not enough information, 4 needs review"."""
    return ", ".join(f"{match.count(v)} {v.value.replace('_', ' ')}" for v in ItemVerdict)


def match_summary(match: TrialMatch) -> str:
    """One line per trial for ``match``."""
    distance = f"{match.distance_km:.0f} km" if match.distance_km is not None else "-"
    return (
        f"{match.trial.id}\t{match.trial.overall_status.value}\t{match.overall.value}\t"
        f"{distance}\t{verdict_counts(match)}\t{match.trial.brief_title}{fixture_mark(match.trial)}"
    )


def facts_text(facts: CentreFacts) -> list[str]:
    """A centre's answers to the questions patients ask."""
    c = facts.centre
    distance = f" ({facts.distance_km:.0f} km)" if facts.distance_km is not None else ""
    marker = " [illustrative entry]" if c.illustrative else ""
    lines = [f"{c.code}: {c.name}, {c.city}, {c.country}{distance}{marker}"]
    lines += [f"  {question} {answer}" for question, answer in facts.answers()]
    return lines
