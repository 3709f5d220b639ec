"""Typed readers for batch-record fields, with the error messages of docs/spec/instruments.md §12.1.

Rules (docs/spec/instruments.md §12.1, "Types"): booleans must be JSON true/false; integer fields
accept integral numbers (4 or 4.0); vocabularies match exactly; lists of ids ignore duplicates; an
absent optional field takes its default.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError

T = TypeVar("T")
_ABSENT: Any = object()


def _lookup(record: Mapping[str, Any], field: str, default: Any) -> tuple[bool, Any]:
    """``(True, value)`` for a present field, ``(False, default)`` for an absent optional one.

    An absent required field (no default given) is an error; JSON ``null`` counts as absent.
    """
    value = record.get(field)
    if value is None:
        if default is _ABSENT:
            raise InvalidValueError(field, None, "a value (this field is required)")
        return False, default
    return True, value


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
    present, value = _lookup(record, field, default)
    if not present:
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
    present, value = _lookup(record, field, default)
    if not present:
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
    present, value = _lookup(record, field, default)
    if not present:
        return value
    if not isinstance(value, bool):
        raise InvalidValueError(field, value, "true or false")
    return value


def choice(
    record: Mapping[str, Any], field: str, allowed: Collection[str], *, default: Any = _ABSENT
) -> Any:
    """One string of a case-sensitive vocabulary."""
    present, value = _lookup(record, field, default)
    if not present:
        return value
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
    present, value = _lookup(record, field, default)
    if not present:
        return list(value)
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


def positive_number(
    record: Mapping[str, Any], field: str, *, default: Any = _ABSENT, unit: str = ""
) -> Any:
    """A real number > 0 (an LLN, a ULN, a baseline): "lln: 0 is not accepted; ... > 0"."""
    present, value = _lookup(record, field, default)
    if not present:
        return value
    value = number(record, field, unit=unit)
    if value <= 0:
        raise InvalidValueError(field, value, "a number > 0")
    return value


def non_negative_number(
    record: Mapping[str, Any], field: str, *, default: Any = _ABSENT, unit: str = ""
) -> Any:
    """A real number >= 0 with no upper bound (a count, a volume)."""
    present, value = _lookup(record, field, default)
    if not present:
        return value
    value = number(record, field, unit=unit)
    if value < 0:
        raise InvalidValueError(field, value, "a number >= 0")
    return value


def object_list(record: Mapping[str, Any], field: str, *, min_length: int = 0) -> list[Any]:
    """A list of JSON objects (mappings) with at least ``min_length`` entries."""
    _, value = _lookup(record, field, _ABSENT)
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise InvalidValueError(field, value, "a list of objects")
    if len(value) < min_length:
        raise InvalidValueError(field, value, f"at least {min_length} entries")
    return value


def integer_list(record: Mapping[str, Any], field: str, *, default: Any = _ABSENT) -> list[int]:
    """A list of whole numbers (``4`` or ``4.0``), order kept."""
    present, value = _lookup(record, field, default)
    if not present:
        return list(value)
    if not isinstance(value, list):
        raise InvalidValueError(field, value, "a list of whole numbers")
    items: list[int] = []
    for item in value:
        whole = isinstance(item, int | float) and math.isfinite(item) and item == int(item)
        if isinstance(item, bool) or not whole:
            raise InvalidValueError(field, item, "a list of whole numbers")
        items.append(int(item))
    return items
