"""Batch adapter for ``sri-4`` (docs/spec/instruments.md §12.3), and the BILAG-2004 grade reader
shared with ``bicla``."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import SLEDAI_2K_MAX_SCORE
from lupus_sct.domain.instruments.lupus.sri_4 import PGA_MAX, PGA_MIN, Sri4Assessment, assess_sri_4
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import UnknownIdError, boolean, integer, number

_DOMAINS = {d.value: d for d in BilagDomain}
_GRADES = {g.value: g for g in BilagGrade}


def read_bilag_grades(record: Record, field: str) -> dict[BilagDomain, BilagGrade]:
    """A required object of BILAG-2004 domain name -> grade "A"-"E" (case-sensitive)."""
    value = record.get(field)
    if value is None:
        raise InvalidValueError(field, None, "a value (this field is required)")
    if not isinstance(value, dict):
        raise InvalidValueError(field, value, "an object of BILAG-2004 domain -> grade")
    grades: dict[BilagDomain, BilagGrade] = {}
    for name, grade in value.items():
        if name not in _DOMAINS:
            raise UnknownIdError("BILAG-2004 domain", name)
        if not isinstance(grade, str) or grade not in _GRADES:
            raise InvalidValueError(f"{field}.{name}", grade, "one of 'A', 'B', 'C', 'D', 'E'")
        grades[_DOMAINS[name]] = _GRADES[grade]
    return grades


def read_visit_pair(record: Record) -> dict[str, Any]:
    """The baseline and follow-up fields SRI-4 and BICLA share, as domain keyword arguments."""
    return {
        "sledai_baseline": integer(record, "sledai_baseline", 0, SLEDAI_2K_MAX_SCORE),
        "sledai_followup": integer(record, "sledai_followup", 0, SLEDAI_2K_MAX_SCORE),
        "bilag_baseline": read_bilag_grades(record, "bilag_baseline"),
        "bilag_followup": read_bilag_grades(record, "bilag_followup"),
        "pga_baseline": number(record, "pga_baseline", PGA_MIN, PGA_MAX),
        "pga_followup": number(record, "pga_followup", PGA_MIN, PGA_MAX),
        "treatment_failure": boolean(record, "treatment_failure", default=False),
    }


def score(record: Record) -> dict[str, Any]:
    """Decide SRI-4 response for one record."""
    return {"responder": assess_sri_4(Sri4Assessment(**read_visit_pair(record))).responder}


INSTRUMENT = Instrument(
    id="sri-4",
    version="SRI-4 (Furie 2009)",
    citation="Furie RA et al. Arthritis Rheum 2009;61:1143-51. doi:10.1002/art.24698",
    flat=False,
    score=score,
)
