"""Which text may leave in the de-identified export: coded values only (issue #15, finding 10).

Notes
-----
A scrubber that looks for identifiers cannot find a name it does not know ("wife Maria Lopez
informed"), a hospital or a home town; so text is kept only when it comes from a closed
vocabulary, and every other text cell is withheld (written empty):

- an enumeration value of a stored record (course kind, disease, criteria, attribution...);
- a CTCAE v5.0 term (:mod:`lupus_sct.domain.instruments.transplant.ctcae_v5_terms`); a term stored
  before terms were
  coded is written as :data:`UNCODED_TERM`, never as its text;
- a follow-up label of the form the schedules use (``day +30``, ``6 months``, ``year 2``);
- a protocol id that is a slug (lower-case letters, digits, ``-`` ``_`` ``.``, no space), and
  contains no name, hospital number or pseudonym of any patient (checked by the caller's
  scrubber);
- the name of a drug in the RxNorm catalogue (agent names such as ``cyclophosphamide``).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
import typing
from typing import Any

from lupus_sct.domain.instruments.transplant.ctcae_v5_terms import is_coded_term
from lupus_sct.domain.records.medications import DRUGS
from lupus_sct.interop.table_export import TABLES

UNCODED_TERM = "uncoded"  # an adverse-event term typed before terms were coded: withheld
_LABEL = re.compile(r"day \+\d{1,5}|\d{1,3} (week|month)s?|year \d{1,2}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def ctcae_term(value: str) -> str:
    """The coded term, or :data:`UNCODED_TERM`."""
    return value if is_coded_term(value) else UNCODED_TERM


def follow_up_label(value: str) -> str | None:
    """A schedule label (``day +100``), or ``None``."""
    return value if _LABEL.fullmatch(value) else None


def slug(value: str) -> str | None:
    """An identifier-like slug (``auto-hsct-sle``), or ``None``."""
    return value if _SLUG.fullmatch(value) else None


def is_vocabulary_text(value: str) -> bool:
    """Whether ``value`` is an enumeration value of a stored record or a catalogued drug name."""
    return value in enumeration_values() or value in _DRUG_NAMES


_DRUG_NAMES = frozenset(drug.name for drug in DRUGS.values())


@functools.cache
def enumeration_values() -> frozenset[str]:
    """Every value of every enumeration reachable from the exported record types."""
    found: set[type[enum.Enum]] = set()
    for spec in TABLES.values():
        _collect(spec.cls, found, set())
    return frozenset(str(member.value) for kind in found for member in kind)


def _collect(annotation: Any, found: set[type[enum.Enum]], seen: set[Any]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        found.add(annotation)
        return
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        if annotation in seen:
            return
        seen.add(annotation)
        for hint in typing.get_type_hints(annotation).values():
            _collect(hint, found, seen)
        return
    for argument in typing.get_args(annotation):
        _collect(argument, found, seen)
