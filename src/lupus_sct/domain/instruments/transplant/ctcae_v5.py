"""CTCAE v5.0 grading of the laboratory terms and febrile neutropenia the platform derives.

References
----------
National Cancer Institute. Common Terminology Criteria for Adverse Events (CTCAE) v5.0,
27 November 2017. US Department of Health and Human Services. Terms graded here: "Neutrophil
count decreased", "Platelet count decreased", "Anemia", "Creatinine increased", "Alanine
aminotransferase increased", "Febrile neutropenia".

Notes
-----
- Explicit intervals of docs/spec/instruments.md §8.1. A "decreased" band includes
  its lower bound ("<1500-1000" means 1000 <= x < 1500); a value equal to the LLN is not graded.
- Decision D6: creatinine and ALT take the highest grade whose criterion is met. Creatinine
  combines the ULN and baseline families; ALT uses the ULN clauses when the baseline is unknown
  or <= ULN, and the baseline clauses only when the baseline is above the ULN.
- Convention C1: anaemia grade 3 is Hgb < 8.0 g/dL *or* transfusion indicated.
- Units: /uL = /mm3; 10^9/L x 1000 = /uL; g/L / 10 = g/dL; umol/L / 88.4 = mg/dL.
- Every multiple-of-LLN/ULN/baseline and converted-unit comparison uses the 1e-9 tolerance of
  decision D11 (:mod:`lupus_sct.domain.comparisons`).
- Missing data: every value is required; an unknown baseline is ``None``, never zero.
"""

from __future__ import annotations

import dataclasses
import enum
import math

from lupus_sct.domain.comparisons import above, at_least, at_most, below
from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError

CTCAE_VERSION = "5.0"  # NCI CTCAE v5.0, 27 November 2017; pinned (docs/spec/instruments.md §0.6)

NEUTROPHIL_G1_LOW_PER_UL = 1500.0  # CTCAE v5.0 Neutrophil count decreased, grade 1 "<LLN-1500"
NEUTROPHIL_G2_LOW_PER_UL = 1000.0  # CTCAE v5.0 Neutrophil count decreased, grade 2 "<1500-1000"
NEUTROPHIL_G3_LOW_PER_UL = 500.0  # CTCAE v5.0 Neutrophil count decreased, grade 3 "<1000-500"
PLATELET_G1_LOW_PER_UL = 75_000.0  # CTCAE v5.0 Platelet count decreased, grade 1 "<LLN-75,000"
PLATELET_G2_LOW_PER_UL = 50_000.0  # CTCAE v5.0 Platelet count decreased, grade 2
PLATELET_G3_LOW_PER_UL = 25_000.0  # CTCAE v5.0 Platelet count decreased, grade 3
ANEMIA_G1_LOW_G_DL = 10.0  # CTCAE v5.0 Anemia, grade 1 "<LLN-10.0 g/dL"
ANEMIA_G2_LOW_G_DL = 8.0  # CTCAE v5.0 Anemia, grade 2 "<10.0-8.0 g/dL"; grade 3 "<8.0"
HEMOGLOBIN_MAX_G_DL = 25.0  # docs/spec/instruments.md §12.3, ctcae-v5 Anemia value range 0-25
CREATININE_MIN_MG_DL = 0.1  # docs/spec/instruments.md §0.7 and §12.3 range
CREATININE_MAX_MG_DL = 40.0  # docs/spec/instruments.md §12.3, ctcae-v5 creatinine range 0.1-40
CREATININE_UMOL_L_PER_MG_DL = 88.4  # docs/spec/instruments.md §0.1
CREATININE_ULN_MULTIPLES = (1.0, 1.5, 3.0, 6.0)  # CTCAE v5.0 Creatinine increased, grades 1-4 (>)
CREATININE_BASELINE_MULTIPLES = (1.5, 3.0)  # CTCAE v5.0 Creatinine increased, grades 2-3 (>)
ALT_ULN_MULTIPLES = (1.0, 3.0, 5.0, 20.0)  # CTCAE v5.0 ALT increased, baseline normal, grades 1-4
ALT_BASELINE_MULTIPLES = (1.5, 3.0, 5.0, 20.0)  # CTCAE v5.0 ALT increased, baseline abnormal
FN_ANC_BELOW_PER_UL = 1000.0  # CTCAE v5.0 Febrile neutropenia, "ANC <1000/mm3"
FN_SINGLE_TEMP_ABOVE_C = 38.3  # CTCAE v5.0 Febrile neutropenia, "single temperature of >38.3"
FN_SUSTAINED_TEMP_C = 38.0  # CTCAE v5.0 Febrile neutropenia, "sustained temperature of >=38"
FN_SUSTAINED_MORE_THAN_HOURS = 1.0  # CTCAE v5.0 Febrile neutropenia, "for more than one hour"
TEMPERATURE_RANGE_C = (30.0, 45.0)  # docs/spec/instruments.md §12.3, max_single_temp_c range


