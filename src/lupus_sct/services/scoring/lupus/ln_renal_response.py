"""Batch adapter ``ln-renal-response``: KDIGO or EULAR/ERA-EDTA (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.ln_renal_response import (
    EGFR_RANGE,
    EULAR_COMPLETE_UPCR_RANGE_G_PER_G,
    EULAR_DEFAULT_COMPLETE_UPCR_G_PER_G,
    EULAR_DEFAULT_NORMAL_EGFR,
    EULAR_NORMAL_EGFR_RANGE,
    KDIGO_DEFAULT_MAX_DECLINE_PCT,
    KDIGO_MAX_DECLINE_PCT_RANGE,
    MONTHS_RANGE,
    UPCR_RANGE_G_PER_G,
    LnDefinition,
    LnRenalMeasurements,
    LnResponseParameters,
    assess_ln_renal_response,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import choice, number

DEFINITIONS = tuple(d.value for d in LnDefinition)
EGFR_UNIT = "mL/min/1.73 m2"
_ONLY_FOR = {
    "egfr_stable_max_decline_pct": LnDefinition.KDIGO_2024,
    "upcr_complete_threshold_g_per_g": LnDefinition.EULAR_ERA_EDTA_2019,
    "egfr_normal_reference": LnDefinition.EULAR_ERA_EDTA_2019,
}


def _measurements(record: Record) -> LnRenalMeasurements:
    return LnRenalMeasurements(
        upcr_baseline_g_per_g=number(
            record, "upcr_baseline_g_per_g", *UPCR_RANGE_G_PER_G, unit="g/g"
        ),
        upcr_followup_g_per_g=number(
            record, "upcr_followup_g_per_g", *UPCR_RANGE_G_PER_G, unit="g/g"
        ),
        egfr_baseline=number(record, "egfr_baseline", *EGFR_RANGE, unit=EGFR_UNIT),
        egfr_followup=number(record, "egfr_followup", *EGFR_RANGE, unit=EGFR_UNIT),
        months_from_start=number(record, "months_from_start", *MONTHS_RANGE, unit="months"),
    )


def _parameters(record: Record, definition: LnDefinition) -> LnResponseParameters:
    for field, owner in _ONLY_FOR.items():
        if record.get(field) is not None and owner is not definition:
            raise InvalidValueError(field, record[field], f"no value ({owner.value} only)")
    return LnResponseParameters(
        egfr_stable_max_decline_pct=number(
            record,
            "egfr_stable_max_decline_pct",
            *KDIGO_MAX_DECLINE_PCT_RANGE,
            default=KDIGO_DEFAULT_MAX_DECLINE_PCT,
            unit="%",
        ),
        upcr_complete_threshold_g_per_g=number(
            record,
            "upcr_complete_threshold_g_per_g",
            *EULAR_COMPLETE_UPCR_RANGE_G_PER_G,
            default=EULAR_DEFAULT_COMPLETE_UPCR_G_PER_G,
            unit="g/g",
        ),
        egfr_normal_reference=number(
            record,
            "egfr_normal_reference",
            *EULAR_NORMAL_EGFR_RANGE,
            default=EULAR_DEFAULT_NORMAL_EGFR,
            unit=EGFR_UNIT,
        ),
    )


def score(record: Record) -> dict[str, Any]:
    """Classify one record: ``{"response": "complete" | "partial" | "none"}``."""
    definition = LnDefinition(choice(record, "definition", DEFINITIONS))
    result = assess_ln_renal_response(
        definition, _measurements(record), _parameters(record, definition)
    )
    return {"response": result.response.value}


INSTRUMENT = Instrument(
    id="ln-renal-response",
    version="KDIGO 2024; EULAR/ERA-EDTA 2019",
    citation=(
        "KDIGO 2024 lupus nephritis guideline, Kidney Int 2024;105(1S):S1-S69, "
        "doi:10.1016/j.kint.2023.09.002; Fanouriakis A, et al. Ann Rheum Dis 2020;79:713-23, "
        "doi:10.1136/annrheumdis-2020-216924"
    ),
    flat=True,
    score=score,
)
