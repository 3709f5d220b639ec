"""Read meta-analysis input tables: CSV with metafor's column names (ai, bi, xi, ni, m1i, yi...)."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lupus_sct.analytics.meta_analysis import REQUIRED_COLUMNS, Measure
from lupus_sct.domain.errors import InvalidValueError

LABEL_COLUMNS = ("study", "slab", "study_id")  # first one present names the rows


@dataclass(frozen=True)
class MetaAnalysisTable:
    """Numeric columns needed by a measure, and one label per row."""

    columns: dict[str, list[float]]
    labels: tuple[str, ...]


def read_meta_analysis_table(path: Path, measure: Measure) -> MetaAnalysisTable:
    """Read ``path`` (UTF-8 CSV with a header) for ``measure``; errors name the row and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidValueError("DATA", str(path), f"a readable CSV file ({exc.strerror})") from exc
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in reader.fieldnames or []]
    needed = REQUIRED_COLUMNS[measure]
    missing = [name for name in needed if name not in header]
    if missing:
        accepted = f"columns {', '.join(needed)} for {measure.value}"
        raise InvalidValueError(f"{path.name} header", ", ".join(missing) + " missing", accepted)
    records = [{key.strip(): value for key, value in record.items() if key} for record in reader]
    if not records:
        raise InvalidValueError(path.name, "no rows", "at least one study row")
    columns = {
        name: [_number(record, name, row) for row, record in enumerate(records, 1)]
        for name in needed
    }
    return MetaAnalysisTable(columns, _labels(records, header))


def _number(record: dict[str, str], name: str, row: int) -> float:
    raw = (record.get(name) or "").strip()
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InvalidValueError(f"row {row}.{name}", raw, "a finite number")
    return value


def _labels(records: Sequence[dict[str, str]], header: Sequence[str]) -> tuple[str, ...]:
    column = next((name for name in LABEL_COLUMNS if name in header), None)
    return tuple(
        (record.get(column) or "").strip() or f"Study {row}" if column else f"Study {row}"
        for row, record in enumerate(records, 1)
    )
