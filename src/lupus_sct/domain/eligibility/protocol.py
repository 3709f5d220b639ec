"""Therapy protocols as data: eligibility criteria written in a small rule language.

References
----------
docs/spec/pathway.md §2 (candidate assessment; work-up less than 3 months old,
Greco 2024) and 3 (protocol thresholds, each with its source). The shipped protocols cite the
source of every criterion.

Notes
-----
A criterion holds one rule. Rules compose with ``all``, ``any`` and ``not`` and are evaluated with
three values (Kleene logic): met, not met, not enough information. Bounds say whether they are
inclusive: ``min``/``max`` are inclusive (>=, <=), ``above``/``below`` strict (>, <). An inclusion
criterion must be met; an exclusion criterion describes what excludes, so it must be not met.
Each criterion states how old its data may be (``max_age_days``); older data counts as missing.
"""

from __future__ import annotations

import dataclasses
import enum

from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.pathway.follow_up_schedule import DEFAULT_SCHEDULE, ScheduledVisit
from lupus_sct.domain.pathway.phases import CoursePhase
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Disease
from lupus_sct.domain.records.people import Sex
from lupus_sct.domain.records.workup import WorkupItem

DEFAULT_MAX_AGE_DAYS = 90  # Greco 2024: cardiopulmonary work-up < 3 months old at treatment
DEFAULT_CD34_MIN_X10E6_PER_KG = 2.0  # EBMT minimum >= 2x10^6 CD34+/kg, docs/spec/pathway.md §4.1
DEFAULT_TRM_WINDOW_DAYS = 100  # registries report TRM at day 100 (docs/spec/pathway.md §7)


@dataclasses.dataclass(frozen=True, slots=True)
class Bounds:
    """Numeric bounds; ``min``/``max`` inclusive, ``above``/``below`` strict; ``None`` = open."""

    min: float | None = None
    max: float | None = None
    above: float | None = None
    below: float | None = None

    def describe(self, unit: str = "") -> str:
        """The bounds in words, e.g. ">= 35 %"."""
        unit_text = f" {unit}" if unit else ""
        parts = [
            f"{symbol} {value:g}{unit_text}"
            for symbol, value in (
                (">=", self.min),
                ("<=", self.max),
                (">", self.above),
                ("<", self.below),
            )
            if value is not None
        ]
        return " and ".join(parts) or "any value"


