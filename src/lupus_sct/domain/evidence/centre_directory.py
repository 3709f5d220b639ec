"""A directory of treating centres with the facts patients are told to ask a centre about.

References
----------
- Snowden JA et al. Bone Marrow Transplant 2012;47:770-790 (PMID 22002489): HSCT for autoimmune
  disease in JACIE-accredited centres, with multidisciplinary decisions and registry reporting.
- Alexander T et al. Bone Marrow Transplant 2025 (doi:10.1038/s41409-025-02695-y), Table 2:
  referral to a centre combining haematology and disease-specialist teams.
- CIBMTR autologous HSCT for autoimmune disease (n=339): low-volume centres had higher mortality
  (RR 3.5-4.2); docs/spec/evidence.md §1a.

Notes
-----
Procedure volume comes from the platform's own course records, and only for centres that use
the platform; for others it is "not known", never zero. Published outcomes are quoted with their
citation, never computed here.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence

from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.trials.clinical_trials import GeoPoint
from lupus_sct.domain.trials.matching import haversine_km


class Specialty(enum.Enum):
    """Teams a treating centre combines."""

    HAEMATOLOGY_ONCOLOGY = "haematology_oncology"
    RHEUMATOLOGY = "rheumatology"
    NEPHROLOGY = "nephrology"


class Accreditation(enum.Enum):
    """Cellular-therapy accreditation (FACT-JACIE standards)."""

    FACT_JACIE = "FACT-JACIE"
    JACIE = "JACIE"
    FACT = "FACT"


class MscSource(enum.Enum):
    """Tissue the mesenchymal stromal cells are derived from."""

    UMBILICAL_CORD = "umbilical_cord"
    BONE_MARROW = "bone_marrow"
    ADIPOSE = "adipose"


@dataclasses.dataclass(frozen=True, slots=True)
class PublishedOutcome:
    """An outcome a centre has published, quoted with its citation."""

    therapy: CourseKind
    summary: str
    citation: str


@dataclasses.dataclass(frozen=True, slots=True)
class DirectoryCentre:
    """One treating centre; ``code`` links it to a platform centre when it uses the platform."""

    code: str
    name: str
    city: str
    country: str
    geo_point: GeoPoint | None
    specialties: tuple[Specialty, ...]
    accreditations: tuple[Accreditation, ...]
    therapies: tuple[CourseKind, ...]
    msc_sources: tuple[MscSource, ...] = ()
    car_t_targets: tuple[str, ...] = ()
    published_outcomes: tuple[PublishedOutcome, ...] = ()
    uses_platform: bool = False
    illustrative: bool = True

    @property
    def combines_haematology_and_rheumatology(self) -> bool:
        """Alexander 2025: a centre combining haematology and disease-specialist teams."""
        return {Specialty.HAEMATOLOGY_ONCOLOGY, Specialty.RHEUMATOLOGY} <= set(self.specialties)


@dataclasses.dataclass(frozen=True, slots=True)
class CentreFacts:
    """The answers to the questions patients are told to ask, for one centre."""

    centre: DirectoryCentre
    procedure_volume: Mapping[CourseKind, int] | None  # None: centre not on the platform
    distance_km: float | None = None

    def answers(self) -> list[tuple[str, str]]:
        """(question, answer) pairs in the order a patient would ask them."""
        c = self.centre
        teams = ", ".join(s.value for s in c.specialties) or "not stated"
        both = "yes" if c.combines_haematology_and_rheumatology else "no"
        accredited = ", ".join(a.value for a in c.accreditations) or "none stated"
        therapies = ", ".join(t.value for t in c.therapies) or "none stated"
        if c.msc_sources:
            therapies += f" (MSC from {', '.join(s.value for s in c.msc_sources)})"
        if c.car_t_targets:
            therapies += f" (CAR-T targets {', '.join(c.car_t_targets)})"
        outcomes = "; ".join(
            f"{o.therapy.value}: {o.summary} [{o.citation}]" for o in c.published_outcomes
        )
        return [
            ("Haematology/oncology and rheumatology teams together?", f"{both} ({teams})"),
            ("Accredited for cellular therapy (FACT-JACIE)?", accredited),
            ("Which cell therapies are offered?", therapies),
            ("How many procedures by therapy?", self.volume_text()),
            ("Published outcomes?", outcomes or "none published"),
        ]

    def volume_text(self) -> str:
        """Procedure volume by therapy, or why it is not known."""
        if self.procedure_volume is None:
            return "not known (the centre does not record its courses on this platform)"
        counts = [f"{kind.value} {self.procedure_volume.get(kind, 0)}" for kind in CourseKind]
        return ", ".join(counts) + " (courses recorded on this platform)"


def centre_facts(
    centres: Sequence[DirectoryCentre],
    volumes_by_code: Mapping[str, Mapping[CourseKind, int]],
    *,
    near: GeoPoint | None = None,
    therapy: CourseKind | None = None,
) -> list[CentreFacts]:
    """Facts for each centre (offering ``therapy``, if given), nearest first when ``near``."""
    facts = []
    for centre in centres:
        if therapy is not None and therapy not in centre.therapies:
            continue
        volume = volumes_by_code.get(centre.code, {}) if centre.uses_platform else None
        distance = haversine_km(near, centre.geo_point) if near and centre.geo_point else None
        facts.append(CentreFacts(centre, volume, distance))
    return sorted(
        facts,
        key=lambda f: (f.distance_km is None, f.distance_km or 0.0, f.centre.code),
    )
