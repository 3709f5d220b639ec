"""CKD-EPI 2021 race-free creatinine equation and KDIGO GFR categories.

References
----------
Inker LA, Eneanya ND, Coresh J, et al. New creatinine- and cystatin C-based equations to estimate
GFR without race. N Engl J Med 2021;385:1737-49. doi:10.1056/NEJMoa2102953
Kidney Disease: Improving Global Outcomes (KDIGO) CKD Work Group. KDIGO 2012 clinical practice
guideline for the evaluation and management of chronic kidney disease. Kidney Int Suppl
2013;3:1-150 (GFR categories G1-G5).

Notes
-----
Follows docs/spec/instruments.md §6, and convention C6.

eGFR = 142 x min(Scr/k, 1)^a x max(Scr/k, 1)^-1.200 x 0.9938^age x 1.012 [female], in
mL/min/1.73 m2, with Scr the IDMS-standardised serum creatinine in mg/dL (umol/L / 88.4).

- Validated input: creatinine 0.1-40 mg/dL (8.84-3536 umol/L), checked in the unit supplied;
  age 18-100 years (the platform rejects < 18: use CKiD U25 for them); sex female or male.
- The result is unrounded; the G category is assigned on the unrounded value (convention C6).
  Laboratories print whole numbers, so near a boundary their category can differ.
- This is not the 2009 equation (141, race term) nor the 2021 creatinine-cystatin C equation.
"""

from __future__ import annotations

import dataclasses
import enum

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError
from lupus_sct.domain.records.people import Sex

VERSION = "CKD-EPI 2021 creatinine"  # docs/spec/instruments.md §0.6
CKD_EPI_2021_CONSTANT = 142.0  # Inker 2021, Table 2 (creatinine equation)
CKD_EPI_2021_KAPPA_FEMALE = 0.7  # Inker 2021, Table 2
CKD_EPI_2021_KAPPA_MALE = 0.9  # Inker 2021, Table 2
CKD_EPI_2021_ALPHA_FEMALE = -0.241  # Inker 2021, Table 2
CKD_EPI_2021_ALPHA_MALE = -0.302  # Inker 2021, Table 2
CKD_EPI_2021_HIGH_EXPONENT = -1.200  # Inker 2021, Table 2: max(Scr/k, 1)^-1.200
CKD_EPI_2021_AGE_BASE = 0.9938  # Inker 2021, Table 2: 0.9938^age
CKD_EPI_2021_FEMALE_FACTOR = 1.012  # Inker 2021, Table 2
UMOL_PER_L_PER_MG_DL = 88.4  # docs/spec/instruments.md §0.1 (creatinine)
CREATININE_RANGE_MG_DL = (0.1, 40.0)  # docs/spec/instruments.md §12.3
CREATININE_RANGE_UMOL_L = (8.84, 3536.0)  # docs/spec/instruments.md §12.3 (0.1-40 mg/dL x 88.4)
AGE_RANGE_YEARS = (18, 100)  # Inker 2021 adults; docs/spec/instruments.md §6 (kidney.epi: >100 NA)
G1_MIN = 90.0  # KDIGO 2012: G1 >= 90
G2_MIN = 60.0  # KDIGO 2012: G2 60 to < 90
G3A_MIN = 45.0  # KDIGO 2012: G3a 45 to < 60
G3B_MIN = 30.0  # KDIGO 2012: G3b 30 to < 45
G4_MIN = 15.0  # KDIGO 2012: G4 15 to < 30; G5 < 15


class CreatinineUnit(enum.Enum):
    """Units accepted for serum creatinine."""

    MG_DL = "mg/dL"
    UMOL_L = "umol/L"


class GfrCategory(enum.Enum):
    """KDIGO GFR categories."""

    G1 = "G1"
    G2 = "G2"
    G3A = "G3a"
    G3B = "G3b"
    G4 = "G4"
    G5 = "G5"


