"""Column-oriented synthetic tables: what a block of generated patients is made of.

Notes
-----
Columns are numpy arrays in the layout of :mod:`.columns`: ids and foreign keys are integers
(formatted as ``syn<seed>-<tag>-<n>`` on output), strings and JSON texts are object arrays,
numbers are float64 with NaN for null, dates are ``datetime64[D]`` and times
``datetime64[us]`` in UTC, both with NaT for null. Nullable booleans are object arrays holding
``True``, ``False`` or ``None``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from lupus_sct.domain.records.adverse_events import CTCAE_VERSION
from lupus_sct.synthetic.columns import TABLES, Column, TableLayout, id_columns

Array = npt.NDArray[Any]
EPOCH = date(1970, 1, 1)
DEFAULTS = {"ctcae_version": CTCAE_VERSION}  # dataclass defaults of non-nullable text columns


@dataclasses.dataclass(frozen=True, slots=True)
class SyntheticChunk:
    """Generated tables for patients ``first_patient`` to ``first_patient + n_patients - 1``."""

    seed: int
    first_patient: int
    n_patients: int
    tables: Mapping[str, Mapping[str, Array]]

    def row_count(self, key: str) -> int:
        """Rows of one table."""
        columns = self.tables[key]
        return len(next(iter(columns.values()))) if columns else 0


def epoch_day(day: date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


def _filler(column: Column, n: int) -> Array:
    if column.name == "version":
        return np.zeros(n, dtype=np.int64)
    if column.name in DEFAULTS:
        return np.full(n, DEFAULTS[column.name], dtype=object)
    if not column.nullable:
        raise KeyError(column.name)
    if column.python_type is float:
        return np.full(n, np.nan)
    if column.python_type is date:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    if column.python_type is datetime:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    return np.full(n, None, dtype=object)


def _coerce(column: Column, values: Any, n: int, is_id: bool) -> Array:
    if is_id:
        return np.broadcast_to(np.asarray(values, dtype=np.int64), (n,)).copy()
    kind = column.python_type
    if column.kind == "json" or kind is str or (kind is bool and column.nullable):
        if isinstance(values, str | bool) or values is None:
            return np.full(n, values, dtype=object)
        return np.asarray(values, dtype=object)
    if kind is date:
        return np.broadcast_to(np.asarray(values, dtype="datetime64[D]"), (n,)).copy()
    if kind is datetime:
        return np.broadcast_to(np.asarray(values, dtype="datetime64[us]"), (n,)).copy()
    dtype = {float: np.float64, int: np.int64, bool: np.bool_}[kind or float]
    return np.broadcast_to(np.asarray(values, dtype=dtype), (n,)).copy()


class TableBuilder:
    """Collects parts of one table and joins them; a part may leave nullable columns out."""

    def __init__(self, layout: TableLayout) -> None:
        self.layout = layout
        self._ids = id_columns(layout)
        self._parts: list[dict[str, Array]] = []

    def add(self, n: int, **columns: Any) -> None:
        """Append ``n`` rows; scalars are broadcast."""
        if n == 0:
            return
        part: dict[str, Array] = {}
        for column in self.layout.columns:
            if column.name in columns:
                part[column.name] = _coerce(
                    column, columns.pop(column.name), n, column.name in self._ids
                )
            elif column.name == "id" and "id" in self._ids:
                part[column.name] = np.full(n, -1, dtype=np.int64)
            else:
                part[column.name] = _filler(column, n)
        if columns:
            raise KeyError(f"{self.layout.key} has no column {sorted(columns)[0]}")
        self._parts.append(part)

    def add_rows(self, names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        """Append rows given as tuples in the order of ``names``."""
        if rows:
            transposed = list(zip(*rows, strict=True))
            self.add(
                len(rows),
                **{name: list(values) for name, values in zip(names, transposed, strict=True)},
            )

    def build(self, id_base: int) -> dict[str, Array]:
        """The table's columns, parts joined; rows without an id get ``id_base + row``."""
        if not self._parts:
            return {c.name: _filler_empty(c, self._ids) for c in self.layout.columns}
        joined = {
            c.name: np.concatenate([part[c.name] for part in self._parts])
            for c in self.layout.columns
        }
        if "id" in self._ids:
            ids = joined["id"]
            unset = ids < 0
            ids[unset] = id_base + np.arange(int(unset.sum()), dtype=np.int64)
        return joined


def _filler_empty(column: Column, ids: Mapping[str, str]) -> Array:
    if column.name in ids or column.name == "version":
        return np.zeros(0, dtype=np.int64)
    kind = column.python_type
    if column.kind == "json" or kind is str or (kind is bool and column.nullable):
        return np.zeros(0, dtype=object)
    dtype: Any = {
        float: np.float64,
        int: np.int64,
        bool: np.bool_,
        date: "datetime64[D]",
        datetime: "datetime64[us]",
    }[kind or float]
    return np.zeros(0, dtype=dtype)


def builders() -> dict[str, TableBuilder]:
    """One empty builder per generated table."""
    return {key: TableBuilder(layout) for key, layout in TABLES.items()}
