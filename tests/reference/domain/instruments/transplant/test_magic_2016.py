"""MAGIC acute GVHD stages and grades against Harris AC et al. Biol Blood Marrow Transplant
2016;22:4-10 (table 1: organ staging; table 2: overall grade), with the explicit intervals of
docs/spec/instruments.md §9.3."""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant.magic_2016 import (
    AgvhdAssessment,
    OrganStages,
    PatientGroup,
    grade_acute_gvhd,
    liver_stage,
    lower_gi_stage,
    overall_grade,
    skin_stage,
)

ADULT = PatientGroup.ADULT
CHILD = PatientGroup.CHILD


@pytest.mark.parametrize(
    ("bsa", "expected", "source"),
    [
        (0.0, 0, "Harris 2016 table 1 skin stage 0: no active rash"),
        (0.1, 1, "Harris 2016 skin stage 1: maculopapular rash < 25% BSA"),
        (24.9, 1, "Harris 2016 skin stage 1: < 25%"),
        (25.0, 2, "Harris 2016 skin stage 2: 25-50%"),
        (50.0, 2, "Harris 2016 skin stage 2: 25-50% (50 included)"),
        (50.1, 3, "Harris 2016 skin stage 3: > 50%"),
    ],
)
def test_skin_stage_follows_the_magic_bsa_bands(bsa: float, expected: int, source: str) -> None:
    assert skin_stage(bsa) == expected, source


def test_generalised_erythroderma_with_bullae_is_skin_stage_4() -> None:
    # Harris 2016 skin stage 4: generalised erythroderma (> 50%) with bullous formation and
    # desquamation > 5% BSA
    assert skin_stage(80.0, generalized_erythroderma=True) == 4


@pytest.mark.parametrize(
    ("bilirubin", "expected", "source"),
    [
        (None, 0, "docs/spec/instruments.md §12.3: absent bilirubin is liver stage 0"),
        (1.99, 0, "Harris 2016 liver stage 0: < 2 mg/dL"),
        (2.0, 1, "Harris 2016 liver stage 1: 2-3 mg/dL"),
        (3.0, 1, "Harris 2016 liver stage 1: 2-3 mg/dL (3 included)"),
        (
            3.05,
            2,
            "Harris 2016 liver stage 2: 3.1-6, gap closed as > 3 (docs/spec/instruments.md §9.3)",
        ),
        (6.0, 2, "Harris 2016 liver stage 2: up to 6 mg/dL"),
        (6.05, 3, "Harris 2016 liver stage 3: 6.1-15, gap closed as > 6"),
        (15.0, 3, "Harris 2016 liver stage 3: up to 15 mg/dL"),
        (15.1, 4, "Harris 2016 liver stage 4: > 15 mg/dL"),
    ],
)
def test_liver_stage_follows_the_magic_bilirubin_bands(
    bilirubin: float | None, expected: int, source: str
) -> None:
    assert liver_stage(bilirubin) == expected, source


@pytest.mark.parametrize(
    ("volume", "expected", "source"),
    [
        (499.0, 0, "Harris 2016 lower GI adult stage 0: < 500 mL/day"),
        (500.0, 1, "Harris 2016 lower GI adult stage 1: 500-999 mL/day"),
        (999.0, 1, "Harris 2016 lower GI adult stage 1: 500-999 mL/day"),
        (1000.0, 2, "Harris 2016 lower GI adult stage 2: 1000-1500 mL/day"),
        (1500.0, 2, "Harris 2016 lower GI adult stage 2: 1000-1500 mL/day"),
        (1501.0, 3, "Harris 2016 lower GI adult stage 3: > 1500 mL/day"),
    ],
)
def test_adult_lower_gi_stage_follows_the_stool_volume(
    volume: float, expected: int, source: str
) -> None:
    assert lower_gi_stage(AgvhdAssessment(ADULT, stool_ml_per_day=volume)) == expected, source


@pytest.mark.parametrize(
    ("episodes", "expected", "source"),
    [
        (2, 0, "Harris 2016 lower GI adult stage 0: < 3 episodes/day"),
        (3, 1, "Harris 2016 lower GI adult stage 1: 3-4 episodes/day"),
        (4, 1, "Harris 2016 lower GI adult stage 1: 3-4 episodes/day"),
        (5, 2, "Harris 2016 lower GI adult stage 2: 5-7 episodes/day"),
        (7, 2, "Harris 2016 lower GI adult stage 2: 5-7 episodes/day"),
        (8, 3, "Harris 2016 lower GI adult stage 3: > 7 episodes/day"),
    ],
)
def test_adult_episodes_are_used_only_without_a_volume(
    episodes: int, expected: int, source: str
) -> None:
    assessment = AgvhdAssessment(ADULT, stool_episodes_per_day=episodes)
    assert lower_gi_stage(assessment) == expected, source


def test_volume_wins_over_episodes_when_both_are_recorded() -> None:
    # docs/spec/instruments.md §9.3 pitfalls: when both volume and episode count are recorded,
    # use the volume.
    assessment = AgvhdAssessment(ADULT, stool_ml_per_day=400.0, stool_episodes_per_day=8)
    assert lower_gi_stage(assessment) == 0


