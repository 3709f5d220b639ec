"""Checks that a cohort table fits an instrument before it is scored.

Notes
-----
The vectorised scorers assume validated input, as the scalar domain functions do once their input
dataclasses are built. These checks raise the same domain errors as the scalar constructors, for
the first offending value found, so the API and the CLI map them to a one-line clinical message
(house style, "Errors and data"). Nulls are "not measured" and pass the range checks.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import polars as pl

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError

Frame = pl.DataFrame | pl.LazyFrame


def column_names(frame: Frame) -> list[str]:
    """The column names of a frame, without collecting a lazy one."""
    return frame.collect_schema().names()


def require_columns(names: Collection[str], required: Iterable[str], table: str) -> None:
    """Raise :class:`InvalidValueError` naming every required column the table lacks."""
    missing = [column for column in required if column not in names]
    if missing:
        raise InvalidValueError(
            f"{table} cohort table", ", ".join(missing), "these columns to be present"
        )


def first_value_where(frame: Frame, condition: pl.Expr, column: str) -> object | None:
    """The value of ``column`` in the first row meeting ``condition``, or ``None``."""
    rows = frame.lazy().filter(condition).select(pl.col(column)).head(1).collect()
    return None if rows.height == 0 else rows.item()


def check_range(frame: Frame, column: str, low: float, high: float, unit: str = "") -> None:
    """Raise :class:`OutOfValidatedRangeError` for the first value outside ``[low, high]``.

    Both bounds are inclusive; nulls pass; NaN is out of range.
    """
    value = first_value_where(frame, ~pl.col(column).is_between(low, high), column)
    if value is not None:
        raise OutOfValidatedRangeError(column, value, low, high, unit)
