"""The decision aid's numbers: natural frequencies out of 100, computed from the evidence table.

References
----------
Joseph-Williams N et al. Med Decis Making 2014;34(6):699-710. doi:10.1177/0272989X13501721
(IPDAS qualifying and certification criteria).
Elwyn G et al. BMJ 2006;333:417. doi:10.1136/bmj.38926.629329.AE (IPDAS quality criteria:
natural frequencies with the same denominator and time period, uncertainty, citations).
Clopper CJ, Pearson ES. Biometrika 1934;26(4):404-413. doi:10.1093/biomet/26.4.404.

Notes
-----
- Every number is "out of 100 people". Ranges are 95% confidence intervals: exact
  (Clopper-Pearson) for one study, random-effects (REML, logit scale, as metafor's
  ``rma(measure="PLO")``) when two or more studies with counts are combined.
- Ranges are rounded outwards (lower limit down, upper limit up) and estimates to whole people,
  so no number claims more precision than the studies have.
- One row per study (the timepoint closest to the outcome's horizon) and one report per group of
  overlapping cohorts (the largest; counts before percentages) enter a cell; the rest are listed
  as left out, with the reason. :func:`refuse_double_counting` guards every pool.
- Rows from memory keep :data:`MEMORY_CAUTION` wherever they appear.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lupus_sct.analytics.meta_analysis import Measure, Model, clopper_pearson, effect_sizes
from lupus_sct.analytics.meta_analysis import meta_analyse as _meta_analyse
from lupus_sct.domain.evidence.studies import MEMORY_CAUTION, EvidenceRow, nested_cohort_of
from lupus_sct.services.evidence.decision_aid_outcomes import (
    CELL_SPECS,
    OPTIONS,
    OUTCOMES,
    SURVIVAL_CODES,
    CellSpec,
    Option,
    OptionKey,
    Outcome,
    Population,
    belongs_to_option,
    is_mixed_population,
    is_nephritis_study,
)
from lupus_sct.services.evidence.studies import refuse_double_counting

DENOMINATOR = 100  # IPDAS: the same denominator for every option and outcome
POOLING_MODEL = Model.REML  # metafor's default tau^2 estimator
NEPHRITIS_FALLBACK = (
    "No separate figure for lupus nephritis: this is for everyone in the studies, with or "
    "without kidney disease."
)
NEPHRITIS_ONLY = "All of this evidence comes from people with lupus nephritis."
MIXED_POPULATION = "Counted in people with several autoimmune diseases, not lupus only."


class CellStatus(enum.StrEnum):
    """How much the evidence says about one option's outcome."""

    KNOWN = "known"
    STUDIES_DIFFER = "studies_differ"
    NOT_KNOWN = "not_known"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Citation:
    """A study as the page cites it; ``identifier_verified`` is False for "verify" flags."""

    study_id: str
    authors: str
    year: int
    journal: str
    identifier: str
    identifier_verified: bool


@dataclass(frozen=True)
class NaturalFrequency:
    """``per_100`` out of 100, with the 95% range (``None`` when no range was published)."""

    per_100: int
    low_per_100: int | None
    high_per_100: int | None
    method: str

    @property
    def complement(self) -> int:
        """The people out of 100 to whom the outcome did not happen."""
        return DENOMINATOR - self.per_100


@dataclass(frozen=True)
class StudyFigure:
    """One study's result in a cell, out of 100, with its definition and provenance."""

    citation: Citation
    definition: str
    timepoint_months: float | None
    events: int | None
    total: int | None
    frequency: NaturalFrequency
    combined: bool
    nephritis_only: bool
    mixed_population: bool
    caution: str | None


@dataclass(frozen=True)
class OutcomeCell:
    """What the evidence says about one outcome of one option."""

    option: OptionKey
    outcome: Outcome
    status: CellStatus
    frequency: NaturalFrequency | None
    studies: tuple[StudyFigure, ...]
    left_out: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def cautions(self) -> tuple[str, ...]:
        """One line per study from memory: "<study>: <MEMORY_CAUTION>"."""
        return tuple(
            f"{study.citation.authors} {study.citation.year}: {study.caution}"
            for study in self.studies
            if study.caution
        )

    @property
    def spread(self) -> tuple[int, int] | None:
        """Lowest and highest study result out of 100, when the studies are not combined."""
        if not self.studies:
            return None
        values = [study.frequency.per_100 for study in self.studies]
        return min(values), max(values)


