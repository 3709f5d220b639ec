"""CKD-EPI 2021 invariants: eGFR falls as creatinine or age rises; units agree."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.ckd_epi_2021 import (
    CreatinineUnit,
    GfrCategory,
    egfr_ckd_epi_2021,
    gfr_category,
)
from lupus_sct.domain.records.people import Sex

MG = CreatinineUnit.MG_DL
creatinine = st.floats(0.1, 40.0)
ages = st.integers(18, 100)
sexes = st.sampled_from([Sex.FEMALE, Sex.MALE])
CATEGORY_ORDER = list(GfrCategory)


@given(creatinine, creatinine, ages, sexes)
def test_egfr_is_decreasing_in_creatinine(a: float, b: float, age: int, sex: Sex) -> None:
    low, high = sorted((a, b))
    egfr_low = egfr_ckd_epi_2021(low, MG, age, sex).egfr
    egfr_high = egfr_ckd_epi_2021(high, MG, age, sex).egfr
    assert egfr_high <= egfr_low
    if high > low * (1 + 1e-9):  # a one-ulp change in creatinine may not move a float eGFR
        assert egfr_high < egfr_low


@given(creatinine, ages, ages, sexes)
def test_egfr_is_decreasing_in_age(scr: float, a: int, b: int, sex: Sex) -> None:
    young, old = sorted((a, b))
    assert egfr_ckd_epi_2021(scr, MG, old, sex).egfr <= egfr_ckd_epi_2021(scr, MG, young, sex).egfr


@given(creatinine, ages, sexes)
def test_micromoles_per_litre_give_the_same_egfr_as_milligrams_per_decilitre(
    scr: float, age: int, sex: Sex
) -> None:
    in_umol = egfr_ckd_epi_2021(min(scr * 88.4, 3536.0), CreatinineUnit.UMOL_L, age, sex).egfr
    assert in_umol == pytest.approx(egfr_ckd_epi_2021(scr, MG, age, sex).egfr, rel=1e-9)


@given(st.floats(0, 300), st.floats(0, 300))
def test_a_higher_egfr_never_has_a_worse_category(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert CATEGORY_ORDER.index(gfr_category(high)) <= CATEGORY_ORDER.index(gfr_category(low))
