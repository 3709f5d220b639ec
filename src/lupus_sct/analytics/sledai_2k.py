"""Vectorised SLEDAI-2K and clinical SLEDAI over a cohort table.

References
----------
Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index 2000.
J Rheumatol 2002;29:288-91 (PMID 11838846). Touma Z, Urowitz MB, Gladman DD. SLEDAI-2K for a
30-day window. Lupus 2010;19:49-51.

Notes
-----
Vectorises :func:`lupus_sct.domain.instruments.lupus.sledai_2k.score_sledai_2k`
(docs/spec/instruments.md §1,
decision D1 and decision D2). Weights, thresholds and measurement column names are taken from
:data:`~lupus_sct.domain.instruments.lupus.sledai_2k.SLEDAI_2K_WEIGHTS` and
:data:`~lupus_sct.domain.instruments.lupus.sledai_2k.DESCRIPTOR_THRESHOLDS`.

Cohort table, one row per assessment:

- **Required:** one boolean column per descriptor id (``seizure`` ... ``leukopenia``, the
  24 ids of :class:`~lupus_sct.domain.instruments.lupus.sledai_2k.SledaiDescriptor`): true when the
  clinician lists
  the descriptor as present and attributable to SLE.
- **Optional measurements** (null = not measured, never zero): ``wbc_x10e9_per_L``,
  ``platelets_x10e9_per_L``, ``temp_c``, ``protein_g_per_24h``, ``rbc_per_hpf``,
  ``wbc_per_hpf``, ``arthritis_joint_count``. A measurement meeting its threshold adds its
  descriptor, as in the scalar function.
- **Optional exclusions:** ``<descriptor>_not_attributed_to_sle`` (boolean) for any of the seven
  measurement-derivable descriptors, for example ``leukopenia_not_attributed_to_sle``; true stops
  the measurement from adding the descriptor (the scalar ``not_attributed_to_sle``). Null or an
  absent column means not excluded. Exclusions of other descriptors have no effect on the score
  in the scalar function either, so they are not read.

A null descriptor cell is "not recorded": the descriptor still counts if a measurement derives
it, and otherwise the score is null (Kleene logic), never a silent zero. The clinical SLEDAI does
not read the two serological columns, so it stays known when only serology is missing.

:func:`check_sledai_cohort` applies the validation the scalar input dataclasses apply (ranges of
docs/spec/instruments.md §12.3; a descriptor both listed and excluded is a contradiction). The
window is not a scoring input and is not read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
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
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    DESCRIPTOR_THRESHOLDS,
    SEROLOGICAL_DESCRIPTORS,
    SLEDAI_2K_WEIGHTS,
    DescriptorThreshold,
    SledaiDescriptor,
)

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

DESCRIPTOR_COLUMNS = tuple(descriptor.value for descriptor in SledaiDescriptor)
"""The 24 required boolean columns, in vocabulary order."""

MEASUREMENT_COLUMNS: Mapping[str, str] = {
    descriptor.value: threshold.field for descriptor, threshold in DESCRIPTOR_THRESHOLDS.items()
}
"""Descriptor id -> the optional measurement column that can derive it."""

EXCLUSION_SUFFIX = "_not_attributed_to_sle"
SLEDAI_2K_COLUMN = "sledai_2k"
CLINICAL_SLEDAI_COLUMN = "clinical_sledai"


def exclusion_column(descriptor: SledaiDescriptor) -> str:
    """Name of the optional exclusion column of a derivable descriptor."""
    return descriptor.value + EXCLUSION_SUFFIX


def _meets_threshold(threshold: DescriptorThreshold) -> pl.Expr:
    """``DescriptorThreshold.is_met_by``, plain comparisons (docs/spec/instruments.md §0.3)."""
    value = pl.col(threshold.field)
    if threshold.direction.value == "below":
        return value < threshold.bound
    if threshold.direction.value == "above":
        return value > threshold.bound
    return value >= threshold.bound


def counted_descriptor(descriptor: SledaiDescriptor, names: Collection[str]) -> pl.Expr:
    """Whether a descriptor counts: listed, or derived from a measurement and not excluded.

    Parameters
    ----------
    descriptor
        One of the 24 descriptors.
    names
        The columns of the cohort table, to know which optional columns exist.

    Returns
    -------
    polars.Expr
        Boolean; null only when the listing is null and no measurement derives the descriptor.
    """
    listed = pl.col(descriptor.value)
    threshold = DESCRIPTOR_THRESHOLDS.get(descriptor)
    if threshold is None or threshold.field not in names:
        return listed
    derived = _meets_threshold(threshold).fill_null(False)
    exclusion = exclusion_column(descriptor)
    if exclusion in names:
        derived = derived & ~pl.col(exclusion).fill_null(False)
    return listed | derived


def counted_descriptors(names: Collection[str]) -> dict[str, pl.Expr]:
    """``{descriptor id: counted expression}`` for the 24 descriptors, in vocabulary order."""
    return {d.value: counted_descriptor(d, names) for d in SledaiDescriptor}


def _weighted_sum(descriptors: list[SledaiDescriptor], names: Collection[str]) -> pl.Expr:
    by_weight: dict[int, list[pl.Expr]] = {}
    for descriptor in descriptors:
        counted = counted_descriptor(descriptor, names).cast(pl.Int32)
        by_weight.setdefault(SLEDAI_2K_WEIGHTS[descriptor], []).append(counted)
    groups = [
        pl.sum_horizontal(exprs, ignore_nulls=False) * weight for weight, exprs in by_weight.items()
    ]
    return pl.sum_horizontal(groups, ignore_nulls=False)


def clinical_sledai_expr(names: Collection[str]) -> pl.Expr:
    """Clinical SLEDAI (0-101; decision D2) of each row, as an Int32 expression."""
    clinical = [d for d in SledaiDescriptor if d not in SEROLOGICAL_DESCRIPTORS]
    return _weighted_sum(clinical, names)


def sledai_2k_expr(names: Collection[str]) -> pl.Expr:
    """SLEDAI-2K (0-105; Gladman 2002) of each row, as an Int32 expression."""
    return _weighted_sum(list(SledaiDescriptor), names)


def score_sledai_2k(frame: FrameT) -> FrameT:
    """Add ``sledai_2k`` and ``clinical_sledai`` columns to a SLEDAI-2K cohort table.

    Parameters
    ----------
    frame
        A DataFrame or LazyFrame with the columns described in the module docstring.

    Returns
    -------
    polars.DataFrame or polars.LazyFrame
        The input with ``sledai_2k`` (Int32, 0-105) and ``clinical_sledai`` (Int32, 0-101).

    Raises
    ------
    InvalidValueError
        When a descriptor column is missing.

    References
    ----------
    Gladman DD et al. J Rheumatol 2002;29:288-91.

    Notes
    -----
    Equals :func:`lupus_sct.domain.instruments.lupus.sledai_2k.score_sledai_2k` row by row on
    validated input
    (tests/property/analytics/test_analytics_sledai_2k_agrees.py). Decision D1 (arthritis >=2
    joints) and
    decision D2 (clinical SLEDAI). Input is not validated here; see :func:`check_sledai_cohort`.
    """
    names = column_names(frame)
    require_columns(names, DESCRIPTOR_COLUMNS, "SLEDAI-2K")
    return frame.with_columns(
        sledai_2k_expr(names).alias(SLEDAI_2K_COLUMN),
        clinical_sledai_expr(names).alias(CLINICAL_SLEDAI_COLUMN),
    )


def check_sledai_cohort(frame: Frame) -> None:
    """Validate a SLEDAI-2K cohort table as the scalar input dataclasses do.

    Raises
    ------
    InvalidValueError
        When a descriptor column is missing, or a descriptor is both listed and excluded
        (``not_attributed_to_sle``).
    OutOfValidatedRangeError
        When a measurement lies outside its validated range (docs/spec/instruments.md §12.3).
    """
    names = column_names(frame)
    require_columns(names, DESCRIPTOR_COLUMNS, "SLEDAI-2K")
    for descriptor, threshold in DESCRIPTOR_THRESHOLDS.items():
        if threshold.field in names:
            check_range(frame, threshold.field, threshold.low, threshold.high, threshold.unit)
        exclusion = exclusion_column(descriptor)
        if exclusion in names:
            both = pl.col(descriptor.value) & pl.col(exclusion)
            if first_value_where(frame, both, exclusion) is not None:
                raise InvalidValueError(
                    "not_attributed_to_sle",
                    descriptor.value,
                    "a descriptor not also listed as present and attributable to SLE",
                )
