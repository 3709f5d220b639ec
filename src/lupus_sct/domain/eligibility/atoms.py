"""Evaluators of the rule language's atoms over a patient record (three-valued).

References
----------
CKD-EPI 2021 for eGFR computed from creatinine (Inker LA et al. N Engl J Med 2021;385:1737-49);
SLEDAI-2K weights (Gladman 2002); BILAG-2004 grades as entered (decision D10); glucocorticoid
equivalence (BNF, via :mod:`lupus_sct.domain.records.glucocorticoid_exposure`).

Notes
-----
Missing data is "not enough information", never a failure, except where the absence is itself
the information: a patient with other diagnoses but not the protocol's disease does not meet the
diagnosis criterion. Months are 30.4375 days (365.25 / 12). Thresholds compare with the platform
tolerance (decision D11), multiples of the ULN as products.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from lupus_sct.domain.comparisons import above, at_least, at_most, below
from lupus_sct.domain.eligibility.protocol import (
    AgeRule,
    BilagRule,
    Bounds,
    Das28Rule,
    DiagnosisRule,
    EgfrRule,
    FailedDrugsRule,
    LabRule,
    RecentDrugRule,
    SexRule,
    SledaiRule,
    SteroidDoseRule,
    WorkupRule,
)
from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.instruments.arthritis.das28 import Das28Inputs, Das28Variant, das28_score
from lupus_sct.domain.instruments.ckd_epi_2021 import CreatinineUnit, egfr_ckd_epi_2021
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import sledai_2k_score
from lupus_sct.domain.missing import is_recorded
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.glucocorticoid_exposure import glucocorticoid_exposure
from lupus_sct.domain.records.labs import LabResult, canonical_value, lab_test
from lupus_sct.domain.records.patient_record import PatientRecord
from lupus_sct.domain.records.people import Sex, age_in_years
from lupus_sct.domain.records.workup import ValueKind

DAYS_PER_MONTH = 365.25 / 12  # mean Gregorian month
TOO_OLD = "too old"  # the evidence value of a datum older than its criterion allows
ESR_GAP_DAYS = 14  # programme convention: DAS28 components within two weeks
# LOINC codes: docs/spec/pathway.md §10.2
LOINC_EGFR, LOINC_CREATININE, LOINC_ESR = "98979-8", "2160-0", "4537-7"


class Verdict(enum.Enum):
    """Three-valued outcome of a rule."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "not_enough_information"


@dataclasses.dataclass(frozen=True, slots=True)
class Evidence:
    """A datum a verdict rests on: what, its value, and its date."""

    what: str
    value: str
    on: date | None = None


Explanation = tuple[str, tuple["Evidence", ...]]


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """A rule's verdict with a sentence and the evidence used.

    ``reason_or_explain`` is the sentence, or a function that writes the sentence and the
    evidence when they are asked for: screening thousands of patients needs the verdicts, and
    only the criteria it shows need their explanation.
    """

    verdict: Verdict
    reason_or_explain: str | Callable[[], Explanation]
    given_evidence: tuple[Evidence, ...] = ()

    @property
    def reason(self) -> str:
        """The sentence explaining the verdict."""
        if isinstance(self.reason_or_explain, str):
            return self.reason_or_explain
        return self.reason_or_explain()[0]

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """The data the verdict rests on."""
        if isinstance(self.reason_or_explain, str):
            return self.given_evidence
        return self.reason_or_explain()[1]


@dataclasses.dataclass(frozen=True, slots=True)
class Context:
    """The record and how old data may be for the criterion being evaluated."""

    record: PatientRecord
    max_age_days: int

    def is_stale(self, day: date) -> bool:
        """Whether data from ``day`` is older than the criterion allows."""
        return (self.record.as_of - day).days > self.max_age_days

    def stale(self, what: str, day: date) -> Outcome:
        """The outcome for a datum that is too old."""
        age, limit = (self.record.as_of - day).days, self.max_age_days

        def explain() -> Explanation:
            reason = f"{what} from {day.isoformat()} is {age} days old; at most {limit} allowed"
            return reason, (Evidence(what, TOO_OLD, day),)

        return Outcome(Verdict.UNKNOWN, explain)


