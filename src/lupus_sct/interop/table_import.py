"""Read a CSV, Excel (.xlsx) or Parquet table through a YAML mapping file into rows to import.

A mapping file says which entity the table holds and how each field is fed::

    entity: labs                    # patients | assessments | labs | medications
    patient_key: pseudonym          # or hospital_number: how the patient column is matched
    columns:                        # field: source column
      patient: Study number
      loinc_code: Test
      value: Result
      collected_at: Sampled
    fixed:                          # field: the same value for every row
      unit: mg/dL
    date_formats:                   # field: strptime formats tried in order
      collected_at: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
    values:                         # field: {source text: value}, applied before reading
      loinc_code: {CREAT: 2160-0}
    timezone: Europe/London         # where times without an offset were read (default UTC)
    list_separator: ";"             # between SLEDAI-2K descriptors (default ";")
    sheet: Results                  # Excel only (default: the first sheet)

Notes
-----
Rows are numbered as a spreadsheet shows them: the header is row 1 and the first record row 2
(CSV and Excel); a Parquet file has no header row, so its first record is row 1. Rows whose cells
are all blank are skipped. A blank cell of a tri-state field is "not evaluated" (EBMT
convention, never 0); the texts ``not_evaluated``/``not evaluated`` and ``unknown`` say so
explicitly. Dates without ``date_formats`` are read as ISO 8601 (``2026-01-31``); Excel and
Parquet cells that already hold dates are taken as they are. The rules of each field (units,
ranges, codes) are not checked here but by the domain records and use cases
(:mod:`lupus_sct.services.imports.table_import`), exactly as for a user's input.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.missing import Missing
from lupus_sct.services.imports.table_import import (
    ENTITY_FIELDS,
    PATIENT_KEYS,
    FieldKind,
    FieldSpec,
    RowProblem,
    TableRow,
    check_fields,
)
from lupus_sct.services.storable_text import unstorable_reason

SUFFIXES = (".csv", ".xlsx", ".parquet")
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
_MISSING_TEXT = {
    "not_evaluated": Missing.NOT_EVALUATED,
    "not evaluated": Missing.NOT_EVALUATED,
    "unknown": Missing.UNKNOWN,
}


class MappingError(ValueError):
    """The mapping file, or the table it is applied to, cannot be used at all."""


@dataclasses.dataclass(frozen=True, slots=True)
class TableMapping:
    """How one table feeds one entity's fields."""

    entity: str
    columns: dict[str, str]
    fixed: dict[str, Any] = dataclasses.field(default_factory=dict)
    date_formats: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    values: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)
    patient_key: str = "pseudonym"
    timezone: str = "UTC"
    list_separator: str = ";"
    sheet: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class SourceTable:
    """The header and the non-blank rows of a file, each with its row number."""

    columns: tuple[str, ...]
    rows: list[tuple[int, dict[str, Any]]]


def load_mapping(path: Path) -> TableMapping:
    """Read and check a mapping file; :class:`MappingError` names what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"cannot read the mapping {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise MappingError(f"the mapping {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise MappingError(f"the mapping {path} must be a YAML mapping (entity:, columns:...)")
    return mapping_from_dict(data)


def mapping_from_dict(data: dict[str, Any]) -> TableMapping:
    """A checked :class:`TableMapping` from the parsed YAML."""
    known = {f.name for f in dataclasses.fields(TableMapping)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise MappingError(
            f"unknown mapping key {unknown[0]!r}; expected {', '.join(sorted(known))}"
        )
    columns = _str_dict(data.get("columns") or {}, "columns")
    fixed = dict(data.get("fixed") or {})
    formats = {
        field: tuple([value] if isinstance(value, str) else value)
        for field, value in dict(data.get("date_formats") or {}).items()
    }
    values = {
        field: {_text(k): _text(v) for k, v in dict(table).items()}
        for field, table in dict(data.get("values") or {}).items()
    }
    mapping = TableMapping(
        entity=str(data.get("entity", "")),
        columns=columns,
        fixed=fixed,
        date_formats=formats,
        values=values,
        patient_key=str(data.get("patient_key", "pseudonym")),
        timezone=str(data.get("timezone", "UTC")),
        list_separator=str(data.get("list_separator", ";")),
        sheet=None if data.get("sheet") is None else str(data["sheet"]),
    )
    _check(mapping)
    return mapping


def _str_dict(value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise MappingError(f"{key} must map field names to column names")
    return {str(k): str(v) for k, v in value.items()}


def _check(mapping: TableMapping) -> None:
    try:
        check_fields(mapping.entity, [*mapping.columns, *mapping.fixed])
    except DomainError as exc:
        raise MappingError(str(exc)) from exc
    fields = ENTITY_FIELDS[mapping.entity]
    for key, named in (("date_formats", mapping.date_formats), ("values", mapping.values)):
        stray = sorted(set(named) - set(fields))
        if stray:
            raise MappingError(f"{key}: {stray[0]!r} is not a field of {mapping.entity}")
    both = sorted(set(mapping.columns) & set(mapping.fixed))
    if both:
        raise MappingError(f"{both[0]!r} has both a column and a fixed value; keep one")
    if mapping.patient_key not in PATIENT_KEYS:
        raise MappingError(f"patient_key must be one of {', '.join(PATIENT_KEYS)}")
    try:
        ZoneInfo(mapping.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MappingError(f"timezone {mapping.timezone!r} is not an IANA time zone") from exc


def read_table(path: Path, *, sheet: str | None = None) -> SourceTable:
    """The rows of a .csv (UTF-8), .xlsx or .parquet file."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise MappingError(f"{path.name}: expected a {', '.join(SUFFIXES)} file")
    try:
        if suffix == ".csv":
            return _read_csv(path)
        if suffix == ".xlsx":
            return _read_xlsx(path, sheet)
        return _read_parquet(path)
    except OSError as exc:
        raise MappingError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path.name} is not UTF-8 text: {exc.reason}") from exc


