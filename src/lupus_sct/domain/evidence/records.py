"""An evidence row as a stored, versioned record: the studies.csv columns with an id.

References
----------
docs/spec/evidence.md §0 (the columns and their scales) and issue 7, item 1 ("rows can
be added and edited through the CLI and the API, with the audit trail").

Notes
-----
- A record keeps only the columns a person writes. Provenance, the verify flag, the recalled-detail
  caution and the arm are re-derived by :func:`lupus_sct.domain.evidence.studies.evidence_row`
  every time
  the record is read, so an edit of ``notes`` can never leave a stale provenance behind.
- Every write is validated by the same function that validates the shipped table; a change that
  would not load from studies.csv is refused.
- ``row_number`` orders the records as the shipped table does; added rows follow it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.evidence.studies import EVIDENCE_COLUMNS, EvidenceRow, evidence_row

RECORD_SOURCE = "evidence"  # how errors name a stored row ("evidence row 148 (X).events")


@dataclasses.dataclass(frozen=True)
class EvidenceRecord:
    """One stored evidence row (the studies.csv columns, typed) with its id and version."""

    id: str
    row_number: int
    study_id: str
    first_author: str
    year: int
    journal: str
    pmid_or_doi: str
    therapy: str
    cell_source: str
    design: str
    n: int | None
    median_followup_months: float | None
    outcome: str
    definition: str
    timepoint_months: float | None
    events: int | None
    total: int | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    notes: str
    version: int = 1

    @property
    def row(self) -> EvidenceRow:
        """The validated row, with provenance and cautions derived from the stored text."""
        return evidence_row(column_texts(self), self.row_number, source=RECORD_SOURCE)


def record_of(row: EvidenceRow, *, record_id: str, version: int = 1) -> EvidenceRecord:
    """The stored form of a validated row."""
    values = {column: getattr(row, column) for column in EVIDENCE_COLUMNS}
    return EvidenceRecord(id=record_id, row_number=row.row_number, version=version, **values)


def column_texts(record: EvidenceRecord) -> dict[str, str]:
    """The record's columns as the text studies.csv would hold (empty for no value)."""
    return {column: _text(getattr(record, column)) for column in EVIDENCE_COLUMNS}


def texts_from_values(values: Mapping[str, object], *, field: str) -> dict[str, str]:
    """Column texts from JSON-like values (text, number or null); unknown columns are refused.

    Raises
    ------
    InvalidValueError
        Naming ``field`` and the column, for an unknown column or a value that is not text, a
        number or null.
    """
    texts: dict[str, str] = {}
    for column, value in values.items():
        if column not in EVIDENCE_COLUMNS:
            raise InvalidValueError(field, column, "one of " + ", ".join(EVIDENCE_COLUMNS))
        if isinstance(value, bool) or not isinstance(value, str | int | float | type(None)):
            raise InvalidValueError(f"{field}.{column}", value, "a text, a number or null")
        texts[column] = _text(value)
    return texts


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)
