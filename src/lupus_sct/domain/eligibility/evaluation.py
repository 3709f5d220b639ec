"""Evaluate a patient against a protocol, with a verdict, a reason and the evidence per criterion.

References
----------
Three-valued (Kleene) logic for incomplete information: Kleene SC, Introduction to
Metamathematics, 1952, section 64. docs/spec/pathway.md §3 (thresholds).

Notes
-----
A patient is eligible only when every inclusion criterion is met and every exclusion criterion is
not met. A criterion that cannot be evaluated (data missing, "not evaluated", or older than the
criterion allows) is "not enough information", and the overall verdict is then "undetermined"
unless another criterion already makes the patient not eligible: a patient is never called
eligible on a criterion that could not be evaluated.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from datetime import date
from typing import Any

from lupus_sct.domain.eligibility.atoms import (
    ATOM_EVALUATORS,
    TOO_OLD,
    Context,
    Evidence,
    Outcome,
    Verdict,
)
from lupus_sct.domain.eligibility.protocol import (
    AllOf,
    AnyOf,
    Criterion,
    CriterionKind,
    Not,
    Protocol,
    Rule,
)
from lupus_sct.domain.records.patient_record import PatientRecord


class Overall(enum.Enum):
    """The verdict of a whole protocol."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


@dataclasses.dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion's verdict for this patient, with its reason and evidence."""

    criterion: Criterion
    outcome: Outcome

    @property
    def verdict(self) -> Verdict:
        """Met, not met or not enough information."""
        return self.outcome.verdict

    @property
    def reason(self) -> str:
        """Why, in one sentence."""
        return self.outcome.reason

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """The data used."""
        return self.outcome.evidence

    @property
    def is_stale(self) -> bool:
        """Whether the criterion lacks information because its data is too old."""
        return self.passes is None and any(e.value == TOO_OLD for e in self.evidence)

    @property
    def passes(self) -> bool | None:
        """True if the criterion lets the patient through, False if it stops them, else None."""
        if self.verdict is Verdict.UNKNOWN:
            return None
        met = self.verdict is Verdict.MET
        return met if self.criterion.kind is CriterionKind.INCLUSION else not met


@dataclasses.dataclass(frozen=True, slots=True)
class EligibilityReport:
    """The evaluation of one patient against one protocol on one date."""

    protocol_id: str
    protocol_version: str
    patient_id: str
    as_of: date
    overall: Overall
    results: tuple[CriterionResult, ...]

    @property
    def failing(self) -> tuple[CriterionResult, ...]:
        """Criteria that make the patient not eligible."""
        return tuple(r for r in self.results if r.passes is False)

    @property
    def undetermined(self) -> tuple[CriterionResult, ...]:
        """Criteria that could not be evaluated."""
        return tuple(r for r in self.results if r.passes is None)


def _combine(outcomes: list[Outcome], *, all_needed: bool) -> Outcome:
    deciding = Verdict.NOT_MET if all_needed else Verdict.MET
    decided = [o for o in outcomes if o.verdict is deciding]
    unknown = [o for o in outcomes if o.verdict is Verdict.UNKNOWN]
    if decided:
        chosen, verdict = decided, deciding
    elif unknown:
        chosen, verdict = unknown, Verdict.UNKNOWN
    else:
        chosen, verdict = outcomes, Verdict.MET if all_needed else Verdict.NOT_MET
    joiner = "; " if all_needed or verdict is not Verdict.NOT_MET else " and "

    def explain() -> tuple[str, tuple[Evidence, ...]]:
        evidence = tuple(e for o in chosen for e in o.evidence)
        return joiner.join(o.reason for o in chosen), evidence

    return Outcome(verdict, explain)


def _evaluate_all(rules: tuple[Rule, ...], context: Context, *, all_needed: bool) -> Outcome:
    # The first deciding outcome settles the rule (Kleene logic); its reason is the one shown.
    deciding = Verdict.NOT_MET if all_needed else Verdict.MET
    outcomes = []
    for rule in rules:
        outcome = evaluate_rule(rule, context)
        if outcome.verdict is deciding:
            return outcome
        outcomes.append(outcome)
    return _combine(outcomes, all_needed=all_needed)


def _not(rule: Not, context: Context) -> Outcome:
    inner = evaluate_rule(rule.rule, context)
    flipped = {Verdict.MET: Verdict.NOT_MET, Verdict.NOT_MET: Verdict.MET}
    verdict = flipped.get(inner.verdict, Verdict.UNKNOWN)
    return Outcome(verdict, lambda: (f"not ({inner.reason})", inner.evidence))


_EVALUATORS: dict[type, Callable[[Any, Context], Outcome]] = {
    **ATOM_EVALUATORS,
    AllOf: lambda rule, context: _evaluate_all(rule.rules, context, all_needed=True),
    AnyOf: lambda rule, context: _evaluate_all(rule.rules, context, all_needed=False),
    Not: _not,
}


def evaluate_rule(rule: Rule, context: Context) -> Outcome:
    """Evaluate a rule (three-valued) against the patient record in ``context``.

    Outcomes are remembered on the record, keyed by the rule object and the data-age limit, so a
    rule shared by several criteria or evaluated for several protocols is worked out once.
    """
    key = (id(rule), context.max_age_days)  # rules live as long as their protocol
    memo = context.record.memo
    known = memo.get(key)
    if known is None:
        known = memo[key] = _EVALUATORS[type(rule)](rule, context)
    return known  # type: ignore[return-value]


def evaluate_protocol(protocol: Protocol, record: PatientRecord) -> EligibilityReport:
    """Evaluate every criterion of ``protocol`` for the patient as of ``record.as_of``."""
    results = [
        CriterionResult(
            criterion, evaluate_rule(criterion.rule, Context(record, criterion.max_age_days))
        )
        for criterion in protocol.criteria
    ]
    passes = [r.passes for r in results]
    if False in passes:
        overall = Overall.NOT_ELIGIBLE
    elif None in passes:
        overall = Overall.UNDETERMINED
    else:
        overall = Overall.ELIGIBLE
    return EligibilityReport(
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        patient_id=record.patient.id,
        as_of=record.as_of,
        overall=overall,
        results=tuple(results),
    )
