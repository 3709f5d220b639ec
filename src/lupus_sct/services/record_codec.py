"""Conversion between domain dataclasses and JSON-safe records.

One codec serves the audit trail (values before and after), the store (JSON columns) and the
exports, so a value is written the same way everywhere. Tri-state fields encode ``Missing`` as
``{"missing": "not_evaluated"}`` so it can never be read back as zero or as null.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, TypeVar

from lupus_sct.domain.missing import Missing

T = TypeVar("T")
MISSING_KEY = "missing"
# Metadata key of a dataclass field that is not part of the record (a cache kept alongside the
# value, such as an audit entry's encoded texts): ``to_record`` leaves it out.
TRANSIENT = "lupus_sct.transient"


_SCALARS = frozenset({str, int, float, bool, type(None)})  # JSON-safe as they are


def to_record(value: Any) -> Any:
    """Encode a domain value (dataclass, enum, date, tuple, dict...) as JSON-safe data."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    encoder: Callable[[Any], Any] = _encoder(kind)  # type: ignore[arg-type]
    return encoder(value)


@cache
def _encoder(kind: type) -> Callable[[Any], Any]:
    """How :func:`to_record` encodes a value of type ``kind`` (worked out once per type).

    Enum members are read through ``_value_`` (the attribute the ``value`` property returns,
    without the property's cost).
    """
    if dataclasses.is_dataclass(kind):
        return _dataclass_encoder(
            tuple(f.name for f in dataclasses.fields(kind) if not f.metadata.get(TRANSIENT))
        )
    if issubclass(kind, Missing):
        return lambda value: {MISSING_KEY: value._value_}
    if issubclass(kind, enum.Enum):
        return lambda value: value._value_
    if issubclass(kind, datetime):
        return lambda value: value.astimezone(UTC).isoformat()
    if issubclass(kind, date):
        return lambda value: value.isoformat()
    if issubclass(kind, tuple | list):
        return lambda value: [to_record(v) for v in value]
    if issubclass(kind, dict):
        return lambda value: {str(to_record(k)): to_record(v) for k, v in value.items()}
    return _same


def _dataclass_encoder(names: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    """Each field by name; plain values are taken as they are, without a call per field."""

    def encode(value: Any) -> dict[str, Any]:
        record = {}
        for name in names:
            field = getattr(value, name)
            kind = type(field)
            record[name] = field if kind in _SCALARS else _encoder(kind)(field)  # type: ignore[arg-type]
        return record

    return encode


def _same(value: Any) -> Any:
    return value


def from_record(cls: type[T], data: dict[str, Any]) -> T:
    """Decode a record written by :func:`to_record` into an instance of ``cls``."""
    hints = _hints(typing.cast(type, cls))
    kwargs = {
        f.name: decode(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.init and f.name in data
    }
    return cls(**kwargs)


def canonical_json(data: Any) -> str:
    """Deterministic JSON text (sorted keys, no spaces) used for hashing and comparisons."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode(annotation: Any, value: Any) -> Any:
    """Decode ``value`` to the type ``annotation`` describes."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return _decode_union(typing.get_args(annotation), value)
    if origin is tuple:
        (item_type, *_rest) = typing.get_args(annotation)
        return tuple(decode(item_type, v) for v in value)
    if origin is dict:
        key_type, value_type = typing.get_args(annotation)
        return {decode(key_type, k): decode(value_type, v) for k, v in value.items()}
    if annotation is Any:
        return value
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return from_record(annotation, value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(value)
    if annotation is datetime:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if annotation is date:
        return date.fromisoformat(value) if isinstance(value, str) else value
    if annotation is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _decode_union(arms: tuple[Any, ...], value: Any) -> Any:
    if value is None and type(None) in arms:
        return None
    if isinstance(value, dict) and MISSING_KEY in value and Missing in arms:
        return Missing(value[MISSING_KEY])
    candidates = [a for a in arms if a is not type(None) and a is not Missing]
    if len(candidates) == 1:
        return decode(candidates[0], value)
    for arm in candidates:
        if (
            isinstance(arm, type)
            and dataclasses.is_dataclass(arm)
            and isinstance(value, dict)
            and {f.name for f in dataclasses.fields(arm)} == set(value)
        ):
            return from_record(arm, value)
    for arm in candidates:
        if arm in (int, float, str, bool) and type(value) is arm:
            return value
    if float in candidates and type(value) is int:
        return float(value)
    raise TypeError(f"cannot decode {value!r} as any of {arms}")
