"""CTCAE v5.0 grades against the rows of the NCI table (v5.0, 27 November 2017).

Each case names the table row and grade it checks; the explicit intervals are those of
docs/spec/instruments.md §8.1 (decision D6, convention C1).
"""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError
from lupus_sct.domain.instruments.transplant.ctcae_v5 import (
    AnemiaAssessment,
    CountUnit,
    CreatinineUnit,
    FebrileNeutropeniaAssessment,
    HemoglobinUnit,
    grade_alt_increased,
    grade_anemia,
    grade_creatinine_increased,
    grade_febrile_neutropenia,
    grade_neutrophil_count_decreased,
    grade_platelet_count_decreased,
)

NEUTROPHIL_LLN_PER_UL = 2000.0


@pytest.mark.parametrize(
    ("value", "expected", "source"),
    [
        (2000.0, None, "CTCAE v5.0 Neutrophil count decreased: grade 1 starts below LLN"),
        (1999.0, 1, "CTCAE v5.0 Neutrophil count decreased G1 '<LLN-1500/mm3'"),
        (1500.0, 1, "CTCAE v5.0 Neutrophil G1 '<LLN-1500': 1500 is in grade 1"),
        (1499.0, 2, "CTCAE v5.0 Neutrophil G2 '<1500-1000/mm3'"),
        (1000.0, 2, "CTCAE v5.0 Neutrophil G2 '<1500-1000': 1000 is in grade 2"),
        (999.0, 3, "CTCAE v5.0 Neutrophil G3 '<1000-500/mm3'"),
        (500.0, 3, "CTCAE v5.0 Neutrophil G3 '<1000-500': 500 is in grade 3"),
        (499.0, 4, "CTCAE v5.0 Neutrophil G4 '<500/mm3'"),
        (0.0, 4, "CTCAE v5.0 Neutrophil G4 '<500/mm3'"),
    ],
)
def test_neutrophil_count_decreased_follows_the_ctcae_v5_bands(
    value: float, expected: int | None, source: str
) -> None:
    result = grade_neutrophil_count_decreased(value, NEUTROPHIL_LLN_PER_UL, CountUnit.PER_UL)
    assert result.grade == expected, source
    assert result.ctcae_version == "5.0", "docs/spec/instruments.md §0.6: version pinned"


@pytest.mark.parametrize(
    ("value", "unit", "expected", "source"),
    [
        (1.5, CountUnit.X10E9_PER_L, 1, "CTCAE v5.0 Neutrophil G1 '<LLN-1.5 x 10e9/L'"),
        (0.5, CountUnit.X10E9_PER_L, 3, "CTCAE v5.0 Neutrophil G3 '<1.0-0.5 x 10e9/L'"),
        (0.49, CountUnit.X10E9_PER_L, 4, "CTCAE v5.0 Neutrophil G4 '<0.5 x 10e9/L'"),
        (1500.0, CountUnit.PER_MM3, 1, "CTCAE v5.0: /mm3 is /uL (docs/spec/instruments.md §0.1)"),
    ],
)
def test_neutrophil_units_are_converted_before_grading(
    value: float, unit: CountUnit, expected: int, source: str
) -> None:
    lln = NEUTROPHIL_LLN_PER_UL * (0.001 if unit is CountUnit.X10E9_PER_L else 1.0)
    assert grade_neutrophil_count_decreased(value, lln, unit).grade == expected, source


def test_a_value_at_or_above_a_low_lln_is_not_graded() -> None:
    # docs/spec/instruments.md §8.1: if the LLN is itself below a band's upper limit, a value at or
    # above the LLN is still not graded.
    assert grade_neutrophil_count_decreased(1400.0, 1400.0, CountUnit.PER_UL).grade is None


@pytest.mark.parametrize(
    ("value", "expected", "source"),
    [
        (150_000.0, None, "CTCAE v5.0 Platelet count decreased: value equal to LLN not graded"),
        (75_000.0, 1, "CTCAE v5.0 Platelet G1 '<LLN-75,000/mm3'"),
        (74_999.0, 2, "CTCAE v5.0 Platelet G2 '<75,000-50,000/mm3'"),
        (50_000.0, 2, "CTCAE v5.0 Platelet G2 includes 50,000"),
        (49_999.0, 3, "CTCAE v5.0 Platelet G3 '<50,000-25,000/mm3'"),
        (25_000.0, 3, "CTCAE v5.0 Platelet G3 includes 25,000"),
        (24_999.0, 4, "CTCAE v5.0 Platelet G4 '<25,000/mm3'"),
    ],
)
def test_platelet_count_decreased_follows_the_ctcae_v5_bands(
    value: float, expected: int | None, source: str
) -> None:
    assert grade_platelet_count_decreased(value, 150_000.0, CountUnit.PER_MM3).grade == expected, (
        source
    )


def test_platelets_in_10e9_per_l_use_the_same_bands() -> None:
    # CTCAE v5.0 Platelet G1 '<LLN-75.0 x 10e9/L'; x10^9/L x 1000 = /uL (docs/spec/instruments.md
    # §0.1)
    assert grade_platelet_count_decreased(75.0, 150.0, CountUnit.X10E9_PER_L).grade == 1
    assert grade_platelet_count_decreased(24.9, 150.0, CountUnit.X10E9_PER_L).grade == 4


