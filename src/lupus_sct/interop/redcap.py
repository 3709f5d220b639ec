"""Read a REDCap records export through its data dictionary into the rows a table import takes.

The mapping file is the table import's (:mod:`lupus_sct.interop.table_import`) with REDCap
field names in ``columns:``, ``values:`` keyed by REDCap choice codes, and a ``redcap:`` block::

    entity: assessments
    columns:                       # platform field: REDCap field
      visit_date: visit_date       # on the event's non-repeating form
      sledai_descriptors: sledai_items   # a checkbox field: one 0/1 column per choice
      pga: pga
    values:                        # platform field: {REDCap code: platform value}
      sledai_descriptors: {"1": seizure, "2": psychosis, "9": arthritis}
    redcap:
      record_prefix: RC-           # pseudonym of record 7: RC-0007 (the default)
      record_digits: 4
      events: [baseline_arm_1, month_3_arm_1]   # only these events (default: every event)

References
----------
REDCap records export, CSV "raw" (choice codes) or "labels" (choice labels), one row per record
and event in a longitudinal project (column ``redcap_event_name``) and one more row per instance
of a repeating instrument (``redcap_repeat_instrument``, ``redcap_repeat_instance``); REDCap
Help & FAQ, "Longitudinal projects" and "Repeating instruments and events". The dictionary is
read by :mod:`lupus_sct.interop.redcap_dictionary`.

Notes
-----
The record identifier (the dictionary's first field) feeds the patient: ``pseudonym`` of a
``patients`` table, ``patient`` otherwise. A numeric record id is zero-padded to
``record_digits`` after ``record_prefix``: REDCap numbers records 1, 2, 3... and the platform's
pseudonyms need 2-32 characters, so record ``1`` becomes ``RC-0001``; choose a prefix per project
so that two projects' record 1 stay two patients. Rows are chosen by form: when a mapped field
belongs to a repeating instrument, each instance of it is a row, and the mapped fields of other
forms (a visit date on the event's form) come from the same record and event's base row;
otherwise each base row (one per record and event) is a row. A row whose mapped fields are all
blank (a form not filled in that event, every checkbox unticked; for an instance of a repeating
instrument, its own fields) is skipped, not refused. A coded cell is read as its code or, in a
labels export, its label; a choice without an entry in ``values:`` is passed on as its label
(``yesno``/``truefalse`` as 1/0). Dates are read as ISO 8601 (the raw export) or in the order of
the field's validation (``date_dmy``: 31-01-2026).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

from lupus_sct.interop.redcap_dictionary import RedcapDictionary, RedcapField, iso_date_text
from lupus_sct.interop.redcap_mapping import (
    RedcapMapping,
    choice_list,
    load_redcap_mapping,
    redcap_mapping_from_dict,
)
from lupus_sct.interop.table_import import MappingError, SourceTable, parse_rows, read_table
from lupus_sct.services.imports.table_import import RowProblem, TableRow

__all__ = [
    "RedcapMapping",
    "RedcapRows",
    "RowOrigin",
    "load_redcap_mapping",
    "name_origins",
    "read_records",
    "redcap_mapping_from_dict",
    "redcap_rows",
]

EVENT = "redcap_event_name"
REPEAT_INSTRUMENT = "redcap_repeat_instrument"
REPEAT_INSTANCE = "redcap_repeat_instance"
_CHECKED = frozenset({"1", "checked"})
_UNCHECKED = frozenset({"0", "unchecked", ""})
_EXAMPLE = datetime(2026, 1, 31, 8, 15, 30)  # noqa: DTZ001 - shows a format, no instant
_NONE = "none"  # every choice unticked: read as an empty list (table_import)


@dataclasses.dataclass(frozen=True, slots=True)
class RowOrigin:
    """Where a row of the export came from."""

    record: str
    event: str
    instrument: str
    instance: str

    def describe(self) -> str:
        """``record 3, event baseline_arm_1, sledai #2``."""
        parts = [f"record {self.record}"]
        if self.event:
            parts.append(f"event {self.event}")
        if self.instrument or self.instance:
            parts.append(f"{self.instrument or 'instance'} #{self.instance}")
        return ", ".join(parts)


