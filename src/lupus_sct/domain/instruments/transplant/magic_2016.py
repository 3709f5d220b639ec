"""MAGIC 2016 acute graft-versus-host disease (aGVHD): organ stages and overall grade.

References
----------
Harris AC, Young R, Devine S, et al. International, multicenter standardization of acute
graft-versus-host disease clinical data collection: a report from the Mount Sinai Acute GVHD
International Consortium. Biol Blood Marrow Transplant 2016;22:4-10.
doi:10.1016/j.bbmt.2015.09.001 (table 1: organ staging; table 2: overall grade).
NCI PDQ, Graft-versus-host disease: adult stool criteria apply above 50 kg.

Notes
-----
- Explicit intervals of docs/spec/instruments.md §9.3. The published bilirubin gaps
  (3.0-3.1 and 6.0-6.1 mg/dL) are closed as > 3 and > 6.
- Lower GI: the volume is used whenever it is recorded; episodes only when no volume is recorded.
  Stage 4 (severe pain with or without ileus, or grossly bloody stool) overrides both. A positive
  biopsy is recorded but never changes the stage.
- Skin stage 4 is the generalised-erythroderma flag, accepted whatever the BSA entered.
- Missing data: an organ with nothing recorded is stage 0 ("no involvement recorded"); the user
  interface captures "not assessed" before scoring. Stages are direct comparisons of entered
  values (no ratio; decision D11 does not apply).
"""

from __future__ import annotations

import dataclasses
import enum
import math

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError

MAGIC_VERSION = "MAGIC 2016"  # Harris 2016 (docs/spec/instruments.md §0.6: version pinned)
SKIN_STAGE_2_MIN_BSA_PCT = 25.0  # Harris 2016, table 1: skin stage 2 is 25-50% BSA
SKIN_STAGE_2_MAX_BSA_PCT = 50.0  # Harris 2016, table 1: skin stage 3 is > 50% BSA
LIVER_STAGE_1_MIN_MG_DL = 2.0  # Harris 2016, table 1: bilirubin 2-3 mg/dL is stage 1
LIVER_STAGE_1_MAX_MG_DL = 3.0  # Harris 2016, table 1: stage 2 is 3.1-6 (closed as > 3)
LIVER_STAGE_2_MAX_MG_DL = 6.0  # Harris 2016, table 1: stage 3 is 6.1-15 (closed as > 6)
LIVER_STAGE_3_MAX_MG_DL = 15.0  # Harris 2016, table 1: stage 4 is > 15 mg/dL
BILIRUBIN_MAX_MG_DL = 60.0  # docs/spec/instruments.md §12.3, magic-agvhd bilirubin range 0-60
ADULT_STOOL_ML_DAY = (
    500.0,
    1000.0,
    1500.0,
)  # Harris 2016, table 1: <500, 500-999, 1000-1500, >1500
CHILD_STOOL_ML_KG_DAY = (10.0, 20.0, 30.0)  # Harris 2016, table 1: <10, 10-19.9, 20-30, >30
ADULT_EPISODES_PER_DAY = (3, 5, 7)  # Harris 2016, table 1: <3, 3-4, 5-7, >7 episodes/day
CHILD_EPISODES_PER_DAY = (4, 7, 10)  # Harris 2016, table 1: <4, 4-6, 7-10, >10 episodes/day


class PatientGroup(enum.Enum):
    """Adult criteria apply above 50 kg (NCI PDQ); children use per-kg volumes."""

    ADULT = "adult"
    CHILD = "child"


@dataclasses.dataclass(frozen=True, slots=True)
class AgvhdAssessment:
    """Organ findings for one MAGIC staging (3-day averages for stool)."""

    patient: PatientGroup
    skin_rash_bsa_pct: float = 0.0
    generalized_erythroderma_with_bullae_desquamation_gt5pct: bool = False
    bilirubin_mg_dl: float | None = None
    upper_gi_persistent_nausea_vomiting_anorexia: bool = False
    stool_ml_per_day: float | None = None
    stool_ml_per_kg_day: float | None = None
    stool_episodes_per_day: int | None = None
    severe_abdominal_pain_ileus_or_grossly_bloody_stool: bool = False
    lower_gi_biopsy_positive: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class OrganStages:
    """MAGIC organ stages: skin, liver and lower GI 0-4, upper GI 0-1."""

    skin: int
    liver: int
    upper_gi: int
    lower_gi: int


@dataclasses.dataclass(frozen=True, slots=True)
class AgvhdGrade:
    """Organ stages and overall MAGIC grade (0, I-IV as 0-4)."""

    stages: OrganStages
    grade: int
    version: str = MAGIC_VERSION


def skin_stage(bsa_pct: float, generalized_erythroderma: bool = False) -> int:
    """Skin stage: 0 at 0%, 1 below 25%, 2 at 25-50% (inclusive), 3 above 50%, 4 if flagged.

    Harris 2016, table 1. Raises :class:`OutOfValidatedRangeError` outside 0-100% BSA.
    """
    if not math.isfinite(bsa_pct) or not 0 <= bsa_pct <= 100:
        raise OutOfValidatedRangeError("skin_rash_bsa_pct", bsa_pct, 0, 100, "% BSA")
    if generalized_erythroderma:
        return 4
    if bsa_pct == 0:
        return 0
    if bsa_pct < SKIN_STAGE_2_MIN_BSA_PCT:
        return 1
    return 2 if bsa_pct <= SKIN_STAGE_2_MAX_BSA_PCT else 3


