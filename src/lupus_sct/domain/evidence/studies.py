"""The evidence table: one published result per row, with its provenance and overlap group.

References
----------
docs/spec/evidence.md §0 ("Provenance markers"; "Columns of studies.csv"; "Verify flags and the
memory caution"; "Overlapping cohorts"), which restates the data file's README
(../shared/data/evidence/README.md) and the dossier's section 0.

Notes
-----
- The provenance marker is the bracketed text at the start of ``notes``. Every marker the spec
  lists is accepted; anything else is refused, so a typo cannot silently turn a recalled number
  into a read one.
- A memory marker (``[recall...``) inside ``definition`` marks a single recalled detail: the row
  keeps its provenance from ``notes`` but is still shown with the caution
  (docs/spec/evidence.md §0, "Verify flags and the memory caution").
- Numbers are validated on the table's scales: proportions on 0-1 in ``estimate`` only when
  ``events``/``total`` are given; ``events`` never above ``total``; ``ci_low`` never above
  ``ci_high``.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from lupus_sct.domain.errors import InvalidValueError

# The caution's wording: docs/spec/evidence.md §0, "Verify flags and the memory caution"
MEMORY_CAUTION = "Not verified against the source - confirm before clinical use"

EVIDENCE_COLUMNS = (
    "study_id",
    "first_author",
    "year",
    "journal",
    "pmid_or_doi",
    "therapy",
    "cell_source",
    "design",
    "n",
    "median_followup_months",
    "outcome",
    "definition",
    "timepoint_months",
    "events",
    "total",
    "estimate",
    "ci_low",
    "ci_high",
    "notes",
)


class Provenance(enum.Enum):
    """How well a number is supported (docs/spec/evidence.md §0: [R], [R2], [M], [D], no data)."""

    READ = "read"
    SECONDARY = "secondary"
    MEMORY = "memory"
    DERIVED = "derived"
    NOT_RETRIEVED = "not_retrieved"


PROVENANCE_MARKERS: Mapping[str, Provenance] = {  # docs/spec/evidence.md §0, "Provenance markers"
    "[read]": Provenance.READ,
    "[read: abstract]": Provenance.READ,
    "[read: abstract on citation-index page]": Provenance.READ,
    "[read, secondary source]": Provenance.SECONDARY,
    "[read, secondary table]": Provenance.SECONDARY,
    "[read, secondary table only]": Provenance.SECONDARY,
    "[read, secondary news summary]": Provenance.SECONDARY,
    "[read: abstract start + secondary summaries]": Provenance.SECONDARY,
    "[recall]": Provenance.MEMORY,
    "[recall of abstract; not re-read here]": Provenance.MEMORY,
    "[derived]": Provenance.DERIVED,
    "[not retrieved]": Provenance.NOT_RETRIEVED,
}

VERIFY_PHRASES = ("verify", "not verified", "from recall")  # docs/spec/evidence.md §0
MEMORY_TAG = "[recall"  # may also appear inside `definition` (docs/spec/evidence.md §0)


@dataclass(frozen=True)
class NestedCohort:
    """Reports that describe (some of) the same patients and must never be pooled together."""

    name: str
    study_ids: frozenset[str]


NESTED_COHORTS: tuple[NestedCohort, ...] = (  # docs/spec/evidence.md §0, "Overlapping cohorts"
    NestedCohort(
        "Northwestern programme",
        frozenset({"TRAYNOR2000", "TRAYNOR2002", "BURT2006", "STATKUTE2005"}),
    ),
    NestedCohort("EBMT registry", frozenset({"LISUKOV2004", "JAYNE2004"})),
    NestedCohort("Chinese autologous HSCT programme", frozenset({"ASH2007_CN", "SONG2011"})),
    NestedCohort(
        "Nanjing MSC programme",
        frozenset({"LIANG2010", "SUN2010", "WANG2013_CT", "WANG2017_EULAR", "GU2014"}),
    ),
    NestedCohort("Erlangen CAR-T series", frozenset({"MACKENSEN2022", "MULLER2024", "CASTLE2026"})),
    NestedCohort("relma-cel reports", frozenset({"SHU2025_RELMA", "WANGY2025_RELMA"})),
)

_ARM = re.compile(r"\barm=([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class EvidenceRow:
    """One study-level result of studies.csv, validated, with its provenance parsed.

    ``row_number`` counts data rows from 1 (the header is row 0).
    """

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
    provenance: Provenance
    needs_verification: bool
    has_recalled_detail: bool
    arm: str | None

    @property
    def needs_caution(self) -> bool:
        """Whether the row must be shown with :data:`MEMORY_CAUTION` (docs/spec/evidence.md §0)."""
        return self.provenance is Provenance.MEMORY or self.has_recalled_detail

    @property
    def is_analysable(self) -> bool:
        """``[not retrieved]`` rows hold no outcome data and never enter an analysis."""
        return self.provenance is not Provenance.NOT_RETRIEVED

    @property
    def nested_cohort(self) -> NestedCohort | None:
        """The overlap group this study belongs to, if any."""
        return nested_cohort_of(self.study_id)


def nested_cohort_of(study_id: str) -> NestedCohort | None:
    """The :data:`NESTED_COHORTS` group that contains ``study_id``, or ``None``."""
    for cohort in NESTED_COHORTS:
        if study_id in cohort.study_ids:
            return cohort
    return None


def parse_provenance(notes: str, *, field: str = "notes") -> Provenance:
    """Read the provenance marker that opens ``notes``.

    Raises
    ------
    InvalidValueError
        If ``notes`` does not start with one of the markers in :data:`PROVENANCE_MARKERS`.
    """
    text = notes.strip()
    end = text.find("]")
    marker = text[: end + 1] if text.startswith("[") and end > 0 else ""
    if marker not in PROVENANCE_MARKERS:
        accepted = "notes starting with one of " + ", ".join(PROVENANCE_MARKERS)
        raise InvalidValueError(field, marker or text[:40], accepted)
    return PROVENANCE_MARKERS[marker]


def needs_verification(*texts: str) -> bool:
    """Whether any text carries a verify flag ("verify", "not verified", "from recall")."""
    lowered = " ".join(texts).lower()
    return any(phrase in lowered for phrase in VERIFY_PHRASES)


def evidence_row(
    fields: Mapping[str, str], row_number: int, *, source: str = "studies.csv"
) -> EvidenceRow:
    """Validate one CSV record (column name to text) into an :class:`EvidenceRow`.

    ``source`` names where the record comes from in error messages ("studies.csv", "evidence").

    Raises
    ------
    InvalidValueError
        Naming the row and the column, for a missing column, a malformed number, a negative
        count, ``events`` above ``total`` or ``ci_low`` above ``ci_high``.
    """
    reader = _FieldReader(fields, row_number, source)
    text = reader.text
    row = EvidenceRow(
        row_number=row_number,
        study_id=reader.required("study_id"),
        first_author=text("first_author"),
        year=reader.year(),
        journal=text("journal"),
        pmid_or_doi=text("pmid_or_doi"),
        therapy=reader.required("therapy"),
        cell_source=text("cell_source"),
        design=text("design"),
        n=reader.count("n"),
        median_followup_months=reader.number("median_followup_months", low=0.0),
        outcome=reader.required("outcome"),
        definition=text("definition"),
        timepoint_months=reader.number("timepoint_months", low=0.0),
        events=reader.count("events"),
        total=reader.count("total"),
        estimate=reader.number("estimate"),
        ci_low=reader.number("ci_low"),
        ci_high=reader.number("ci_high"),
        notes=text("notes"),
        provenance=parse_provenance(text("notes"), field=reader.name("notes")),
        needs_verification=needs_verification(text("pmid_or_doi"), text("notes")),
        has_recalled_detail=MEMORY_TAG in text("definition"),
        arm=_arm(text("notes")),
    )
    _check_consistency(row, reader)
    return row


def _arm(notes: str) -> str | None:
    match = _ARM.search(notes)
    return match.group(1) if match else None


def _check_consistency(row: EvidenceRow, reader: _FieldReader) -> None:
    if row.events is not None and row.total is not None and row.events > row.total:
        raise InvalidValueError(reader.name("events"), row.events, f"at most total ({row.total})")
    if row.ci_low is not None and row.ci_high is not None and row.ci_low > row.ci_high:
        raise InvalidValueError(
            reader.name("ci_low"), row.ci_low, f"at most ci_high ({row.ci_high})"
        )


class _FieldReader:
    """Typed access to one record's columns; every error names the row and the column."""

    def __init__(self, fields: Mapping[str, str], row_number: int, source: str) -> None:
        self._fields = fields
        self._row_number = row_number
        self._source = source
        self._study_id = (fields.get("study_id") or "").strip()

    def name(self, column: str) -> str:
        study = f" ({self._study_id})" if self._study_id else ""
        return f"{self._source} row {self._row_number}{study}.{column}"

    def text(self, column: str) -> str:
        if column not in self._fields:
            raise InvalidValueError(self.name(column), None, "the column to be present")
        return (self._fields[column] or "").strip()

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            raise InvalidValueError(self.name(column), value, "a non-empty text")
        return value

    def year(self) -> int:
        value = self.count("year")
        if value is None or not 1900 <= value <= 2100:
            raise InvalidValueError(self.name("year"), value, "a year in 1900-2100")
        return value

    def count(self, column: str) -> int | None:
        raw = self.text(column)
        if not raw:
            return None
        if not raw.isdigit():
            raise InvalidValueError(self.name(column), raw, "a whole number >= 0, or empty")
        return int(raw)

    def number(self, column: str, *, low: float | None = None) -> float | None:
        raw = self.text(column)
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or (low is not None and value < low):
            bound = f" >= {low:g}" if low is not None else ""
            raise InvalidValueError(self.name(column), raw, f"a finite number{bound}, or empty")
        return value
