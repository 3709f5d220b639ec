"""SLE Responder Index (SRI-4), and the BILAG-2004 "new A" and "new B" rules it shares with BICLA.

References
----------
Furie RA, Petri MA, Wallace DJ, et al. Novel evidence-based systemic lupus erythematosus
responder index. Arthritis Rheum 2009;61:1143-51. doi:10.1002/art.24698. Navarra SV et al.
Efficacy and safety of belimumab (BLISS-52). Lancet 2011;377:721-31.

Notes
-----
docs/spec/instruments.md §5.1. A responder has all of: a SELENA-SLEDAI reduction
of >=4 from baseline; no new BILAG A domain and at most one new BILAG B; a PGA increase <0.3 on
the 0-3 scale (compared robustly, decision D11); and no treatment failure (rescue medication or
dropout, as in the trials).

BILAG-2004 grades are captured as entered (decision D10). Convention C8: a domain not listed at
either visit is grade E at both; a domain not listed at baseline but graded at follow-up was E
("never involved") at baseline; a domain graded at baseline but missing at follow-up is an input
error; a domain may not return to E after being A-D. A "new A" is a follow-up A that was not A at
baseline. A "new B" is a follow-up B that was C, D or E at baseline; a persisting B and an A that
improved to B are not new.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from lupus_sct.domain.comparisons import below
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import check_sledai_points
from lupus_sct.domain.missing import check_observed_range

SRI_4_MIN_SLEDAI_REDUCTION = 4  # Furie 2009: SELENA-SLEDAI reduction >=4 (inclusive)
SRI_MAX_NEW_BILAG_A = 0  # Furie 2009: no new BILAG A domain score
SRI_MAX_NEW_BILAG_B = 1  # Furie 2009: no more than one new BILAG B domain score
SRI_PGA_INCREASE_BELOW = 0.3  # Furie 2009: PGA worsening <0.3 on the 0-3 scale (strict)

PGA_MIN, PGA_MAX = 0.0, 3.0  # SELENA-SLEDAI PGA, 0-3 visual analogue scale (Petri 2005)

# docs/spec/instruments.md §5.1: a "new B" was C, D or E at baseline.
_NOT_B_OR_A = frozenset({BilagGrade.C, BilagGrade.D, BilagGrade.E})

BilagGrades = Mapping[BilagDomain, BilagGrade]


def bilag_grade_pairs(
    baseline: BilagGrades, followup: BilagGrades
) -> dict[BilagDomain, tuple[BilagGrade, BilagGrade]]:
    """Each of the nine domains with its (baseline, follow-up) grade, under convention C8.

    Raises
    ------
    InvalidValueError
        If a domain graded at baseline is missing at follow-up, or returns to E after A-D.
    """
    pairs: dict[BilagDomain, tuple[BilagGrade, BilagGrade]] = {}
    for domain in BilagDomain:
        before = baseline.get(domain, BilagGrade.E)
        if domain in baseline and domain not in followup:
            raise InvalidValueError(
                "bilag_followup",
                domain.value,
                "a follow-up grade for every domain graded at baseline (convention C8)",
            )
        after = followup.get(domain, BilagGrade.E)
        if before is not BilagGrade.E and after is BilagGrade.E:
            raise InvalidValueError(
                f"bilag_followup.{domain.value}",
                after.value,
                f"A-D after baseline grade {before.value} (no return to E, convention C8)",
            )
        pairs[domain] = (before, after)
    return pairs


def new_bilag_a_domains(baseline: BilagGrades, followup: BilagGrades) -> tuple[BilagDomain, ...]:
    """Domains graded A at follow-up that were not A at baseline (docs/spec/instruments.md §5.1)."""
    return tuple(
        domain
        for domain, (before, after) in bilag_grade_pairs(baseline, followup).items()
        if after is BilagGrade.A and before is not BilagGrade.A
    )


def new_bilag_b_domains(baseline: BilagGrades, followup: BilagGrades) -> tuple[BilagDomain, ...]:
    """Domains graded B at follow-up and C, D or E at baseline (docs/spec/instruments.md §5.1)."""
    return tuple(
        domain
        for domain, (before, after) in bilag_grade_pairs(baseline, followup).items()
        if after is BilagGrade.B and before in _NOT_B_OR_A
    )


def has_no_new_bilag_flare(baseline: BilagGrades, followup: BilagGrades) -> bool:
    """No new A and at most one new B (SRI-4 criterion 2; BICLA criterion 2)."""
    return (
        len(new_bilag_a_domains(baseline, followup)) <= SRI_MAX_NEW_BILAG_A
        and len(new_bilag_b_domains(baseline, followup)) <= SRI_MAX_NEW_BILAG_B
    )


def check_pga(field: str, value: float) -> None:
    """Refuse a PGA outside the 0-3 scale."""
    check_observed_range(field, value, PGA_MIN, PGA_MAX)


@dataclasses.dataclass(frozen=True, slots=True)
class Sri4Assessment:
    """Baseline and follow-up SELENA-SLEDAI, BILAG-2004 grades and PGA."""

    sledai_baseline: int
    sledai_followup: int
    bilag_baseline: BilagGrades
    bilag_followup: BilagGrades
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
class Sri4Result:
    """SRI-4 response with the components it was decided from."""

    responder: bool
    sledai_reduction: int
    new_a_domains: tuple[BilagDomain, ...]
    new_b_domains: tuple[BilagDomain, ...]
    pga_increase: float


def assess_sri_4(assessment: Sri4Assessment) -> Sri4Result:
    """Whether a patient is an SRI-4 responder at follow-up.

    Parameters
    ----------
    assessment
        SELENA-SLEDAI (0-105), BILAG-2004 domain grades and PGA (0-3) at baseline and follow-up,
        and whether treatment failed.

    Returns
    -------
    Sri4Result
        ``responder`` and its components.

    Raises
    ------
    InvalidValueError
        When the input is built: a score or PGA out of range, or BILAG grades that break
        convention C8.

    References
    ----------
    Furie RA et al. Arthritis Rheum 2009;61:1143-51. doi:10.1002/art.24698

    Notes
    -----
    SRI-5 to SRI-8 differ only in the SLEDAI reduction and are not implemented here. BLISS used
    the classic BILAG; this implementation takes BILAG-2004 grades.
    """
    reduction = assessment.sledai_baseline - assessment.sledai_followup
    new_a = new_bilag_a_domains(assessment.bilag_baseline, assessment.bilag_followup)
    new_b = new_bilag_b_domains(assessment.bilag_baseline, assessment.bilag_followup)
    pga_increase = assessment.pga_followup - assessment.pga_baseline
    responder = (
        reduction >= SRI_4_MIN_SLEDAI_REDUCTION
        and len(new_a) <= SRI_MAX_NEW_BILAG_A
        and len(new_b) <= SRI_MAX_NEW_BILAG_B
        and below(pga_increase, SRI_PGA_INCREASE_BELOW)
        and not assessment.treatment_failure
    )
    return Sri4Result(responder, reduction, new_a, new_b, pga_increase)
