"""Match a patient to clinical trials: recruitment status, structured fit, computable criteria per
item and distance to the nearest open site, each verdict with its reason and evidence.

References
----------
Three-valued evaluation as in :mod:`lupus_sct.domain.eligibility.evaluation` (Kleene 1952, section
64).
Per-item verdicts follow TrialGPT (Jin Q et al. Nat Commun 2024;15:9074,
doi:10.1038/s41467-024-53081-z): met, not met, not enough information; items without a
computable rule are "needs review". Great-circle distance by the haversine formula (Sinnott RW,
"Virtues of the Haversine", Sky and Telescope 1984;68(2):159) on a sphere of the IUGG mean Earth
radius R1 = 6371.0088 km (Moritz H, Geodetic Reference System 1980, J Geod 2000;74:128-162).

Notes
-----
- A patient is never called eligible for a trial while any criterion, structured or free-text,
  could not be evaluated or still needs review: the trial is then "undetermined".
- Inclusion items must be met; exclusion items describe what excludes, so they must be not met
  (the protocol convention of :mod:`lupus_sct.domain.eligibility.protocol`).
- Condition fit: a trial whose conditions or keywords mention "lupus" or "SLE" (as a word) is a
  SLE trial; "rheumatoid arthritis" an RA trial. Conditions that name only "autoimmune" disease in
  general (basket trials) leave the fit undetermined. We chose this over MeSH matching because
  the registry's condition field is free text; ``derivedSection.conditionBrowseModule`` is not
  read.
- Distance is to the nearest site with coordinates whose own status is open (recruiting, not yet
  recruiting, by invitation); a site without a status takes the trial's overall status. The
  sphere's error against the WGS 84 ellipsoid is below 0.5% (Sinnott 1984).
"""

from __future__ import annotations

import dataclasses
import enum
import math
import re
from collections.abc import Callable, Sequence

from lupus_sct.domain.eligibility.atoms import Context, Evidence, Explanation, Outcome, Verdict
from lupus_sct.domain.eligibility.evaluation import evaluate_rule
from lupus_sct.domain.eligibility.protocol import CriterionKind, Rule
from lupus_sct.domain.records.diagnosis import Disease
from lupus_sct.domain.records.patient_record import PatientRecord
from lupus_sct.domain.records.people import Sex, age_in_years
from lupus_sct.domain.trials.clinical_trials import (
    AgeLimit,
    EligibilityItem,
    GeoPoint,
    Trial,
    TrialLocation,
    TrialSex,
    age_in_units,
    describe_age_range,
)

EARTH_MEAN_RADIUS_KM = 6371.0088  # IUGG mean radius R1 (Moritz 2000, GRS 80)
CONDITION_PATTERNS = {
    Disease.SLE: re.compile(r"lupus|\bsle\b", re.IGNORECASE),
    Disease.RA: re.compile(r"rheumatoid arthritis", re.IGNORECASE),
}
GENERIC_CONDITION = re.compile(r"autoimmun", re.IGNORECASE)


def haversine_km(a: GeoPoint, b: GeoPoint, radius_km: float = EARTH_MEAN_RADIUS_KM) -> float:
    """Great-circle distance between two points (haversine formula, Sinnott 1984)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    d_lat = lat2 - lat1
    d_lon = math.radians(b.longitude - a.longitude)
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(d_lon / 2) ** 2
    return 2 * radius_km * math.asin(min(1.0, math.sqrt(h)))


class ItemVerdict(enum.Enum):
    """The verdict on one free-text criterion."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "not_enough_information"
    NEEDS_REVIEW = "needs_review"


class TrialOverall(enum.Enum):
    """The verdict on a whole trial for one patient."""

    ELIGIBLE = "eligible"
    UNDETERMINED = "undetermined"
    NOT_ELIGIBLE = "not_eligible"

    @property
    def rank(self) -> int:
        """Eligible first, not eligible last."""
        return _OVERALL_RANK[self]


_OVERALL_RANK = {overall: index for index, overall in enumerate(TrialOverall)}


@dataclasses.dataclass(frozen=True, slots=True)
class ComputableItem:
    """An eligibility item with its parsed rule (``None``: needs review)."""

    item: EligibilityItem
    rule: Rule | None


@dataclasses.dataclass(frozen=True, slots=True)
class ComputableTrial:
    """A trial ready for matching: its items' rules parsed once, its diseases recognised."""

    trial: Trial
    items: tuple[ComputableItem, ...]
    diseases: frozenset[Disease]
    names_autoimmune_disease: bool


