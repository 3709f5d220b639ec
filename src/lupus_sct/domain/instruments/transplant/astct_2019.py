"""ASTCT 2019 consensus grading of CRS and ICANS, with the ICE score.

References
----------
Lee DW, Santomasso BD, Locke FL, et al. ASTCT consensus grading for cytokine release syndrome and
neurologic toxicity associated with immune effector cells. Biol Blood Marrow Transplant
2019;25:625-38. doi:10.1016/j.bbmt.2018.12.758

Notes
-----
- CRS (docs/spec/instruments.md §9.1): death due to CRS is grade 5; otherwise CRS is present with
  a temperature >= 38.0 degrees C, or, after antipyretic or anti-cytokine treatment, with
  hypotension or hypoxia; its grade is max(1, hypotension grade, hypoxia grade). Convention C7:
  afebrile after such treatment with neither hypotension nor hypoxia is grade 0.
- Vasopressin does not count as a second vasopressor (Lee 2019, table 3 footnote).
- ICANS (docs/spec/instruments.md §9.2) for patients aged >= 12: the maximum over the ICE score,
  consciousness, seizure, motor and cerebral oedema domains. ICE 0 in an awake patient is grade 3;
  grade 4 needs an unarousable patient. Children under 12 (CAPD) are refused.
- Only findings not attributable to another cause are entered (attribution is an input,
  docs/spec/instruments.md §0.5). Every grade records the scale name, "ASTCT 2019".
"""

from __future__ import annotations

import dataclasses
import enum
import math

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError

ASTCT_SCALE = "ASTCT 2019"  # Lee 2019; stored with each grade (docs/spec/instruments.md §9.2)
CRS_FEVER_C = 38.0  # Lee 2019, table 3: fever is temperature >= 38 C
LOW_FLOW_MAX_L_MIN = 6.0  # Lee 2019, table 3: low-flow nasal cannula is <= 6 L/min
TEMPERATURE_RANGE_C = (30.0, 45.0)  # docs/spec/instruments.md §12.3, astct-crs temp_c range
ICE_SCORE_MAX = 10  # Lee 2019, table 5: ICE score 0-10
ICE_ORIENTATION_MAX = 4  # Lee 2019, table 5: orientation to year, month, city, hospital
ICE_NAMING_MAX = 3  # Lee 2019, table 5: naming three objects
ICE_GRADE_1_MIN = 7  # Lee 2019, table 6: ICE 7-9 is grade 1
ICE_GRADE_2_MIN = 3  # Lee 2019, table 6: ICE 3-6 is grade 2; 0-2 is grade 3
ICANS_MIN_AGE_YEARS = 12  # Lee 2019: the adult ICANS table applies from age 12 (CAPD below)


class Hypotension(enum.Enum):
    """Hypotension, with its CRS grade (Lee 2019, table 3)."""

    NONE = "none"
    NO_VASOPRESSOR = "no_vasopressor"
    ONE_VASOPRESSOR = "one_vasopressor"
    ONE_VASOPRESSOR_PLUS_VASOPRESSIN = "one_vasopressor_plus_vasopressin"
    MULTIPLE_VASOPRESSORS = "multiple_vasopressors"


HYPOTENSION_GRADE = {  # Lee 2019, table 3; vasopressin is not a second vasopressor
    Hypotension.NONE: 0,
    Hypotension.NO_VASOPRESSOR: 2,
    Hypotension.ONE_VASOPRESSOR: 3,
    Hypotension.ONE_VASOPRESSOR_PLUS_VASOPRESSIN: 3,
    Hypotension.MULTIPLE_VASOPRESSORS: 4,
}


