"""Who the synthetic patients are: demographics, diagnosis, disease profile and referral.

Notes
-----
All draws are vectorised over a block of patients. Dates are whole days since 1970-01-01.
The disease course before therapy lasts 2-5 years (the issue's brief); a share of patients is
referred to a cell-therapy programme at the end of it, the others are followed without one.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np

from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.records.diagnosis import ClassificationCriteria
from lupus_sct.synthetic import calibration as cal
from lupus_sct.synthetic.tables import Array, TableBuilder

DAYS_PER_YEAR = 365.25
PRE_THERAPY_MIN_DAYS, PRE_THERAPY_MAX_DAYS = 730, 1826  # 2-5 years of course before therapy
HISTORY_YEARS = 12  # referrals spread over the 12 years before as_of, for long follow-up
LAST_REFERRAL_DAYS_BEFORE_AS_OF = 30  # the newest courses are still in their first weeks

SLE_REFERRAL_SHARE = 0.5  # ASSUMPTION: refractory cohort, half referred to a programme
RA_REFERRAL_SHARE = 0.3  # ASSUMPTION
KINDS = (CourseKind.AUTOLOGOUS_HSCT, CourseKind.ALLOGENEIC_HSCT, CourseKind.MSC, CourseKind.CAR_T)
KIND_MIX = (0.40, 0.10, 0.22, 0.28)  # ASSUMPTION: auto HSCT is the EBMT clinical option
PROTOCOL_IDS = {
    (CourseKind.AUTOLOGOUS_HSCT, 0): "auto-hsct-sle",
    (CourseKind.AUTOLOGOUS_HSCT, 1): "auto-hsct-ra",
    (CourseKind.ALLOGENEIC_HSCT, 0): "allo-hsct-sle",
    (CourseKind.MSC, 0): "uc-msc-sle",
    (CourseKind.CAR_T, 0): "cd19-car-t-sle",
}  # the shipped protocols (src/lupus_sct/protocols)

# Organ profile shares among SLE patients (the domains a patient's flares involve).
PROFILE_SHARES = {
    "renal": cal.SLE_NEPHRITIS_SHARE,
    "mucocutaneous": 0.7,  # ASSUMPTION (general practice)
    "musculoskeletal": 0.6,  # ASSUMPTION
    "haematological": 0.35,  # ASSUMPTION
    "serosal": 0.25,  # ASSUMPTION
    "neuro": 0.06,  # ASSUMPTION
    "serology": 0.85,  # ASSUMPTION: anti-dsDNA or low complement during flares
}

SLE_ICD10 = ("M32.1", "M32.9")  # ICD-10 M32.1 with organ involvement, M32.9 unspecified
RA_ICD10 = ("M05.9", "M06.9")  # ICD-10 M05.9 seropositive, M06.9 unspecified
SLE_SNOMED, RA_SNOMED = "55464009", "69896004"  # diagnosis.py references
_SLE_CRITERIA_SETS = (
    (ClassificationCriteria.EULAR_ACR_2019,),
    (ClassificationCriteria.EULAR_ACR_2019, ClassificationCriteria.SLICC_2012),
    (ClassificationCriteria.SLICC_2012, ClassificationCriteria.ACR_1997),
    (
        ClassificationCriteria.EULAR_ACR_2019,
        ClassificationCriteria.SLICC_2012,
        ClassificationCriteria.ACR_1997,
    ),
)
SLE_CRITERIA_JSON = tuple(json.dumps([c.value for c in s]) for s in _SLE_CRITERIA_SETS)
RA_CRITERIA_JSON = json.dumps([ClassificationCriteria.ACR_EULAR_2010_RA.value])


@dataclasses.dataclass(frozen=True, slots=True)
class Population:
    """Patient-level arrays of one block (index ``i`` is the block's i-th patient)."""

    patient: Array  # global patient number (also the course number)
    centre: Array
    is_ra: Array
    female: Array
    birth: Array
    onset: Array
    observed_from: Array
    index_day: Array  # referral day, or the end of the observed course when not referred
    kind: Array  # index into KINDS, -1 when not referred
    profile: dict[str, Array]

    @property
    def size(self) -> int:
        """Patients in the block."""
        return len(self.patient)


def draw_population(
    rng: np.random.Generator, first_patient: int, n: int, as_of: int, n_centres: int
) -> Population:
    """Draw the patients of a block."""
    is_ra = rng.random(n) < cal.RA_SHARE
    female = np.where(is_ra, rng.random(n) < 0.75, rng.random(n) < cal.SLE_FEMALE_SHARE)
    referred = rng.random(n) < np.where(is_ra, RA_REFERRAL_SHARE, SLE_REFERRAL_SHARE)
    kind = np.where(referred, rng.choice(len(KINDS), size=n, p=KIND_MIX), -1)
    kind = np.where(referred & is_ra, 0, kind)
    latest = as_of - LAST_REFERRAL_DAYS_BEFORE_AS_OF
    index_day = latest - rng.integers(0, int(HISTORY_YEARS * DAYS_PER_YEAR), n)
    age_years = np.where(
        is_ra, rng.normal(48, 9, n), cal.SLE_MEDIAN_AGE_YEARS + 3 + rng.normal(0, 9, n)
    )
    age_years = np.where(referred, np.clip(age_years, 19, 62), np.clip(age_years, 16, 80))
    birth = index_day - (age_years * DAYS_PER_YEAR).astype(np.int64)
    observed_from = index_day - rng.integers(PRE_THERAPY_MIN_DAYS, PRE_THERAPY_MAX_DAYS + 1, n)
    onset = observed_from - rng.integers(30, 4 * 365, n)
    onset = np.maximum(onset, birth + 12 * 365)
    profile = {name: rng.random(n) < share for name, share in PROFILE_SHARES.items()}
    return Population(
        patient=first_patient + np.arange(n, dtype=np.int64),
        centre=rng.integers(0, n_centres, n),
        is_ra=is_ra,
        female=female,
        birth=birth,
        onset=onset,
        observed_from=observed_from,
        index_day=index_day,
        kind=kind,
        profile=profile,
    )


def add_people(pop: Population, rng: np.random.Generator, tables: dict[str, TableBuilder]) -> None:
    """Patients, their (synthetic) identities and diagnoses."""
    n = pop.size
    tables["patients"].add(
        n,
        id=pop.patient,
        pseudonym=np.array([f"SYN-{p:09d}" for p in pop.patient.tolist()], dtype=object),
        sex=np.where(pop.female, "female", "male").astype(object),
        birth_date=pop.birth.astype("datetime64[D]"),
        centre_id=pop.centre,
    )
    tables["identities"].add(
        n,
        patient_id=pop.patient,
        family_name="Synthetic",
        given_name=np.array([f"Patient {p}" for p in pop.patient.tolist()], dtype=object),
        hospital_number=np.array([f"SYN{p:09d}" for p in pop.patient.tolist()], dtype=object),
    )
    sle_icd = np.array(SLE_ICD10, dtype=object)[rng.integers(0, len(SLE_ICD10), n)]
    ra_icd = np.array(RA_ICD10, dtype=object)[rng.integers(0, len(RA_ICD10), n)]
    criteria = np.array(SLE_CRITERIA_JSON, dtype=object)[rng.integers(0, len(SLE_CRITERIA_JSON), n)]
    tables["diagnoses"].add(
        n,
        patient_id=pop.patient,
        disease=np.where(pop.is_ra, "RA", "SLE").astype(object),
        icd10_code=np.where(pop.is_ra, ra_icd, sle_icd),
        snomed_code=np.where(pop.is_ra, RA_SNOMED, SLE_SNOMED).astype(object),
        onset_date=pop.onset.astype("datetime64[D]"),
        criteria_met=np.where(pop.is_ra, RA_CRITERIA_JSON, criteria),
    )
