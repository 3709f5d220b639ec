"""Read a REDCap data dictionary CSV: each field's form, type, coded choices and date format.

References
----------
REDCap data dictionary, the CSV downloaded from a project's "Dictionary" page (REDCap Help &
FAQ, "Data Dictionary"): 18 columns, of which this reader uses "Variable / Field Name",
"Form Name", "Field Type", "Choices, Calculations, OR Slider Labels" (``code, label`` pairs
separated by ``|``) and "Text Validation Type OR Show Slider Number" (``date_ymd``,
``date_dmy``, ``date_mdy``, ``datetime_ymd``, ``datetime_seconds_dmy``...). The first field of a
dictionary is the project's record identifier.

Notes
-----
A checkbox field is exported as one 0/1 column per choice, named ``<field>___<code>``; a code
holding characters not allowed in a variable name (``-1``, ``1.5``) has them written as ``_``
(``<field>____1``), and both the code and that form are accepted here. Field types ``yesno``
and ``truefalse`` are coded ``1``/``0`` by REDCap itself and carry no choices column.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime
from pathlib import Path

VARIABLE = "Variable / Field Name"
FORM = "Form Name"
FIELD_TYPE = "Field Type"
CHOICES = "Choices, Calculations, OR Slider Labels"
VALIDATION = "Text Validation Type OR Show Slider Number"
REQUIRED_COLUMNS = (VARIABLE, FORM, FIELD_TYPE, CHOICES, VALIDATION)
CODED_TYPES = frozenset({"radio", "dropdown", "checkbox"})
BUILT_IN_CHOICES = {
    "yesno": {"1": "Yes", "0": "No"},
    "truefalse": {"1": "True", "0": "False"},
}
_DATE_ORDER = {"ymd": "%Y-%m-%d", "dmy": "%d-%m-%Y", "mdy": "%m-%d-%Y"}


class DictionaryError(ValueError):
    """The data dictionary cannot be used at all."""


@dataclasses.dataclass(frozen=True, slots=True)
class RedcapField:
    """One row of the data dictionary."""

    name: str
    form: str
    field_type: str
    choices: dict[str, str]  # code: label, in the dictionary's order
    validation: str = ""

    @property
    def is_checkbox(self) -> bool:
        """Exported as one 0/1 column per choice."""
        return self.field_type == "checkbox"

    @property
    def is_date(self) -> bool:
        """A text field validated as a date or a date-time."""
        return self.validation.startswith(("date_", "datetime_"))

    def checkbox_columns(self, code: str) -> tuple[str, ...]:
        """The export column names one checkbox choice may have."""
        safe = "".join(c if c.isalnum() or c == "_" else "_" for c in code.lower())
        return tuple(dict.fromkeys((f"{self.name}___{code.lower()}", f"{self.name}___{safe}")))

    def date_formats(self) -> tuple[str, ...]:
        """strptime formats for the field's validation, ISO 8601 first (REDCap's raw export)."""
        if not self.is_date:
            return ()
        order = self.validation.rsplit("_", 1)[-1]
        day = _DATE_ORDER.get(order, _DATE_ORDER["ymd"])
        days = (_DATE_ORDER["ymd"], day, day.replace("-", "/"))
        if self.validation.startswith("date_"):
            return tuple(dict.fromkeys(days))
        clock = ("%H:%M:%S", "%H:%M") if "seconds" in self.validation else ("%H:%M", "%H:%M:%S")
        return tuple(dict.fromkeys(f"{d} {t}" for d in days for t in clock))


@dataclasses.dataclass(frozen=True, slots=True)
class RedcapDictionary:
    """The fields of a project, by name; ``record_id`` names the record identifier field."""

    fields: dict[str, RedcapField]
    record_id: str


def read_dictionary(path: Path) -> RedcapDictionary:
    """The fields of a data dictionary CSV; :class:`DictionaryError` names what is wrong."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise DictionaryError(f"cannot read the dictionary {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise DictionaryError(f"{path.name} is not UTF-8 text: {exc.reason}") from exc
    header = rows[0].keys() if rows else ()
    absent = [c for c in REQUIRED_COLUMNS if c not in header]
    if absent:
        raise DictionaryError(
            f"{path.name} is not a REDCap data dictionary: no column {absent[0]!r} "
            f"(expected {', '.join(REQUIRED_COLUMNS)})"
        )
    fields = [_field(row) for row in rows if (row.get(VARIABLE) or "").strip()]
    if not fields:
        raise DictionaryError(f"{path.name} defines no field")
    return RedcapDictionary({f.name: f for f in fields}, record_id=fields[0].name)


def _field(row: dict[str, str]) -> RedcapField:
    name = row[VARIABLE].strip()
    field_type = (row[FIELD_TYPE] or "").strip().lower()
    if field_type in BUILT_IN_CHOICES:
        choices = dict(BUILT_IN_CHOICES[field_type])
    elif field_type in CODED_TYPES:
        choices = parse_choices(name, row[CHOICES] or "")
    else:
        choices = {}
    return RedcapField(
        name=name,
        form=(row[FORM] or "").strip(),
        field_type=field_type,
        choices=choices,
        validation=(row[VALIDATION] or "").strip().lower(),
    )


def parse_choices(name: str, text: str) -> dict[str, str]:
    """``1, Female | 2, Male`` as ``{"1": "Female", "2": "Male"}``."""
    choices: dict[str, str] = {}
    for part in (p.strip() for p in text.split("|")):
        if not part:
            continue
        code, comma, label = part.partition(",")
        if not comma or not code.strip():
            raise DictionaryError(
                f"field {name}: choice {part!r} is not 'code, label' (choices are separated by |)"
            )
        choices[code.strip()] = label.strip()
    return choices


def iso_date_text(field: RedcapField, text: str) -> str | None:
    """The ISO 8601 form of a date cell, or None when no format of the field matches."""
    for fmt in field.date_formats():
        try:
            moment = datetime.strptime(text, fmt)  # noqa: DTZ007 - a wall-clock time, zoned later
        except ValueError:
            continue
        return (
            moment.date().isoformat()
            if field.validation.startswith("date_")
            else (moment.isoformat())
        )
    return None
