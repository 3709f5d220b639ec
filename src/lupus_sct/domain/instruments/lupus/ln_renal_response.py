"""Lupus nephritis (LN) renal response: KDIGO 2024 and EULAR/ERA-EDTA 2019 definitions.

References
----------
Kidney Disease: Improving Global Outcomes (KDIGO) Lupus Nephritis Work Group. KDIGO 2024
clinical practice guideline for the management of lupus nephritis. Kidney Int 2024;105(1S):
S1-S69. doi:10.1016/j.kint.2023.09.002
Fanouriakis A, Kostopoulou M, Cheema K, et al. 2019 update of the Joint European League Against
Rheumatism and European Renal Association-European Dialysis and Transplant Association
(EULAR/ERA-EDTA) recommendations for the management of lupus nephritis. Ann Rheum Dis
2020;79:713-23. doi:10.1136/annrheumdis-2020-216924

Notes
-----
Follows docs/spec/instruments.md §5.6, decision D8 (both definitions, by name) and
convention C2 (one computable value per published band; every value used is returned).

- Units: urine protein-creatinine ratio (UPCR) in g/g; eGFR in mL/min/1.73 m2.
- KDIGO 2024: kidney function is acceptable when follow-up eGFR >= (1 - decline%) x baseline
  (default 15%, configurable 10-15%); any rise is "improved".
- EULAR/ERA-EDTA 2019: (near-)normal GFR is follow-up eGFR >= 90% of a normal reference (default
  90, so the default bar is 81); the complete-response UPCR threshold defaults to 0.5 g/g
  (configurable 0.5-0.7).
- Partial (both): follow-up UPCR <= 50% of baseline and < 3.0 g/g, with kidney function acceptable.
- Ratio and difference thresholds are compared with the 1e-9 tolerance of decision D11.
- The category is computed whatever the timepoint; a "none" before month 6 means "not yet
  responded", not treatment failure. All inputs are required: there is no missing-data rule.
"""

from __future__ import annotations

import dataclasses
import enum

from lupus_sct.domain.comparisons import at_least, at_most, below
from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError

KDIGO_COMPLETE_UPCR_G_PER_G = 0.5  # KDIGO 2024, Figure 3: complete response "<0.5 g/g"
PARTIAL_REDUCTION_FRACTION = 0.5  # KDIGO 2024 and Fanouriakis 2020: ">= 50% reduction"
PARTIAL_MAX_UPCR_G_PER_G = 3.0  # KDIGO 2024 "<3 g/g"; Fanouriakis 2020 sub-nephrotic; convention C2
KDIGO_DEFAULT_MAX_DECLINE_PCT = 15.0  # KDIGO 2024: "stable (within +/-10-15%)"; convention C2
KDIGO_MAX_DECLINE_PCT_RANGE = (10.0, 15.0)  # KDIGO 2024 band; docs/spec/instruments.md §12.3
EULAR_DEFAULT_COMPLETE_UPCR_G_PER_G = 0.5  # Fanouriakis 2020: "<0.5-0.7 g/g"; convention C2
EULAR_COMPLETE_UPCR_RANGE_G_PER_G = (0.5, 0.7)  # Fanouriakis 2020 band
EULAR_NEAR_NORMAL_FRACTION = 0.9  # Fanouriakis 2020: "within 10% of normal GFR"; convention C2
EULAR_DEFAULT_NORMAL_EGFR = 90.0  # convention C2: normal reference 90 mL/min/1.73 m2
EULAR_NORMAL_EGFR_RANGE = (60.0, 120.0)  # docs/spec/instruments.md §12.3
UPCR_RANGE_G_PER_G = (0.0, 30.0)  # docs/spec/instruments.md §12.3 (baseline must be > 0)
EGFR_RANGE = (1.0, 200.0)  # docs/spec/instruments.md §12.3, mL/min/1.73 m2
MONTHS_RANGE = (0.0, 120.0)  # docs/spec/instruments.md §12.3, months since induction start


class LnDefinition(enum.Enum):
    """The named renal response definitions (decision D8)."""

    KDIGO_2024 = "KDIGO_2024"
    EULAR_ERA_EDTA_2019 = "EULAR_ERA_EDTA_2019"