def within(value: float, bounds: Bounds, scale: float = 1.0) -> bool:
    """Whether ``value`` satisfies ``bounds`` multiplied by ``scale`` (tolerant comparisons)."""
    if bounds.min is not None and not at_least(value, bounds.min * scale):
        return False
    if bounds.max is not None and not at_most(value, bounds.max * scale):
        return False
    if bounds.above is not None and not above(value, bounds.above * scale):
        return False
    return bounds.below is None or below(value, bounds.below * scale)


@functools.cache
def _describe(bounds: Bounds, unit: str) -> str:
    return bounds.describe(unit)


def _compare(what: str, value: float, unit: str, bounds: Bounds, on: date | None) -> Outcome:
    met = within(value, bounds)

    def explain() -> Explanation:
        text = f"{what} {value:g}{' ' + unit if unit else ''}"
        when = f" on {on.isoformat()}" if on else ""
        relation = "meets" if met else "is not"
        evidence = (Evidence(what, f"{value:g} {unit}".strip(), on),)
        return f"{text}{when} {relation} {_describe(bounds, unit)}", evidence

    return Outcome(Verdict.MET if met else Verdict.NOT_MET, explain)


def _diagnosis(rule: DiagnosisRule, ctx: Context) -> Outcome:
    diagnoses = ctx.record.diagnoses
    if not diagnoses:
        return Outcome(Verdict.UNKNOWN, "no diagnosis recorded")
    matching = [d for d in diagnoses if d.disease is rule.disease]
    if not matching:
        found = ", ".join(sorted({d.disease.value for d in diagnoses}))
        return Outcome(Verdict.NOT_MET, f"diagnosis is {found}, not {rule.disease.value}")
    evidence = tuple(
        Evidence("diagnosis", f"{d.disease.value} {d.icd10_code}", d.onset_date) for d in matching
    )
    if not rule.criteria_any:
        return Outcome(Verdict.MET, f"{rule.disease.value} diagnosed", evidence)
    met = {c for d in matching for c in d.criteria_met}
    wanted = ", ".join(c.value for c in rule.criteria_any)
    if met & set(rule.criteria_any):
        names = ", ".join(sorted(c.value for c in met & set(rule.criteria_any)))
        return Outcome(Verdict.MET, f"{rule.disease.value} meeting {names}", evidence)
    if not met:
        return Outcome(
            Verdict.UNKNOWN, f"classification criteria not recorded (needs {wanted})", evidence
        )
    return Outcome(Verdict.NOT_MET, f"classification criteria met are not among {wanted}", evidence)


def _age(rule: AgeRule, ctx: Context) -> Outcome:
    age = age_in_years(ctx.record.patient.birth_date, on=ctx.record.as_of)
    return _compare("age", age, "years", rule.bounds, ctx.record.as_of)


def _sex(rule: SexRule, ctx: Context) -> Outcome:
    sex = ctx.record.patient.sex
    evidence = (Evidence("sex", sex.value),)
    if sex is Sex.UNKNOWN:
        return Outcome(Verdict.UNKNOWN, "sex not recorded", evidence)
    verdict = Verdict.MET if sex in rule.sexes else Verdict.NOT_MET
    return Outcome(verdict, f"sex is {sex.value}", evidence)


def _sledai(rule: SledaiRule, ctx: Context) -> Outcome:
    latest = next((a for a in ctx.record.assessments if is_recorded(a.sledai_descriptors)), None)
    if latest is None:
        return Outcome(Verdict.UNKNOWN, "no SLEDAI-2K assessment recorded")
    if ctx.is_stale(latest.visit_date):
        return ctx.stale("SLEDAI-2K assessment", latest.visit_date)
    score = sledai_2k_score(latest.sledai_descriptors)  # type: ignore[arg-type]
    return _compare("SLEDAI-2K", score, "", rule.bounds, latest.visit_date)