class OxygenSupport(enum.Enum):
    """Oxygen delivery for hypoxia (Lee 2019, table 3)."""

    NONE = "none"
    LOW_FLOW_NASAL_CANNULA = "low_flow_nasal_cannula"
    BLOW_BY = "blow_by"
    NASAL_CANNULA = "nasal_cannula"
    HIGH_FLOW_NASAL_CANNULA = "high_flow_nasal_cannula"
    FACEMASK = "facemask"
    NON_REBREATHER = "non_rebreather"
    VENTURI = "venturi"
    CPAP = "cpap"
    BIPAP = "bipap"
    MECHANICAL_VENTILATION = "mechanical_ventilation"


OXYGEN_GRADE = {  # Lee 2019, table 3; nasal_cannula is graded by flow (see hypoxia_grade)
    OxygenSupport.NONE: 0,
    OxygenSupport.LOW_FLOW_NASAL_CANNULA: 2,
    OxygenSupport.BLOW_BY: 2,
    OxygenSupport.HIGH_FLOW_NASAL_CANNULA: 3,
    OxygenSupport.FACEMASK: 3,
    OxygenSupport.NON_REBREATHER: 3,
    OxygenSupport.VENTURI: 3,
    OxygenSupport.CPAP: 4,
    OxygenSupport.BIPAP: 4,
    OxygenSupport.MECHANICAL_VENTILATION: 4,
}


@dataclasses.dataclass(frozen=True, slots=True)
class CrsAssessment:
    """Worst findings of one CRS assessment period."""

    temp_c: float
    hypotension: Hypotension
    oxygen: OxygenSupport
    o2_flow_l_min: float | None = None
    prior_antipyretic_or_anticytokine: bool = False
    death_due_to_crs: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class AstctGrade:
    """A CRS or ICANS grade with its scale."""

    grade: int
    scale: str = ASTCT_SCALE


def hypoxia_grade(oxygen: OxygenSupport, o2_flow_l_min: float | None = None) -> int:
    """CRS grade of the oxygen support (Lee 2019, table 3).

    A nasal cannula is low flow (grade 2) at <= 6 L/min and high flow (grade 3) above; its flow
    is required. A "low_flow_nasal_cannula" above 6 L/min is a contradiction. Raises
    :class:`InvalidValueError`.
    """
    if o2_flow_l_min is not None and (not math.isfinite(o2_flow_l_min) or o2_flow_l_min < 0):
        raise InvalidValueError("o2_flow_l_min", o2_flow_l_min, "a flow >= 0 L/min")
    if oxygen is OxygenSupport.NASAL_CANNULA:
        if o2_flow_l_min is None:
            raise InvalidValueError("o2_flow_l_min", None, "a flow in L/min for a nasal cannula")
        return 2 if o2_flow_l_min <= LOW_FLOW_MAX_L_MIN else 3
    if oxygen is OxygenSupport.LOW_FLOW_NASAL_CANNULA and (
        o2_flow_l_min is not None and o2_flow_l_min > LOW_FLOW_MAX_L_MIN
    ):
        raise InvalidValueError("o2_flow_l_min", o2_flow_l_min, "<= 6 L/min for low-flow")
    return OXYGEN_GRADE[oxygen]


def grade_crs(assessment: CrsAssessment) -> AstctGrade:
    """ASTCT 2019 CRS grade, 0-5.

    Parameters
    ----------
    assessment
        Maximum temperature (30-45 degrees C), hypotension, oxygen support (with its flow where
        needed), prior antipyretic/anti-cytokine treatment and death due to CRS.

    Returns
    -------
    AstctGrade
        0 when CRS is absent, else max(1, hypotension grade, hypoxia grade); 5 on death.

    References
    ----------
    Lee DW et al. Biol Blood Marrow Transplant 2019;25:625-38, table 3.
    doi:10.1016/j.bbmt.2018.12.758

    Notes
    -----
    docs/spec/instruments.md §9.1 operational rules and convention C7. Without fever and without
    prior treatment, hypotension or hypoxia alone is not CRS (grade 0): fever is required
    until it is masked by treatment. Organ toxicities are graded with CTCAE instead.
    """
    a = assessment
    low, high = TEMPERATURE_RANGE_C
    if not math.isfinite(a.temp_c) or not low <= a.temp_c <= high:
        raise OutOfValidatedRangeError("temp_c", a.temp_c, low, high, "C")
    oxygen = hypoxia_grade(a.oxygen, a.o2_flow_l_min)
    if a.death_due_to_crs:
        return AstctGrade(5)
    pressure = HYPOTENSION_GRADE[a.hypotension]
    masked = a.prior_antipyretic_or_anticytokine and max(pressure, oxygen) > 0
    if a.temp_c >= CRS_FEVER_C or masked:
        return AstctGrade(max(1, pressure, oxygen))
    return AstctGrade(0)


