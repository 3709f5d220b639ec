"""Clinical and Simplified Disease Activity Indices (CDAI, SDAI) for rheumatoid arthritis.

References
----------
Aletaha D, Smolen JS. The Simplified Disease Activity Index (SDAI) and the Clinical Disease
Activity Index (CDAI): a review of their usefulness and validity in rheumatoid arthritis. Clin Exp
Rheumatol 2005;23(5 Suppl 39):S100-8.
Smolen JS, Breedveld FC, Schiff MH, et al. A simplified disease activity index for rheumatoid
arthritis for use in clinical practice. Rheumatology (Oxford) 2003;42:244-57.
doi:10.1093/rheumatology/keg072

Notes
-----
- CDAI = SJC28 + TJC28 + PtGA (0-10 cm) + EGA (0-10 cm), range 0-76.
- SDAI = CDAI + CRP in **mg/dL** (Smolen 2003; not mg/L as RheumaComposites.jl documents).
- The sums are exact decimal sums of the entered values (``Decimal(str(x))``), returned
  unrounded as the nearest float (convention C6), and categorised with the 1e-9 tolerance of
  decision D11: 2.8 is CDAI remission, 3.3 is SDAI remission.
- Missing data: every component is required; none defaults to zero.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from decimal import Decimal

from lupus_sct.domain.comparisons import at_most
from lupus_sct.domain.errors import OutOfValidatedRangeError
from lupus_sct.domain.instruments.arthritis.das28 import DiseaseActivity

CDAI_REMISSION_AT_MOST = 2.8  # Aletaha 2005: CDAI remission <= 2.8
CDAI_LOW_AT_MOST = 10.0  # Aletaha 2005: CDAI low activity > 2.8 and <= 10
CDAI_MODERATE_AT_MOST = 22.0  # Aletaha 2005: CDAI moderate > 10 and <= 22; high > 22
SDAI_REMISSION_AT_MOST = 3.3  # Aletaha 2005: SDAI remission <= 3.3
SDAI_LOW_AT_MOST = 11.0  # Aletaha 2005: SDAI low activity > 3.3 and <= 11
SDAI_MODERATE_AT_MOST = 26.0  # Aletaha 2005: SDAI moderate > 11 and <= 26; high > 26
JOINTS_28 = 28  # Aletaha 2005: 28-joint counts
GLOBAL_MAX_CM = 10.0  # Aletaha 2005: patient and evaluator globals on 0-10 cm scales
CRP_MAX_MG_DL = 50.0  # docs/spec/instruments.md §12.3, cdai-sdai crp_mg_dL range 0-50


class ActivityIndex(enum.Enum):
    """Which composite index."""

    CDAI = "CDAI"
    SDAI = "SDAI"


_CUTOFFS = {
    ActivityIndex.CDAI: (CDAI_REMISSION_AT_MOST, CDAI_LOW_AT_MOST, CDAI_MODERATE_AT_MOST),
    ActivityIndex.SDAI: (SDAI_REMISSION_AT_MOST, SDAI_LOW_AT_MOST, SDAI_MODERATE_AT_MOST),
}


@dataclasses.dataclass(frozen=True, slots=True)
class CdaiComponents:
    """The four CDAI components; SDAI adds CRP in mg/dL."""

    tjc28: int
    sjc28: int
    patient_global_0_10: float
    evaluator_global_0_10: float


@dataclasses.dataclass(frozen=True, slots=True)
class ActivityIndexResult:
    """An unrounded CDAI or SDAI with its category."""

    index: ActivityIndex
    score: float
    category: DiseaseActivity


def _checked(field: str, value: float, high: float, unit: str) -> Decimal:
    if isinstance(value, bool) or not math.isfinite(value) or not 0 <= value <= high:
        raise OutOfValidatedRangeError(field, value, 0, high, unit)
    return Decimal(str(value))


def _cdai_sum(c: CdaiComponents) -> Decimal:
    for field, count in (("tjc28", c.tjc28), ("sjc28", c.sjc28)):
        if isinstance(count, bool) or not isinstance(count, int):
            raise OutOfValidatedRangeError(field, count, 0, JOINTS_28, "joints")
    return (
        _checked("tjc28", c.tjc28, JOINTS_28, "joints")
        + _checked("sjc28", c.sjc28, JOINTS_28, "joints")
        + _checked("patient_global_0_10", c.patient_global_0_10, GLOBAL_MAX_CM, "cm")
        + _checked("evaluator_global_0_10", c.evaluator_global_0_10, GLOBAL_MAX_CM, "cm")
    )


def activity_category(index: ActivityIndex, score: float) -> DiseaseActivity:
    """Category of a CDAI or SDAI score (upper bounds inclusive).

    CDAI: remission <= 2.8 < low <= 10 < moderate <= 22 < high. SDAI: remission <= 3.3 < low
    <= 11 < moderate <= 26 < high. Aletaha 2005. Raises :class:`OutOfValidatedRangeError` for a
    negative score.
    """
    if isinstance(score, bool) or not math.isfinite(score) or score < 0:
        raise OutOfValidatedRangeError("score", score, 0, math.inf, "points")
    remission, low, moderate = _CUTOFFS[index]
    if at_most(score, remission):
        return DiseaseActivity.REMISSION
    if at_most(score, low):
        return DiseaseActivity.LOW
    if at_most(score, moderate):
        return DiseaseActivity.MODERATE
    return DiseaseActivity.HIGH


def cdai(components: CdaiComponents) -> ActivityIndexResult:
    """Clinical Disease Activity Index and category.

    Parameters
    ----------
    components
        TJC28 and SJC28 (0-28), patient and evaluator global assessments (0-10 cm).

    Returns
    -------
    ActivityIndexResult
        CDAI (0-76, exact decimal sum, unrounded) and its category.

    References
    ----------
    Aletaha D, Smolen JS. Clin Exp Rheumatol 2005;23(5 Suppl 39):S100-8.

    Notes
    -----
    Raises :class:`OutOfValidatedRangeError` for a component outside its range.
    """
    score = float(_cdai_sum(components))
    return ActivityIndexResult(
        ActivityIndex.CDAI, score, activity_category(ActivityIndex.CDAI, score)
    )


def sdai(components: CdaiComponents, crp_mg_dl: float) -> ActivityIndexResult:
    """Simplified Disease Activity Index and category.

    Parameters
    ----------
    components
        The CDAI components.
    crp_mg_dl
        C-reactive protein in mg/dL (0-50); divide mg/L by 10 first.

    Returns
    -------
    ActivityIndexResult
        SDAI (exact decimal sum, unrounded) and its category.

    References
    ----------
    Smolen JS et al. Rheumatology 2003;42:244-57, doi:10.1093/rheumatology/keg072;
    Aletaha D, Smolen JS. Clin Exp Rheumatol 2005;23(5 Suppl 39):S100-8.

    Notes
    -----
    CRP is in mg/dL as Smolen defined it (docs/spec/instruments.md §10, pitfall 1).
    """
    crp = _checked("crp_mg_dL", crp_mg_dl, CRP_MAX_MG_DL, "mg/dL")
    score = float(_cdai_sum(components) + crp)
    return ActivityIndexResult(
        ActivityIndex.SDAI, score, activity_category(ActivityIndex.SDAI, score)
    )