class LnResponse(enum.Enum):
    """Renal response category."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    NONE = "none"


def _check_range(field: str, value: float, bounds: tuple[float, float], unit: str) -> None:
    if not bounds[0] <= value <= bounds[1]:
        raise OutOfValidatedRangeError(field, value, bounds[0], bounds[1], unit)


@dataclasses.dataclass(frozen=True, slots=True)
class LnRenalMeasurements:
    """Baseline and follow-up kidney measurements.

    Raises
    ------
    InvalidValueError
        When a value is outside its validated range (UPCR 0-30 g/g with baseline > 0; eGFR
        1-200 mL/min/1.73 m2; months 0-120).
    """

    upcr_baseline_g_per_g: float
    upcr_followup_g_per_g: float
    egfr_baseline: float
    egfr_followup: float
    months_from_start: float

    def __post_init__(self) -> None:
        if self.upcr_baseline_g_per_g == 0:
            raise InvalidValueError(
                "upcr_baseline_g_per_g", self.upcr_baseline_g_per_g, "a value > 0 and <= 30 g/g"
            )
        _check_range("upcr_baseline_g_per_g", self.upcr_baseline_g_per_g, UPCR_RANGE_G_PER_G, "g/g")
        _check_range("upcr_followup_g_per_g", self.upcr_followup_g_per_g, UPCR_RANGE_G_PER_G, "g/g")
        _check_range("egfr_baseline", self.egfr_baseline, EGFR_RANGE, "mL/min/1.73 m2")
        _check_range("egfr_followup", self.egfr_followup, EGFR_RANGE, "mL/min/1.73 m2")
        _check_range("months_from_start", self.months_from_start, MONTHS_RANGE, "months")


@dataclasses.dataclass(frozen=True, slots=True)
class LnResponseParameters:
    """The configurable values of convention C2; only those of the chosen definition apply."""

    egfr_stable_max_decline_pct: float = KDIGO_DEFAULT_MAX_DECLINE_PCT
    upcr_complete_threshold_g_per_g: float = EULAR_DEFAULT_COMPLETE_UPCR_G_PER_G
    egfr_normal_reference: float = EULAR_DEFAULT_NORMAL_EGFR

    def __post_init__(self) -> None:
        _check_range(
            "egfr_stable_max_decline_pct",
            self.egfr_stable_max_decline_pct,
            KDIGO_MAX_DECLINE_PCT_RANGE,
            "%",
        )
        _check_range(
            "upcr_complete_threshold_g_per_g",
            self.upcr_complete_threshold_g_per_g,
            EULAR_COMPLETE_UPCR_RANGE_G_PER_G,
            "g/g",
        )
        _check_range(
            "egfr_normal_reference",
            self.egfr_normal_reference,
            EULAR_NORMAL_EGFR_RANGE,
            "mL/min/1.73 m2",
        )


@dataclasses.dataclass(frozen=True, slots=True)
class LnRenalResponseResult:
    """A renal response with the definition, parameters and timepoint used."""

    response: LnResponse
    definition: LnDefinition
    parameters: LnResponseParameters
    months_from_start: float
    kidney_function_acceptable: bool


def is_kdigo_kidney_function_stable(
    egfr_baseline: float, egfr_followup: float, max_decline_pct: float
) -> bool:
    """KDIGO 2024 "stable or improved": follow-up >= (1 - decline%) x baseline (inclusive)."""
    return at_least(egfr_followup, (1 - max_decline_pct / 100) * egfr_baseline)


def is_eular_gfr_near_normal(egfr_followup: float, normal_reference: float) -> bool:
    """EULAR/ERA-EDTA 2019 "(near-)normal GFR": follow-up >= 90% of the normal reference."""
    return at_least(egfr_followup, EULAR_NEAR_NORMAL_FRACTION * normal_reference)


def meets_partial_proteinuria(upcr_baseline: float, upcr_followup: float) -> bool:
    """UPCR reduced by >= 50% (follow-up <= 0.5 x baseline) and to < 3.0 g/g."""
    return at_most(upcr_followup, PARTIAL_REDUCTION_FRACTION * upcr_baseline) and below(
        upcr_followup, PARTIAL_MAX_UPCR_G_PER_G
    )


def assess_ln_renal_response(
    definition: LnDefinition,
    measurements: LnRenalMeasurements,
    parameters: LnResponseParameters | None = None,
) -> LnRenalResponseResult:
    """Classify the renal response under a named definition (decision D8).

    Parameters
    ----------
    definition
        ``KDIGO_2024`` or ``EULAR_ERA_EDTA_2019``.
    measurements
        Baseline and follow-up UPCR and eGFR, and months since induction started.
    parameters
        Convention C2 values; defaults when omitted.

    Returns
    -------
    LnRenalResponseResult
        ``complete``, ``partial`` or ``none``, with what was used to decide.
    """
    used = parameters if parameters is not None else LnResponseParameters()
    m = measurements
    if definition is LnDefinition.KDIGO_2024:
        kidney_ok = is_kdigo_kidney_function_stable(
            m.egfr_baseline, m.egfr_followup, used.egfr_stable_max_decline_pct
        )
        complete_threshold = KDIGO_COMPLETE_UPCR_G_PER_G
    else:
        kidney_ok = is_eular_gfr_near_normal(m.egfr_followup, used.egfr_normal_reference)
        complete_threshold = used.upcr_complete_threshold_g_per_g
    response = LnResponse.NONE
    if kidney_ok and below(m.upcr_followup_g_per_g, complete_threshold):
        response = LnResponse.COMPLETE
    elif kidney_ok and meets_partial_proteinuria(m.upcr_baseline_g_per_g, m.upcr_followup_g_per_g):
        response = LnResponse.PARTIAL
    return LnRenalResponseResult(
        response=response,
        definition=definition,
        parameters=used,
        months_from_start=m.months_from_start,
        kidney_function_acceptable=kidney_ok,
    )