class CtcaeTerm(enum.Enum):
    """The CTCAE v5.0 terms graded here, spelled exactly as in the table."""

    NEUTROPHIL_COUNT_DECREASED = "Neutrophil count decreased"
    PLATELET_COUNT_DECREASED = "Platelet count decreased"
    ANEMIA = "Anemia"
    CREATININE_INCREASED = "Creatinine increased"
    ALT_INCREASED = "Alanine aminotransferase increased"
    FEBRILE_NEUTROPENIA = "Febrile neutropenia"


class CountUnit(enum.Enum):
    """Units of a blood cell count, with the factor to /uL."""

    PER_UL = "/uL"
    PER_MM3 = "/mm3"
    X10E9_PER_L = "10^9/L"

    @property
    def to_per_ul(self) -> float:
        """Multiplier to /uL (/mm3 = /uL; 10^9/L x 1000 = /uL)."""
        return 1000.0 if self is CountUnit.X10E9_PER_L else 1.0


class HemoglobinUnit(enum.Enum):
    """Units of haemoglobin, with the factor to g/dL."""

    G_DL = "g/dL"
    G_L = "g/L"

    @property
    def to_g_dl(self) -> float:
        """Multiplier to g/dL (g/L / 10)."""
        return 0.1 if self is HemoglobinUnit.G_L else 1.0


class CreatinineUnit(enum.Enum):
    """Units of serum creatinine, with the factor to mg/dL."""

    MG_DL = "mg/dL"
    UMOL_L = "umol/L"

    @property
    def to_mg_dl(self) -> float:
        """Multiplier to mg/dL (umol/L / 88.4)."""
        return 1 / CREATININE_UMOL_L_PER_MG_DL if self is CreatinineUnit.UMOL_L else 1.0


@dataclasses.dataclass(frozen=True, slots=True)
class CtcaeGrade:
    """A CTCAE grade (1-5) for one term, or ``None`` when grade 1 is not met."""

    term: CtcaeTerm
    grade: int | None
    ctcae_version: str = CTCAE_VERSION


def _as_entered(value: float) -> float | int:
    """Show 0.0 as "0" in messages ("creatinine 0 mg/dL is outside 0.1-40")."""
    return int(value) if math.isfinite(value) and float(value).is_integer() else value


