"""Typed readers for batch-record fields, with the error messages of instruments.md section 12.1.

Rules (section 12.1, "Types"): booleans must be JSON true/false; integer fields accept integral
numbers (4 or 4.0); vocabularies match exactly; lists of ids ignore duplicates; an absent optional
field takes its default.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError

T = TypeVar("T")
_ABSENT: Any = object()


def _get(record: Mapping[str, Any], field: str, default: Any) -> Any:
    value = record.get(field, _ABSENT)
    if value is _ABSENT or value is None:
        if default is _ABSENT:
            raise InvalidValueError(field, None, "a value (this field is required)")
        return default
    return value


def number(
    record: Mapping[str, Any],
    field: str,
    low: float | None = None,
    high: float | None = None,
    *,
    default: Any = _ABSENT,
    unit: str = "",
) -> Any:
    """A real number within ``[low, high]`` (inclusive; ``None`` means unbounded)."""
    value = _get(record, field, default)
    if value is default and default is not _ABSENT:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidValueError(field, value, "a number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise OutOfValidatedRangeError(
            field,
            value,
            low if low is not None else -math.inf,
            high if high is not None else math.inf,
            unit,
        )
    return float(value)


def integer(
    record: Mapping[str, Any],
    field: str,
    low: int | None = None,
    high: int | None = None,
    *,
    default: Any = _ABSENT,
) -> Any:
    """A whole number (``4`` or ``4.0``) within ``[low, high]``."""
    value = _get(record, field, default)
    if value is default and default is not _ABSENT:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise InvalidValueError(field, value, "a whole number")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise OutOfValidatedRangeError(
            field,
            value,
            low if low is not None else -math.inf,
            high if high is not None else math.inf,
        )
    return value


def boolean(record: Mapping[str, Any], field: str, *, default: Any = _ABSENT) -> Any:
    """A JSON ``true`` or ``false``."""
    value = _get(record, field, default)
    if not isinstance(value, bool):
        raise InvalidValueError(field, value, "true or false")
    return value


def choice(
    record: Mapping[str, Any], field: str, allowed: Collection[str], *, default: Any = _ABSENT
) -> Any:
    """One string of a case-sensitive vocabulary."""
    value = _get(record, field, default)
    if value not in allowed or not isinstance(value, str):
        raise InvalidValueError(field, value, "one of " + ", ".join(repr(a) for a in allowed))
    return value


def id_list(
    record: Mapping[str, Any],
    field: str,
    vocabulary: Collection[str],
    *,
    label: str,
    default: Any = _ABSENT,
) -> list[str]:
    """A list of vocabulary ids, duplicates dropped, first-seen order kept.

    ``label`` names the vocabulary in the error, e.g. "SLEDAI-2K descriptor" gives
    "unknown SLEDAI-2K descriptor 'rashes'".
    """
    value = _get(record, field, default)
    if not isinstance(value, list):
        raise InvalidValueError(field, value, "a list of ids")
    seen: list[str] = []
    for item in value:
        if not isinstance(item, str) or item not in vocabulary:
            raise UnknownIdError(label, item)
        if item not in seen:
            seen.append(item)
    return seen


class UnknownIdError(InvalidValueError):
    """An id outside its vocabulary, reported as "unknown <label> '<id>'"."""

    def __init__(self, label: str, value: Any) -> None:
        super().__init__(label, value, f"a known {label} id")
        self.args = (f"unknown {label} {value!r}",)

    def __str__(self) -> str:
        return str(self.args[0])
