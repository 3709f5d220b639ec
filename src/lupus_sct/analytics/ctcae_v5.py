"""Vectorised CTCAE v5.0 grading of the laboratory terms and febrile neutropenia.

References
----------
National Cancer Institute. Common Terminology Criteria for Adverse Events (CTCAE) v5.0,
27 November 2017. US Department of Health and Human Services.

Notes
-----
Vectorises the graders of :mod:`lupus_sct.domain.instruments.transplant.ctcae_v5`
(docs/spec/instruments.md §8.1,
decision D6, convention C1). Band limits, multiples and unit factors are imported from the domain
module; multiple-of-LLN/ULN/baseline comparisons use the 1e-9 tolerance of decision D11, written
as the same products as the scalar functions (``value > 1.5 * uln + 1e-9``), so the grades agree
exactly.

Each function takes column names and returns an ``Int8`` expression: the grade 1-5, or null when
grade 1 is not met (or an input is null). The caller names the result, for example::

    frame.with_columns(
        neutrophil_count_decreased_grade("anc", "anc_lln", CountUnit.X10E9_PER_L).alias("anc_g")
    )

Clinician flags (transfusion indicated, life-threatening, death) are boolean columns; a null flag
counts as not flagged, as the batch default ``false`` does. The version string to store with each
grade is :data:`~lupus_sct.domain.instruments.transplant.ctcae_v5.CTCAE_VERSION`.

Not vectorised: input validation. Rows must already satisfy the ranges the scalar functions check
(values >= 0, LLN/ULN/baseline > 0, haemoglobin 0-25 g/dL, creatinine 0.1-40 mg/dL, temperature
30-45 degrees C, no sustained fever hours with a highest temperature below 38.0 degrees C).
"""

from __future__ import annotations

import polars as pl

from lupus_sct.analytics.comparisons import above, at_least, below
from lupus_sct.domain.instruments.transplant.ctcae_v5 import (
    ALT_BASELINE_MULTIPLES,
    ALT_ULN_MULTIPLES,
    ANEMIA_G1_LOW_G_DL,
    ANEMIA_G2_LOW_G_DL,
    CREATININE_BASELINE_MULTIPLES,
    CREATININE_ULN_MULTIPLES,
    FN_ANC_BELOW_PER_UL,
    FN_SINGLE_TEMP_ABOVE_C,
    FN_SUSTAINED_MORE_THAN_HOURS,
    NEUTROPHIL_G1_LOW_PER_UL,
    NEUTROPHIL_G2_LOW_PER_UL,
    NEUTROPHIL_G3_LOW_PER_UL,
    PLATELET_G1_LOW_PER_UL,
    PLATELET_G2_LOW_PER_UL,
    PLATELET_G3_LOW_PER_UL,
    CountUnit,
    HemoglobinUnit,
)

GRADE_DTYPE = pl.Int8
_NO_GRADE = pl.lit(None, GRADE_DTYPE)


def _grade(value: int) -> pl.Expr:
    return pl.lit(value, GRADE_DTYPE)


def _flag(column: str | None) -> pl.Expr:
    """A clinician flag; an absent column or a null cell is not flagged."""
    return pl.lit(False) if column is None else pl.col(column).fill_null(False)


def _decreased_grade(value: pl.Expr, lln: pl.Expr, lows: tuple[float, float, float]) -> pl.Expr:
    """Grades 1-4 of a "decreased" term; each band includes its lower bound."""
    graded = pl.when(at_least(value, lows[2])).then(_grade(3)).otherwise(_grade(4))
    graded = pl.when(at_least(value, lows[1])).then(_grade(2)).otherwise(graded)
    graded = pl.when(at_least(value, lows[0])).then(_grade(1)).otherwise(graded)
    return pl.when(at_least(value, lln) | value.is_null()).then(_NO_GRADE).otherwise(graded)