def _has_das28_items(assessment: Assessment) -> bool:
    ra = assessment.ra
    return all(is_recorded(v) for v in (ra.tjc28, ra.sjc28, ra.patient_global_mm))


def _das28(rule: Das28Rule, ctx: Context) -> Outcome:
    latest = next((a for a in ctx.record.assessments if _has_das28_items(a)), None)
    if latest is None:
        return Outcome(Verdict.UNKNOWN, "no assessment with 28-joint counts and patient global")
    if ctx.is_stale(latest.visit_date):
        return ctx.stale("DAS28 joint assessment", latest.visit_date)
    visit = latest.visit_date

    def gap(lab: LabResult) -> int:
        return abs((lab.collected_at.date() - visit).days)

    near = [lab for lab in ctx.record.labs_by_code.get(LOINC_ESR, ()) if gap(lab) <= ESR_GAP_DAYS]
    if not near:
        return Outcome(
            Verdict.UNKNOWN,
            f"no ESR within {ESR_GAP_DAYS} days of the joint assessment of {visit.isoformat()}",
        )
    esr = min(near, key=gap)
    esr_mm_h = canonical_value(esr)
    if esr_mm_h < 1:
        return Outcome(
            Verdict.UNKNOWN, f"ESR {esr_mm_h:g} mm/h cannot enter DAS28-ESR (needs >= 1)"
        )
    ra = latest.ra
    inputs = Das28Inputs(
        tjc28=int(ra.tjc28),  # type: ignore[arg-type]
        sjc28=int(ra.sjc28),  # type: ignore[arg-type]
        esr_mm_h=esr_mm_h,
        patient_global_mm=float(ra.patient_global_mm),  # type: ignore[arg-type]
    )
    score = das28_score(Das28Variant.ESR, inputs)
    return _compare("DAS28-ESR", score, "", rule.bounds, latest.visit_date)


def _bilag(rule: BilagRule, ctx: Context) -> Outcome:
    latest = next((a for a in ctx.record.assessments if is_recorded(a.bilag)), None)
    if latest is None:
        return Outcome(Verdict.UNKNOWN, "no BILAG-2004 grades recorded")
    if ctx.is_stale(latest.visit_date):
        return ctx.stale("BILAG-2004 assessment", latest.visit_date)
    grades = {d.value: g for d, g in latest.bilag.items()}  # type: ignore[union-attr]
    if rule.domains:
        grades = {d: g for d, g in grades.items() if d in rule.domains}
    n_a = sum(g is BilagGrade.A for g in grades.values())
    n_b = sum(g is BilagGrade.B for g in grades.values()) + (n_a if rule.a_counts_as_b else 0)
    graded = ", ".join(
        f"{d} {g.value}" for d, g in sorted(grades.items()) if g in (BilagGrade.A, BilagGrade.B)
    )
    evidence = (Evidence("BILAG-2004", graded or "no A or B", latest.visit_date),)
    ok = n_a >= rule.min_a and n_b >= rule.min_b
    counting = " (A counts as B)" if rule.a_counts_as_b else ""
    wanted = f"at least {rule.min_a} A and {rule.min_b} B{counting}"
    verdict = Verdict.MET if ok else Verdict.NOT_MET
    return Outcome(
        verdict,
        f"BILAG-2004 {graded or 'no A or B domain'} ({'meets' if ok else 'needs'} {wanted})",
        evidence,
    )


def _months_on(rule: FailedDrugsRule, ctx: Context) -> dict[str, float]:
    months: dict[str, float] = {}
    for exposure in ctx.record.medications:
        if rule.matches(exposure.rxnorm_code, exposure.drug_name):
            end = min(exposure.stop_date or ctx.record.as_of, ctx.record.as_of)
            days = max(0, (end - exposure.start_date).days + 1)
            months[exposure.drug_name] = months.get(exposure.drug_name, 0.0) + days / DAYS_PER_MONTH
    return months