def liver_stage(bilirubin_mg_dl: float | None) -> int:
    """Liver stage from total bilirubin: <2 -> 0, 2-3 -> 1, >3-6 -> 2, >6-15 -> 3, >15 -> 4.

    Harris 2016, table 1, with the gaps closed as > 3 and > 6. ``None`` (not recorded) is stage
    0. Raises :class:`OutOfValidatedRangeError` outside 0-60 mg/dL.
    """
    if bilirubin_mg_dl is None:
        return 0
    x = bilirubin_mg_dl
    if not math.isfinite(x) or not 0 <= x <= BILIRUBIN_MAX_MG_DL:
        raise OutOfValidatedRangeError("bilirubin", x, 0, BILIRUBIN_MAX_MG_DL, "mg/dL")
    if x < LIVER_STAGE_1_MIN_MG_DL:
        return 0
    uppers = (LIVER_STAGE_1_MAX_MG_DL, LIVER_STAGE_2_MAX_MG_DL, LIVER_STAGE_3_MAX_MG_DL)
    for stage, upper in enumerate(uppers, start=1):
        if x <= upper:
            return stage
    return 4


def _volume_stage(volume: float, cuts: tuple[float, float, float]) -> int:
    stage_1, stage_2, stage_2_max = cuts
    if volume < stage_1:
        return 0
    if volume < stage_2:
        return 1
    return 2 if volume <= stage_2_max else 3


def _episode_stage(episodes: int, cuts: tuple[int, int, int]) -> int:
    stage_1, stage_2, stage_2_max = cuts
    if episodes < stage_1:
        return 0
    if episodes < stage_2:
        return 1
    return 2 if episodes <= stage_2_max else 3


def _check_lower_gi(a: AgvhdAssessment) -> None:
    if a.patient is PatientGroup.CHILD and a.stool_ml_per_day is not None:
        raise InvalidValueError("stool_ml_per_day", a.stool_ml_per_day, "mL/kg/day for a child")
    if a.patient is PatientGroup.ADULT and a.stool_ml_per_kg_day is not None:
        raise InvalidValueError("stool_ml_per_kg_day", a.stool_ml_per_kg_day, "mL/day for an adult")
    for field, value in (
        ("stool_ml_per_day", a.stool_ml_per_day),
        ("stool_ml_per_kg_day", a.stool_ml_per_kg_day),
        ("stool_episodes_per_day", a.stool_episodes_per_day),
    ):
        if value is not None and (not math.isfinite(value) or value < 0):
            raise InvalidValueError(field, value, "a number >= 0")


def lower_gi_stage(assessment: AgvhdAssessment) -> int:
    """Lower GI stage, 0-4, from volume (preferred), episodes, and the stage 4 findings.

    Adults (mL/day): <500 -> 0, 500-<1000 -> 1, 1000-1500 -> 2, >1500 -> 3; episodes <3, 3-4,
    5-7, >7. Children (mL/kg/day): <10, 10-<20, 20-30, >30; episodes <4, 4-6, 7-10, >10.
    Harris 2016, table 1. A child with mL/day, or an adult with mL/kg/day, raises
    :class:`InvalidValueError`.
    """
    a = assessment
    _check_lower_gi(a)
    if a.severe_abdominal_pain_ileus_or_grossly_bloody_stool:
        return 4
    adult = a.patient is PatientGroup.ADULT
    volume = a.stool_ml_per_day if adult else a.stool_ml_per_kg_day
    if volume is not None:
        return _volume_stage(volume, ADULT_STOOL_ML_DAY if adult else CHILD_STOOL_ML_KG_DAY)
    if a.stool_episodes_per_day is not None:
        cuts = ADULT_EPISODES_PER_DAY if adult else CHILD_EPISODES_PER_DAY
        return _episode_stage(a.stool_episodes_per_day, cuts)
    return 0


def overall_grade(stages: OrganStages) -> int:
    """Overall MAGIC grade from the organ stages, checked from grade IV down.

    IV: skin, liver or lower GI stage 4. III: liver or lower GI stage 2-3. II: skin stage 3,
    or liver, upper GI or lower GI stage 1. I: skin stage 1-2 with no other organ. Else 0.
    Harris 2016, table 2.
    """
    s = stages
    if 4 in (s.skin, s.liver, s.lower_gi):
        return 4
    if s.liver >= 2 or s.lower_gi >= 2:
        return 3
    if s.skin == 3 or 1 in (s.liver, s.upper_gi, s.lower_gi):
        return 2
    return 1 if s.skin >= 1 else 0


def grade_acute_gvhd(assessment: AgvhdAssessment) -> AgvhdGrade:
    """Stage every organ and give the overall MAGIC acute GVHD grade.

    Parameters
    ----------
    assessment
        Organ findings; absent organ values mean no involvement recorded.

    Returns
    -------
    AgvhdGrade
        Skin, liver, upper GI and lower GI stages and the overall grade 0-4.

    References
    ----------
    Harris AC et al. Biol Blood Marrow Transplant 2016;22:4-10, tables 1 and 2.
    doi:10.1016/j.bbmt.2015.09.001

    Notes
    -----
    MAGIC does not downgrade stages for other causes (unlike Glucksberg and Keystone).
    """
    a = assessment
    stages = OrganStages(
        skin=skin_stage(
            a.skin_rash_bsa_pct, a.generalized_erythroderma_with_bullae_desquamation_gt5pct
        ),
        liver=liver_stage(a.bilirubin_mg_dl),
        upper_gi=1 if a.upper_gi_persistent_nausea_vomiting_anorexia else 0,
        lower_gi=lower_gi_stage(a),
    )
    return AgvhdGrade(stages, overall_grade(stages))
