"""BILAG-based Composite Lupus Assessment (BICLA).

References
----------
Wallace DJ, et al. Arthritis Rheum 2011;63(Suppl 10):S894 (abstract). First used in EMBLEM:
Wallace DJ et al. Ann Rheum Dis 2014;73:183-90. Described on the Mapi (eprovide) BICLA page.

Notes
-----
docs/spec/instruments.md §5.2. A responder has all of:

1. every baseline BILAG-2004 A improves to B, C or D, and every baseline B to C or D;
2. no new A and at most one new B (defined as for SRI-4,
  :mod:`lupus_sct.domain.instruments.lupus.sri_4`);
3. SLEDAI-2K not worse than baseline (follow-up <= baseline);
4. no PGA deterioration of >=10%, operationalised as an increase of >=0.3 on the 0-3 scale
   (compared robustly, decision D11);
5. no treatment failure (non-protocol treatment).

BILAG grades follow convention C8 (absent domains are E; no return to E; a baseline domain missing
at follow-up is an error). A patient with no baseline A or B meets criterion 1 vacuously: the
docs/spec/instruments.md §5.2 definition has no entry criterion, which trials add through their
inclusion rules.
"""

from __future__ import annotations

import dataclasses

from lupus_sct.domain.comparisons import at_least
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import check_sledai_points
from lupus_sct.domain.instruments.lupus.sri_4 import (
    BilagGrades,
    bilag_grade_pairs,
    check_pga,
    has_no_new_bilag_flare,
)

BICLA_PGA_DETERIORATION_AT_LEAST = 0.3  # Wallace 2011 / Mapi: >=10% of the 0-3 PGA = 0.3

_IMPROVED_GRADES: dict[BilagGrade, frozenset[BilagGrade]] = {
    BilagGrade.A: frozenset({BilagGrade.B, BilagGrade.C, BilagGrade.D}),  # Wallace 2011: A->B/C/D
    BilagGrade.B: frozenset({BilagGrade.C, BilagGrade.D}),  # Wallace 2011: B->C/D
}


@dataclasses.dataclass(frozen=True, slots=True)
class BiclaAssessment:
    """Baseline and follow-up BILAG-2004 grades, SLEDAI-2K and PGA."""

    bilag_baseline: BilagGrades
    bilag_followup: BilagGrades
    sledai_baseline: int
    sledai_followup: int
    pga_baseline: float
    pga_followup: float
    treatment_failure: bool = False

    def __post_init__(self) -> None:
        check_sledai_points("sledai_baseline", self.sledai_baseline)
        check_sledai_points("sledai_followup", self.sledai_followup)
        check_pga("pga_baseline", self.pga_baseline)
        check_pga("pga_followup", self.pga_followup)
        bilag_grade_pairs(self.bilag_baseline, self.bilag_followup)


@dataclasses.dataclass(frozen=True, slots=True)
class BiclaResult:
    """BICLA response and the numbers (1-5) of the unmet criteria."""

    responder: bool
    unmet_criteria: tuple[int, ...]


def baseline_domains_not_improved(
    baseline: BilagGrades, followup: BilagGrades
) -> tuple[BilagDomain, ...]:
    """Domains graded A or B at baseline that did not improve enough (BICLA criterion 1)."""
    return tuple(
        domain
        for domain, (before, after) in bilag_grade_pairs(baseline, followup).items()
        if before in _IMPROVED_GRADES and after not in _IMPROVED_GRADES[before]
    )


def assess_bicla(assessment: BiclaAssessment) -> BiclaResult:
    """Whether a patient is a BICLA responder at follow-up.

    Parameters
    ----------
    assessment
        BILAG-2004 domain grades, SLEDAI-2K (0-105) and PGA (0-3) at baseline and follow-up, and
        whether non-protocol treatment was given.

    Returns
    -------
    BiclaResult
        ``responder`` (all five criteria hold) and the unmet criteria.

    Raises
    ------
    InvalidValueError
        When the input is built: a score or PGA out of range, or BILAG grades that break
        convention C8.

    References
    ----------
    Wallace DJ et al. Arthritis Rheum 2011;63(Suppl 10):S894; Ann Rheum Dis 2014;73:183-90.

    Notes
    -----
    Convention C8 and decision D11 (PGA increase of exactly 0.3 makes a non-responder).
    """
    base, follow = assessment.bilag_baseline, assessment.bilag_followup
    met = {
        1: not baseline_domains_not_improved(base, follow),
        2: has_no_new_bilag_flare(base, follow),
        3: assessment.sledai_followup <= assessment.sledai_baseline,
        4: not at_least(
            assessment.pga_followup - assessment.pga_baseline, BICLA_PGA_DETERIORATION_AT_LEAST
        ),
        5: not assessment.treatment_failure,
    }
    unmet = tuple(number for number, ok in met.items() if not ok)
    return BiclaResult(responder=not unmet, unmet_criteria=unmet)
