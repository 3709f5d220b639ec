"""CKD-EPI 2021 creatinine equation reference values.

Sources: Inker LA, et al. N Engl J Med 2021;385:1737-49 (coefficients: 142, kappa 0.7/0.9, alpha
-0.241/-0.302, -1.200, 0.9938^age, 1.012 female); the R package kidney.epi
(egfr.ckdepi.cr.2021, documented example output); KDIGO 2012 GFR categories, as tabulated in
docs/spec/instruments.md §6.
"""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError
from lupus_sct.domain.instruments.ckd_epi_2021 import (
    CreatinineUnit,
    GfrCategory,
    egfr_ckd_epi_2021,
    gfr_category,
)
from lupus_sct.domain.records.people import Sex

MG = CreatinineUnit.MG_DL
UMOL = CreatinineUnit.UMOL_L


def test_kidney_epi_example_male_60_years_creatinine_1_4_mg_dl() -> None:
    # kidney.epi reference page, egfr.ckdepi.cr.2021(1.4, 60, "Male", "mg/dl") prints 57.54.
    result = egfr_ckd_epi_2021(1.4, MG, 60, Sex.MALE)
    assert result.egfr == pytest.approx(57.54, abs=0.005)
    assert result.g_category is GfrCategory.G3A


def test_at_creatinine_equal_to_kappa_a_woman_gets_142_times_the_age_and_sex_terms() -> None:
    # By hand from Inker 2021: Scr/kappa = 1, so eGFR = 142 x 0.9938^50 x 1.012 = 105.2976...
    assert egfr_ckd_epi_2021(0.7, MG, 50, Sex.FEMALE).egfr == pytest.approx(105.2976, abs=1e-4)


def test_at_creatinine_equal_to_kappa_a_man_gets_142_times_the_age_term() -> None:
    # By hand from Inker 2021: 142 x 0.9938^40 = 110.7256...
    assert egfr_ckd_epi_2021(0.9, MG, 40, Sex.MALE).egfr == pytest.approx(110.7256, abs=1e-4)


def test_below_kappa_the_alpha_exponent_applies() -> None:
    # By hand from Inker 2021: 142 x (0.5/0.7)^-0.241 x 0.9938^30 x 1.012 = 129.3170...
    assert egfr_ckd_epi_2021(0.5, MG, 30, Sex.FEMALE).egfr == pytest.approx(129.3170, abs=1e-3)


def test_above_kappa_the_minus_1_200_exponent_applies() -> None:
    # By hand from Inker 2021: 142 x (3.0/0.9)^-1.2 x 0.9938^70 = 21.6652... (G4).
    result = egfr_ckd_epi_2021(3.0, MG, 70, Sex.MALE)
    assert result.egfr == pytest.approx(21.6652, abs=1e-3)
    assert result.g_category is GfrCategory.G4


def test_micromoles_per_litre_are_divided_by_88_4() -> None:
    # docs/spec/instruments.md §0.1: umol/L / 88.4 = mg/dL; 123.76 umol/L = 1.4 mg/dL (kidney.epi
    # 57.54).
    assert egfr_ckd_epi_2021(123.76, UMOL, 60, Sex.MALE).egfr == pytest.approx(57.54, abs=0.005)


def test_the_result_is_not_rounded() -> None:
    # Convention C6: eGFR is returned unrounded.
    assert egfr_ckd_epi_2021(1.4, MG, 60, Sex.MALE).egfr != round(57.54)


@pytest.mark.parametrize(
    ("egfr", "category"),
    [
        (90.000001, GfrCategory.G1),
        (90.0, GfrCategory.G1),
        (89.99, GfrCategory.G2),
        (60.0, GfrCategory.G2),
        (59.99, GfrCategory.G3A),
        (45.0, GfrCategory.G3A),
        (44.99, GfrCategory.G3B),
        (30.0, GfrCategory.G3B),
        (29.99, GfrCategory.G4),
        (15.0, GfrCategory.G4),
        (14.99, GfrCategory.G5),
        (15.01, GfrCategory.G4),
        (45.01, GfrCategory.G3A),
    ],
)
def test_kdigo_categories_have_inclusive_lower_bounds(egfr: float, category: GfrCategory) -> None:
    # KDIGO 2012: G1 >= 90, G2 60-<90, G3a 45-<60, G3b 30-<45, G4 15-<30, G5 < 15.
    assert gfr_category(egfr) is category


def test_an_unrounded_value_just_below_sixty_is_g3a_although_a_laboratory_prints_60() -> None:
    # Convention C6 and docs/spec/instruments.md §6, pitfall "rounding before staging".
    assert gfr_category(59.6) is GfrCategory.G3A


@pytest.mark.parametrize(
    ("creatinine", "unit"), [(0.09, MG), (40.01, MG), (8.83, UMOL), (3536.1, UMOL)]
)
def test_creatinine_outside_the_validated_range_is_rejected(
    creatinine: float, unit: CreatinineUnit
) -> None:
    # docs/spec/instruments.md §12.3: 0.1-40 mg/dL (8.84-3536 umol/L).
    with pytest.raises(OutOfValidatedRangeError):
        egfr_ckd_epi_2021(creatinine, unit, 50, Sex.FEMALE)


@pytest.mark.parametrize(
    ("creatinine", "unit"), [(0.1, MG), (40.0, MG), (8.84, UMOL), (3536.0, UMOL)]
)
def test_creatinine_at_the_validated_limits_is_accepted(
    creatinine: float, unit: CreatinineUnit
) -> None:
    # docs/spec/instruments.md §12.3: the bounds are inclusive.
    assert egfr_ckd_epi_2021(creatinine, unit, 50, Sex.FEMALE).egfr > 0


def test_the_range_error_has_the_clinical_message() -> None:
    # docs/spec/instruments.md §0.7.
    with pytest.raises(OutOfValidatedRangeError, match=r"^creatinine 0 mg/dL is outside 0.1-40$"):
        egfr_ckd_epi_2021(0, MG, 50, Sex.FEMALE)


@pytest.mark.parametrize(("age", "accepted"), [(17, False), (18, True), (100, True), (101, False)])
def test_age_must_be_18_to_100_years(age: int, accepted: bool) -> None:
    # Inker 2021 adults; kidney.epi max_age 100; docs/spec/instruments.md §6.
    if accepted:
        assert egfr_ckd_epi_2021(1.0, MG, age, Sex.MALE).egfr > 0
    else:
        with pytest.raises(OutOfValidatedRangeError):
            egfr_ckd_epi_2021(1.0, MG, age, Sex.MALE)


def test_sex_other_than_female_or_male_is_rejected() -> None:
    # Inker 2021 has sex-specific coefficients only.
    with pytest.raises(InvalidValueError):
        egfr_ckd_epi_2021(1.0, MG, 50, Sex.UNKNOWN)
