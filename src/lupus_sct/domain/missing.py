"""Tri-state missingness: a value, "not evaluated" or "unknown" (EBMT convention).

References
----------
EBMT data collection forms: items other than MED-A must say "not evaluated" or "unknown" rather
than be left empty; see docs/spec/pathway.md §10.1 ("Missing data has three states").

Notes
-----
A clinical field typed ``float | Missing`` holds either a ``float`` or a :class:`Missing` member.
``None`` is never used for a clinical value, so "not measured" can never be confused with zero or
with "the user skipped the field".
"""

from __future__ import annotations

import enum
from typing import TypeGuard, TypeVar

from lupus_sct.domain.errors import OutOfValidatedRangeError

T = TypeVar("T")


class Missing(enum.Enum):
    """Why a clinical value is absent."""

    NOT_EVALUATED = "not_evaluated"
    UNKNOWN = "unknown"


def is_recorded(value: T | Missing) -> TypeGuard[T]:
    """Tell whether a tri-state field holds an actual value."""
    return not isinstance(value, Missing)


def check_observed_range(field: str, value: float | Missing, low: float, high: float) -> None:
    """Refuse a recorded number outside ``[low, high]`` (both inclusive); absent values pass."""
    if not is_recorded(value):
        return
    if isinstance(value, bool) or not low <= value <= high:
        raise OutOfValidatedRangeError(field, value, low, high)