def ice_score(
    *,
    orientation_points: int,
    naming_points: int,
    follows_commands: bool,
    writes_sentence: bool,
    counts_back_by_tens: bool,
) -> int:
    """Immune effector cell-associated encephalopathy (ICE) score, 0-10.

    Parameters
    ----------
    orientation_points
        Year, month, city and hospital, one point each (0-4).
    naming_points
        Three objects named, one point each (0-3).
    follows_commands, writes_sentence, counts_back_by_tens
        One point each.

    References
    ----------
    Lee DW et al. Biol Blood Marrow Transplant 2019;25:625-38, table 5 (ICE).

    Notes
    -----
    Raises :class:`OutOfValidatedRangeError` for a task score outside its range.
    """
    if not 0 <= orientation_points <= ICE_ORIENTATION_MAX:
        raise OutOfValidatedRangeError("ICE orientation", orientation_points, 0, 4, "points")
    if not 0 <= naming_points <= ICE_NAMING_MAX:
        raise OutOfValidatedRangeError("ICE naming", naming_points, 0, 3, "points")
    tasks = (follows_commands, writes_sentence, counts_back_by_tens)
    return orientation_points + naming_points + sum(1 for done in tasks if done)


def ice_domain_grade(score: int) -> int:
    """ICANS grade of the ICE domain: 10 -> 0, 7-9 -> 1, 3-6 -> 2, 0-2 -> 3 (Lee 2019, table 6).

    Grade 4 is never given by the ICE score alone: it needs an unarousable patient.
    """
    if isinstance(score, bool) or not 0 <= score <= ICE_SCORE_MAX:
        raise OutOfValidatedRangeError("ice_score", score, 0, ICE_SCORE_MAX, "points")
    if score == ICE_SCORE_MAX:
        return 0
    if score >= ICE_GRADE_1_MIN:
        return 1
    return 2 if score >= ICE_GRADE_2_MIN else 3


class Consciousness(enum.Enum):
    """Depressed level of consciousness (Lee 2019, table 6)."""

    NORMAL = "normal"
    AWAKENS_SPONTANEOUSLY = "awakens_spontaneously"
    AWAKENS_TO_VOICE = "awakens_to_voice"
    AWAKENS_TO_TACTILE = "awakens_to_tactile"
    UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_COMA = "unarousable_or_vigorous_stimuli_or_coma"


CONSCIOUSNESS_GRADE = {  # Lee 2019, table 6, depressed level of consciousness
    Consciousness.NORMAL: 0,
    Consciousness.AWAKENS_SPONTANEOUSLY: 1,
    Consciousness.AWAKENS_TO_VOICE: 2,
    Consciousness.AWAKENS_TO_TACTILE: 3,
    Consciousness.UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_COMA: 4,
}


class Seizure(enum.Enum):
    """Seizure findings (Lee 2019, table 6)."""

    NONE = "none"
    RAPIDLY_RESOLVING = "rapidly_resolving_clinical_or_eeg_resolved_with_intervention"
    PROLONGED_OR_REPETITIVE = "prolonged_gt5min_or_repetitive_without_return"


