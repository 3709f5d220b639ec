"""Adverse events (CTCAE terms and grades), infections and GVHD episodes.

References
----------
NCI Common Terminology Criteria for Adverse Events v5.0 (27 November 2017): grades 1-5.
Attribution scale: NCI CTEP adverse event reporting guidelines (unrelated, unlikely, possible,
probable, definite). Serious adverse event: ICH E2A (death, life-threatening, hospitalisation...).
MAGIC acute GVHD grades 0-IV: Harris AC et al. Biol Blood Marrow Transplant 2016;22:4-10.
NIH chronic GVHD global severity: Jagasia MH et al. Biol Blood Marrow Transplant 2015;21:389-401.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date

from lupus_sct.domain.errors import InvalidValueError

CTCAE_GRADES = range(1, 6)  # CTCAE v5.0: grade 1 mild ... grade 5 death
CTCAE_VERSION = "5.0"


class Attribution(enum.Enum):
    """Relationship of an event to the cell therapy (NCI CTEP)."""

    UNRELATED = "unrelated"
    UNLIKELY = "unlikely"
    POSSIBLE = "possible"
    PROBABLE = "probable"
    DEFINITE = "definite"
    UNKNOWN = "unknown"


class InfectionKind(enum.Enum):
    """Organism class, as registry forms collect it."""

    BACTERIAL = "bacterial"
    VIRAL = "viral"
    FUNGAL = "fungal"
    PARASITIC = "parasitic"
    UNKNOWN = "unknown"


class GvhdKind(enum.Enum):
    """Acute (MAGIC grade 0-4) or chronic (NIH global severity 1-3: mild, moderate, severe)."""

    ACUTE = "acute"
    CHRONIC = "chronic"


@dataclasses.dataclass(frozen=True, slots=True)
class AdverseEvent:
    """An adverse event graded by CTCAE v5.0."""

    id: str
    patient_id: str
    course_id: str | None
    ctcae_term: str
    grade: int
    onset_date: date
    serious: bool
    attribution: Attribution
    resolution_date: date | None = None
    ctcae_version: str = CTCAE_VERSION
    version: int = 0

    def __post_init__(self) -> None:
        if not self.ctcae_term.strip():
            raise InvalidValueError(
                "adverse_event.ctcae_term", self.ctcae_term, "a CTCAE v5.0 term"
            )
        if isinstance(self.grade, bool) or self.grade not in CTCAE_GRADES:
            raise InvalidValueError("adverse_event.grade", self.grade, "a CTCAE grade 1-5")
        _check_resolution("adverse_event", self.onset_date, self.resolution_date)


@dataclasses.dataclass(frozen=True, slots=True)
class Infection:
    """A documented infection."""

    id: str
    patient_id: str
    course_id: str | None
    kind: InfectionKind
    organism: str
    site: str
    onset_date: date
    resolution_date: date | None = None
    version: int = 0

    def __post_init__(self) -> None:
        _check_resolution("infection", self.onset_date, self.resolution_date)


@dataclasses.dataclass(frozen=True, slots=True)
class GvhdEpisode:
    """An episode of graft-versus-host disease with its worst grade."""

    id: str
    patient_id: str
    course_id: str
    kind: GvhdKind
    onset_date: date
    max_grade: int
    resolution_date: date | None = None
    version: int = 0

    def __post_init__(self) -> None:
        grades = range(5) if self.kind is GvhdKind.ACUTE else range(1, 4)
        if isinstance(self.max_grade, bool) or self.max_grade not in grades:
            accepted = "a MAGIC grade 0-4" if self.kind is GvhdKind.ACUTE else "NIH severity 1-3"
            raise InvalidValueError("gvhd.max_grade", self.max_grade, accepted)
        _check_resolution("gvhd", self.onset_date, self.resolution_date)


def _check_resolution(entity: str, onset: date, resolution: date | None) -> None:
    if resolution is not None and resolution < onset:
        raise InvalidValueError(
            f"{entity}.resolution_date",
            resolution.isoformat(),
            f"a date on or after the onset ({onset.isoformat()})",
        )
