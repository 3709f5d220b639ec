"""Lupus Low Disease Activity State (LLDAS).

References
----------
Franklyn K, Lau CS, Navarra SV, et al. Definition and initial validation of a Lupus Low Disease
Activity State (LLDAS). Ann Rheum Dis 2016;75:1615-21. doi:10.1136/annrheumdis-2015-207726

Notes
-----
docs/spec/instruments.md §5.5. All five criteria must hold:

1. SLEDAI-2K <=4 with no major-organ activity (renal, CNS, cardiopulmonary, vasculitis, fever)
   and no haemolytic anaemia or gastrointestinal activity;
2. no new features of lupus activity since the previous assessment;
3. SELENA-SLEDAI PGA (0-3) <=1;
4. prednisolone or equivalent <=7.5 mg/day;
5. standard maintenance immunosuppressives and approved biologics well tolerated, and no
   investigational drug.

Haemolytic anaemia and GI activity are not SLEDAI items and are separate inputs; criterion 2
needs the previous visit and is a clinician attestation. Serology alone (low complement plus
anti-dsDNA, a score of 4) is compatible with LLDAS. All inputs are required: there is no default
for a missing criterion. The PGA and dose comparisons use the platform tolerance (decision D11).
"""

from __future__ import annotations

import dataclasses

from lupus_sct.domain.comparisons import at_most
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor, sledai_2k_score
from lupus_sct.domain.missing import check_observed_range

LLDAS_MAX_SLEDAI_2K = 4  # Franklyn 2016, criterion 1: SLEDAI-2K <=4 (inclusive)
LLDAS_MAX_PGA = 1.0  # Franklyn 2016, criterion 3: SELENA-SLEDAI PGA <=1 (inclusive)
LLDAS_MAX_PREDNISOLONE_MG_PER_DAY = 7.5  # Franklyn 2016, criterion 4 (inclusive)

PGA_MIN, PGA_MAX = 0.0, 3.0  # SELENA-SLEDAI PGA, 0-3 visual analogue scale (Petri 2005)
PREDNISOLONE_MAX_MG_PER_DAY = 1000.0  # docs/spec/instruments.md §12.3: validated range 0-1000

_D = SledaiDescriptor
RENAL_DESCRIPTORS = frozenset({_D.URINARY_CASTS, _D.HEMATURIA, _D.PROTEINURIA, _D.PYURIA})
CNS_DESCRIPTORS = frozenset(
    {
        _D.SEIZURE,
        _D.PSYCHOSIS,
        _D.ORGANIC_BRAIN_SYNDROME,
        _D.VISUAL_DISTURBANCE,
        _D.CRANIAL_NERVE_DISORDER,
        _D.LUPUS_HEADACHE,
        _D.CVA,
    }
)
CARDIOPULMONARY_DESCRIPTORS = frozenset({_D.PLEURISY, _D.PERICARDITIS})
MAJOR_ORGAN_DESCRIPTORS = (
    RENAL_DESCRIPTORS
    | CNS_DESCRIPTORS
    | CARDIOPULMONARY_DESCRIPTORS
    | frozenset({_D.VASCULITIS, _D.FEVER})
)  # Franklyn 2016, criterion 1; docs/spec/instruments.md §5.5 table


@dataclasses.dataclass(frozen=True, slots=True)
class LldasAssessment:
    """One visit's inputs to the five LLDAS criteria."""

    sledai2k_descriptors: frozenset[SledaiDescriptor]
    hemolytic_anemia: bool
    gi_activity: bool
    new_activity_since_last_visit: bool
    pga: float
    prednisolone_mg_per_day: float
    standard_maintenance_immunosuppression_tolerated: bool
    investigational_drug: bool

    def __post_init__(self) -> None:
        check_observed_range("pga", self.pga, PGA_MIN, PGA_MAX)
        check_observed_range(
            "prednisolone_mg_per_day", self.prednisolone_mg_per_day, 0, PREDNISOLONE_MAX_MG_PER_DAY
        )


@dataclasses.dataclass(frozen=True, slots=True)
class LldasResult:
    """Whether the visit is in LLDAS, its SLEDAI-2K and the numbers of the unmet criteria."""

    lldas: bool
    sledai_2k: int
    unmet_criteria: tuple[int, ...]


def _unmet_criteria(assessment: LldasAssessment, score: int) -> tuple[int, ...]:
    met = {
        1: score <= LLDAS_MAX_SLEDAI_2K
        and not (assessment.sledai2k_descriptors & MAJOR_ORGAN_DESCRIPTORS)
        and not assessment.hemolytic_anemia
        and not assessment.gi_activity,
        2: not assessment.new_activity_since_last_visit,
        3: at_most(assessment.pga, LLDAS_MAX_PGA),
        4: at_most(assessment.prednisolone_mg_per_day, LLDAS_MAX_PREDNISOLONE_MG_PER_DAY),
        5: assessment.standard_maintenance_immunosuppression_tolerated
        and not assessment.investigational_drug,
    }
    return tuple(number for number, ok in met.items() if not ok)


def assess_lldas(assessment: LldasAssessment) -> LldasResult:
    """Whether one visit meets the Lupus Low Disease Activity State.

    Parameters
    ----------
    assessment
        SLEDAI-2K descriptors present (attributable to SLE), haemolytic anaemia, GI activity,
        new activity since the previous visit, PGA (0-3), prednisolone equivalent in mg/day
        (0-1000), tolerance of maintenance therapy and use of an investigational drug.

    Returns
    -------
    LldasResult
        ``lldas`` (all five criteria hold), the SLEDAI-2K and the unmet criteria (1-5).

    Raises
    ------
    OutOfValidatedRangeError
        When the input is built with a PGA outside 0-3 or a dose outside 0-1000 mg/day.

    References
    ----------
    Franklyn K et al. Ann Rheum Dis 2016;75:1615-21. doi:10.1136/annrheumdis-2015-207726

    Notes
    -----
    Every bound is inclusive (<=4, <=1, <=7.5). Any major-organ descriptor fails criterion 1
    whatever the total score.
    """
    score = sledai_2k_score(assessment.sledai2k_descriptors)
    unmet = _unmet_criteria(assessment, score)
    return LldasResult(lldas=not unmet, sledai_2k=score, unmet_criteria=unmet)


def meets_lldas(assessment: LldasAssessment) -> bool:
    """``True`` when all five LLDAS criteria hold (see :func:`assess_lldas`)."""
    return assess_lldas(assessment).lldas
