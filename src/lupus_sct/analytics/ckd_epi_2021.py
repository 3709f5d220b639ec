"""Vectorised CKD-EPI 2021 creatinine eGFR and KDIGO GFR category over a cohort table.

References
----------
Inker LA, Eneanya ND, Coresh J, et al. New creatinine- and cystatin C-based equations to estimate
GFR without race. N Engl J Med 2021;385:1737-49. doi:10.1056/NEJMoa2102953
KDIGO CKD Work Group. KDIGO 2012 clinical practice guideline for the evaluation and management of
chronic kidney disease. Kidney Int Suppl 2013;3:1-150 (GFR categories G1-G5).

Notes
-----
Vectorises :func:`lupus_sct.domain.instruments.ckd_epi_2021.egfr_ckd_epi_2021`
(docs/spec/instruments.md §6,
convention C6). Every coefficient and category bound comes from
:mod:`lupus_sct.domain.instruments.ckd_epi_2021`, and the expression performs the same
floating-point
operations in the same order (``142 x min^a x max^-1.2 x 0.9938^age``, then ``x 1.012`` for
women), so the eGFR agrees with the scalar value bit for bit.

Cohort table, one row per measurement:

- ``creatinine_mg_dl`` (float, IDMS-standardised; umol/L / 88.4 = mg/dL, converted by the
  caller: a vectorised division by the constant 88.4 may differ from the scalar conversion in the
  last bit, see :func:`egfr_expr`);
- ``age_years`` (integer, 18-100);
- ``sex`` (string, ``"female"`` or ``"male"``: the equation has no other coefficients).

Results: ``egfr_ckd_epi_2021`` (float, mL/min/1.73 m2, unrounded) and ``gfr_category``
(``"G1"`` ... ``"G5"``, assigned on the unrounded value with inclusive lower bounds). A null input
gives null results. :func:`check_ckd_epi_cohort` applies the scalar validation (creatinine
0.1-40 mg/dL, age 18-100, sex female or male).
"""

from __future__ import annotations

from typing import TypeVar

import polars as pl

from lupus_sct.analytics.validation import (
    Frame,
    check_range,
    column_names,
    first_value_where,
    require_columns,
)
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.ckd_epi_2021 import (
    AGE_RANGE_YEARS,
    CKD_EPI_2021_AGE_BASE,
    CKD_EPI_2021_ALPHA_FEMALE,
    CKD_EPI_2021_ALPHA_MALE,
    CKD_EPI_2021_CONSTANT,
    CKD_EPI_2021_FEMALE_FACTOR,
    CKD_EPI_2021_HIGH_EXPONENT,
    CKD_EPI_2021_KAPPA_FEMALE,
    CKD_EPI_2021_KAPPA_MALE,
    CREATININE_RANGE_MG_DL,
    G1_MIN,
    G2_MIN,
    G3A_MIN,
    G3B_MIN,
    G4_MIN,
    GfrCategory,
)
from lupus_sct.domain.records.people import Sex

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

CREATININE_COLUMN = "creatinine_mg_dl"
AGE_COLUMN = "age_years"
SEX_COLUMN = "sex"
EGFR_COLUMN = "egfr_ckd_epi_2021"
CATEGORY_COLUMN = "gfr_category"
REQUIRED_COLUMNS = (CREATININE_COLUMN, AGE_COLUMN, SEX_COLUMN)
_CATEGORY_BOUNDS = (
    (G1_MIN, GfrCategory.G1),
    (G2_MIN, GfrCategory.G2),
    (G3A_MIN, GfrCategory.G3A),
    (G3B_MIN, GfrCategory.G3B),
    (G4_MIN, GfrCategory.G4),
)


def _by_sex(female: float, male: float) -> pl.Expr:
    """A full-length Float64 column of the female or male coefficient (null for other sexes)."""
    coefficients = {Sex.FEMALE.value: female, Sex.MALE.value: male}
    return pl.col(SEX_COLUMN).replace_strict(coefficients, default=None, return_dtype=pl.Float64)