def _failed_drugs(rule: FailedDrugsRule, ctx: Context) -> Outcome:
    if not ctx.record.medications:
        return Outcome(Verdict.UNKNOWN, "no medication history recorded")
    months = _months_on(rule, ctx)
    long_enough = {name: m for name, m in months.items() if at_least(m, rule.min_months)}
    evidence = tuple(Evidence(name, f"{m:.1f} months") for name, m in sorted(months.items()))
    taken = (
        ", ".join(f"{name} {m:.1f} months" for name, m in sorted(months.items()))
        or "none of the drugs"
    )
    wanted = f"{rule.min_count} drug(s) for at least {rule.min_months:g} months each"
    verdict = Verdict.MET if len(long_enough) >= rule.min_count else Verdict.NOT_MET
    return Outcome(verdict, f"taken: {taken} (needs {wanted})", evidence)


def _steroid_dose(rule: SteroidDoseRule, ctx: Context) -> Outcome:
    as_of = ctx.record.as_of
    start = as_of - timedelta(days=round(rule.months * DAYS_PER_MONTH))
    days = {start, as_of}
    for exposure in ctx.record.medications:
        for boundary in (exposure.start_date, (exposure.stop_date or as_of) + timedelta(days=1)):
            if start <= boundary <= as_of:
                days.add(boundary)
    doses = {
        day: glucocorticoid_exposure(ctx.record.medications, day).current_mg_per_day for day in days
    }
    failing = sorted(day for day, dose in doses.items() if not within(dose, rule.bounds))
    window = f" throughout the last {rule.months:g} months" if rule.months else ""
    wanted = f"prednisone equivalent {rule.bounds.describe('mg/day')}{window}"
    evidence = tuple(
        Evidence("prednisone equivalent", f"{doses[d]:g} mg/day", d) for d in sorted(doses)
    )
    if failing:
        day = failing[0]
        return Outcome(
            Verdict.NOT_MET,
            f"{doses[day]:g} mg/day on {day.isoformat()} (needs {wanted})",
            evidence,
        )
    return Outcome(Verdict.MET, f"{wanted}: met ({doses[as_of]:g} mg/day now)", evidence)


def _latest_lab(code: str, ctx: Context) -> LabResult | None:
    results = ctx.record.labs_by_code.get(code, ())
    return results[0] if results else None


def _lab(rule: LabRule, ctx: Context) -> Outcome:
    test = lab_test(rule.loinc_code)
    latest = _latest_lab(rule.loinc_code, ctx)
    if latest is None:
        return Outcome(Verdict.UNKNOWN, f"no {test.name} result recorded")
    day = latest.collected_at.date()
    if ctx.is_stale(day):
        return ctx.stale(test.name, day)
    value = canonical_value(latest)
    if not rule.times_uln:
        return _compare(test.name, value, test.canonical_unit, rule.bounds, day)
    if latest.reference_high is None:
        return Outcome(
            Verdict.UNKNOWN, f"{test.name} on {day.isoformat()} has no upper limit of normal"
        )
    uln = latest.reference_high * test.to_canonical[latest.unit]
    evidence = (Evidence(test.name, f"{value:g} {test.canonical_unit} (ULN {uln:g})", day),)
    ok = within(value, rule.bounds, scale=uln)
    text = f"{test.name} {value / uln:.2f} x ULN on {day.isoformat()}"
    return Outcome(
        Verdict.MET if ok else Verdict.NOT_MET,
        f"{text} {'meets' if ok else 'is not'} {rule.bounds.describe('x ULN')}",
        evidence,
    )


def _computed_egfr(creatinine: LabResult, ctx: Context) -> tuple[float, date] | None:
    patient = ctx.record.patient
    day = creatinine.collected_at.date()
    try:
        result = egfr_ckd_epi_2021(
            canonical_value(creatinine),
            CreatinineUnit.MG_DL,
            age_in_years(patient.birth_date, on=day),
            patient.sex,
        )
    except DomainError:
        return None
    return result.egfr, day


