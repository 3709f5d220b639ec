"""Batch-scoring input (JSON, CSV, Parquet) and JSON output (docs/spec/instruments.md §12.1)."""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from lupus_sct.services.scoring.batch import UnusableInputError, require_flat, typed_csv_record


def read_records(instrument_id: str, path: Path) -> list[Any]:
    """The records of a batch file, chosen by its extension (case-insensitive)."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv", ".parquet"):
        kind = path.suffix or "(none)"
        raise UnusableInputError(
            f"{path}: unsupported file type {kind!r}; use .json, .csv or .parquet"
        )
    if not path.is_file():
        raise UnusableInputError(f"{path}: no such file")
    if suffix == ".json":
        return _read_json(path)
    require_flat(instrument_id, suffix.lstrip(".").upper())
    if suffix == ".csv":
        return _read_csv(instrument_id, path)
    return _read_parquet(path)


def _read_json(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UnusableInputError(f"{path}: cannot be read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise UnusableInputError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(data, list):
        raise UnusableInputError(
            f"{path}: the top level must be a JSON array of records, not {type(data).__name__}"
        )
    return data


def _read_csv(instrument_id: str, path: Path) -> list[Any]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return [typed_csv_record(instrument_id, row) for row in csv.DictReader(handle)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UnusableInputError(f"{path}: cannot be read as UTF-8 CSV: {exc}") from exc


def _read_parquet(path: Path) -> list[Any]:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises several error types for a damaged file
        raise UnusableInputError(f"{path}: cannot be read as Parquet: {exc}") from exc
    return [
        {name: value for name, value in row.items() if not _is_absent(value)}
        for row in frame.iter_rows(named=True)
    ]


def _is_absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def write_records(records: list[Any], output: Path | None) -> str:
    """Write the output array (UTF-8 JSON) atomically to ``output``, or return it for stdout."""
    text = json.dumps(records, ensure_ascii=False, indent=1, default=_json_default, allow_nan=False)
    if output is None:
        return text
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text + "\n")
        Path(temporary).replace(output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return ""