@dataclasses.dataclass(frozen=True, slots=True)
class RedcapRows:
    """The rows to import, where each came from, and how many rows were skipped as blank."""

    rows: list[TableRow]
    origins: dict[int, RowOrigin]
    skipped: int


def read_records(path: Path, dictionary: RedcapDictionary) -> SourceTable:
    """The rows of a records export CSV; refused without the record id column."""
    if path.suffix.lower() != ".csv":
        raise MappingError(f"{path.name}: expected a REDCap records export (.csv)")
    table = read_table(path)
    if dictionary.record_id not in table.columns:
        raise MappingError(
            f"{path.name} has no column {dictionary.record_id!r} (the dictionary's record id); "
            "export the records of the project the dictionary describes"
        )
    return table


def redcap_rows(
    mapping: RedcapMapping, dictionary: RedcapDictionary, records: SourceTable
) -> RedcapRows:
    """The export's rows as the table import's rows, with where each came from."""
    _check_export_columns(mapping, dictionary, records)
    repeating = _repeating_form(mapping, dictionary, records)
    bases = {
        _key(cells, dictionary): cells
        for _, cells in records.rows
        if not _cell(cells, REPEAT_INSTRUMENT)
    }
    converted: list[tuple[int, dict[str, Any]]] = []
    origins: dict[int, RowOrigin] = {}
    refused: dict[int, list[RowProblem]] = {}
    skipped = 0
    for number, cells in records.rows:
        if _cell(cells, REPEAT_INSTRUMENT) != repeating:
            continue
        if mapping.events and _cell(cells, EVENT) not in mapping.events:
            continue
        base = bases.get(_key(cells, dictionary), {})
        row, problems = _convert(mapping, dictionary, number, cells, base, repeating)
        if not problems and not _filled(mapping, dictionary, row, repeating):
            skipped += 1
            continue
        record = _cell(cells, dictionary.record_id)
        row[mapping.patient_field] = mapping.pseudonym(record)
        converted.append((number, row))
        origins[number] = RowOrigin(
            record, _cell(cells, EVENT), repeating, _cell(cells, REPEAT_INSTANCE)
        )
        refused[number] = problems
    table = SourceTable((mapping.patient_field, *mapping.fields), converted)
    rows = [_merge(row, refused[row.number]) for row in parse_rows(mapping.table, table)]
    return RedcapRows(rows, origins, skipped)


def _filled(
    mapping: RedcapMapping, dictionary: RedcapDictionary, row: dict[str, Any], repeating: str
) -> bool:
    """Whether a field of the row's own form holds something (not an unticked checkbox)."""
    for name, value in row.items():
        field = dictionary.fields[mapping.fields[name]]
        own = not repeating or field.form == repeating
        if own and value and not (value == _NONE and field.is_checkbox):
            return True
    return False


def _cell(cells: dict[str, Any], column: str) -> str:
    value = cells.get(column)
    return "" if value is None else str(value).strip()


def _key(cells: dict[str, Any], dictionary: RedcapDictionary) -> tuple[str, str]:
    return _cell(cells, dictionary.record_id), _cell(cells, EVENT)


def _check_export_columns(
    mapping: RedcapMapping, dictionary: RedcapDictionary, records: SourceTable
) -> None:
    if mapping.events and EVENT not in records.columns:
        raise MappingError(
            f"redcap: events are named but the export has no {EVENT} column (not longitudinal)"
        )
    found = sorted({_cell(cells, EVENT) for _, cells in records.rows} - {""})
    if mapping.events and not set(mapping.events) & set(found):
        raise MappingError(
            f"redcap: events: none of {', '.join(mapping.events)} is in the export; its events "
            f"are {', '.join(found)} (name events by their unique names, as in a raw export)"
        )
    for platform, name in mapping.fields.items():
        field = dictionary.fields[name]
        wanted = (
            [c for code in field.choices for c in field.checkbox_columns(code)]
            if field.is_checkbox
            else [name]
        )
        if not any(column in records.columns for column in wanted):
            raise MappingError(
                f"columns: {platform}: the export has no column {wanted[0]!r} "
                f"(REDCap field {name}); export every field the mapping names"
            )