def _require_non_negative(field: str, value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise InvalidValueError(field, value, "a number >= 0")


def _require_positive(field: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise InvalidValueError(field, value, "a number > 0")


def _decreased_grade(value: float, lln: float, lows: tuple[float, float, float]) -> int | None:
    if at_least(value, lln):
        return None
    for grade, low in enumerate(lows, start=1):
        if at_least(value, low):
            return grade
    return 4


def grade_neutrophil_count_decreased(value: float, lln: float, unit: CountUnit) -> CtcaeGrade:
    """Grade "Neutrophil count decreased" (CTCAE v5.0).

    Parameters
    ----------
    value, lln
        Absolute neutrophil count and its lower limit of normal, both in ``unit``; value >= 0,
        LLN > 0.
    unit
        ``/uL``, ``/mm3`` or ``10^9/L``.

    Returns
    -------
    CtcaeGrade
        Grade 1: 1500 <= x < LLN; 2: 1000 <= x < 1500; 3: 500 <= x < 1000; 4: x < 500 (/uL).

    References
    ----------
    NCI CTCAE v5.0 (2017), Investigations, "Neutrophil count decreased".

    Notes
    -----
    A value at or above the LLN is not graded, even when the LLN is below 1500/uL
    (docs/spec/instruments.md §8.1). Raises :class:`InvalidValueError` for a negative value or a
    non-positive LLN.
    """
    _require_non_negative("neutrophil count", value)
    _require_positive("neutrophil count LLN", lln)
    lows = (NEUTROPHIL_G1_LOW_PER_UL, NEUTROPHIL_G2_LOW_PER_UL, NEUTROPHIL_G3_LOW_PER_UL)
    factor = unit.to_per_ul
    grade = _decreased_grade(value * factor, lln * factor, lows)
    return CtcaeGrade(CtcaeTerm.NEUTROPHIL_COUNT_DECREASED, grade)


def grade_platelet_count_decreased(value: float, lln: float, unit: CountUnit) -> CtcaeGrade:
    """Grade "Platelet count decreased" (CTCAE v5.0, Investigations).

    Grade 1: 75,000 <= x < LLN; 2: 50,000 <= x < 75,000; 3: 25,000 <= x < 50,000;
    4: x < 25,000 (/uL). Parameters, units and errors as in
    :func:`grade_neutrophil_count_decreased`.
    """
    _require_non_negative("platelet count", value)
    _require_positive("platelet count LLN", lln)
    lows = (PLATELET_G1_LOW_PER_UL, PLATELET_G2_LOW_PER_UL, PLATELET_G3_LOW_PER_UL)
    factor = unit.to_per_ul
    grade = _decreased_grade(value * factor, lln * factor, lows)
    return CtcaeGrade(CtcaeTerm.PLATELET_COUNT_DECREASED, grade)


@dataclasses.dataclass(frozen=True, slots=True)
class AnemiaAssessment:
    """Haemoglobin with its LLN (same unit) and the clinician's flags."""

    hemoglobin: float
    lln: float
    unit: HemoglobinUnit = HemoglobinUnit.G_DL
    transfusion_indicated: bool = False
    life_threatening: bool = False
    death: bool = False


def _anemia_laboratory_grade(hgb_g_dl: float, lln_g_dl: float) -> int | None:
    if at_least(hgb_g_dl, lln_g_dl):
        return None
    if at_least(hgb_g_dl, ANEMIA_G1_LOW_G_DL):
        return 1
    if at_least(hgb_g_dl, ANEMIA_G2_LOW_G_DL):
        return 2
    return 3


def grade_anemia(assessment: AnemiaAssessment) -> CtcaeGrade:
    """Grade "Anemia" (CTCAE v5.0).

    Parameters
    ----------
    assessment
        Haemoglobin 0-25 g/dL (0-250 g/L) and its LLN (> 0) in the same unit, with the
        transfusion, life-threatening and death flags.

    Returns
    -------
    CtcaeGrade
        1: 10.0 <= Hgb < LLN; 2: 8.0 <= Hgb < 10.0; 3: Hgb < 8.0 or transfusion indicated;
        4: life-threatening consequences with Hgb < LLN; 5: death.

    References
    ----------
    NCI CTCAE v5.0 (2017), Blood and lymphatic system disorders, "Anemia"; front matter
    ("a semicolon indicates 'or'").

    Notes
    -----
    Convention C1: "transfusion indicated" gives grade 3 whatever the value. Grade 4 is
    clinician-flagged and, as docs/spec/instruments.md §8.1 states, needs Hgb < LLN; the flag is
    ignored otherwise. Grade 5 (death) is taken as flagged. Raises
    :class:`OutOfValidatedRangeError` ("hemoglobin 30 g/dL is outside 0-25") outside the range.
    """
    a = assessment
    high = HEMOGLOBIN_MAX_G_DL / a.unit.to_g_dl
    if not math.isfinite(a.hemoglobin) or not 0 <= a.hemoglobin <= high:
        raise OutOfValidatedRangeError(
            "hemoglobin", _as_entered(a.hemoglobin), 0, high, a.unit.value
        )
    _require_positive("hemoglobin LLN", a.lln)
    grade = _anemia_laboratory_grade(a.hemoglobin * a.unit.to_g_dl, a.lln * a.unit.to_g_dl)
    if a.transfusion_indicated:
        grade = max(grade or 0, 3)
    if a.life_threatening and below(a.hemoglobin, a.lln):
        grade = 4
    if a.death:
        grade = 5
    return CtcaeGrade(CtcaeTerm.ANEMIA, grade)


def _multiple_grade(value: float, reference: float, multiples: tuple[float, ...]) -> int | None:
    grade: int | None = None
    for index, multiple in enumerate(multiples, start=1):
        if above(value, multiple * reference):
            grade = index
    return grade


def grade_creatinine_increased(
    value: float, uln: float, unit: CreatinineUnit, baseline: float | None = None
) -> CtcaeGrade:
    """Grade "Creatinine increased" (CTCAE v5.0) by the ULN and the baseline families.

    Parameters
    ----------
    value, uln, baseline
        Serum creatinine, its ULN (> 0) and the patient's baseline (> 0, or ``None`` when
        unknown), all in ``unit``. The value must lie in 0.1-40 mg/dL (8.84-3536 umol/L).
    unit
        ``mg/dL`` or ``umol/L``.

    Returns
    -------
    CtcaeGrade
        ULN family: 1 if > ULN, 2 if > 1.5 x ULN, 3 if > 3.0 x ULN, 4 if > 6.0 x ULN.
        Baseline family: 2 if > 1.5 x baseline, 3 if > 3.0 x baseline. The maximum of both.

    References
    ----------
    NCI CTCAE v5.0 (2017), Investigations, "Creatinine increased".

    Notes
    -----
    Decision D6 ("highest criterion met"): a value below the ULN can be grade 2 or 3 on the
    baseline family. The ratio thresholds are compared as products with the 1e-9 tolerance
    (decision D11), so 1.8 with ULN 1.2 is exactly 1.5 x ULN (grade 1). The range is checked in
    the unit entered, so the message shows the value as typed.
    """
    low = CREATININE_MIN_MG_DL / unit.to_mg_dl
    high = CREATININE_MAX_MG_DL / unit.to_mg_dl
    if not math.isfinite(value) or not at_least(value, low) or not at_most(value, high):
        raise OutOfValidatedRangeError("creatinine", _as_entered(value), low, high, unit.value)
    _require_positive("creatinine ULN", uln)
    grade = _multiple_grade(value, uln, CREATININE_ULN_MULTIPLES)
    if baseline is not None:
        _require_positive("creatinine baseline", baseline)
        by_baseline = _multiple_grade(value, baseline, CREATININE_BASELINE_MULTIPLES)
        if by_baseline is not None:
            grade = max(grade or 0, by_baseline + 1)
    return CtcaeGrade(CtcaeTerm.CREATININE_INCREASED, grade)


def _alt_baseline_abnormal_grade(value: float, baseline: float) -> int | None:
    if below(value, ALT_BASELINE_MULTIPLES[0] * baseline):
        return None
    grade = _multiple_grade(value, baseline, ALT_BASELINE_MULTIPLES[1:])
    return 1 if grade is None else grade + 1


def grade_alt_increased(
    value_u_l: float, uln_u_l: float, baseline_u_l: float | None = None
) -> CtcaeGrade:
    """Grade "Alanine aminotransferase increased" (CTCAE v5.0).

    Parameters
    ----------
    value_u_l, uln_u_l, baseline_u_l
        ALT (>= 0), its ULN (> 0) and the baseline (> 0, or ``None`` when unknown), in U/L.

    Returns
    -------
    CtcaeGrade
        Baseline unknown or <= ULN: 1 if > ULN, 2 if > 3.0 x ULN, 3 if > 5.0 x ULN,
        4 if > 20.0 x ULN. Baseline > ULN: 1 if >= 1.5 x baseline, 2 if > 3.0 x baseline,
        3 if > 5.0 x baseline, 4 if > 20.0 x baseline.

    References
    ----------
    NCI CTCAE v5.0 (2017), Investigations, "Alanine aminotransferase increased".

    Notes
    -----
    Decision D6: the condition "if baseline normal/abnormal" is part of each criterion, so only
    one family applies. An unknown baseline is treated as normal. Ratio thresholds use the 1e-9
    tolerance (decision D11).
    """
    _require_non_negative("ALT", value_u_l)
    _require_positive("ALT ULN", uln_u_l)
    if baseline_u_l is not None:
        _require_positive("ALT baseline", baseline_u_l)
        if above(baseline_u_l, uln_u_l):
            grade = _alt_baseline_abnormal_grade(value_u_l, baseline_u_l)
            return CtcaeGrade(CtcaeTerm.ALT_INCREASED, grade)
    grade = _multiple_grade(value_u_l, uln_u_l, ALT_ULN_MULTIPLES)
    return CtcaeGrade(CtcaeTerm.ALT_INCREASED, grade)


@dataclasses.dataclass(frozen=True, slots=True)
class FebrileNeutropeniaAssessment:
    """ANC with the highest single temperature and the time spent at >= 38.0 degrees C."""

    anc_per_ul: float
    max_single_temp_c: float
    sustained_temp_ge_38_hours: float = 0.0
    life_threatening: bool = False
    death: bool = False


def has_neutropenic_fever(assessment: FebrileNeutropeniaAssessment) -> bool:
    """Tell whether the fever criterion of CTCAE v5.0 febrile neutropenia is met.

    Fever is a single temperature > 38.3 degrees C, or >= 38.0 degrees C for more than 1 hour
    (exactly 1 hour is not sustained). NCI CTCAE v5.0 (2017), "Febrile neutropenia".
    """
    a = assessment
    sustained = a.sustained_temp_ge_38_hours > FN_SUSTAINED_MORE_THAN_HOURS
    return a.max_single_temp_c > FN_SINGLE_TEMP_ABOVE_C or sustained


def _check_febrile_neutropenia(a: FebrileNeutropeniaAssessment) -> None:
    _require_non_negative("ANC", a.anc_per_ul)
    low, high = TEMPERATURE_RANGE_C
    if not math.isfinite(a.max_single_temp_c) or not low <= a.max_single_temp_c <= high:
        raise OutOfValidatedRangeError(
            "temperature", _as_entered(a.max_single_temp_c), low, high, "C"
        )
    _require_non_negative("sustained_temp_ge_38_hours", a.sustained_temp_ge_38_hours)
    if a.sustained_temp_ge_38_hours > 0 and a.max_single_temp_c < FN_SUSTAINED_TEMP_C:
        raise InvalidValueError(
            "sustained_temp_ge_38_hours",
            a.sustained_temp_ge_38_hours,
            "0 when the highest temperature is below 38.0 C",
        )


def grade_febrile_neutropenia(assessment: FebrileNeutropeniaAssessment) -> CtcaeGrade:
    """Grade "Febrile neutropenia" (CTCAE v5.0).

    Parameters
    ----------
    assessment
        ANC in /uL (>= 0), highest single temperature (30-45 degrees C), hours at >= 38.0
        degrees C (>= 0), and the life-threatening and death flags.

    Returns
    -------
    CtcaeGrade
        ``None`` unless ANC < 1000/uL with fever; then 3, or 4 if life-threatening, 5 on death.

    References
    ----------
    NCI CTCAE v5.0 (2017), Blood and lymphatic system disorders, "Febrile neutropenia".

    Notes
    -----
    Grades 4 and 5 are clinical grades; their flags apply only when the grade 3 criterion is met.
    Hours at >= 38.0 degrees C with a highest temperature below 38.0 is a contradiction and
    raises :class:`InvalidValueError`.
    """
    a = assessment
    _check_febrile_neutropenia(a)
    if not (a.anc_per_ul < FN_ANC_BELOW_PER_UL and has_neutropenic_fever(a)):
        return CtcaeGrade(CtcaeTerm.FEBRILE_NEUTROPENIA, None)
    grade = 5 if a.death else 4 if a.life_threatening else 3
    return CtcaeGrade(CtcaeTerm.FEBRILE_NEUTROPENIA, grade)
