"""Vectorised Lupus Low Disease Activity State (LLDAS) over a cohort table.

References
----------
Franklyn K, Lau CS, Navarra SV, et al. Definition and initial validation of a Lupus Low Disease
Activity State (LLDAS). Ann Rheum Dis 2016;75:1615-21. doi:10.1136/annrheumdis-2015-207726

Notes
-----
Vectorises :func:`lupus_sct.domain.instruments.lupus.lldas_2016.assess_lldas`
(docs/spec/instruments.md §5.5).
Thresholds and the major-organ descriptors come from
:mod:`lupus_sct.domain.instruments.lupus.lldas_2016`; the
PGA and dose comparisons use the 1e-9 tolerance of decision D11. Every bound is inclusive.

Cohort table, one row per visit:

- the SLEDAI-2K columns of :mod:`lupus_sct.analytics.sledai_2k` (24 descriptor columns required;
  optional measurement and exclusion columns derive descriptors as in the SLEDAI-2K scorer);
- booleans ``hemolytic_anemia``, ``gi_activity``, ``new_activity_since_last_visit``,
  ``standard_maintenance_immunosuppression_tolerated`` and ``investigational_drug``;
- ``pga`` (float, SELENA-SLEDAI PGA 0-3) and ``prednisolone_mg_per_day`` (float, 0-1000).

Results: ``sledai_2k``, one boolean ``lldas_criterion_<n>_met`` per criterion (the scalar
``unmet_criteria`` are the criteria whose column is false) and ``lldas``. Nulls follow Kleene
logic: a criterion is null only when its known inputs do not already decide it.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Collection
from typing import TypeVar

import polars as pl

from lupus_sct.analytics.comparisons import at_most
from lupus_sct.analytics.sledai_2k import (
    DESCRIPTOR_COLUMNS,
    SLEDAI_2K_COLUMN,
    check_sledai_cohort,
    counted_descriptor,
    sledai_2k_expr,
)
from lupus_sct.analytics.validation import Frame, check_range, column_names, require_columns
from lupus_sct.domain.instruments.lupus.lldas_2016 import (
    LLDAS_MAX_PGA,
    LLDAS_MAX_PREDNISOLONE_MG_PER_DAY,
    LLDAS_MAX_SLEDAI_2K,
    MAJOR_ORGAN_DESCRIPTORS,
    PGA_MAX,
    PGA_MIN,
    PREDNISOLONE_MAX_MG_PER_DAY,
)
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

PGA_COLUMN = "pga"
PREDNISOLONE_COLUMN = "prednisolone_mg_per_day"
LLDAS_COLUMN = "lldas"
FLAG_COLUMNS = (
    "hemolytic_anemia",
    "gi_activity",
    "new_activity_since_last_visit",
    "standard_maintenance_immunosuppression_tolerated",
    "investigational_drug",
)
REQUIRED_COLUMNS = (*DESCRIPTOR_COLUMNS, *FLAG_COLUMNS, PGA_COLUMN, PREDNISOLONE_COLUMN)
LLDAS_CRITERIA = (1, 2, 3, 4, 5)  # Franklyn 2016: five criteria


def criterion_column(number: int) -> str:
    """Name of the result column of one LLDAS criterion (1-5)."""
    return f"lldas_criterion_{number}_met"


def _no_major_organ_activity(names: Collection[str]) -> pl.Expr:
    major = [d for d in SledaiDescriptor if d in MAJOR_ORGAN_DESCRIPTORS]
    active = functools.reduce(operator.or_, (counted_descriptor(d, names) for d in major))
    return ~active


def lldas_criteria_exprs(names: Collection[str]) -> dict[str, pl.Expr]:
    """``{criterion column: boolean expression}`` for the five LLDAS criteria (Franklyn 2016).

    Parameters
    ----------
    names
        The columns of the cohort table (to find the optional SLEDAI-2K columns).
    """
    met = {
        1: (sledai_2k_expr(names) <= LLDAS_MAX_SLEDAI_2K)
        & _no_major_organ_activity(names)
        & ~pl.col("hemolytic_anemia")
        & ~pl.col("gi_activity"),
        2: ~pl.col("new_activity_since_last_visit"),
        3: at_most(pl.col(PGA_COLUMN), LLDAS_MAX_PGA),
        4: at_most(pl.col(PREDNISOLONE_COLUMN), LLDAS_MAX_PREDNISOLONE_MG_PER_DAY),
        5: pl.col("standard_maintenance_immunosuppression_tolerated")
        & ~pl.col("investigational_drug"),
    }
    return {criterion_column(number): expr for number, expr in met.items()}


def assess_lldas(frame: FrameT) -> FrameT:
    """Add ``sledai_2k``, the five ``lldas_criterion_<n>_met`` columns and ``lldas``.

    Parameters
    ----------
    frame
        A DataFrame or LazyFrame with the columns described in the module docstring.

    Returns
    -------
    polars.DataFrame or polars.LazyFrame
        The input with the result columns (``lldas`` is true when all five criteria hold).

    Raises
    ------
    InvalidValueError
        When a required column is missing.

    References
    ----------
    Franklyn K et al. Ann Rheum Dis 2016;75:1615-21. doi:10.1136/annrheumdis-2015-207726

    Notes
    -----
    Equals the scalar function applied to the counted SLEDAI-2K descriptors of each row
    (tests/property/analytics/test_analytics_lldas_2016_agrees.py). Input is not validated here; see
    :func:`check_lldas_cohort`.
    """
    names = column_names(frame)
    require_columns(names, REQUIRED_COLUMNS, "LLDAS")
    criteria = lldas_criteria_exprs(names)
    return frame.with_columns(
        sledai_2k_expr(names).alias(SLEDAI_2K_COLUMN), **criteria
    ).with_columns(pl.all_horizontal(list(criteria)).alias(LLDAS_COLUMN))


def check_lldas_cohort(frame: Frame) -> None:
    """Validate an LLDAS cohort table as
    :class:`~lupus_sct.domain.instruments.lupus.lldas_2016.LldasAssessment` does.

    Raises
    ------
    InvalidValueError
        As :func:`lupus_sct.analytics.sledai_2k.check_sledai_cohort`, or a required column is
        missing.
    OutOfValidatedRangeError
        PGA outside 0-3 or prednisolone outside 0-1000 mg/day.
    """
    require_columns(column_names(frame), REQUIRED_COLUMNS, "LLDAS")
    check_sledai_cohort(frame)
    check_range(frame, PGA_COLUMN, PGA_MIN, PGA_MAX)
    check_range(frame, PREDNISOLONE_COLUMN, 0, PREDNISOLONE_MAX_MG_PER_DAY, "mg/day")
