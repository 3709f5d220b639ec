"""The mapping of a REDCap import: the table import's mapping with REDCap field names.

See :mod:`lupus_sct.interop.redcap` for the file's form and how each part is used.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from lupus_sct.interop.redcap_dictionary import RedcapDictionary, RedcapField
from lupus_sct.interop.table_import import MappingError, TableMapping, mapping_from_dict
from lupus_sct.services.imports.table_import import ENTITY_FIELDS, FieldKind

RECORD_PREFIX = "RC-"  # the default; a project's own prefix keeps projects apart
RECORD_DIGITS = 4
_PROJECT_KEYS = ("record_prefix", "record_digits", "events")


@dataclasses.dataclass(frozen=True, slots=True)
class RedcapMapping:
    """A table mapping whose columns are REDCap fields, with the project's settings."""

    table: TableMapping
    fields: dict[str, str]  # platform field: REDCap field
    choices: dict[str, dict[str, str]]  # platform field: {REDCap code: platform value}
    record_prefix: str = RECORD_PREFIX
    record_digits: int = RECORD_DIGITS
    events: tuple[str, ...] = ()

    @property
    def patient_field(self) -> str:
        """The platform field the record identifier feeds."""
        return "pseudonym" if self.table.entity == "patients" else "patient"

    def pseudonym(self, record: str) -> str:
        """The pseudonym a REDCap record id becomes (``7`` -> ``RC-0007``)."""
        number = record.zfill(self.record_digits) if record.isdigit() else record
        return self.record_prefix + number


def load_redcap_mapping(path: Path, dictionary: RedcapDictionary) -> RedcapMapping:
    """Read and check a REDCap mapping file against the dictionary."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"cannot read the mapping {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise MappingError(f"the mapping {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise MappingError(f"the mapping {path} must be a YAML mapping (entity:, columns:...)")
    return redcap_mapping_from_dict(data, dictionary)


def redcap_mapping_from_dict(data: dict[str, Any], dictionary: RedcapDictionary) -> RedcapMapping:
    """A checked :class:`RedcapMapping` from the parsed YAML."""
    data = dict(data)
    project = dict(data.pop("redcap", None) or {})
    stray = sorted(set(project) - set(_PROJECT_KEYS))
    if stray:
        raise MappingError(f"unknown redcap: key {stray[0]!r}; expected {', '.join(_PROJECT_KEYS)}")
    for key in ("date_formats", "sheet", "patient_key"):
        if key in data:
            raise MappingError(
                f"{key}: is not used for REDCap (dates follow the dictionary's validation; "
                "patients are matched by the pseudonym made from the record id)"
            )
    fields = {str(k): str(v) for k, v in dict(data.pop("columns", None) or {}).items()}
    values = {str(k): dict(v) for k, v in dict(data.pop("values", None) or {}).items()}
    patient = "pseudonym" if data.get("entity") == "patients" else "patient"
    if patient in fields:
        raise MappingError(f"columns: {patient} is fed by the record id; remove it")
    coded = {f for f, name in fields.items() if _field(dictionary, f, name).choices}
    table = mapping_from_dict(
        {
            **data,
            "columns": {name: name for name in (patient, *fields)},
            "values": {f: table for f, table in values.items() if f not in coded},
        }
    )
    choices = {f: {str(k): str(v) for k, v in values.get(f, {}).items()} for f in coded}
    _check_choices(table, fields, choices, dictionary)
    return RedcapMapping(
        table=table,
        fields=fields,
        choices=choices,
        record_prefix=str(project.get("record_prefix", RECORD_PREFIX)),
        record_digits=_digits(project.get("record_digits", RECORD_DIGITS)),
        events=tuple(str(e) for e in project.get("events") or ()),
    )


def _field(dictionary: RedcapDictionary, platform: str, name: str) -> RedcapField:
    if name not in dictionary.fields:
        raise MappingError(f"columns: {platform}: {name!r} is not a field of the data dictionary")
    return dictionary.fields[name]


def _digits(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 30:
        raise MappingError(f"redcap: record_digits {value!r} is not a whole number 0-30")
    return value


def _check_choices(
    table: TableMapping,
    fields: dict[str, str],
    choices: dict[str, dict[str, str]],
    dictionary: RedcapDictionary,
) -> None:
    specs = ENTITY_FIELDS[table.entity]
    for platform, coded in choices.items():
        field = dictionary.fields[fields[platform]]
        if field.is_checkbox and specs[platform].kind is not FieldKind.DESCRIPTORS:
            raise MappingError(
                f"columns: {platform} is not a list field; the checkbox {field.name} can feed "
                "sledai_descriptors or sledai_not_attributed only"
            )
        unknown = sorted(set(coded) - set(field.choices))
        if unknown:
            raise MappingError(
                f"values: {platform}: {unknown[0]!r} is not a choice code of {field.name} "
                f"({choice_list(field)})"
            )


def choice_list(field: RedcapField) -> str:
    return ", ".join(f"{code} = {label}" for code, label in field.choices.items())