def _read_csv(path: Path) -> SourceTable:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader, []))
        rows = [
            (number, dict(zip(header, cells, strict=False)))
            for number, cells in enumerate(reader, start=2)
            if any(cell.strip() for cell in cells)
        ]
    return SourceTable(header, rows)


def _read_xlsx(path: Path, sheet: str | None) -> SourceTable:
    import openpyxl  # type: ignore[import-untyped]  # only Excel files need it

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise MappingError(
                f"{path.name} has no sheet {sheet!r} ({', '.join(workbook.sheetnames)})"
            )
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        cells = worksheet.iter_rows(values_only=True)
        header = tuple("" if c is None else str(c) for c in next(cells, ()))
        rows = [
            (number, dict(zip(header, values, strict=False)))
            for number, values in enumerate(cells, start=2)
            if any(_text(v) for v in values)
        ]
    finally:
        workbook.close()
    return SourceTable(header, rows)


def _read_parquet(path: Path) -> SourceTable:
    import polars as pl

    frame = pl.read_parquet(path)
    rows = [
        (number, row)
        for number, row in enumerate(frame.iter_rows(named=True), start=1)
        if any(_text(v) for v in row.values())
    ]
    return SourceTable(tuple(frame.columns), rows)


def check_columns(mapping: TableMapping, table: SourceTable) -> None:
    """Refuse a table that lacks a column the mapping names."""
    absent = [c for c in mapping.columns.values() if c not in table.columns]
    if absent:
        raise MappingError(
            f"the file has no column {absent[0]!r}; its columns are {', '.join(table.columns)}"
        )


def parse_rows(mapping: TableMapping, table: SourceTable) -> Iterator[TableRow]:
    """Each row's typed values, with a report line for every cell that cannot be read."""
    fields = ENTITY_FIELDS[mapping.entity]
    zone = ZoneInfo(mapping.timezone)
    for number, cells in table.rows:
        values: dict[str, Any] = {}
        raw: dict[str, str] = {}
        problems: list[RowProblem] = []
        for name, spec in fields.items():
            if name in mapping.columns:
                cell = cells.get(mapping.columns[name])
            elif name in mapping.fixed:
                cell = mapping.fixed[name]
            elif spec.tristate or spec.default is not None:
                cell = None
            else:
                continue
            raw[name] = _text(cell)
            try:
                values[name] = _read_cell(mapping, name, spec, cell, zone)
            except _CellError as exc:
                problems.append(RowProblem(number, name, raw[name], str(exc)))
        yield TableRow(number, values, raw, tuple(problems))


class _CellError(ValueError):
    pass


def _read_cell(mapping: TableMapping, name: str, spec: FieldSpec, cell: Any, zone: ZoneInfo) -> Any:
    text = _text(cell)
    unstorable = unstorable_reason(text)
    if unstorable is not None:  # the row is refused, the same on both databases
        raise _CellError(f"{name} {unstorable}")
    mapped = mapping.values.get(name, {})
    if text in mapped:
        cell = text = mapped[text]
    if spec.tristate and text.lower() in _MISSING_TEXT:
        return _MISSING_TEXT[text.lower()]
    if not text:
        if spec.required:
            raise _CellError(f"{name} is required")
        return Missing.NOT_EVALUATED if spec.tristate else spec.default
    return _READERS[spec.kind](mapping, name, spec, cell, zone)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an Excel or Parquet number read back as 8640.0
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _read_text(mapping: TableMapping, name: str, spec: FieldSpec, cell: Any, zone: ZoneInfo) -> Any:
    return _text(cell)


