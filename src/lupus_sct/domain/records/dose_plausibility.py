"""Plausibility ceilings on medication doses: guards against keying and unit errors.

References
----------
Fanouriakis A, et al. EULAR recommendations for the management of systemic lupus
erythematosus: 2023 update. Ann Rheum Dis 2024;83:15-29. doi:10.1136/ard-2023-224762
(intravenous methylprednisolone pulses of 250-1000 mg/day; IVIG 2 g/kg for refractory
thrombocytopenia). British National Formulary, "Glucocorticoid therapy" (methylprednisolone
4 mg = prednisolone 5 mg) and BNF for Children, "Methylprednisolone" (pulses 10-30 mg/kg once
daily, max 1 g). Shah BR, Finberg L. J Pediatr 1994;125:487-490 (cholecalciferol 600,000 IU in
one day, "stoss" therapy). Burt RK, et al. JAMA 2006;295:527-535 (autologous HSCT in SLE:
cyclophosphamide 2 g/m2 mobilisation). Mackensen A, et al. Nat Med 2022;28:2124-2132 and
Mueller F, et al. N Engl J Med 2024;390:687-700 (CD19 CAR T cells in SLE, 1 x 10^6/kg).

Notes
-----
These are not clinical limits: each ceiling is at or above the largest dose any of these sources
gives, so a real prescription never reaches it while ``1e12 mg`` or a dose typed in the wrong
unit does (issue #15). A catalogued glucocorticoid in mg is held to the highest daily dose used
clinically, a 1 g methylprednisolone pulse, as prednisone equivalent; every dose is held to the
ceiling of its unit. Bounds are inclusive; the error gives the ceiling in the dose's own unit.
"""

from __future__ import annotations

from lupus_sct.domain.errors import OutOfValidatedRangeError
from lupus_sct.domain.records.medications import DRUGS, MedicationExposure

MAX_GLUCOCORTICOID_PREDNISONE_MG_PER_DAY = 1250.0  # methylprednisolone 1 g/day (EULAR 2023) x 5/4
MAX_GLUCOCORTICOID_PREDNISONE_MG_PER_KG = 37.5  # methylprednisolone 30 mg/kg pulse (BNFC) x 5/4
MAX_MASS_MG_PER_ADMINISTRATION = 400_000.0  # IVIG 2 g/kg (EULAR 2023) for a 200 kg adult
MAX_MASS_MG_PER_KG = 2_000.0  # IVIG 2 g/kg (EULAR 2023), the largest per-kg dose in SLE care
MAX_MASS_MG_PER_M2 = 10_000.0  # 5 x cyclophosphamide 2 g/m2 mobilisation (Burt 2006)
MAX_INTERNATIONAL_UNITS = 600_000.0  # cholecalciferol 600,000 IU "stoss" dose (Shah 1994)
MAX_MILLION_CELLS_PER_KG = 100.0  # 100 x CD19 CAR-T 1e6/kg (Mueller 2024); above CD34+ grafts

_MG_PER = {"mg": 1.0, "g": 1000.0, "ug": 0.001}  # mass units, as mg
_MG_PER_KG = {"mg/kg": 1.0, "ug/kg": 0.001}
_MG_PER_M2 = {"mg/m2": 1.0, "g/m2": 1000.0}
_CEILINGS: dict[str, tuple[dict[str, float], float]] = {
    **{unit: (_MG_PER, MAX_MASS_MG_PER_ADMINISTRATION) for unit in _MG_PER},
    **{unit: (_MG_PER_KG, MAX_MASS_MG_PER_KG) for unit in _MG_PER_KG},
    **{unit: (_MG_PER_M2, MAX_MASS_MG_PER_M2) for unit in _MG_PER_M2},
    "[IU]": ({"[IU]": 1.0}, MAX_INTERNATIONAL_UNITS),
    "10*6/kg": ({"10*6/kg": 1.0}, MAX_MILLION_CELLS_PER_KG),
}


def check_dose_plausible(exposure: MedicationExposure) -> None:
    """Refuse a dose above the ceiling of its unit or, for a glucocorticoid, of its class.

    Called by the use cases that record or correct an exposure (every path in: API, table and
    FHIR import), not by the record itself, so a record stored before the ceilings stays readable.

    Parameters
    ----------
    exposure
        One administration of ``dose`` ``dose_unit`` (a unit without a ceiling is not checked),
        ``frequency.per_day`` times a day (a single dose counts as one day's dose); a catalogued
        glucocorticoid is held to its prednisone equivalent.

    Raises
    ------
    OutOfValidatedRangeError
        ``medication.dose`` with the ceiling in ``dose_unit``.
    """
    known = DRUGS.get(exposure.rxnorm_code)
    prednisone_factor = known.prednisone_factor if known is not None else None
    dose, dose_unit, per_day = exposure.dose, exposure.dose_unit, exposure.frequency.per_day
    if dose_unit not in _CEILINGS:
        return
    scale, ceiling = _CEILINGS[dose_unit]
    high = ceiling / scale[dose_unit]
    if prednisone_factor is not None and dose_unit in {**_MG_PER, **_MG_PER_KG}:
        limit, per = (
            (MAX_GLUCOCORTICOID_PREDNISONE_MG_PER_DAY, _MG_PER)
            if dose_unit in _MG_PER
            else (MAX_GLUCOCORTICOID_PREDNISONE_MG_PER_KG, _MG_PER_KG)
        )
        daily_high = limit / prednisone_factor / max(per_day, 1.0) / per[dose_unit]
        high = min(high, daily_high)
    if dose > high:
        raise OutOfValidatedRangeError("medication.dose", dose, 0, _rounded(high), dose_unit)


def _rounded(value: float) -> float:
    return float(f"{value:.6g}")
