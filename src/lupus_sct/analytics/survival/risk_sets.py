"""Checked survival input and the risk-set table every estimator and test is built on.

Notes
-----
Times are right-censored follow-up times from a common origin (for a transplant programme, day 0),
in any unit, finite and at least 0 (inclusive). A subject is at risk at time ``t`` when its time is
``>= t``, so a subject censored at ``t`` still counts in the risk set of an event at ``t``: the
convention of Kaplan & Meier (1958) and of R ``survival``. Missing values are refused, never read
as censored or as zero; callers drop incomplete rows explicitly and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from lupus_sct.domain.errors import InvalidValueError

FloatArray = npt.NDArray[np.floating[Any]]
IntArray = npt.NDArray[np.integer[Any]]
BoolArray = npt.NDArray[np.bool_]
ArrayT = TypeVar("ArrayT", bound=npt.NDArray[Any])


def frozen(values: ArrayT) -> ArrayT:
    """The array itself, made read-only so that a frozen result cannot be changed in place."""
    values.flags.writeable = False
    return values


def checked_times(time: npt.ArrayLike, field: str = "time") -> FloatArray:
    """Follow-up times as a float array; raise :class:`InvalidValueError` if any is unusable."""
    values = np.asarray(time, dtype=np.float64)
    if values.ndim != 1:
        raise InvalidValueError(field, f"an array of shape {values.shape}", "one time per subject")
    if values.size == 0:
        raise InvalidValueError(field, "no rows", "at least one subject")
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        first = values[np.argmax(bad)]
        raise InvalidValueError(field, float(first), "a finite time of at least 0")
    return values


def checked_events(event: npt.ArrayLike, n: int, field: str = "event") -> BoolArray:
    """Event indicators (true = event, false = censored) of the same length as the times."""
    values = np.asarray(event)
    if values.shape != (n,):
        raise InvalidValueError(field, f"{values.size} values", f"{n}, one per time")
    if values.dtype == np.bool_:
        return values.astype(np.bool_)
    numeric = values.astype(np.float64)
    bad = ~np.isin(numeric, (0.0, 1.0))
    if bad.any():
        raise InvalidValueError(field, values[np.argmax(bad)].item(), "0 (censored) or 1 (event)")
    flags: BoolArray = np.asarray(numeric == 1.0, dtype=np.bool_)
    return flags


def checked_status(status: npt.ArrayLike, n: int, field: str = "status") -> IntArray:
    """Competing-risk status codes: 0 censored, any positive whole number a cause."""
    values = np.asarray(status, dtype=np.float64)
    if values.shape != (n,):
        raise InvalidValueError(field, f"{values.size} values", f"{n}, one per time")
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        first = values[np.argmax(bad)].item()
        raise InvalidValueError(
            field, first, "0 (censored) or a whole-number cause code of 1 or more"
        )
    return values.astype(np.int64)


def checked_groups(group: npt.ArrayLike, n: int, field: str = "group") -> tuple[IntArray, int]:
    """Group codes ``0..k-1`` in order of the sorted distinct labels, and ``k``."""
    values = np.asarray(group)
    if values.shape != (n,):
        raise InvalidValueError(field, f"{values.size} values", f"{n}, one per time")
    _, codes = np.unique(values, return_inverse=True)
    count = int(codes.max()) + 1
    return codes.astype(np.int64).reshape(n), count


@dataclass(frozen=True)
class RiskSetTable:
    """Counts at each distinct observed time, ascending.

    Attributes
    ----------
    time
        The distinct times (events and censorings).
    n_risk
        Subjects with a time ``>=`` each time.
    n_event
        Events at each time, one column per code ``1..n_codes`` (column ``c - 1`` for code ``c``).
    n_censor
        Censorings at each time.
    """

    time: FloatArray
    n_risk: IntArray
    n_event: IntArray
    n_censor: IntArray

    @property
    def n_event_total(self) -> IntArray:
        """Events of any code at each time."""
        total: IntArray = self.n_event.sum(axis=1)
        return total


def tabulate(time: FloatArray, code: IntArray, n_codes: int) -> RiskSetTable:
    """The risk-set table of checked times and codes (0 censored, ``1..n_codes`` events).

    One sort of the times (``numpy.unique``) and one weighted count per code: O(n log n).
    """
    unique, position = np.unique(time, return_inverse=True)
    m = unique.size
    counts = np.bincount(position * (n_codes + 1) + code, minlength=m * (n_codes + 1))
    counts = counts.reshape(m, n_codes + 1).astype(np.int64)
    leaving = counts.sum(axis=1)
    n_risk = time.size - np.concatenate(([0], np.cumsum(leaving)[:-1]))
    return RiskSetTable(
        time=unique,
        n_risk=n_risk.astype(np.int64),
        n_event=counts[:, 1:],
        n_censor=counts[:, 0],
    )


def counts_at(table_time: FloatArray, n_risk: IntArray, at: npt.ArrayLike) -> IntArray:
    """Numbers at risk (time ``>=`` t) at chosen times ``at``, from a risk-set table."""
    times = checked_times(at, "at")
    position = np.searchsorted(table_time, times, side="left")
    padded = np.concatenate((n_risk, [0]))
    result: IntArray = padded[position]
    return result


def numbers_at_risk(time: npt.ArrayLike, at: npt.ArrayLike) -> IntArray:
    """Subjects still under observation (time ``>=`` t) at each chosen time ``t``."""
    times = np.sort(checked_times(time))
    points = checked_times(at, "at")
    result: IntArray = (times.size - np.searchsorted(times, points, side="left")).astype(np.int64)
    return result