@dataclass(frozen=True)
class DecisionAid:
    """The content model of the decision aid for one population and choice of options."""

    population: Population
    options: tuple[Option, ...]
    outcomes: tuple[Outcome, ...]
    cells: tuple[OutcomeCell, ...]
    citations: tuple[Citation, ...]
    evidence_years: tuple[int, int]

    def cell(self, option: OptionKey, outcome_key: str) -> OutcomeCell:
        """The cell of ``option`` for the outcome named ``outcome_key``."""
        for cell in self.cells:
            if cell.option is option and cell.outcome.key == outcome_key:
                return cell
        raise KeyError((option, outcome_key))

    @property
    def cautions(self) -> tuple[str, ...]:
        """Every memory caution on the page, once each."""
        return tuple(dict.fromkeys(c for cell in self.cells for c in cell.cautions))


def build_decision_aid(
    rows: Sequence[EvidenceRow],
    *,
    population: Population = Population.ALL,
    options: Iterable[OptionKey] = tuple(OptionKey),
) -> DecisionAid:
    """Compute every cell of the decision aid from the evidence ``rows``."""
    chosen = tuple(option for option in OPTIONS if option.key in set(options))
    cells = tuple(
        outcome_cell(rows, option.key, outcome, population)
        for outcome in OUTCOMES
        for option in chosen
    )
    cited = {s.citation.study_id: s.citation for cell in cells for s in cell.studies}
    citations = tuple(sorted(cited.values(), key=lambda c: (c.authors, c.year, c.study_id)))
    years = [citation.year for citation in citations] or [0]
    return DecisionAid(population, chosen, OUTCOMES, cells, citations, (min(years), max(years)))


def outcome_cell(
    rows: Sequence[EvidenceRow], option: OptionKey, outcome: Outcome, population: Population
) -> OutcomeCell:
    """The cell for ``option`` and ``outcome``: select, de-duplicate, then combine or list."""
    spec = CELL_SPECS[(option, outcome.key)]
    notes: tuple[str, ...] = (spec.note,) if spec.note else ()
    if spec.not_applicable:
        return OutcomeCell(option, outcome, CellStatus.NOT_APPLICABLE, None, (), (), notes)
    candidates = [row for row in rows if _fits(row, option, outcome, spec)]
    reasons = dict(spec.left_out)
    left_out = tuple(
        dict.fromkeys(
            f"{row.study_id}: {reasons[row.study_id]}"
            for row in candidates
            if row.study_id in reasons
        )
    )
    candidates = [row for row in candidates if row.study_id not in reasons]
    if population is Population.NEPHRITIS:
        nephritis = [row for row in candidates if is_nephritis_study(row)]
        if candidates and not nephritis:
            notes += (NEPHRITIS_FALLBACK,)
        candidates = nephritis or candidates
    chosen, left_by_timepoint = _one_row_per_study(candidates, outcome)
    chosen, left_by_cohort = _one_report_per_cohort(chosen)
    left_out += left_by_timepoint + left_by_cohort
    notes += _population_notes(chosen, population)
    counted = [row for row in chosen if _has_counts(row)]
    if len(counted) >= 2:
        frequency = _pooled(counted)
        studies = tuple(_study_figure(row, row in counted) for row in chosen)
        return OutcomeCell(option, outcome, CellStatus.KNOWN, frequency, studies, left_out, notes)
    studies = tuple(_study_figure(row, False) for row in chosen)
    if not studies:
        return OutcomeCell(option, outcome, CellStatus.NOT_KNOWN, None, (), left_out, notes)
    if len(studies) == 1:
        return OutcomeCell(
            option, outcome, CellStatus.KNOWN, studies[0].frequency, studies, left_out, notes
        )
    return OutcomeCell(option, outcome, CellStatus.STUDIES_DIFFER, None, studies, left_out, notes)


def _population_notes(rows: Sequence[EvidenceRow], population: Population) -> tuple[str, ...]:
    notes: tuple[str, ...] = ()
    if rows and population is Population.ALL and all(is_nephritis_study(row) for row in rows):
        notes += (NEPHRITIS_ONLY,)
    if any(is_mixed_population(row) for row in rows):
        notes += (MIXED_POPULATION,)
    return notes


def _fits(row: EvidenceRow, option: OptionKey, outcome: Outcome, spec: CellSpec) -> bool:
    if not row.is_analysable or row.outcome not in spec.codes:
        return False
    if not belongs_to_option(row, option):
        return False
    if outcome.window_months is None:
        return True
    low, high = outcome.window_months
    return row.timepoint_months is not None and low <= row.timepoint_months <= high


def _has_counts(row: EvidenceRow) -> bool:
    return row.events is not None and bool(row.total)