@dataclasses.dataclass(frozen=True, slots=True)
class DiagnosisRule:
    """A recorded diagnosis of ``disease`` meeting any of ``criteria_any`` (all if empty)."""

    disease: Disease
    criteria_any: tuple[ClassificationCriteria, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class SexRule:
    """The patient's recorded sex is one of ``sexes``."""

    sexes: tuple[Sex, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AgeRule:
    """Age in completed years on the evaluation date within ``bounds``."""

    bounds: Bounds


@dataclasses.dataclass(frozen=True, slots=True)
class SledaiRule:
    """SLEDAI-2K of the latest assessment (with SLEDAI evaluated) within ``bounds``."""

    bounds: Bounds


@dataclasses.dataclass(frozen=True, slots=True)
class Das28Rule:
    """DAS28-ESR (4 variables) of the latest assessment with 28-joint counts and patient global,
    with the latest ESR on or before it, within ``bounds``."""

    bounds: Bounds


@dataclasses.dataclass(frozen=True, slots=True)
class BilagRule:
    """At least ``min_a`` BILAG-2004 A domains and ``min_b`` B domains (A counts as B or worse
    when ``a_counts_as_b``) at the latest assessment with BILAG recorded."""

    min_a: int = 0
    min_b: int = 0
    a_counts_as_b: bool = True
    domains: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class FailedDrugsRule:
    """At least ``min_count`` listed drugs (by RxNorm code or name), each >= ``min_months``."""

    rxnorm_codes: tuple[str, ...]
    min_count: int = 1
    min_months: float = 0
    drug_names: tuple[str, ...] = ()

    def matches(self, rxnorm_code: str, drug_name: str) -> bool:
        """Whether an exposure is to one of the listed drugs."""
        return rxnorm_code in self.rxnorm_codes or drug_name.lower() in self.drug_names


@dataclasses.dataclass(frozen=True, slots=True)
class SteroidDoseRule:
    """Prednisone-equivalent mg/day within ``bounds`` on every day of the last ``months``."""

    bounds: Bounds
    months: float = 0


@dataclasses.dataclass(frozen=True, slots=True)
class LabRule:
    """The latest result of a LOINC-coded test (canonical unit, or multiples of its ULN)."""

    loinc_code: str
    bounds: Bounds
    times_uln: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class EgfrRule:
    """eGFR (mL/min/1.73 m2): a reported CKD-EPI 2021 value, or computed from creatinine."""

    bounds: Bounds


@dataclasses.dataclass(frozen=True, slots=True)
class WorkupRule:
    """The latest work-up finding of ``item``: a number within ``bounds``, a flag equal to
    ``equals``, or a category in ``categories``. With ``only_when_recorded`` a finding never
    recorded makes the rule not met (for tests done only when indicated, such as right-heart
    catheterisation) instead of leaving it undetermined."""

    item: WorkupItem
    bounds: Bounds = Bounds()
    equals: bool | None = None
    categories: tuple[str, ...] = ()
    only_when_recorded: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class RecentDrugRule:
    """Any of the drugs (by RxNorm code or name) given within the last ``days`` days."""

    rxnorm_codes: tuple[str, ...]
    days: int
    drug_names: tuple[str, ...] = ()

    def matches(self, rxnorm_code: str, drug_name: str) -> bool:
        """Whether an exposure is to one of the listed drugs."""
        return rxnorm_code in self.rxnorm_codes or drug_name.lower() in self.drug_names


@dataclasses.dataclass(frozen=True, slots=True)
class AllOf:
    """Every rule holds."""

    rules: tuple[Rule, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one rule holds."""

    rules: tuple[Rule, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Not:
    """The rule does not hold."""

    rule: Rule


Rule = (
    DiagnosisRule
    | AgeRule
    | SexRule
    | SledaiRule
    | Das28Rule
    | BilagRule
    | FailedDrugsRule
    | SteroidDoseRule
    | LabRule
    | EgfrRule
    | WorkupRule
    | RecentDrugRule
    | AllOf
    | AnyOf
    | Not
)


class CriterionKind(enum.Enum):
    """Inclusion criteria must be met; exclusion criteria must not be."""

    INCLUSION = "inclusion"
    EXCLUSION = "exclusion"


@dataclasses.dataclass(frozen=True, slots=True)
class Criterion:
    """One numbered criterion with its wording, rule, source and data-age limit."""

    id: str
    kind: CriterionKind
    text: str
    rule: Rule
    citation: str
    max_age_days: int = DEFAULT_MAX_AGE_DAYS


@dataclasses.dataclass(frozen=True, slots=True)
class Protocol:
    """A programme's protocol for one therapy: who is eligible and how the course runs."""

    id: str
    title: str
    version: str
    course_kind: CourseKind
    disease: Disease
    status: str
    sources: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    cd34_min_x10e6_per_kg: float = DEFAULT_CD34_MIN_X10E6_PER_KG
    trm_window_days: int = DEFAULT_TRM_WINDOW_DAYS
    schedule: tuple[ScheduledVisit, ...] = DEFAULT_SCHEDULE
    max_phase_days: tuple[tuple[CoursePhase, int], ...] = ()

    @property
    def inclusion(self) -> tuple[Criterion, ...]:
        """The inclusion criteria, in order."""
        return tuple(c for c in self.criteria if c.kind is CriterionKind.INCLUSION)

    @property
    def exclusion(self) -> tuple[Criterion, ...]:
        """The exclusion criteria, in order."""
        return tuple(c for c in self.criteria if c.kind is CriterionKind.EXCLUSION)
