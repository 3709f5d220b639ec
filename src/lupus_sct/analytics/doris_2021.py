"""Vectorised DORIS 2021 remission over a cohort table.

References
----------
van Vollenhoven RF, Bertsias G, Doria A, et al. 2021 DORIS definition of remission in SLE: final
recommendations from an international task force. Lupus Sci Med 2021;8:e000538.
doi:10.1136/lupus-2021-000538

Notes
-----
Vectorises :func:`lupus_sct.domain.instruments.lupus.doris_2021.assess_doris_2021`
(docs/spec/instruments.md §5.4,
decision D2 and decision D3, convention C9). Thresholds come from
:mod:`lupus_sct.domain.instruments.lupus.doris_2021`;
the PGA and dose comparisons use the 1e-9 tolerance of decision D11.

Cohort table, one row per visit:

- the SLEDAI-2K columns of :mod:`lupus_sct.analytics.sledai_2k` (24 descriptor columns required;
  optional measurement and exclusion columns derive descriptors as in the SLEDAI-2K scorer, so the
  clinical SLEDAI is that of the counted descriptors);
- ``pga`` (float, 0-3 evaluator global assessment) and ``prednisolone_mg_per_day`` (float,
  prednisolone equivalent, 0-1000).

The stable-treatment flags (``antimalarial_stable``, ``immunosuppressive_stable``,
``biologic_stable``), when present, stay in the frame unchanged: they are recorded with the
result and never change remission (convention C9). A null PGA or dose gives a null remission
unless the clinical SLEDAI already excludes it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

import polars as pl

from lupus_sct.analytics.comparisons import at_most, below
from lupus_sct.analytics.sledai_2k import (
    CLINICAL_SLEDAI_COLUMN,
    DESCRIPTOR_COLUMNS,
    check_sledai_cohort,
    clinical_sledai_expr,
)
from lupus_sct.analytics.validation import Frame, check_range, column_names, require_columns
from lupus_sct.domain.instruments.lupus.doris_2021 import (
    DORIS_MAX_CLINICAL_SLEDAI,
    DORIS_MAX_PREDNISOLONE_MG_PER_DAY,
    DORIS_PGA_BELOW,
    PGA_MAX,
    PGA_MIN,
    PREDNISOLONE_MAX_MG_PER_DAY,
)

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

PGA_COLUMN = "pga"
PREDNISOLONE_COLUMN = "prednisolone_mg_per_day"
REMISSION_COLUMN = "doris_2021_remission"
REQUIRED_COLUMNS = (*DESCRIPTOR_COLUMNS, PGA_COLUMN, PREDNISOLONE_COLUMN)


def doris_2021_remission_expr(names: Collection[str]) -> pl.Expr:
    """Boolean expression: clinical SLEDAI 0, PGA <0.5 (strict), prednisolone <=5 mg/day
    (decision D3).

    Parameters
    ----------
    names
        The columns of the cohort table (to find the optional SLEDAI-2K columns).
    """
    return (
        (clinical_sledai_expr(names) <= DORIS_MAX_CLINICAL_SLEDAI)
        & below(pl.col(PGA_COLUMN), DORIS_PGA_BELOW)
        & at_most(pl.col(PREDNISOLONE_COLUMN), DORIS_MAX_PREDNISOLONE_MG_PER_DAY)
    )


def assess_doris_2021(frame: FrameT) -> FrameT:
    """Add ``clinical_sledai`` and ``doris_2021_remission`` columns to a cohort table.

    Parameters
    ----------
    frame
        A DataFrame or LazyFrame with the columns described in the module docstring.

    Returns
    -------
    polars.DataFrame or polars.LazyFrame
        The input with ``clinical_sledai`` (Int32) and ``doris_2021_remission`` (Boolean).

    Raises
    ------
    InvalidValueError
        When a required column is missing.

    References
    ----------
    van Vollenhoven RF et al. Lupus Sci Med 2021;8:e000538. doi:10.1136/lupus-2021-000538

    Notes
    -----
    Equals the scalar function applied to the counted SLEDAI-2K descriptors of each row
    (tests/property/analytics/test_analytics_doris_2021_agrees.py). Input is not validated here; see
    :func:`check_doris_cohort`.
    """
    names = column_names(frame)
    require_columns(names, REQUIRED_COLUMNS, "DORIS 2021")
    return frame.with_columns(
        clinical_sledai_expr(names).alias(CLINICAL_SLEDAI_COLUMN),
        doris_2021_remission_expr(names).alias(REMISSION_COLUMN),
    )


def check_doris_cohort(frame: Frame) -> None:
    """Validate a DORIS cohort table as
    :class:`~lupus_sct.domain.instruments.lupus.doris_2021.DorisAssessment` does.

    Raises
    ------
    InvalidValueError
        As :func:`lupus_sct.analytics.sledai_2k.check_sledai_cohort`, or a required column is
        missing.
    OutOfValidatedRangeError
        PGA outside 0-3 or prednisolone outside 0-1000 mg/day.
    """
    require_columns(column_names(frame), REQUIRED_COLUMNS, "DORIS 2021")
    check_sledai_cohort(frame)
    check_range(frame, PGA_COLUMN, PGA_MIN, PGA_MAX)
    check_range(frame, PREDNISOLONE_COLUMN, 0, PREDNISOLONE_MAX_MG_PER_DAY, "mg/day")