def _read_number(
    mapping: TableMapping, name: str, spec: FieldSpec, cell: Any, zone: ZoneInfo
) -> Any:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        number = float(cell)
    else:
        try:
            number = float(_text(cell))
        except ValueError:
            raise _CellError(f"{name}: {_text(cell)!r} is not a number") from None
    if not math.isfinite(number):
        raise _CellError(f"{name}: {_text(cell)!r} is not a finite number")
    return number


def _read_integer(
    mapping: TableMapping, name: str, spec: FieldSpec, cell: Any, zone: ZoneInfo
) -> Any:
    number = _read_number(mapping, name, spec, cell, zone)
    if not number.is_integer():
        raise _CellError(f"{name}: {_text(cell)!r} is not a whole number")
    return int(number)


def _read_boolean(
    mapping: TableMapping, name: str, spec: FieldSpec, cell: Any, zone: ZoneInfo
) -> Any:
    if isinstance(cell, bool):
        return cell
    text = _text(cell).lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise _CellError(f"{name}: {_text(cell)!r} is not yes/no (true, false, yes, no, 1, 0)")


def _read_enum(mapping: TableMapping, name: str, spec: FieldSpec, cell: Any, zone: ZoneInfo) -> Any:
    if spec.enum_type is None:
        raise TypeError(f"the field {name} has no enumeration type")
    text = _text(cell)
    for member in spec.enum_type:
        if str(member.value).lower() == text.lower():
            return member
    accepted = ", ".join(str(m.value) for m in spec.enum_type)
    raise _CellError(f"{name}: {text!r} is not one of {accepted} (add it to values: to map it)")


def _read_descriptors(
    mapping: TableMapping, name: str, spec: FieldSpec, cell: Any, zone: ZoneInfo
) -> Any:
    text = _text(cell)
    if text.lower() == "none":
        return ()
    found = []
    for part in (p.strip() for p in text.split(mapping.list_separator)):
        if not part:
            continue
        try:
            found.append(SledaiDescriptor(part.lower()))
        except ValueError:
            raise _CellError(
                f"{name}: {part!r} is not a SLEDAI-2K descriptor "
                f"({', '.join(d.value for d in SledaiDescriptor)})"
            ) from None
    return tuple(found)


def _read_date(mapping: TableMapping, name: str, spec: FieldSpec, cell: Any, zone: ZoneInfo) -> Any:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _text(cell)
    formats = mapping.date_formats.get(name)
    if not formats:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise _CellError(f"{name}: {text!r} is not a date like 2026-01-31") from None
    return _strptime(name, text, formats).date()


def _read_datetime(
    mapping: TableMapping, name: str, spec: FieldSpec, cell: Any, zone: ZoneInfo
) -> Any:
    if isinstance(cell, datetime):
        moment = cell
    elif isinstance(cell, date):
        moment = datetime.combine(cell, time(0, 0))
    else:
        text = _text(cell)
        formats = mapping.date_formats.get(name)
        if formats:
            moment = _strptime(name, text, formats)
        else:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                raise _CellError(
                    f"{name}: {text!r} is not a date-time like 2026-01-31T08:15 "
                    "(give date_formats: in the mapping for other forms)"
                ) from None
    if moment.utcoffset() is not None:
        return moment.astimezone(UTC)
    return _local_to_utc(name, moment, zone)


def _local_to_utc(name: str, moment: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in ``zone``; refused if DST skips or repeats it."""
    earlier = moment.replace(tzinfo=zone, fold=0)
    later = moment.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        gap = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment
        what = "does not exist" if gap else "happened twice"
        raise _CellError(
            f"{name}: {moment.isoformat()} {what} in {zone.key} (a daylight-saving change); "
            "give the time with its UTC offset"
        )
    return earlier.astimezone(UTC)


def _strptime(name: str, text: str, formats: tuple[str, ...]) -> datetime:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)  # noqa: DTZ007 - the zone is applied by the caller
        except ValueError:
            continue
    raise _CellError(f"{name}: {text!r} matches none of the formats {', '.join(formats)}")


_READERS = {
    FieldKind.TEXT: _read_text,
    FieldKind.NUMBER: _read_number,
    FieldKind.INTEGER: _read_integer,
    FieldKind.BOOLEAN: _read_boolean,
    FieldKind.ENUM: _read_enum,
    FieldKind.DESCRIPTORS: _read_descriptors,
    FieldKind.DATE: _read_date,
    FieldKind.DATETIME: _read_datetime,
}