@pytest.mark.parametrize(
    ("hgb", "flags", "expected", "source"),
    [
        (12.0, {}, None, "CTCAE v5.0 Anemia: Hgb equal to LLN is not graded"),
        (11.9, {}, 1, "CTCAE v5.0 Anemia G1 'Hgb <LLN-10.0 g/dL'"),
        (10.0, {}, 1, "CTCAE v5.0 Anemia G1 includes 10.0 g/dL"),
        (9.9, {}, 2, "CTCAE v5.0 Anemia G2 '<10.0-8.0 g/dL'"),
        (8.0, {}, 2, "CTCAE v5.0 Anemia G2 includes 8.0 g/dL"),
        (7.9, {}, 3, "CTCAE v5.0 Anemia G3 '<8.0 g/dL'"),
        (
            9.0,
            {"transfusion_indicated": True},
            3,
            "CTCAE v5.0 Anemia G3 '; transfusion', convention C1",
        ),
        (
            12.5,
            {"transfusion_indicated": True},
            3,
            "CTCAE front matter: ';' is 'or', convention C1",
        ),
        (7.0, {"life_threatening": True}, 4, "CTCAE v5.0 Anemia G4 life-threatening"),
        (
            13.0,
            {"life_threatening": True},
            None,
            "docs/spec/instruments.md §8.1: G4 if Hgb < LLN",
        ),
        (7.0, {"death": True}, 5, "CTCAE v5.0 Anemia G5 death"),
    ],
)
def test_anemia_follows_the_ctcae_v5_rows_and_convention_c1(
    hgb: float, flags: dict[str, bool], expected: int | None, source: str
) -> None:
    assessment = AnemiaAssessment(hemoglobin=hgb, lln=12.0, **flags)
    assert grade_anemia(assessment).grade == expected, source


def test_anemia_in_g_per_l_is_divided_by_ten() -> None:
    # CTCAE v5.0 Anemia G2 '<10.0-8.0 g/dL' = 80 g/L (docs/spec/instruments.md §8.1 unit rule)
    assessment = AnemiaAssessment(hemoglobin=80.0, lln=120.0, unit=HemoglobinUnit.G_L)
    assert grade_anemia(assessment).grade == 2


def test_haemoglobin_above_25_g_dl_is_refused() -> None:
    with pytest.raises(OutOfValidatedRangeError, match="hemoglobin 30 g/dL is outside 0-25"):
        grade_anemia(AnemiaAssessment(hemoglobin=30.0, lln=12.0))


@pytest.mark.parametrize(
    ("value", "baseline", "expected", "source"),
    [
        (1.2, None, None, "CTCAE v5.0 Creatinine increased: G1 is '>ULN'"),
        (1.21, None, 1, "CTCAE v5.0 Creatinine G1 '>ULN-1.5 x ULN'"),
        (
            1.8,
            None,
            1,
            "CTCAE v5.0 Creatinine G1 up to 1.5 x ULN (1.8/1.2 exactly, decision D11)",
        ),
        (1.81, None, 2, "CTCAE v5.0 Creatinine G2 '>1.5-3.0 x ULN'"),
        (3.6, None, 2, "CTCAE v5.0 Creatinine G2 includes 3.0 x ULN"),
        (3.61, None, 3, "CTCAE v5.0 Creatinine G3 '>3.0-6.0 x ULN'"),
        (7.2, None, 3, "CTCAE v5.0 Creatinine G3 includes 6.0 x ULN"),
        (7.21, None, 4, "CTCAE v5.0 Creatinine G4 '>6.0 x ULN'"),
        (0.9, 0.6, None, "CTCAE v5.0 Creatinine G2 '>1.5-3.0 x baseline': 1.5 x is not above"),
        (0.91, 0.6, 2, "CTCAE v5.0 Creatinine G2 '>1.5 x baseline' below the ULN (decision D6)"),
        (1.8, 0.6, 2, "CTCAE v5.0 Creatinine G2 includes 3.0 x baseline (decision D6)"),
        (1.81, 0.6, 3, "CTCAE v5.0 Creatinine G3 '>3.0 x baseline' (decision D6)"),
        (
            7.21,
            0.6,
            4,
            "CTCAE v5.0 Creatinine G4 '>6.0 x ULN' beats the baseline (decision D6)",
        ),
    ],
)
def test_creatinine_increased_takes_the_highest_criterion_met(
    value: float, baseline: float | None, expected: int | None, source: str
) -> None:
    result = grade_creatinine_increased(value, 1.2, CreatinineUnit.MG_DL, baseline)
    assert result.grade == expected, source


def test_creatinine_in_umol_per_l_uses_the_same_multiples() -> None:
    # CTCAE v5.0 Creatinine G2 '>1.5-3.0 x ULN'; units cancel in the ratio
    assert grade_creatinine_increased(200.0, 100.0, CreatinineUnit.UMOL_L).grade == 2