@dataclasses.dataclass(frozen=True, slots=True)
class CkdEpi2021Result:
    """An unrounded eGFR (mL/min/1.73 m2) and its KDIGO category."""

    egfr: float
    g_category: GfrCategory
    creatinine_mg_dl: float
    version: str = VERSION


def creatinine_to_mg_dl(value: float, unit: CreatinineUnit) -> float:
    """Convert creatinine to mg/dL after checking it against the validated range of its unit.

    Raises
    ------
    OutOfValidatedRangeError
        Outside 0.1-40 mg/dL or 8.84-3536 umol/L ("creatinine 0 mg/dL is outside 0.1-40").
    """
    low, high = CREATININE_RANGE_MG_DL if unit is CreatinineUnit.MG_DL else CREATININE_RANGE_UMOL_L
    if not low <= value <= high:
        shown = int(value) if float(value).is_integer() else value  # "0 mg/dL", as entered
        raise OutOfValidatedRangeError("creatinine", shown, low, high, unit.value)
    return value if unit is CreatinineUnit.MG_DL else value / UMOL_PER_L_PER_MG_DL


def _egfr(creatinine_mg_dl: float, age_years: int, female: bool) -> float:
    kappa = CKD_EPI_2021_KAPPA_FEMALE if female else CKD_EPI_2021_KAPPA_MALE
    alpha = CKD_EPI_2021_ALPHA_FEMALE if female else CKD_EPI_2021_ALPHA_MALE
    ratio = creatinine_mg_dl / kappa
    egfr: float = (
        CKD_EPI_2021_CONSTANT
        * min(ratio, 1.0) ** alpha
        * max(ratio, 1.0) ** CKD_EPI_2021_HIGH_EXPONENT
        * CKD_EPI_2021_AGE_BASE**age_years
    )
    return egfr * CKD_EPI_2021_FEMALE_FACTOR if female else egfr


def gfr_category(egfr: float) -> GfrCategory:
    """The KDIGO category of an unrounded eGFR (lower bounds inclusive, convention C6)."""
    for bound, category in (
        (G1_MIN, GfrCategory.G1),
        (G2_MIN, GfrCategory.G2),
        (G3A_MIN, GfrCategory.G3A),
        (G3B_MIN, GfrCategory.G3B),
        (G4_MIN, GfrCategory.G4),
    ):
        if egfr >= bound:
            return category
    return GfrCategory.G5


def egfr_ckd_epi_2021(
    creatinine: float, unit: CreatinineUnit, age_years: int, sex: Sex
) -> CkdEpi2021Result:
    """Estimate GFR with the CKD-EPI 2021 creatinine equation.

    Parameters
    ----------
    creatinine
        Serum creatinine, IDMS-standardised, in ``unit``.
    unit
        mg/dL or umol/L (umol/L / 88.4 = mg/dL).
    age_years
        Age in whole years, 18-100.
    sex
        ``Sex.FEMALE`` or ``Sex.MALE``; the equation has no other coefficients.

    Returns
    -------
    CkdEpi2021Result
        eGFR in mL/min/1.73 m2, unrounded, and its KDIGO category.

    Raises
    ------
    OutOfValidatedRangeError
        Creatinine or age outside the validated range.
    InvalidValueError
        Sex other than female or male.
    """
    mg_dl = creatinine_to_mg_dl(creatinine, unit)
    if not AGE_RANGE_YEARS[0] <= age_years <= AGE_RANGE_YEARS[1]:
        raise OutOfValidatedRangeError("age", age_years, *AGE_RANGE_YEARS, "years")
    if sex not in (Sex.FEMALE, Sex.MALE):
        raise InvalidValueError("sex", sex.value, "female or male (sex-specific coefficients)")
    egfr = _egfr(mg_dl, age_years, sex is Sex.FEMALE)
    return CkdEpi2021Result(egfr=egfr, g_category=gfr_category(egfr), creatinine_mg_dl=mg_dl)
