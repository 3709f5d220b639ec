"""2019 EULAR/ACR classification criteria for systemic lupus erythematosus.

References
----------
Aringer M, Costenbader K, Daikh D, et al. 2019 European League Against Rheumatism/American
College of Rheumatology classification criteria for systemic lupus erythematosus.
Ann Rheum Dis 2019;78:1151-9. doi:10.1136/annrheumdis-2018-214819
Arthritis Rheumatol 2019;71:1400-12. doi:10.1002/art.40930

Notes
-----
Follows docs/spec/instruments.md §3.

- Entry criterion: ANA >= 1:80 on HEp-2 cells (or an equivalent positive test) at least once. It
  carries no points; without it the patient is not classified.
- Within each domain only the highest-weighted criterion counts; the score is the sum of the
  domain maxima (0-51). It is computed even without the entry criterion, for information.
- Classified when the entry criterion is met, the score is >= 10 (inclusive) and at least one
  clinical criterion is present.
- A criterion with a more likely explanation than SLE is simply not entered
  (docs/spec/instruments.md §0.5): attribution is a clinician attestation, never inferred.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection

VERSION = "EULAR/ACR 2019"  # docs/spec/instruments.md §0.6
CLASSIFICATION_MIN_SCORE = 10  # Aringer 2019: "classify as SLE with a score of >= 10 points"
MAX_SCORE = 51  # Aringer 2019: sum of domain maxima, 39 clinical + 12 immunologic


class EularAcrDomain(enum.Enum):
    """The ten additive domains; the second element says whether the domain is clinical."""

    CONSTITUTIONAL = ("constitutional", True)  # Aringer 2019, Figure 1
    HEMATOLOGIC = ("hematologic", True)  # Aringer 2019, Figure 1
    NEUROPSYCHIATRIC = ("neuropsychiatric", True)  # Aringer 2019, Figure 1
    MUCOCUTANEOUS = ("mucocutaneous", True)  # Aringer 2019, Figure 1
    SEROSAL = ("serosal", True)  # Aringer 2019, Figure 1
    MUSCULOSKELETAL = ("musculoskeletal", True)  # Aringer 2019, Figure 1
    RENAL = ("renal", True)  # Aringer 2019, Figure 1
    ANTIPHOSPHOLIPID_ANTIBODIES = ("antiphospholipid_antibodies", False)  # Aringer 2019, Fig 1
    COMPLEMENT_PROTEINS = ("complement_proteins", False)  # Aringer 2019, Figure 1
    SLE_SPECIFIC_ANTIBODIES = ("sle_specific_antibodies", False)  # Aringer 2019, Figure 1

    @property
    def is_clinical(self) -> bool:
        """Whether the domain is clinical (the others are immunologic)."""
        return self.value[1]


_D = EularAcrDomain


class EularAcrCriterion(enum.Enum):
    """The 22 weighted criteria: (batch id, domain, weight) from Aringer 2019, Figure 1."""

    FEVER = ("fever", _D.CONSTITUTIONAL, 2)
    LEUKOPENIA = ("leukopenia", _D.HEMATOLOGIC, 3)
    THROMBOCYTOPENIA = ("thrombocytopenia", _D.HEMATOLOGIC, 4)
    AUTOIMMUNE_HEMOLYSIS = ("autoimmune_hemolysis", _D.HEMATOLOGIC, 4)
    DELIRIUM = ("delirium", _D.NEUROPSYCHIATRIC, 2)
    PSYCHOSIS = ("psychosis", _D.NEUROPSYCHIATRIC, 3)
    SEIZURE = ("seizure", _D.NEUROPSYCHIATRIC, 5)
    NON_SCARRING_ALOPECIA = ("non_scarring_alopecia", _D.MUCOCUTANEOUS, 2)
    ORAL_ULCERS = ("oral_ulcers", _D.MUCOCUTANEOUS, 2)
    SUBACUTE_CUTANEOUS_OR_DISCOID_LUPUS = (
        "subacute_cutaneous_or_discoid_lupus",
        _D.MUCOCUTANEOUS,
        4,
    )
    ACUTE_CUTANEOUS_LUPUS = ("acute_cutaneous_lupus", _D.MUCOCUTANEOUS, 6)
    PLEURAL_OR_PERICARDIAL_EFFUSION = ("pleural_or_pericardial_effusion", _D.SEROSAL, 5)
    ACUTE_PERICARDITIS = ("acute_pericarditis", _D.SEROSAL, 6)
    JOINT_INVOLVEMENT = ("joint_involvement", _D.MUSCULOSKELETAL, 6)
    PROTEINURIA_GT_0_5G_24H = ("proteinuria_gt_0_5g_24h", _D.RENAL, 4)
    RENAL_BIOPSY_CLASS_II_OR_V = ("renal_biopsy_class_ii_or_v", _D.RENAL, 8)
    RENAL_BIOPSY_CLASS_III_OR_IV = ("renal_biopsy_class_iii_or_iv", _D.RENAL, 10)
    ANTIPHOSPHOLIPID_ANTIBODIES = (
        "antiphospholipid_antibodies",
        _D.ANTIPHOSPHOLIPID_ANTIBODIES,
        2,
    )
    LOW_C3_OR_LOW_C4 = ("low_c3_or_low_c4", _D.COMPLEMENT_PROTEINS, 3)
    LOW_C3_AND_LOW_C4 = ("low_c3_and_low_c4", _D.COMPLEMENT_PROTEINS, 4)
    ANTI_DSDNA_OR_ANTI_SMITH = ("anti_dsdna_or_anti_smith", _D.SLE_SPECIFIC_ANTIBODIES, 6)

    @property
    def id(self) -> str:
        """The batch id of the criterion."""
        return self.value[0]

    @property
    def domain(self) -> EularAcrDomain:
        """The domain the criterion belongs to."""
        return self.value[1]

    @property
    def weight(self) -> int:
        """The criterion's weight in points."""
        return self.value[2]

    @classmethod
    def from_id(cls, criterion_id: str) -> EularAcrCriterion:
        """The criterion with this batch id; ``KeyError`` if there is none."""
        return _BY_ID[criterion_id]