def _multiple_grade(value: pl.Expr, reference: pl.Expr, multiples: tuple[float, ...]) -> pl.Expr:
    """The highest ``i`` (from 1) with ``value > multiples[i-1] * reference``, else null."""
    graded = _NO_GRADE
    for index, multiple in enumerate(multiples, start=1):
        graded = pl.when(above(value, multiple * reference)).then(_grade(index)).otherwise(graded)
    return graded


def neutrophil_count_decreased_grade(value: str, lln: str, unit: CountUnit) -> pl.Expr:
    """Grade "Neutrophil count decreased": 1500 <= x < LLN is 1 ... x < 500/uL is 4.

    Parameters
    ----------
    value, lln
        Columns of the absolute neutrophil count and its LLN, both in ``unit``.
    unit
        The unit of both columns (converted to /uL as the scalar function does).

    References
    ----------
    NCI CTCAE v5.0 (2017), Investigations, "Neutrophil count decreased".

    Notes
    -----
    A value at or above the LLN is not graded, even when the LLN is below 1500/uL.
    """
    lows = (NEUTROPHIL_G1_LOW_PER_UL, NEUTROPHIL_G2_LOW_PER_UL, NEUTROPHIL_G3_LOW_PER_UL)
    factor = unit.to_per_ul
    return _decreased_grade(pl.col(value) * factor, pl.col(lln) * factor, lows)


def platelet_count_decreased_grade(value: str, lln: str, unit: CountUnit) -> pl.Expr:
    """Grade "Platelet count decreased": 75,000 <= x < LLN is 1 ... x < 25,000/uL is 4.

    Parameters
    ----------
    value, lln
        Columns of the platelet count and its LLN, both in ``unit``.
    unit
        The unit of both columns.

    References
    ----------
    NCI CTCAE v5.0 (2017), Investigations, "Platelet count decreased".

    Notes
    -----
    Same conventions as :func:`neutrophil_count_decreased_grade`.
    """
    lows = (PLATELET_G1_LOW_PER_UL, PLATELET_G2_LOW_PER_UL, PLATELET_G3_LOW_PER_UL)
    factor = unit.to_per_ul
    return _decreased_grade(pl.col(value) * factor, pl.col(lln) * factor, lows)


def anemia_grade(
    hemoglobin: str,
    lln: str,
    unit: HemoglobinUnit = HemoglobinUnit.G_DL,
    *,
    transfusion_indicated: str | None = None,
    life_threatening: str | None = None,
    death: str | None = None,
) -> pl.Expr:
    """Grade "Anemia": lab grades 1-3, transfusion (convention C1), and flagged grades 4 and 5.

    Parameters
    ----------
    hemoglobin, lln
        Columns of haemoglobin and its LLN, both in ``unit``.
    unit
        g/dL or g/L (g/L x 0.1 = g/dL, as in the scalar function).
    transfusion_indicated, life_threatening, death
        Optional boolean flag columns (absent = not flagged).

    References
    ----------
    NCI CTCAE v5.0 (2017), "Anemia"; front matter ("a semicolon indicates 'or'").

    Notes
    -----
    Convention C1: transfusion indicated gives grade 3 whatever the value. Grade 4 needs
    Hgb < LLN (compared in the unit entered, as the scalar function does); death gives 5.
    """
    hgb, limit = pl.col(hemoglobin), pl.col(lln)
    factor = unit.to_g_dl
    laboratory = _decreased_grade(
        hgb * factor, limit * factor, (ANEMIA_G1_LOW_G_DL, ANEMIA_G2_LOW_G_DL, 0.0)
    )
    laboratory = pl.when(laboratory == 4).then(_grade(3)).otherwise(laboratory)  # < 8.0 is 3
    return (
        pl.when(_flag(death))
        .then(_grade(5))
        .when(_flag(life_threatening) & below(hgb, limit))
        .then(_grade(4))
        .when(_flag(transfusion_indicated))
        .then(_grade(3))
        .otherwise(laboratory)
    )