def _repeating_form(
    mapping: RedcapMapping, dictionary: RedcapDictionary, records: SourceTable
) -> str:
    """The repeating instrument whose instances are the rows, or "" for base rows."""
    repeating = {_cell(cells, REPEAT_INSTRUMENT) for _, cells in records.rows} - {""}
    forms = sorted({dictionary.fields[n].form for n in mapping.fields.values()} & repeating)
    if len(forms) > 1:
        raise MappingError(
            f"columns: fields of two repeating instruments ({', '.join(forms)}); "
            "map one repeating instrument per import"
        )
    return forms[0] if forms else ""


def _convert(
    mapping: RedcapMapping,
    dictionary: RedcapDictionary,
    number: int,
    cells: dict[str, Any],
    base: dict[str, Any],
    repeating: str,
) -> tuple[dict[str, Any], list[RowProblem]]:
    row: dict[str, Any] = {}
    problems: list[RowProblem] = []
    for platform, name in mapping.fields.items():
        field = dictionary.fields[name]
        source = cells if not repeating or field.form == repeating else base
        try:
            row[platform] = _value(mapping, platform, field, source)
        except _RedcapCellError as exc:
            row[platform] = ""
            problems.append(RowProblem(number, platform, exc.value, str(exc)))
    return row, problems


class _RedcapCellError(ValueError):
    def __init__(self, message: str, value: str) -> None:
        super().__init__(message)
        self.value = value


def _value(mapping: RedcapMapping, platform: str, field: RedcapField, cells: dict[str, Any]) -> str:
    if field.is_checkbox:
        return _checkbox(mapping, platform, field, cells)
    text = _cell(cells, field.name)
    if not text:
        return ""
    if field.choices:
        code = _code(field, text)
        if code in mapping.choices.get(platform, {}):
            return mapping.choices[platform][code]
        return code if field.field_type in ("yesno", "truefalse") else field.choices[code]
    if field.is_date:
        iso = iso_date_text(field, text)
        if iso is None:
            raise _RedcapCellError(
                f"REDCap field {field.name}: {text!r} is not a {field.validation} date "
                f"(written like {', '.join(_EXAMPLE.strftime(f) for f in field.date_formats())})",
                text,
            )
        return iso
    return text


def _code(field: RedcapField, text: str) -> str:
    if text in field.choices:
        return text
    for code, label in field.choices.items():
        if label.lower() == text.lower():
            return code
    raise _RedcapCellError(
        f"REDCap field {field.name}: {text!r} is not one of its choices ({choice_list(field)})",
        text,
    )


def _checkbox(
    mapping: RedcapMapping, platform: str, field: RedcapField, cells: dict[str, Any]
) -> str:
    ticked, seen = [], False
    for code, label in field.choices.items():
        column = next((c for c in field.checkbox_columns(code) if c in cells), None)
        text = "" if column is None else _cell(cells, column)
        seen = seen or bool(text)
        if text.lower() in _CHECKED or (text and text.lower() == label.lower()):
            ticked.append(mapping.choices.get(platform, {}).get(code, label))
        elif text.lower() not in _UNCHECKED:
            raise _RedcapCellError(
                f"REDCap field {column}: {text!r} is not 1/0 or Checked/Unchecked", text
            )
    if not ticked:
        return _NONE if seen else ""
    return mapping.table.list_separator.join(ticked)


def _merge(row: TableRow, refused: list[RowProblem]) -> TableRow:
    """The reader's own problems replace what parsing made of the cells it refused."""
    if not refused:
        return row
    fields = {p.field for p in refused}
    kept = tuple(p for p in row.problems if p.field not in fields)
    return dataclasses.replace(row, problems=(*refused, *kept))


def name_origins(problems: tuple[RowProblem, ...], rows: RedcapRows) -> tuple[RowProblem, ...]:
    """Each problem with the record, event and instance of its row in front of its text."""
    named = []
    for problem in problems:
        origin = rows.origins.get(problem.row)
        if origin is not None:
            text = f"{origin.describe()}: {problem.problem}"
            problem = dataclasses.replace(problem, problem=text)
        named.append(problem)
    return tuple(named)
