"""The diagnosis that brings a patient to the programme: SLE or RA.

References
----------
ICD-10 M32 (SLE) and M05/M06 (RA); SNOMED CT 55464009 (systemic lupus erythematosus) and
69896004 (rheumatoid arthritis); docs/spec/pathway.md §10.2.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date

from lupus_sct.domain.codes import check_icd10, check_sctid
from lupus_sct.domain.errors import InvalidValueError


class Disease(enum.Enum):
    """Indications the platform follows."""

    SLE = "SLE"
    RA = "RA"


class ClassificationCriteria(enum.Enum):
    """Published classification criteria a diagnosis may be recorded as meeting."""

    EULAR_ACR_2019 = "EULAR/ACR 2019"  # Aringer 2019, Ann Rheum Dis 78:1151
    SLICC_2012 = "SLICC 2012"  # Petri 2012, Arthritis Rheum 64:2677
    ACR_1997 = "ACR 1997"  # Hochberg 1997, Arthritis Rheum 40:1725
    ACR_EULAR_2010_RA = "ACR/EULAR 2010 RA"  # Aletaha 2010, Ann Rheum Dis 69:1580


ICD10_PREFIXES: dict[Disease, tuple[str, ...]] = {
    Disease.SLE: ("M32",),  # ICD-10 M32 systemic lupus erythematosus
    Disease.RA: ("M05", "M06"),  # ICD-10 M05 seropositive, M06 other rheumatoid arthritis
}
CRITERIA_FOR: dict[Disease, frozenset[ClassificationCriteria]] = {
    Disease.SLE: frozenset(
        {
            ClassificationCriteria.EULAR_ACR_2019,
            ClassificationCriteria.SLICC_2012,
            ClassificationCriteria.ACR_1997,
        }
    ),
    Disease.RA: frozenset({ClassificationCriteria.ACR_EULAR_2010_RA}),
}


@dataclasses.dataclass(frozen=True, slots=True)
class Diagnosis:
    """A coded diagnosis with its onset date and the classification criteria met."""

    id: str
    patient_id: str
    disease: Disease
    icd10_code: str
    snomed_code: str
    onset_date: date
    criteria_met: tuple[ClassificationCriteria, ...] = ()
    version: int = 0

    def __post_init__(self) -> None:
        check_icd10("diagnosis.icd10_code", self.icd10_code, ICD10_PREFIXES[self.disease])
        check_sctid("diagnosis.snomed_code", self.snomed_code)
        wrong = [c for c in self.criteria_met if c not in CRITERIA_FOR[self.disease]]
        if wrong:
            accepted = ", ".join(sorted(c.value for c in CRITERIA_FOR[self.disease]))
            raise InvalidValueError(
                "diagnosis.criteria_met",
                wrong[0].value,
                f"criteria for {self.disease.value}: {accepted}",
            )


def check_onset_date(onset: date, *, birth_date: date, as_of: date) -> None:
    """Refuse an onset before birth or in the future."""
    if not birth_date <= onset <= as_of:
        raise InvalidValueError(
            "diagnosis.onset_date",
            onset.isoformat(),
            f"a date between birth ({birth_date.isoformat()}) and today ({as_of.isoformat()})",
        )
