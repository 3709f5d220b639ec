"""The vectorised CKD-EPI 2021 eGFR (analytics) equals the scalar domain function bit for bit.

Expected values come from :func:`lupus_sct.domain.instruments.ckd_epi_2021.egfr_ckd_epi_2021`
(docs/spec/instruments.md §6, convention C6). Creatinine is drawn at and around kappa (0.7 and 0.9
mg/dL, where the equation switches branch), values such as ``3.0`` whose division by 0.9 is
inexact, and eGFR values around the KDIGO category bounds.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lupus_sct.analytics.ckd_epi_2021 import (
    CATEGORY_COLUMN,
    EGFR_COLUMN,
    check_ckd_epi_cohort,
    egfr_ckd_epi_2021,
    gfr_category_expr,
)
from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError
from lupus_sct.domain.instruments.ckd_epi_2021 import (
    CKD_EPI_2021_KAPPA_FEMALE,
    CKD_EPI_2021_KAPPA_MALE,
    G1_MIN,
    G2_MIN,
    G3A_MIN,
    G3B_MIN,
    G4_MIN,
    CreatinineUnit,
    gfr_category,
)
from lupus_sct.domain.instruments.ckd_epi_2021 import egfr_ckd_epi_2021 as egfr_one
from lupus_sct.domain.records.people import Sex

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def near(bound: float) -> list[float]:
    """The bound and its floating-point neighbours."""
    return [bound, math.nextafter(bound, -math.inf), math.nextafter(bound, math.inf)]


creatinines = st.sampled_from(
    near(CKD_EPI_2021_KAPPA_FEMALE) + near(CKD_EPI_2021_KAPPA_MALE) + [3.0, 1.8]
) | st.floats(0.1, 40)
records = st.fixed_dictionaries(
    {
        "creatinine_mg_dl": creatinines,
        "age_years": st.integers(18, 100),
        "sex": st.sampled_from([Sex.FEMALE.value, Sex.MALE.value]),
    }
)


@PROPERTY_SETTINGS
@given(st.lists(records, min_size=1, max_size=40))
def test_vectorised_egfr_equals_the_domain_value_bit_for_bit(rows: list[dict[str, Any]]) -> None:
    scored = egfr_ckd_epi_2021(pl.DataFrame(rows).lazy()).collect()
    for record, row in zip(rows, scored.iter_rows(named=True), strict=True):
        expected = egfr_one(
            record["creatinine_mg_dl"],
            CreatinineUnit.MG_DL,
            record["age_years"],
            Sex(record["sex"]),
        )
        assert row[EGFR_COLUMN] == expected.egfr
        assert row[CATEGORY_COLUMN] == expected.g_category.value


bounds = [G1_MIN, G2_MIN, G3A_MIN, G3B_MIN, G4_MIN]
egfrs = st.sampled_from([v for b in bounds for v in near(b)]) | st.floats(0, 200)


@PROPERTY_SETTINGS
@given(st.lists(egfrs, min_size=1, max_size=40))
def test_the_category_equals_the_domain_category_at_every_bound(values: list[float]) -> None:
    frame = pl.DataFrame({"egfr": values}).select(gfr_category_expr(pl.col("egfr")))
    assert frame.to_series().to_list() == [gfr_category(v).value for v in values]


def test_the_cohort_check_refuses_what_the_scalar_function_refuses() -> None:
    # docs/spec/instruments.md §6: creatinine 0.1-40 mg/dL, age 18-100, sex female or male.
    good = {"creatinine_mg_dl": 1.0, "age_years": 40, "sex": "female"}
    check_ckd_epi_cohort(pl.DataFrame([good]))
    with pytest.raises(OutOfValidatedRangeError, match="age_years"):
        check_ckd_epi_cohort(pl.DataFrame([good, {**good, "age_years": 17}]))
    with pytest.raises(InvalidValueError, match="sex"):
        check_ckd_epi_cohort(pl.DataFrame([{**good, "sex": "unknown"}]))