def _one_row_per_study(
    rows: Sequence[EvidenceRow], outcome: Outcome
) -> tuple[list[EvidenceRow], tuple[str, ...]]:
    target = outcome.target_months

    def closeness(row: EvidenceRow) -> tuple[float, bool, int]:
        if target is None or row.timepoint_months is None:
            distance = math.inf if target is not None else 0.0
        else:
            distance = abs(row.timepoint_months - target)
        return (distance, not _has_counts(row), -(row.total or 0))

    by_study: dict[str, list[EvidenceRow]] = {}
    for row in rows:
        by_study.setdefault(row.study_id, []).append(row)
    chosen: list[EvidenceRow] = []
    left_out: list[str] = []
    for study_rows in by_study.values():
        best, *others = sorted(study_rows, key=closeness)
        chosen.append(best)
        left_out += [
            f"{row.study_id} ({row.outcome}, {_months(row)}): another result of the same "
            f"patients; the one nearest the time horizon is used"
            for row in others
        ]
    return chosen, tuple(left_out)


def _one_report_per_cohort(
    rows: Sequence[EvidenceRow],
) -> tuple[list[EvidenceRow], tuple[str, ...]]:
    groups: dict[str, list[EvidenceRow]] = {}
    for row in rows:
        cohort = nested_cohort_of(row.study_id)
        groups.setdefault(cohort.name if cohort else row.study_id, []).append(row)
    chosen: list[EvidenceRow] = []
    left_out: list[str] = []
    for name, members in groups.items():
        best, *others = sorted(
            members, key=lambda r: (not _has_counts(r), -(r.total or r.n or 0), -r.year)
        )
        chosen.append(best)
        left_out += [
            f"{row.study_id}: the same patients as {best.study_id} ({name}); only one report "
            "per group of patients is used"
            for row in others
        ]
    return sorted(chosen, key=lambda r: (r.year, r.study_id)), tuple(left_out)


def _pooled(rows: Sequence[EvidenceRow]) -> NaturalFrequency:
    refuse_double_counting(rows)
    events = [float(_counted_events(row)) for row in rows]
    totals = [float(row.total or 0) for row in rows]
    effects = effect_sizes(Measure.PLO, {"xi": events, "ni": totals})
    result = _meta_analyse(effects, POOLING_MODEL)
    natural = result.back_transformed
    if natural is None:  # PLO always back-transforms; kept for the type checker
        raise ValueError("PLO pooling returned no natural-scale estimate")
    method = (
        f"{len(rows)} studies combined (random-effects meta-analysis, REML, logit scale; "
        f"differences between studies I\u00b2 = {result.i2:.0f}%)"
    )
    return _per_100(natural.estimate, natural.ci_lower, natural.ci_upper, method)


def _counted_events(row: EvidenceRow) -> int:
    events = row.events or 0
    return (row.total or 0) - events if row.outcome in SURVIVAL_CODES else events


def _study_figure(row: EvidenceRow, combined: bool) -> StudyFigure:
    if _has_counts(row):
        events = _counted_events(row)
        exact = clopper_pearson(events, row.total or 0)
        frequency = _per_100(
            exact.proportion, exact.ci_lower, exact.ci_upper, "one study (exact 95% range)"
        )
    else:
        frequency = _published(row)
        events = None
    return StudyFigure(
        citation=citation_of(row),
        definition=row.definition,
        timepoint_months=row.timepoint_months,
        events=events,
        total=row.total if _has_counts(row) else None,
        frequency=frequency,
        combined=combined,
        nephritis_only=is_nephritis_study(row),
        mixed_population=is_mixed_population(row),
        caution=MEMORY_CAUTION if row.needs_caution else None,
    )


def _published(row: EvidenceRow) -> NaturalFrequency:
    estimate = row.estimate if row.estimate is not None else math.nan
    low, high = row.ci_low, row.ci_high
    if row.outcome in SURVIVAL_CODES:
        estimate = 1.0 - estimate
        low, high = (
            (1.0 - high if high is not None else None),
            (1.0 - low if low is not None else None),
        )
    if low is None or high is None:
        rounded = _round_half_up(estimate)
        return NaturalFrequency(rounded, None, None, "published percentage; no range published")
    return _per_100(estimate, low, high, "published percentage and 95% range")


def _per_100(estimate: float, low: float, high: float, method: str) -> NaturalFrequency:
    low_people = math.floor(DENOMINATOR * max(low, 0.0) + 1e-9)
    high_people = math.ceil(DENOMINATOR * min(high, 1.0) - 1e-9)
    return NaturalFrequency(_round_half_up(estimate), low_people, high_people, method)


def _round_half_up(proportion: float) -> int:
    return max(0, min(DENOMINATOR, math.floor(DENOMINATOR * proportion + 0.5)))


def _months(row: EvidenceRow) -> str:
    if row.timepoint_months is None:
        return "no timepoint given"
    return f"{row.timepoint_months:g} months"


def citation_of(row: EvidenceRow) -> Citation:
    """How the page cites the study of ``row``."""
    return Citation(
        study_id=row.study_id,
        authors=row.first_author,
        year=row.year,
        journal=row.journal,
        identifier=row.pmid_or_doi,
        identifier_verified=not row.needs_verification,
    )
