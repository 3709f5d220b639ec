"""Reading an analyst's CSV or Parquet table into the arrays the survival analytics take.

Rows with a missing value in any column the analysis uses are left out and counted (as R's
``na.omit`` does), never read as censored or as zero; every other unusable value is refused with
one message that names the column, the value and what is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

TRUE_WORDS = frozenset({"1", "true", "t", "yes"})
FALSE_WORDS = frozenset({"0", "false", "f", "no"})


class UnusableTableError(ValueError):
    """The table cannot be analysed as asked: the message says why in one line."""


@dataclass(frozen=True)
class AnalysisTable:
    """Complete rows of the columns an analysis uses, as arrays."""

    time: npt.NDArray[np.float64]
    outcome: npt.NDArray[np.int64]
    groups: tuple[str, ...]
    group_index: npt.NDArray[np.int64]
    covariates: npt.NDArray[np.float64]
    covariate_names: tuple[str, ...]
    excluded_missing: int

    def rows_of(self, group: int) -> npt.NDArray[np.bool_]:
        """Mask of the rows in one group (by index in :attr:`groups`)."""
        mask: npt.NDArray[np.bool_] = self.group_index == group
        return mask


def read_table(path: Path) -> pl.DataFrame:
    """A ``.csv`` or ``.parquet`` file as a data frame (the kind chosen by the extension)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        kind = path.suffix or "(none)"
        raise UnusableTableError(f"{path}: unsupported file type {kind!r}; use .csv or .parquet")
    if not path.is_file():
        raise UnusableTableError(f"{path}: no such file")
    try:
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema_length=None, null_values=["", "NA"])
        return pl.read_parquet(path)
    except Exception as exc:  # polars raises several error types for a damaged file
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UnusableTableError(f"{path}: cannot be read: {first_line}") from exc


def analysis_table(
    frame: pl.DataFrame,
    *,
    time: str,
    event: str | None = None,
    event_value: str | None = None,
    status: str | None = None,
    group: str | None = None,
    covariates: Sequence[str] = (),
) -> AnalysisTable:
    """Pick, check and convert the columns of one analysis.

    ``event`` gives 1 (event) or 0 (censored): values 1/true are events and 0/false censored, or,
    with ``event_value``, that value is the event and every other value censored. ``status``
    gives competing-risk codes: 0 censored, a whole number of 1 or more a cause.
    """
    outcome_column = event if event is not None else status
    used = [time, *([outcome_column] if outcome_column else []), *([group] if group else [])]
    used += list(covariates)
    _require_columns(frame, used)
    complete = frame.select(used).drop_nulls()
    times = _numeric(complete, time)
    if (times < 0).any():
        raise UnusableTableError(
            f"column {time!r}: time {times[np.argmax(times < 0)]:g} is negative; times are >= 0"
        )
    if event is not None:
        outcome = _events(complete[event], event, event_value)
    elif status is not None:
        outcome = _status(complete, status)
    else:
        outcome = np.zeros(times.size, dtype=np.int64)
    if times.size == 0:
        raise UnusableTableError("no complete rows to analyse")
    if group:
        labels, index = _groups(complete[group])
    else:
        labels, index = ("all",), np.zeros(times.size, np.int64)
    matrix = np.zeros((times.size, len(covariates)))
    for column, name in enumerate(covariates):
        matrix[:, column] = _numeric(complete, name)
    return AnalysisTable(
        time=times,
        outcome=outcome,
        groups=labels,
        group_index=index,
        covariates=matrix.astype(np.float64),
        covariate_names=tuple(covariates),
        excluded_missing=frame.height - complete.height,
    )


def _require_columns(frame: pl.DataFrame, used: list[str]) -> None:
    missing = [name for name in used if name not in frame.columns]
    if missing:
        raise UnusableTableError(
            f"no column {missing[0]!r} in the table; its columns are {', '.join(frame.columns)}"
        )


def _numeric(frame: pl.DataFrame, name: str) -> npt.NDArray[np.float64]:
    column = frame[name]
    if column.dtype == pl.Boolean:
        column = column.cast(pl.Int8)
    converted = column.cast(pl.Float64, strict=False)
    bad = converted.is_null() | ~converted.is_finite()
    if bad.any():
        value = column.filter(bad).head(1).item()
        raise UnusableTableError(f"column {name!r}: {value!r} is not a finite number")
    return converted.to_numpy().astype(np.float64)


def _events(column: pl.Series, name: str, event_value: str | None) -> npt.NDArray[np.int64]:
    if column.dtype.is_numeric():
        numbers = column.cast(pl.Float64).to_numpy()
        if event_value is None:
            bad = ~np.isin(numbers, (0.0, 1.0))
            if bad.any():
                _refuse_event(name, column.filter(pl.Series(bad)).head(1).item())
            return np.asarray(numbers == 1.0, dtype=np.int64)
        try:
            return np.asarray(numbers == float(event_value), dtype=np.int64)
        except ValueError:
            pass
    text = column.cast(pl.String).str.strip_chars().str.to_lowercase()
    if event_value is not None:
        return (text == event_value.strip().lower()).to_numpy().astype(np.int64)
    unknown = ~text.is_in(list(TRUE_WORDS | FALSE_WORDS))
    if unknown.any():
        _refuse_event(name, column.filter(unknown).head(1).item())
    return text.is_in(list(TRUE_WORDS)).to_numpy().astype(np.int64)


def _refuse_event(name: str, value: object) -> None:
    raise UnusableTableError(
        f"column {name!r}: {value!r} is neither an event (1/true) nor censored (0/false); "
        "name the event's value with --event-value"
    )


def _status(frame: pl.DataFrame, name: str) -> npt.NDArray[np.int64]:
    values = _numeric(frame, name)
    bad = (values < 0) | (values != np.round(values))
    if bad.any():
        raise UnusableTableError(
            f"column {name!r}: {values[np.argmax(bad)]:g} is not a status code; "
            "use 0 for censored and a whole number of 1 or more for each cause"
        )
    return values.astype(np.int64)


def _groups(column: pl.Series) -> tuple[tuple[str, ...], npt.NDArray[np.int64]]:
    distinct = column.unique().sort()
    index = (column.rank("dense") - 1).to_numpy().astype(np.int64)
    return tuple(str(value) for value in distinct.to_list()), index
