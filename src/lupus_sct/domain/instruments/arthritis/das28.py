"""Disease Activity Score in 28 joints (DAS28): four variants and the activity category.

References
----------
Prevoo MLL, van 't Hof MA, Kuper HH, et al. Modified disease activity scores that include
twenty-eight-joint counts. Arthritis Rheum 1995;38:44-8. doi:10.1002/art.1780380107
Formulas and cut-offs as published by das-score.nl (Radboud University Nijmegen), "DAS28" and
"DAS28-CRP" pages.

Notes
-----
- TJC28 and SJC28 are integers 0-28; ESR in mm/h must lie in 1-200 (ln(0) is undefined); CRP is
  in **mg/L** (0-500); patient global health on a 0-100 mm VAS.
- The score is returned unrounded (convention C6); round to 2 decimals only for display.
- Decision D7: one set of cut-offs (2.6 / 3.2 / 5.1) for the ESR and CRP variants; the
  CRP-specific 2.4 / 2.9 / 4.6 are not used. Boundaries are compared with the 1e-9 tolerance of
  decision D11, so 2.6 is "low" and 3.2 is "low".
- Missing data: every input of the chosen variant is required; none defaults to zero.
"""

from __future__ import annotations

import dataclasses
import enum
import math

from lupus_sct.domain.comparisons import at_most, below
from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError

TJC_WEIGHT = 0.56  # Prevoo 1995; das-score.nl: 0.56 * sqrt(TJC28)
SJC_WEIGHT = 0.28  # Prevoo 1995; das-score.nl: 0.28 * sqrt(SJC28)
ESR_WEIGHT = 0.70  # Prevoo 1995; das-score.nl: 0.70 * ln(ESR)
CRP_WEIGHT = 0.36  # das-score.nl DAS28-CRP: 0.36 * ln(CRP + 1)
GH_WEIGHT = 0.014  # Prevoo 1995; das-score.nl: 0.014 * GH
CRP_4_CONSTANT = 0.96  # das-score.nl DAS28-CRP (4 variables): + 0.96
ESR_3_FACTOR = 1.08  # das-score.nl DAS28(3)-ESR: [...] * 1.08 + 0.16
ESR_3_CONSTANT = 0.16  # das-score.nl DAS28(3)-ESR
CRP_3_FACTOR = 1.10  # das-score.nl DAS28(3)-CRP: [...] * 1.10 + 1.15
CRP_3_CONSTANT = 1.15  # das-score.nl DAS28(3)-CRP
REMISSION_BELOW = 2.6  # das-score.nl: remission is DAS28 < 2.6 (decision D7)
LOW_AT_MOST = 3.2  # das-score.nl: low activity is DAS28 <= 3.2 (decision D7)
MODERATE_AT_MOST = 5.1  # das-score.nl: high activity is DAS28 > 5.1 (decision D7)
JOINTS_28 = 28  # Prevoo 1995: 28-joint counts
ESR_RANGE_MM_H = (1.0, 200.0)  # docs/spec/instruments.md §12.3, das28 esr_mm_h range
CRP_RANGE_MG_L = (0.0, 500.0)  # docs/spec/instruments.md §12.3, das28 crp_mg_L range
GLOBAL_RANGE_MM = (0.0, 100.0)  # docs/spec/instruments.md §12.3, das28 patient_global_mm range
SCORE_RANGE = (0.0, 10.0)  # docs/spec/instruments.md §12.3, das28 score range (category_only)


class Das28Variant(enum.Enum):
    """The four validated DAS28 formulas."""

    ESR = "DAS28-ESR"
    CRP = "DAS28-CRP"
    ESR_3 = "DAS28-ESR-3"
    CRP_3 = "DAS28-CRP-3"


class DiseaseActivity(enum.Enum):
    """RA disease activity categories shared by DAS28, CDAI and SDAI."""

    REMISSION = "remission"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


@dataclasses.dataclass(frozen=True, slots=True)
class Das28Inputs:
    """Components of a DAS28; only those of the chosen variant are needed."""

    tjc28: int
    sjc28: int
    esr_mm_h: float | None = None
    crp_mg_l: float | None = None
    patient_global_mm: float | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Das28Result:
    """An unrounded DAS28 with its variant and category."""

    variant: Das28Variant
    score: float
    category: DiseaseActivity


class Das28InputError(InvalidValueError):
    """A DAS28 variant lacks a usable input: "DAS28-ESR needs esr_mm_h >= 1"."""

    def __init__(self, variant: Das28Variant, field: str, value: object, need: str) -> None:
        super().__init__(field, value, need)
        self.args = (f"{variant.value} needs {field} {need}",)

    def __str__(self) -> str:
        return str(self.args[0])


def _check_range(field: str, value: float, bounds: tuple[float, float], unit: str = "") -> None:
    low, high = bounds
    if isinstance(value, bool) or not math.isfinite(value) or not low <= value <= high:
        raise OutOfValidatedRangeError(field, value, low, high, unit)