def creatinine_increased_grade(value: str, uln: str, baseline: str | None = None) -> pl.Expr:
    """Grade "Creatinine increased": the higher of the ULN and baseline families (decision D6).

    Parameters
    ----------
    value, uln, baseline
        Columns of creatinine, its ULN and the baseline (null = unknown), all in one unit.

    References
    ----------
    NCI CTCAE v5.0 (2017), Investigations, "Creatinine increased".

    Notes
    -----
    ULN family: 1 if > ULN, 2 if > 1.5 x ULN, 3 if > 3.0 x ULN, 4 if > 6.0 x ULN. Baseline
    family: 2 if > 1.5 x baseline, 3 if > 3.0 x baseline. The grade is the maximum (decision D6).
    """
    by_uln = _multiple_grade(pl.col(value), pl.col(uln), CREATININE_ULN_MULTIPLES)
    if baseline is None:
        return by_uln
    by_baseline = _multiple_grade(pl.col(value), pl.col(baseline), CREATININE_BASELINE_MULTIPLES)
    return pl.max_horizontal(by_uln, by_baseline + 1).cast(GRADE_DTYPE)


def alt_increased_grade(value: str, uln: str, baseline: str | None = None) -> pl.Expr:
    """Grade "Alanine aminotransferase increased" by the ULN or the baseline clauses (decision D6).

    Parameters
    ----------
    value, uln, baseline
        Columns of ALT, its ULN and the baseline (null = unknown), in U/L.

    References
    ----------
    NCI CTCAE v5.0 (2017), Investigations, "Alanine aminotransferase increased".

    Notes
    -----
    Baseline unknown or <= ULN: 1 if > ULN, 2 if > 3.0 x ULN, 3 if > 5.0 x ULN, 4 if
    > 20.0 x ULN. Baseline > ULN: 1 if >= 1.5 x baseline, 2 if > 3.0 x, 3 if > 5.0 x, 4 if
    > 20.0 x baseline.
    """
    alt = pl.col(value)
    by_uln = _multiple_grade(alt, pl.col(uln), ALT_ULN_MULTIPLES)
    if baseline is None:
        return by_uln
    base = pl.col(baseline)
    above_first = _multiple_grade(alt, base, ALT_BASELINE_MULTIPLES[1:]) + 1
    by_baseline = (
        pl.when(below(alt, ALT_BASELINE_MULTIPLES[0] * base))
        .then(_NO_GRADE)
        .otherwise(above_first.fill_null(1).cast(GRADE_DTYPE))
    )
    return pl.when(above(base, pl.col(uln))).then(by_baseline).otherwise(by_uln)


def febrile_neutropenia_grade(
    anc_per_ul: str,
    max_single_temp_c: str,
    sustained_temp_ge_38_hours: str | None = None,
    *,
    life_threatening: str | None = None,
    death: str | None = None,
) -> pl.Expr:
    """Grade "Febrile neutropenia": ANC < 1000/uL with fever is 3; flagged 4 and 5.

    Parameters
    ----------
    anc_per_ul, max_single_temp_c, sustained_temp_ge_38_hours
        Columns of the ANC (/uL), the highest single temperature and the hours at >= 38.0
        degrees C (absent = 0).
    life_threatening, death
        Optional boolean flag columns.

    References
    ----------
    NCI CTCAE v5.0 (2017), Blood and lymphatic system disorders, "Febrile neutropenia".

    Notes
    -----
    Fever is a single temperature > 38.3 degrees C or >= 38.0 degrees C for more than 1 hour
    (exactly 1 hour is not sustained). Plain comparisons, as in the scalar function.
    """
    fever = pl.col(max_single_temp_c) > FN_SINGLE_TEMP_ABOVE_C
    if sustained_temp_ge_38_hours is not None:
        fever = fever | (pl.col(sustained_temp_ge_38_hours) > FN_SUSTAINED_MORE_THAN_HOURS)
    met = (pl.col(anc_per_ul) < FN_ANC_BELOW_PER_UL) & fever
    return (
        pl.when(~met.fill_null(False))
        .then(_NO_GRADE)
        .when(_flag(death))
        .then(_grade(5))
        .when(_flag(life_threatening))
        .then(_grade(4))
        .otherwise(_grade(3))
    )
