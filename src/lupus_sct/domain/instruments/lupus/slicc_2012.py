"""2012 Systemic Lupus International Collaborating Clinics (SLICC) classification criteria.

References
----------
Petri M, Orbai AM, Alarcón GS, et al. Derivation and validation of the Systemic Lupus
International Collaborating Clinics classification criteria for systemic lupus erythematosus.
Arthritis Rheum 2012;64:2677-86. doi:10.1002/art.34473

Notes
-----
Follows docs/spec/instruments.md §4. Criteria are cumulative and need not be
concurrent. Classified when either pathway is met:

- ``biopsy``: biopsy-proven lupus nephritis with ANA or anti-dsDNA (anti-Sm alone does not
  qualify). Checked first, so it is reported when both pathways are met (convention C5).
- ``criteria_count``: >= 4 criteria with >= 1 clinical and >= 1 immunologic.

Leukopenia and lymphopenia form one clinical criterion; a direct Coombs test is not counted when
haemolytic anaemia is present. Exclusions (drug-induced cytopenia, infection...) are attested by
the clinician by not entering the criterion (docs/spec/instruments.md §0.5).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection

VERSION = "SLICC 2012"  # docs/spec/instruments.md §0.6
MIN_CRITERIA = 4  # Petri 2012: ">= 4 criteria, including >= 1 clinical and >= 1 immunologic"
MIN_CLINICAL = 1  # Petri 2012
MIN_IMMUNOLOGIC = 1  # Petri 2012


class SliccClinical(enum.Enum):
    """Clinical criteria (Petri 2012, Table 1); leukopenia and lymphopenia share criterion 10."""

    ACUTE_CUTANEOUS_LUPUS = "acute_cutaneous_lupus"
    CHRONIC_CUTANEOUS_LUPUS = "chronic_cutaneous_lupus"
    ORAL_OR_NASAL_ULCERS = "oral_or_nasal_ulcers"
    NON_SCARRING_ALOPECIA = "non_scarring_alopecia"
    SYNOVITIS = "synovitis"
    SEROSITIS = "serositis"
    RENAL = "renal"
    NEUROLOGIC = "neurologic"
    HEMOLYTIC_ANEMIA = "hemolytic_anemia"
    LEUKOPENIA = "leukopenia"
    LYMPHOPENIA = "lymphopenia"
    THROMBOCYTOPENIA = "thrombocytopenia"


class SliccImmunologic(enum.Enum):
    """Immunologic criteria (Petri 2012, Table 1)."""

    ANA = "ana"
    ANTI_DSDNA = "anti_dsdna"
    ANTI_SM = "anti_sm"
    ANTIPHOSPHOLIPID = "antiphospholipid"
    LOW_COMPLEMENT = "low_complement"
    DIRECT_COOMBS = "direct_coombs"


class Slicc2012Pathway(enum.Enum):
    """How the classification was reached."""

    BIOPSY = "biopsy"
    CRITERIA_COUNT = "criteria_count"


_BIOPSY_ANTIBODIES = frozenset(
    {SliccImmunologic.ANA, SliccImmunologic.ANTI_DSDNA}
)  # Petri 2012: biopsy-proven LN "in the presence of ANAs or anti-dsDNA antibodies"


@dataclasses.dataclass(frozen=True, slots=True)
class Slicc2012Result:
    """Outcome of the 2012 SLICC criteria."""

    n_clinical: int
    n_immunologic: int
    classified: bool
    pathway: Slicc2012Pathway | None
    version: str = VERSION


def count_clinical(clinical: Collection[SliccClinical]) -> int:
    """Distinct clinical criteria, leukopenia and lymphopenia counting once (pitfall 1)."""
    present = set(clinical)
    if SliccClinical.LYMPHOPENIA in present:
        present.discard(SliccClinical.LYMPHOPENIA)
        present.add(SliccClinical.LEUKOPENIA)
    return len(present)


def count_immunologic(
    immunologic: Collection[SliccImmunologic], clinical: Collection[SliccClinical]
) -> int:
    """Distinct immunologic criteria; direct Coombs is not counted with haemolytic anaemia."""
    present = set(immunologic)
    if SliccClinical.HEMOLYTIC_ANEMIA in clinical:
        present.discard(SliccImmunologic.DIRECT_COOMBS)
    return len(present)


def classify_slicc_2012(
    clinical: Collection[SliccClinical],
    immunologic: Collection[SliccImmunologic],
    *,
    biopsy_proven_lupus_nephritis: bool = False,
) -> Slicc2012Result:
    """Apply the 2012 SLICC classification criteria.

    Parameters
    ----------
    clinical, immunologic
        Criteria present at any time and not better explained by another cause.
    biopsy_proven_lupus_nephritis
        A renal biopsy compatible with lupus nephritis.

    Returns
    -------
    Slicc2012Result
        Criterion counts, classification and pathway (``biopsy`` first, convention C5).
    """
    n_clinical = count_clinical(clinical)
    n_immunologic = count_immunologic(immunologic, clinical)
    pathway: Slicc2012Pathway | None = None
    if biopsy_proven_lupus_nephritis and _BIOPSY_ANTIBODIES & set(immunologic):
        pathway = Slicc2012Pathway.BIOPSY
    elif (
        n_clinical + n_immunologic >= MIN_CRITERIA
        and n_clinical >= MIN_CLINICAL
        and n_immunologic >= MIN_IMMUNOLOGIC
    ):
        pathway = Slicc2012Pathway.CRITERIA_COUNT
    return Slicc2012Result(
        n_clinical=n_clinical,
        n_immunologic=n_immunologic,
        classified=pathway is not None,
        pathway=pathway,
    )
