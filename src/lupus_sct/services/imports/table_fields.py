"""The fields a table import may feed, per entity, and how each cell is read.

Notes
-----
A blank ``tristate`` field is "not evaluated" (never 0, EBMT convention); a blank optional field
is ``None`` (or its ``default``). ``PATIENT_KEYS`` are the identifiers a row's patient is looked up
by (:mod:`lupus_sct.services.imports.table_import`).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.medications import DrugClass, Frequency, Route
from lupus_sct.domain.records.people import Sex


class FieldKind(enum.Enum):
    """How a cell is read."""

    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    ENUM = "enum"
    DESCRIPTORS = "descriptors"  # a list of SLEDAI-2K descriptors


@dataclasses.dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field a table may feed: its kind, whether it is required and what a blank cell means.

    A blank ``tristate`` field is "not evaluated" (never 0); a blank optional field is ``None``
    (or ``default`` when one is given).
    """

    kind: FieldKind
    required: bool = False
    tristate: bool = False
    enum_type: type[enum.Enum] | None = None
    default: Any = None


_TEXT, _DATE = FieldSpec(FieldKind.TEXT), FieldSpec(FieldKind.DATE)
_NUMBER_3 = FieldSpec(FieldKind.NUMBER, tristate=True)
_INTEGER_3 = FieldSpec(FieldKind.INTEGER, tristate=True)
_BOOLEAN_3 = FieldSpec(FieldKind.BOOLEAN, tristate=True)
PATIENT = FieldSpec(FieldKind.TEXT, required=True)
ENTITY_FIELDS: dict[str, dict[str, FieldSpec]] = {
    "patients": {
        "pseudonym": _TEXT,
        "sex": FieldSpec(FieldKind.ENUM, required=True, enum_type=Sex),
        "birth_date": FieldSpec(FieldKind.DATE, required=True),
        "family_name": _TEXT,
        "given_name": _TEXT,
        "hospital_number": _TEXT,
    },
    "assessments": {
        "patient": PATIENT,
        "visit_date": FieldSpec(FieldKind.DATE, required=True),
        "sledai_window_days": FieldSpec(FieldKind.INTEGER, default=30),
        "sledai_descriptors": FieldSpec(FieldKind.DESCRIPTORS, tristate=True),
        "sledai_not_attributed": FieldSpec(FieldKind.DESCRIPTORS, default=()),
        "pga": _NUMBER_3,
        "hemolytic_anemia": _BOOLEAN_3,
        "gi_activity": _BOOLEAN_3,
        "maintenance_therapy_tolerated": _BOOLEAN_3,
        "investigational_drug": _BOOLEAN_3,
        "hospitalised_for_sle": _BOOLEAN_3,
        "tjc28": _INTEGER_3,
        "sjc28": _INTEGER_3,
        "tjc68": _INTEGER_3,
        "sjc66": _INTEGER_3,
        "patient_global_mm": _NUMBER_3,
        "evaluator_global_cm": _NUMBER_3,
        "haq_di": _NUMBER_3,
    },
    "labs": {
        "patient": PATIENT,
        "loinc_code": FieldSpec(FieldKind.TEXT, required=True),
        "value": FieldSpec(FieldKind.NUMBER, required=True),
        "unit": FieldSpec(FieldKind.TEXT, required=True),
        "collected_at": FieldSpec(FieldKind.DATETIME, required=True),
        "reference_low": FieldSpec(FieldKind.NUMBER),
        "reference_high": FieldSpec(FieldKind.NUMBER),
    },
    "medications": {
        "patient": PATIENT,
        "drug_name": _TEXT,
        "rxnorm_code": FieldSpec(FieldKind.TEXT, required=True),
        "drug_class": FieldSpec(FieldKind.ENUM, enum_type=DrugClass),
        "dose": FieldSpec(FieldKind.NUMBER, required=True),
        "dose_unit": FieldSpec(FieldKind.TEXT, required=True),
        "route": FieldSpec(FieldKind.ENUM, required=True, enum_type=Route),
        "frequency": FieldSpec(FieldKind.ENUM, required=True, enum_type=Frequency),
        "start_date": FieldSpec(FieldKind.DATE, required=True),
        "stop_date": _DATE,
    },
}
PATIENT_KEYS = ("pseudonym", "hospital_number")


def check_fields(entity: str, mapped: Iterable[str]) -> None:
    """Refuse a mapping that feeds an unknown field or leaves a required field unfed."""
    if entity not in ENTITY_FIELDS:
        raise InvalidValueError("mapping.entity", entity, f"one of {', '.join(ENTITY_FIELDS)}")
    fields = ENTITY_FIELDS[entity]
    mapped = set(mapped)
    unknown = sorted(mapped - set(fields))
    if unknown:
        raise InvalidValueError(
            "mapping.columns", unknown[0], f"a field of {entity}: {', '.join(fields)}"
        )
    missing = [name for name, spec in fields.items() if spec.required and name not in mapped]
    if missing:
        raise InvalidValueError(
            "mapping.columns",
            missing[0],
            f"a column or a fixed value for each of {', '.join(missing)}",
        )
