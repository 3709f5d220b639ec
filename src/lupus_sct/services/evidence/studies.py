"""Evidence use cases: load the study table (stored or shipped), select rows, pool them honestly."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

from lupus_sct.analytics.meta_analysis import (
    EffectSizes,
    Measure,
    MetaAnalysisResult,
    Model,
    PredictionInterval,
    effect_sizes,
    meta_analyse,
)
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.evidence.records import EvidenceRecord
from lupus_sct.domain.evidence.studies import (
    EVIDENCE_COLUMNS,
    MEMORY_CAUTION,
    EvidenceRow,
    evidence_row,
    nested_cohort_of,
)
from lupus_sct.services.errors import ServiceError
from lupus_sct.services.ports import UnitOfWork

POOLABLE_FROM_STORE = (Measure.PLO, Measure.PFT)  # single-arm events/total rows
COMPARATOR_ARMS = frozenset({"placebo", "control"})  # never pooled as the therapy


class NestedCohortError(ServiceError):
    """Rows that describe the same patients were selected for one pool."""


@dataclass(frozen=True)
class PoolingOptions:
    """How to pool: measure, tau^2 model, Hartung-Knapp, prediction-interval distribution."""

    measure: Measure
    model: Model = Model.REML
    hartung_knapp: bool = False
    prediction: PredictionInterval | None = None


@dataclass(frozen=True)
class ExcludedRow:
    """A selected row left out of the pool, and why."""

    row: EvidenceRow
    reason: str


@dataclass(frozen=True)
class EvidencePool:
    """A pool from the evidence store: the rows used, those left out, and the result."""

    rows: tuple[EvidenceRow, ...]
    excluded: tuple[ExcludedRow, ...]
    effects: EffectSizes
    result: MetaAnalysisResult

    @property
    def cautions(self) -> tuple[str, ...]:
        """One line per pooled row that must carry the memory caution."""
        return tuple(
            f"{row.study_id} {row.outcome}: {MEMORY_CAUTION}"
            for row in self.rows
            if row.needs_caution
        )


def load_evidence() -> tuple[EvidenceRow, ...]:
    """All rows of the shipped studies.csv, validated (refuses the whole table on any bad row)."""
    source = resources.files("lupus_sct.services.evidence") / "data" / "studies.csv"
    return parse_evidence(source.read_text(encoding="utf-8"))


def stored_evidence(uow: UnitOfWork) -> tuple[EvidenceRecord, ...]:
    """The rows stored in the database, in table order (empty before the table is seeded)."""
    with uow:
        records = uow.evidence_rows.find()
    return tuple(sorted(records, key=lambda record: (record.row_number, record.id)))


def evidence_in_use(uow: UnitOfWork) -> tuple[EvidenceRow, ...]:
    """The stored rows when the database holds any, otherwise the shipped studies.csv."""
    records = stored_evidence(uow)
    if not records:
        return load_evidence()
    return tuple(record.row for record in records)


def parse_evidence(text: str) -> tuple[EvidenceRow, ...]:
    """Validate a studies.csv text into rows."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in EVIDENCE_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise InvalidValueError("studies.csv header", ", ".join(missing), "every evidence column")
    return tuple(evidence_row(record, number) for number, record in enumerate(reader, start=1))


def select_evidence(
    rows: Iterable[EvidenceRow], *, therapy: str | None = None, outcome: str | None = None
) -> tuple[EvidenceRow, ...]:
    """Rows whose therapy contains ``therapy`` and whose outcome is ``outcome`` (any case)."""
    return tuple(row for row in rows if is_selected(row, therapy=therapy, outcome=outcome))


def is_selected(row: EvidenceRow, *, therapy: str | None, outcome: str | None) -> bool:
    """Whether ``row`` passes :func:`select_evidence`'s filters."""
    return (therapy is None or therapy.casefold() in row.therapy.casefold()) and (
        outcome is None or outcome.casefold() == row.outcome.casefold()
    )