def computable_trial(trial: Trial, rules: Sequence[Rule | None]) -> ComputableTrial:
    """Pair each item of ``trial`` with its parsed rule (in item order)."""
    text = " | ".join(trial.conditions + trial.keywords)
    return ComputableTrial(
        trial=trial,
        items=tuple(ComputableItem(i, r) for i, r in zip(trial.items, rules, strict=True)),
        diseases=frozenset(d for d, p in CONDITION_PATTERNS.items() if p.search(text)),
        names_autoimmune_disease=bool(GENERIC_CONDITION.search(text)),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class ItemResult:
    """The verdict on one item for this patient, with reason and evidence."""

    item: EligibilityItem
    outcome: Outcome | None  # None: no rule attached
    passes: bool | None
    """True if the item lets the patient through, False if it stops them, None if undecided."""

    @classmethod
    def of(cls, item: EligibilityItem, outcome: Outcome | None) -> ItemResult:
        """The result of ``item`` given its rule's outcome (``None``: no rule)."""
        if outcome is None or outcome.verdict is Verdict.UNKNOWN:
            return cls(item, outcome, None)
        met = outcome.verdict is Verdict.MET
        return cls(item, outcome, met if item.kind is CriterionKind.INCLUSION else not met)

    @property
    def verdict(self) -> ItemVerdict:
        """Met, not met, not enough information, or needs review."""
        if self.outcome is None:
            return ItemVerdict.NEEDS_REVIEW
        return ItemVerdict(self.outcome.verdict.value)

    @property
    def reason(self) -> str:
        """Why, in one sentence."""
        if self.outcome is None:
            return "no computable rule attached: a coordinator must review this criterion"
        return self.outcome.reason

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """The data used."""
        return () if self.outcome is None else self.outcome.evidence


@dataclasses.dataclass(frozen=True, slots=True)
class StructuredResult:
    """A structured-eligibility check (age, sex, condition) with its outcome."""

    what: str
    outcome: Outcome


@dataclasses.dataclass(frozen=True, slots=True)
class TrialMatch:
    """One trial for one patient: every verdict, the nearest open site and the overall verdict."""

    trial: Trial
    patient_id: str
    structured: tuple[StructuredResult, ...]
    items: tuple[ItemResult, ...]
    nearest_site: TrialLocation | None
    distance_km: float | None
    overall: TrialOverall

    @property
    def structured_rank(self) -> int:
        """0 if age, sex and condition all fit, 1 if any is undetermined, 2 if any does not."""
        verdicts = {s.outcome.verdict for s in self.structured}
        return 2 if Verdict.NOT_MET in verdicts else 1 if Verdict.UNKNOWN in verdicts else 0

    def count(self, verdict: ItemVerdict) -> int:
        """How many items have ``verdict``."""
        return sum(r.verdict is verdict for r in self.items)

    @property
    def items_passing(self) -> int:
        """Items that let the patient through."""
        return sum(r.passes is True for r in self.items)

    @property
    def rank_key(self) -> tuple[int, int, int, int, float, str]:
        """Recruitment status, structured fit, computable criteria, distance, then NCT id."""
        distance = math.inf if self.distance_km is None else self.distance_km
        return (
            self.trial.overall_status.rank,
            self.structured_rank,
            self.overall.rank,
            -self.items_passing,
            distance,
            self.trial.id,
        )

    def explanation(self) -> list[str]:
        """Each verdict as a sentence, in ranking order."""
        lines = [f"recruitment status: {self.trial.overall_status.value}"]
        lines += [
            f"{s.what}: {s.outcome.verdict.value} ({s.outcome.reason})" for s in self.structured
        ]
        for result in self.items:
            lines.append(
                f"{result.item.label} [{result.item.kind.value}] {result.verdict.value}: "
                f"{result.reason}"
            )
        lines.append(self.distance_text())
        lines.append(f"overall: {self.overall.value}")
        return lines

    def distance_text(self) -> str:
        """The nearest open site in words."""
        if self.nearest_site is None or self.distance_km is None:
            return "distance: no location given, or no open site with coordinates"
        site = self.nearest_site
        return f"nearest open site: {site.facility}, {site.city} ({self.distance_km:.0f} km)"


def _age_outcome(trial: Trial, record: PatientRecord) -> Outcome:
    birth, on = record.patient.birth_date, record.as_of

    def fits(limit: AgeLimit | None, minimum: bool) -> bool:
        if limit is None:
            return True
        age = age_in_units(birth, on, limit.unit)
        return age >= limit.value if minimum else age <= limit.value

    met = fits(trial.minimum_age, True) and fits(trial.maximum_age, False)

    def explain() -> Explanation:
        years = age_in_years(birth, on=on)
        wanted = describe_age_range(trial.minimum_age, trial.maximum_age)
        relation = "is within" if met else "is outside"
        return (
            f"age {years} years on {on.isoformat()} {relation} {wanted}",
            (Evidence("birth date", birth.isoformat()),),
        )

    return Outcome(Verdict.MET if met else Verdict.NOT_MET, explain)


_SEX_ENROLLED = {TrialSex.FEMALE: Sex.FEMALE, TrialSex.MALE: Sex.MALE}


def _sex_outcome(trial: Trial, record: PatientRecord) -> Outcome:
    sex = record.patient.sex
    evidence = (Evidence("sex", sex.value),)
    if trial.sex is TrialSex.ALL:
        return Outcome(Verdict.MET, "the trial enrols all sexes", evidence)
    wanted = _SEX_ENROLLED[trial.sex]
    if sex in (Sex.UNKNOWN, Sex.OTHER):
        return Outcome(
            Verdict.UNKNOWN,
            f"recorded sex is {sex.value}; the trial enrols {trial.sex.value} only: review",
            evidence,
        )
    verdict = Verdict.MET if sex is wanted else Verdict.NOT_MET
    return Outcome(verdict, f"sex is {sex.value}; the trial enrols {trial.sex.value}", evidence)


def _condition_outcome(computable: ComputableTrial, record: PatientRecord) -> Outcome:
    conditions = ", ".join(computable.trial.conditions) or "none listed"
    if not record.diagnoses:
        return Outcome(Verdict.UNKNOWN, "no diagnosis recorded")
    diseases = {d.disease for d in record.diagnoses}
    evidence = tuple(
        Evidence("diagnosis", f"{d.disease.value} {d.icd10_code}", d.onset_date)
        for d in record.diagnoses
    )
    shared = diseases & computable.diseases
    names = ", ".join(sorted(d.value for d in diseases))
    if shared:
        found = ", ".join(sorted(d.value for d in shared))
        return Outcome(
            Verdict.MET, f"{found} is among the trial's conditions ({conditions})", evidence
        )
    if computable.names_autoimmune_disease:
        return Outcome(
            Verdict.UNKNOWN,
            f"the trial's conditions ({conditions}) do not name {names}: review",
            evidence,
        )
    return Outcome(
        Verdict.NOT_MET,
        f"diagnosis {names} is not among the trial's conditions ({conditions})",
        evidence,
    )


def _age_check(computable: ComputableTrial, record: PatientRecord) -> Outcome:
    return _age_outcome(computable.trial, record)


def _sex_check(computable: ComputableTrial, record: PatientRecord) -> Outcome:
    return _sex_outcome(computable.trial, record)


_CHECKS: tuple[Callable[[ComputableTrial, PatientRecord], Outcome], ...] = (
    _age_check,
    _sex_check,
    _condition_outcome,
)


def nearest_open_site(trial: Trial, point: GeoPoint) -> tuple[TrialLocation, float] | None:
    """The open site with coordinates nearest to ``point``, and its distance in km."""
    best: tuple[TrialLocation, float] | None = None
    for site in trial.locations:
        status = site.status or trial.overall_status
        if site.geo_point is None or not status.is_open:
            continue
        km = haversine_km(point, site.geo_point)
        if best is None or km < best[1]:
            best = (site, km)
    return best


def _overall(structured: Sequence[StructuredResult], items: Sequence[ItemResult]) -> TrialOverall:
    verdicts = [s.outcome.verdict for s in structured]
    passes = [r.passes for r in items]
    if Verdict.NOT_MET in verdicts or False in passes:
        return TrialOverall.NOT_ELIGIBLE
    if Verdict.UNKNOWN in verdicts or None in passes:
        return TrialOverall.UNDETERMINED
    return TrialOverall.ELIGIBLE


def _structured(computable: ComputableTrial, record: PatientRecord) -> tuple[StructuredResult, ...]:
    # Many trials share age limits, sex and conditions: each check is worked out once per record.
    trial, memo = computable.trial, record.memo
    keys: tuple[tuple[object, ...], ...] = (
        ("trial age", trial.minimum_age, trial.maximum_age),
        ("trial sex", trial.sex),
        ("trial condition", trial.conditions, trial.keywords),
    )
    results: list[StructuredResult] = []
    for key, what, check in zip(keys, ("age", "sex", "condition"), _CHECKS, strict=True):
        known = memo.get(key)
        if known is None:
            known = memo[key] = StructuredResult(what, check(computable, record))
        results.append(known)  # type: ignore[arg-type]
    return tuple(results)


def match_trial(
    computable: ComputableTrial, record: PatientRecord, near: GeoPoint | None = None
) -> TrialMatch:
    """Evaluate one trial for the patient in ``record`` (as of ``record.as_of``)."""
    trial = computable.trial
    structured = _structured(computable, record)
    items = tuple(
        ItemResult.of(
            c.item,
            None if c.rule is None else evaluate_rule(c.rule, Context(record, c.item.max_age_days)),
        )
        for c in computable.items
    )
    nearest = nearest_open_site(trial, near) if near is not None else None
    return TrialMatch(
        trial=trial,
        patient_id=record.patient.id,
        structured=structured,
        items=items,
        nearest_site=nearest[0] if nearest else None,
        distance_km=nearest[1] if nearest else None,
        overall=_overall(structured, items),
    )


def rank_trials(
    trials: Sequence[ComputableTrial], record: PatientRecord, near: GeoPoint | None = None
) -> list[TrialMatch]:
    """Every trial for the patient, best first (see :attr:`TrialMatch.rank_key`)."""
    return sorted((match_trial(t, record, near) for t in trials), key=lambda m: m.rank_key)