@pytest.mark.parametrize(
    ("volume", "episodes", "expected", "source"),
    [
        (9.9, None, 0, "Harris 2016 lower GI child stage 0: < 10 mL/kg/day"),
        (10.0, None, 1, "Harris 2016 lower GI child stage 1: 10-19.9 mL/kg/day"),
        (20.0, None, 2, "Harris 2016 lower GI child stage 2: 20-30 mL/kg/day"),
        (30.0, None, 2, "Harris 2016 lower GI child stage 2: 20-30 mL/kg/day"),
        (30.1, None, 3, "Harris 2016 lower GI child stage 3: > 30 mL/kg/day"),
        (None, 3, 0, "Harris 2016 lower GI child stage 0: < 4 episodes/day"),
        (None, 4, 1, "Harris 2016 lower GI child stage 1: 4-6 episodes/day"),
        (None, 7, 2, "Harris 2016 lower GI child stage 2: 7-10 episodes/day"),
        (None, 11, 3, "Harris 2016 lower GI child stage 3: > 10 episodes/day"),
    ],
)
def test_child_lower_gi_stage_uses_per_kg_volume_then_episodes(
    volume: float | None, episodes: int | None, expected: int, source: str
) -> None:
    assessment = AgvhdAssessment(CHILD, stool_ml_per_kg_day=volume, stool_episodes_per_day=episodes)
    assert lower_gi_stage(assessment) == expected, source


def test_severe_pain_or_bloody_stool_is_lower_gi_stage_4_whatever_the_volume() -> None:
    # Harris 2016 lower GI stage 4: severe abdominal pain with or without ileus, or grossly
    # bloody stool (regardless of stool volume)
    assessment = AgvhdAssessment(
        ADULT, stool_ml_per_day=100.0, severe_abdominal_pain_ileus_or_grossly_bloody_stool=True
    )
    assert lower_gi_stage(assessment) == 4


def test_a_positive_biopsy_does_not_raise_the_stage() -> None:
    # docs/spec/instruments.md §9.3 pitfalls: biopsy-positive with < 500 mL/day is lower GI stage 0
    assessment = AgvhdAssessment(ADULT, stool_ml_per_day=300.0, lower_gi_biopsy_positive=True)
    assert lower_gi_stage(assessment) == 0


@pytest.mark.parametrize(
    ("stages", "expected", "source"),
    [
        (OrganStages(0, 0, 0, 0), 0, "Harris 2016 table 2 grade 0: no stage 1-4"),
        (OrganStages(1, 0, 0, 0), 1, "Harris 2016 grade I: skin stage 1-2, no other organ"),
        (OrganStages(2, 0, 0, 0), 1, "Harris 2016 grade I: skin stage 1-2, no other organ"),
        (OrganStages(3, 0, 0, 0), 2, "Harris 2016 grade II: stage 3 rash"),
        (OrganStages(0, 1, 0, 0), 2, "Harris 2016 grade II: stage 1 liver"),
        (OrganStages(0, 0, 1, 0), 2, "Harris 2016 grade II: stage 1 upper GI"),
        (OrganStages(2, 0, 0, 1), 2, "Harris 2016 grade II: stage 1 lower GI"),
        (OrganStages(0, 2, 0, 0), 3, "Harris 2016 grade III: stage 2-3 liver"),
        (OrganStages(3, 0, 1, 3), 3, "Harris 2016 grade III: stage 2-3 lower GI, skin 0-3"),
        (OrganStages(4, 0, 0, 0), 4, "Harris 2016 grade IV: stage 4 skin"),
        (OrganStages(0, 4, 1, 0), 4, "Harris 2016 grade IV: stage 4 liver"),
        (OrganStages(0, 0, 0, 4), 4, "Harris 2016 grade IV: stage 4 lower GI"),
    ],
)
def test_overall_grade_follows_the_magic_table(
    stages: OrganStages, expected: int, source: str
) -> None:
    assert overall_grade(stages) == expected, source


def test_a_full_assessment_gives_stages_and_grade() -> None:
    # Harris 2016: skin 30% (stage 2), bilirubin 2.5 (stage 1) -> grade II
    result = grade_acute_gvhd(AgvhdAssessment(ADULT, skin_rash_bsa_pct=30.0, bilirubin_mg_dl=2.5))
    assert result.stages == OrganStages(skin=2, liver=1, upper_gi=0, lower_gi=0)
    assert result.grade == 2
    assert result.version == "MAGIC 2016"


def test_a_child_with_adult_stool_volume_is_refused() -> None:
    # docs/spec/instruments.md §12.3: "A child record with stool_ml_per_day ... is an error"
    with pytest.raises(InvalidValueError, match="stool_ml_per_day"):
        grade_acute_gvhd(AgvhdAssessment(CHILD, stool_ml_per_day=600.0))
    with pytest.raises(InvalidValueError, match="stool_ml_per_kg_day"):
        grade_acute_gvhd(AgvhdAssessment(ADULT, stool_ml_per_kg_day=12.0))
