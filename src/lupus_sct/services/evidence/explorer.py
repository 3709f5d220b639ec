"""Use case: browse the shipped evidence by therapy and outcome, and pool one selection honestly.

Selection and pooling are :func:`lupus_sct.services.evidence.studies.select_evidence` and
:func:`lupus_sct.services.evidence.studies.pool_evidence`; a refusal (nested cohorts, nothing to
pool) is
kept as its message so the page can show it instead of a pooled number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from lupus_sct.analytics.meta_analysis import Measure, Model
from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.evidence.studies import EvidenceRow
from lupus_sct.services.evidence import studies as evidence

THERAPY_GROUPS = ("autologous HSCT", "MSC", "CAR-T")  # broad groups matched as "contains"
EXPLORER_MODEL = Model.REML  # issue 8: the explorer pools with REML only


@dataclass(frozen=True)
class EvidenceChoice:
    """What the user asked for (empty strings mean "any")."""

    therapy: str = ""
    outcome: str = ""
    measure: Measure = Measure.PLO
    timepoint_months: float | None = None
    exclude_studies: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceExploration:
    """The selected rows and, for a therapy and outcome, a pool or the reason there is none."""

    choice: EvidenceChoice
    therapies: tuple[str, ...]
    outcomes: tuple[str, ...]
    rows: tuple[EvidenceRow, ...]
    timepoints: tuple[float, ...]
    pool: evidence.EvidencePool | None
    refusal: str


@cache
def shipped_evidence() -> tuple[EvidenceRow, ...]:
    """The shipped studies.csv, read once per process."""
    return evidence.load_evidence()


def _sorted_unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=str.casefold))


def explore_evidence(
    choice: EvidenceChoice, rows: Sequence[EvidenceRow] | None = None
) -> EvidenceExploration:
    """Select rows for ``choice`` and, when both therapy and outcome are chosen, pool them."""
    table = shipped_evidence() if rows is None else tuple(rows)
    selected = evidence.select_evidence(
        table, therapy=choice.therapy or None, outcome=choice.outcome or None
    )
    pool: evidence.EvidencePool | None = None
    refusal = ""
    if choice.therapy and choice.outcome and selected:
        try:
            pool = evidence.pool_evidence(
                selected,
                evidence.PoolingOptions(choice.measure, EXPLORER_MODEL),
                timepoint_months=choice.timepoint_months,
                exclude_studies=choice.exclude_studies,
            )
        except (DomainError, evidence.NestedCohortError) as exc:
            refusal = str(exc)
    return EvidenceExploration(
        choice=choice,
        therapies=_sorted_unique(r.therapy for r in table),
        outcomes=_sorted_unique(r.outcome for r in table),
        rows=selected,
        timepoints=tuple(
            sorted({r.timepoint_months for r in selected if r.timepoint_months is not None})
        ),
        pool=pool,
        refusal=refusal,
    )