def pool_evidence(
    rows: Sequence[EvidenceRow],
    options: PoolingOptions,
    *,
    timepoint_months: float | None = None,
    exclude_studies: Iterable[str] = (),
    exclude_memory: bool = False,
) -> EvidencePool:
    """Pool the events/total of ``rows`` as single-arm proportions.

    ``[not retrieved]`` rows, comparator arms, rows without events/total, rows at another
    timepoint, excluded studies and (on request) recalled rows are left out, each with a reason.

    Raises
    ------
    InvalidValueError
        If the measure cannot be pooled from the store or nothing is left to pool.
    NestedCohortError
        If two rows of one study, or two studies of one nested cohort, remain.
    """
    if options.measure not in POOLABLE_FROM_STORE:
        accepted = "PLO or PFT for evidence-store rows (events out of total)"
        raise InvalidValueError("measure", options.measure.value, accepted)
    excluded_ids = {study.casefold() for study in exclude_studies}
    kept: list[EvidenceRow] = []
    excluded: list[ExcludedRow] = []
    for row in rows:
        reason = _exclusion_reason(row, timepoint_months, excluded_ids, exclude_memory)
        if reason:
            excluded.append(ExcludedRow(row, reason))
        else:
            kept.append(row)
    if not kept:
        raise InvalidValueError("selection", 0, "at least one row with events and total to pool")
    refuse_double_counting(kept)
    columns: Mapping[str, Sequence[float]] = {
        "xi": [float(row.events or 0) for row in kept],
        "ni": [float(row.total or 0) for row in kept],
    }
    effects = effect_sizes(options.measure, columns)
    result = meta_analyse(
        effects,
        options.model,
        hartung_knapp=options.hartung_knapp,
        prediction=options.prediction,
    )
    return EvidencePool(tuple(kept), tuple(excluded), effects, result)


def _exclusion_reason(
    row: EvidenceRow,
    timepoint_months: float | None,
    excluded_ids: set[str],
    exclude_memory: bool,
) -> str | None:
    checks = (
        (not row.is_analysable, "[not retrieved]: no outcome data; never analysed"),
        (
            row.arm is not None and row.arm.casefold() in COMPARATOR_ARMS,
            f"comparator arm ({row.arm})",
        ),
        (row.events is None or row.total is None or row.total == 0, "no events/total to pool"),
        (
            timepoint_months is not None and row.timepoint_months != timepoint_months,
            f"timepoint {row.timepoint_months} months, not {timepoint_months}",
        ),
        (row.study_id.casefold() in excluded_ids, "study excluded on request"),
        (exclude_memory and row.needs_caution, f"recalled row excluded: {MEMORY_CAUTION}"),
    )
    return next((reason for failed, reason in checks if failed), None)


def refuse_double_counting(rows: Sequence[EvidenceRow]) -> None:
    """Refuse one study twice, or two reports of one nested cohort, in one pool."""
    seen: dict[str, list[EvidenceRow]] = {}
    for row in rows:
        seen.setdefault(row.study_id, []).append(row)
    for study_id, study_rows in seen.items():
        if len(study_rows) > 1:
            timepoints = ", ".join(str(row.timepoint_months) for row in study_rows)
            raise NestedCohortError(
                f"{study_id} has {len(study_rows)} rows in this selection (timepoints {timepoints} "
                "months; arms or subsets): the same patients cannot be pooled twice; choose one "
                "with --timepoint or leave the study out with --exclude-study"
            )
    groups: dict[str, list[str]] = {}
    for study_id in seen:
        cohort = nested_cohort_of(study_id)
        if cohort is not None:
            groups.setdefault(cohort.name, []).append(study_id)
    for name, study_ids in groups.items():
        if len(study_ids) > 1:
            raise NestedCohortError(
                f"{' and '.join(sorted(study_ids))} report overlapping patients ({name}) and are "
                "never pooled together; keep one report per cohort (--exclude-study the others)"
            )


def pool_effect_table(
    columns: Mapping[str, Sequence[float]], options: PoolingOptions
) -> EvidencePool:
    """Pool a user's table with metafor column names (no evidence-store rows involved)."""
    effects = effect_sizes(options.measure, columns)
    result = meta_analyse(
        effects,
        options.model,
        hartung_knapp=options.hartung_knapp,
        prediction=options.prediction,
    )
    return EvidencePool((), (), effects, result)