def test_creatinine_zero_is_refused_with_the_clinical_message() -> None:
    # docs/spec/instruments.md §0.7: "creatinine 0 mg/dL is outside 0.1-40"
    with pytest.raises(OutOfValidatedRangeError, match=r"^creatinine 0 mg/dL is outside 0.1-40$"):
        grade_creatinine_increased(0.0, 1.2, CreatinineUnit.MG_DL)


@pytest.mark.parametrize(
    ("value", "expected", "source"),
    [
        (40.0, None, "CTCAE v5.0 ALT increased: baseline normal, G1 is '>ULN'"),
        (41.0, 1, "CTCAE v5.0 ALT G1 '>ULN-3.0 x ULN if baseline was normal'"),
        (120.0, 1, "CTCAE v5.0 ALT G1 includes 3.0 x ULN"),
        (121.0, 2, "CTCAE v5.0 ALT G2 '>3.0-5.0 x ULN'"),
        (200.0, 2, "CTCAE v5.0 ALT G2 includes 5.0 x ULN"),
        (201.0, 3, "CTCAE v5.0 ALT G3 '>5.0-20.0 x ULN'"),
        (800.0, 3, "CTCAE v5.0 ALT G3 includes 20.0 x ULN"),
        (801.0, 4, "CTCAE v5.0 ALT G4 '>20.0 x ULN'"),
    ],
)
def test_alt_with_normal_or_unknown_baseline_uses_the_uln_clauses(
    value: float, expected: int | None, source: str
) -> None:
    assert grade_alt_increased(value, 40.0).grade == expected, source
    assert grade_alt_increased(value, 40.0, 40.0).grade == expected, source + " (baseline = ULN)"


@pytest.mark.parametrize(
    ("value", "expected", "source"),
    [
        (89.0, None, "CTCAE v5.0 ALT G1 '1.5-3.0 x baseline if baseline was abnormal'"),
        (90.0, 1, "CTCAE v5.0 ALT G1 includes 1.5 x baseline"),
        (180.0, 1, "CTCAE v5.0 ALT G1 includes 3.0 x baseline"),
        (181.0, 2, "CTCAE v5.0 ALT G2 '>3.0-5.0 x baseline if baseline was abnormal'"),
        (300.0, 2, "CTCAE v5.0 ALT G2 includes 5.0 x baseline"),
        (301.0, 3, "CTCAE v5.0 ALT G3 '>5.0-20.0 x baseline'"),
        (1200.0, 3, "CTCAE v5.0 ALT G3 includes 20.0 x baseline"),
        (1201.0, 4, "CTCAE v5.0 ALT G4 '>20.0 x baseline'"),
    ],
)
def test_alt_with_abnormal_baseline_uses_only_the_baseline_clauses(
    value: float, expected: int | None, source: str
) -> None:
    assert grade_alt_increased(value, 40.0, 60.0).grade == expected, source


def test_alt_baseline_ratio_at_1_5_is_compared_robustly() -> None:
    # Decision D11: 1.5 x 1.2 = 1.7999999999999998 in binary; 1.8 is exactly 1.5 x baseline (G1)
    assert grade_alt_increased(1.8, 1.0, 1.2).grade == 1


@pytest.mark.parametrize(
    ("anc", "temp", "hours", "flags", "expected", "source"),
    [
        (999.0, 38.4, 0.0, {}, 3, "CTCAE v5.0 Febrile neutropenia G3: single temp >38.3"),
        (999.0, 38.3, 0.0, {}, None, "CTCAE v5.0 FN: 38.3 is not '>38.3'"),
        (999.0, 38.0, 1.01, {}, 3, "CTCAE v5.0 FN: '>=38 for more than one hour'"),
        (999.0, 38.0, 1.0, {}, None, "CTCAE v5.0 FN: exactly 1 hour is not sustained"),
        (1000.0, 39.0, 0.0, {}, None, "CTCAE v5.0 FN: 'ANC <1000/mm3'; 1000 does not qualify"),
        (200.0, 39.0, 0.0, {"life_threatening": True}, 4, "CTCAE v5.0 FN G4"),
        (200.0, 39.0, 0.0, {"death": True}, 5, "CTCAE v5.0 FN G5 death"),
        (2000.0, 39.0, 0.0, {"death": True}, None, "CTCAE v5.0 FN: no grade without ANC <1000"),
    ],
)
def test_febrile_neutropenia_follows_the_ctcae_v5_definition(
    anc: float,
    temp: float,
    hours: float,
    flags: dict[str, bool],
    expected: int | None,
    source: str,
) -> None:
    assessment = FebrileNeutropeniaAssessment(anc, temp, hours, **flags)
    assert grade_febrile_neutropenia(assessment).grade == expected, source


def test_hours_of_fever_with_a_maximum_below_38_is_a_contradiction() -> None:
    with pytest.raises(InvalidValueError, match="sustained_temp_ge_38_hours"):
        grade_febrile_neutropenia(FebrileNeutropeniaAssessment(500.0, 37.5, 2.0))


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="neutrophil count"):
        grade_neutrophil_count_decreased(-1.0, 2000.0, CountUnit.PER_UL)