def _egfr(rule: EgfrRule, ctx: Context) -> Outcome:
    candidates: list[tuple[float, date, str]] = []
    reported = _latest_lab(LOINC_EGFR, ctx)
    if reported is not None:
        candidates.append(
            (canonical_value(reported), reported.collected_at.date(), "eGFR (reported)")
        )
    creatinine = _latest_lab(LOINC_CREATININE, ctx)
    computed = _computed_egfr(creatinine, ctx) if creatinine is not None else None
    if computed is not None:
        candidates.append((*computed, "eGFR (CKD-EPI 2021 from creatinine)"))
    if not candidates:
        return Outcome(Verdict.UNKNOWN, "no eGFR or creatinine usable for CKD-EPI 2021 recorded")
    value, day, what = max(candidates, key=lambda c: c[1])
    if ctx.is_stale(day):
        return ctx.stale(what, day)
    return _compare(what, value, "mL/min/1.73m2", rule.bounds, day)


def _workup(rule: WorkupRule, ctx: Context) -> Outcome:
    findings = ctx.record.findings_by_item.get(rule.item, ())
    spec = rule.item.spec
    if not findings:
        if rule.only_when_recorded:
            return Outcome(
                Verdict.NOT_MET, f"no {spec.label} recorded (only applied when measured)"
            )
        return Outcome(Verdict.UNKNOWN, f"no {spec.label} recorded")
    latest = findings[0]
    if ctx.is_stale(latest.observed_on):
        return ctx.stale(spec.label, latest.observed_on)
    value = latest.value
    if spec.kind is ValueKind.NUMBER:
        return _compare(spec.label, float(value), spec.unit, rule.bounds, latest.observed_on)
    evidence = (Evidence(spec.label, str(value).lower(), latest.observed_on),)
    if spec.kind is ValueKind.BOOLEAN:
        ok = value is rule.equals
        shown = "present" if value else "absent"
        return Outcome(
            Verdict.MET if ok else Verdict.NOT_MET,
            f"{spec.label}: {shown} on {latest.observed_on.isoformat()}",
            evidence,
        )
    ok = value in rule.categories
    relation = "in" if ok else "not in"
    when = latest.observed_on.isoformat()
    return Outcome(
        Verdict.MET if ok else Verdict.NOT_MET,
        f"{spec.label} {value} on {when} ({relation} {', '.join(rule.categories)})",
        evidence,
    )


def _recent_drug(rule: RecentDrugRule, ctx: Context) -> Outcome:
    since = ctx.record.as_of - timedelta(days=rule.days)
    recent = [
        m
        for m in ctx.record.medications
        if rule.matches(m.rxnorm_code, m.drug_name) and (m.stop_date or ctx.record.as_of) >= since
    ]
    if recent:
        names = ", ".join(sorted({m.drug_name for m in recent}))
        evidence = tuple(
            Evidence(m.drug_name, "given", m.stop_date or m.start_date) for m in recent
        )
        return Outcome(Verdict.MET, f"{names} given within the last {rule.days} days", evidence)
    if not ctx.record.medications:
        return Outcome(Verdict.UNKNOWN, "no medication history recorded")
    return Outcome(Verdict.NOT_MET, f"none given within the last {rule.days} days")


ATOM_EVALUATORS: dict[type, Callable[[Any, Context], Outcome]] = {
    DiagnosisRule: _diagnosis,
    AgeRule: _age,
    SexRule: _sex,
    SledaiRule: _sledai,
    Das28Rule: _das28,
    BilagRule: _bilag,
    FailedDrugsRule: _failed_drugs,
    SteroidDoseRule: _steroid_dose,
    LabRule: _lab,
    EgfrRule: _egfr,
    WorkupRule: _workup,
    RecentDrugRule: _recent_drug,
}