SEIZURE_GRADE = {  # Lee 2019, table 6, seizure
    Seizure.NONE: 0,
    Seizure.RAPIDLY_RESOLVING: 3,
    Seizure.PROLONGED_OR_REPETITIVE: 4,
}


class CerebralEdema(enum.Enum):
    """Raised intracranial pressure / cerebral oedema (Lee 2019, table 6)."""

    NONE = "none"
    FOCAL = "focal"
    DIFFUSE_OR_POSTURING = "diffuse_or_posturing_or_cn6_or_papilledema_or_cushing"


CEREBRAL_EDEMA_GRADE = {  # Lee 2019, table 6, raised ICP / cerebral oedema
    CerebralEdema.NONE: 0,
    CerebralEdema.FOCAL: 3,
    CerebralEdema.DIFFUSE_OR_POSTURING: 4,
}
MOTOR_WEAKNESS_GRADE = 4  # Lee 2019, table 6: deep focal motor weakness is grade 4


@dataclasses.dataclass(frozen=True, slots=True)
class IcansAssessment:
    """Findings of one ICANS assessment, counting only those not attributable to another cause.

    ``ice_score`` is ``None`` only when the patient is unarousable.
    """

    ice_score: int | None
    consciousness: Consciousness = Consciousness.NORMAL
    unarousable: bool = False
    seizure: Seizure = Seizure.NONE
    deep_focal_motor_weakness: bool = False
    cerebral_edema: CerebralEdema = CerebralEdema.NONE
    age_years: int | None = None


def _check_icans(a: IcansAssessment) -> None:
    if a.age_years is not None and a.age_years < ICANS_MIN_AGE_YEARS:
        raise InvalidValueError(
            "age_years", a.age_years, "12 or more (CAPD for children under 12 is not implemented)"
        )
    if a.ice_score is None and not a.unarousable:
        raise InvalidValueError("ice_score", None, "an ICE score 0-10 unless unarousable")
    unarousable_level = Consciousness.UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_COMA
    if a.unarousable and a.consciousness not in (Consciousness.NORMAL, unarousable_level):
        raise InvalidValueError(
            "consciousness", a.consciousness.value, f"{unarousable_level.value!r} when unarousable"
        )
    if a.unarousable and a.ice_score not in (None, 0):
        raise InvalidValueError("ice_score", a.ice_score, "0 or absent when unarousable")


def grade_icans(assessment: IcansAssessment) -> AstctGrade:
    """ASTCT 2019 ICANS grade, 0-4, for patients aged 12 or more.

    Parameters
    ----------
    assessment
        ICE score (0-10; absent only when unarousable), consciousness, unarousable flag, seizure,
        deep focal motor weakness, cerebral oedema and optional age.

    Returns
    -------
    AstctGrade
        The most severe domain grade.

    References
    ----------
    Lee DW et al. Biol Blood Marrow Transplant 2019;25:625-38, table 6 (adults) and the CAPD
    table for children. doi:10.1016/j.bbmt.2018.12.758

    Notes
    -----
    docs/spec/instruments.md §9.2. ``unarousable`` means grade 4, the same as the last
    consciousness level; it contradicts a lighter consciousness level or an ICE score above 0.
    Tremor, myoclonus and intracranial haemorrhage are not graded here. Raises
    :class:`InvalidValueError` for a child under 12 or contradictory findings.
    """
    a = assessment
    _check_icans(a)
    grades = [
        CONSCIOUSNESS_GRADE[a.consciousness],
        SEIZURE_GRADE[a.seizure],
        CEREBRAL_EDEMA_GRADE[a.cerebral_edema],
        MOTOR_WEAKNESS_GRADE if a.deep_focal_motor_weakness else 0,
    ]
    if a.unarousable:
        grades.append(CONSCIOUSNESS_GRADE[Consciousness.UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_COMA])
    if a.ice_score is not None:
        grades.append(ice_domain_grade(a.ice_score))
    return AstctGrade(max(grades))