_BY_ID = {criterion.id: criterion for criterion in EularAcrCriterion}
CRITERION_IDS = tuple(_BY_ID)


@dataclasses.dataclass(frozen=True, slots=True)
class EularAcr2019Result:
    """Outcome of the 2019 EULAR/ACR criteria."""

    entry_met: bool
    score: int
    has_clinical_criterion: bool
    classified: bool
    version: str = VERSION


def domain_maxima(criteria: Collection[EularAcrCriterion]) -> dict[EularAcrDomain, int]:
    """The highest weight present in each domain that has any criterion (pitfall 1)."""
    maxima: dict[EularAcrDomain, int] = {}
    for criterion in criteria:
        maxima[criterion.domain] = max(maxima.get(criterion.domain, 0), criterion.weight)
    return maxima


def classify_eular_acr_2019(
    ana_ge_1_80: bool, criteria: Collection[EularAcrCriterion]
) -> EularAcr2019Result:
    """Apply the 2019 EULAR/ACR classification criteria.

    Parameters
    ----------
    ana_ge_1_80
        ANA at a titre >= 1:80 on HEp-2 cells, or an equivalent positive test, ever (entry).
    criteria
        Criteria present at any time with no more likely explanation than SLE.

    Returns
    -------
    EularAcr2019Result
        Entry criterion, score (0-51, sum of domain maxima), and classification.
    """
    score = sum(domain_maxima(criteria).values())
    clinical = any(criterion.domain.is_clinical for criterion in criteria)
    return EularAcr2019Result(
        entry_met=ana_ge_1_80,
        score=score,
        has_clinical_criterion=clinical,
        classified=ana_ge_1_80 and clinical and score >= CLASSIFICATION_MIN_SCORE,
    )