def egfr_expr() -> pl.Expr:
    """eGFR (mL/min/1.73 m2, unrounded) of each row, from the three input columns.

    Returns
    -------
    polars.Expr
        Float64; null when an input is null or sex is neither female nor male.

    Notes
    -----
    Polars divides a column by a scalar as a multiplication by its reciprocal, which can differ
    from true division in the last bit (for example ``3.0 / 0.9``). Kappa is therefore built as a
    full-length column, so ``Scr / kappa`` is an IEEE division, as in the scalar function.
    """
    female = pl.col(SEX_COLUMN) == Sex.FEMALE.value
    kappa = _by_sex(CKD_EPI_2021_KAPPA_FEMALE, CKD_EPI_2021_KAPPA_MALE)
    alpha = _by_sex(CKD_EPI_2021_ALPHA_FEMALE, CKD_EPI_2021_ALPHA_MALE)
    ratio = pl.col(CREATININE_COLUMN).cast(pl.Float64) / kappa
    low = pl.when(ratio >= 1.0).then(1.0).otherwise(ratio)
    high = pl.when(ratio <= 1.0).then(1.0).otherwise(ratio)
    age_term = pl.lit(CKD_EPI_2021_AGE_BASE).pow(pl.col(AGE_COLUMN).cast(pl.Float64))
    egfr = (
        pl.lit(CKD_EPI_2021_CONSTANT) * low.pow(alpha) * high.pow(CKD_EPI_2021_HIGH_EXPONENT)
    ) * age_term
    return pl.when(female).then(egfr * CKD_EPI_2021_FEMALE_FACTOR).otherwise(egfr)


def gfr_category_expr(egfr: pl.Expr) -> pl.Expr:
    """KDIGO category (``"G1"`` ... ``"G5"``) of an unrounded eGFR, lower bounds inclusive.

    Convention C6: the category comes from the unrounded value.
    """
    category_expr = pl.lit(GfrCategory.G5.value)
    for bound, category in reversed(_CATEGORY_BOUNDS):
        category_expr = pl.when(egfr >= bound).then(pl.lit(category.value)).otherwise(category_expr)
    return pl.when(egfr.is_null()).then(None).otherwise(category_expr)


def egfr_ckd_epi_2021(frame: FrameT) -> FrameT:
    """Add ``egfr_ckd_epi_2021`` and ``gfr_category`` columns to a cohort table.

    Parameters
    ----------
    frame
        A DataFrame or LazyFrame with ``creatinine_mg_dl``, ``age_years`` and ``sex``.

    Returns
    -------
    polars.DataFrame or polars.LazyFrame
        The input with the unrounded eGFR and its KDIGO category.

    Raises
    ------
    InvalidValueError
        When a required column is missing.

    References
    ----------
    Inker LA et al. N Engl J Med 2021;385:1737-49. doi:10.1056/NEJMoa2102953

    Notes
    -----
    Equals :func:`lupus_sct.domain.instruments.ckd_epi_2021.egfr_ckd_epi_2021` row by row
    (tests/property/analytics/test_analytics_ckd_epi_2021_agrees.py). Input is not validated here;
    see
    :func:`check_ckd_epi_cohort`.
    """
    require_columns(column_names(frame), REQUIRED_COLUMNS, "CKD-EPI 2021")
    return frame.with_columns(egfr_expr().alias(EGFR_COLUMN)).with_columns(
        gfr_category_expr(pl.col(EGFR_COLUMN)).alias(CATEGORY_COLUMN)
    )


def check_ckd_epi_cohort(frame: Frame) -> None:
    """Validate a CKD-EPI cohort table as the scalar function does.

    Raises
    ------
    OutOfValidatedRangeError
        Creatinine outside 0.1-40 mg/dL or age outside 18-100 years.
    InvalidValueError
        A required column is missing, or sex is not ``"female"`` or ``"male"``.
    """
    require_columns(column_names(frame), REQUIRED_COLUMNS, "CKD-EPI 2021")
    check_range(frame, CREATININE_COLUMN, *CREATININE_RANGE_MG_DL, "mg/dL")
    check_range(frame, AGE_COLUMN, *AGE_RANGE_YEARS, "years")
    allowed = [Sex.FEMALE.value, Sex.MALE.value]
    sex = first_value_where(frame, ~pl.col(SEX_COLUMN).is_in(allowed), SEX_COLUMN)
    if sex is not None:
        raise InvalidValueError("sex", sex, "female or male (sex-specific coefficients)")