def _joint_terms(tjc28: int, sjc28: int) -> float:
    for field, count in (("tjc28", tjc28), ("sjc28", sjc28)):
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= JOINTS_28:
            raise OutOfValidatedRangeError(field, count, 0, JOINTS_28, "joints")
    return TJC_WEIGHT * math.sqrt(tjc28) + SJC_WEIGHT * math.sqrt(sjc28)


def _esr_term(variant: Das28Variant, esr_mm_h: float | None) -> float:
    if esr_mm_h is None or esr_mm_h < ESR_RANGE_MM_H[0]:
        raise Das28InputError(variant, "esr_mm_h", esr_mm_h, ">= 1")
    _check_range("esr_mm_h", esr_mm_h, ESR_RANGE_MM_H, "mm/h")
    return ESR_WEIGHT * math.log(esr_mm_h)


def _crp_term(variant: Das28Variant, crp_mg_l: float | None) -> float:
    if crp_mg_l is None:
        raise Das28InputError(variant, "crp_mg_L", None, "in mg/L")
    _check_range("crp_mg_L", crp_mg_l, CRP_RANGE_MG_L, "mg/L")
    return CRP_WEIGHT * math.log(crp_mg_l + 1)


def _global_term(variant: Das28Variant, patient_global_mm: float | None) -> float:
    if patient_global_mm is None:
        raise Das28InputError(variant, "patient_global_mm", None, "on a 0-100 mm VAS")
    _check_range("patient_global_mm", patient_global_mm, GLOBAL_RANGE_MM, "mm")
    return GH_WEIGHT * patient_global_mm


def das28_score(variant: Das28Variant, inputs: Das28Inputs) -> float:
    """Unrounded DAS28 by the das-score.nl formula of ``variant``.

    Parameters
    ----------
    variant
        DAS28-ESR: 0.56 sqrt(TJC) + 0.28 sqrt(SJC) + 0.70 ln(ESR) + 0.014 GH.
        DAS28-ESR-3: [0.56 sqrt(TJC) + 0.28 sqrt(SJC) + 0.70 ln(ESR)] x 1.08 + 0.16.
        DAS28-CRP: 0.56 sqrt(TJC) + 0.28 sqrt(SJC) + 0.36 ln(CRP + 1) + 0.014 GH + 0.96.
        DAS28-CRP-3: [0.56 sqrt(TJC) + 0.28 sqrt(SJC) + 0.36 ln(CRP + 1)] x 1.10 + 1.15.
    inputs
        Joint counts 0-28, ESR 1-200 mm/h, CRP 0-500 mg/L, GH 0-100 mm.

    References
    ----------
    Prevoo MLL et al. Arthritis Rheum 1995;38:44-8, doi:10.1002/art.1780380107; das-score.nl.

    Notes
    -----
    Raises :class:`Das28InputError` ("DAS28-ESR needs esr_mm_h >= 1") when the variant's marker
    or global is missing or ESR is below 1, and :class:`OutOfValidatedRangeError` outside the
    ranges above.
    """
    joints = _joint_terms(inputs.tjc28, inputs.sjc28)
    if variant is Das28Variant.ESR:
        esr = _esr_term(variant, inputs.esr_mm_h)
        return joints + esr + _global_term(variant, inputs.patient_global_mm)
    if variant is Das28Variant.ESR_3:
        return (joints + _esr_term(variant, inputs.esr_mm_h)) * ESR_3_FACTOR + ESR_3_CONSTANT
    if variant is Das28Variant.CRP:
        crp = _crp_term(variant, inputs.crp_mg_l)
        return joints + crp + _global_term(variant, inputs.patient_global_mm) + CRP_4_CONSTANT
    return (joints + _crp_term(variant, inputs.crp_mg_l)) * CRP_3_FACTOR + CRP_3_CONSTANT


def das28_category(score: float) -> DiseaseActivity:
    """DAS28 activity: remission < 2.6 <= low <= 3.2 < moderate <= 5.1 < high.

    das-score.nl cut-offs, the same for every variant (decision D7), applied to the unrounded
    score with the 1e-9 tolerance (decision D11). Raises :class:`OutOfValidatedRangeError`
    outside 0-10.
    """
    _check_range("score", score, SCORE_RANGE, "DAS28 points")
    if below(score, REMISSION_BELOW):
        return DiseaseActivity.REMISSION
    if at_most(score, LOW_AT_MOST):
        return DiseaseActivity.LOW
    if at_most(score, MODERATE_AT_MOST):
        return DiseaseActivity.MODERATE
    return DiseaseActivity.HIGH


def das28(variant: Das28Variant, inputs: Das28Inputs) -> Das28Result:
    """DAS28 score and category for one visit (see :func:`das28_score`, :func:`das28_category`).

    References
    ----------
    Prevoo MLL et al. Arthritis Rheum 1995;38:44-8, doi:10.1002/art.1780380107; das-score.nl.

    Notes
    -----
    Convention C6: the category is assigned from the unrounded score.
    """
    score = das28_score(variant, inputs)
    return Das28Result(variant, score, das28_category(score))
