"""Evaluate a patient against a protocol, with a verdict, a reason and the evidence per criterion.

References
----------
Three-valued (Kleene) logic for incomplete information: Kleene SC, Introduction to
Metamathematics, 1952, section 64. ../shared/docs/pathway.md, section 3 (thresholds).

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

from lupus_sct.domain.eligibility_atoms import ATOM_EVALUATORS, Context, Evidence, Outcome, Verdict
from lupus_sct.domain.patient_record import PatientRecord
from lupus_sct.domain.protocol import AllOf, AnyOf, Criterion, CriterionKind, Not, Protocol, Rule


class Overall(enum.Enum):
    """The verdict of a whole protocol."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


@dataclasses.dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion's verdict for this patient, with its reason and evidence."""

    criterion: Criterion
    verdict: Verdict
    reason: str
    evidence: tuple[Evidence, ...]

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
    evidence = tuple(e for o in chosen for e in o.evidence)
    return Outcome(verdict, joiner.join(o.reason for o in chosen), evidence)


def evaluate_rule(rule: Rule, context: Context) -> Outcome:
    """Evaluate a rule (three-valued) against the patient record in ``context``."""
    if isinstance(rule, AllOf):
        return _combine([evaluate_rule(r, context) for r in rule.rules], all_needed=True)
    if isinstance(rule, AnyOf):
        return _combine([evaluate_rule(r, context) for r in rule.rules], all_needed=False)
    if isinstance(rule, Not):
        inner = evaluate_rule(rule.rule, context)
        flipped = {Verdict.MET: Verdict.NOT_MET, Verdict.NOT_MET: Verdict.MET}
        return Outcome(
            flipped.get(inner.verdict, Verdict.UNKNOWN), f"not ({inner.reason})", inner.evidence
        )
    evaluator: Callable[[Any, Context], Outcome] = ATOM_EVALUATORS[type(rule)]
    return evaluator(rule, context)


def evaluate_protocol(protocol: Protocol, record: PatientRecord) -> EligibilityReport:
    """Evaluate every criterion of ``protocol`` for the patient as of ``record.as_of``."""
    results = []
    for criterion in protocol.criteria:
        outcome = evaluate_rule(criterion.rule, Context(record, criterion.max_age_days))
        results.append(
            CriterionResult(criterion, outcome.verdict, outcome.reason, outcome.evidence)
        )
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
