"""Batch adapter ``acr-response``: ACR20/50/70 against baseline (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.arthritis.acr_response import AcrCoreSet, acr_response
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import choice, integer, number

REACTANT_TYPES = ("ESR", "CRP")


def _core_set(record: Record, visit: str) -> AcrCoreSet:
    return AcrCoreSet(
        tjc68=integer(record, f"tjc68_{visit}"),
        sjc66=integer(record, f"sjc66_{visit}"),
        patient_pain_mm=number(record, f"patient_pain_{visit}", unit="mm"),
        patient_global_mm=number(record, f"patient_global_{visit}", unit="mm"),
        physician_global_mm=number(record, f"physician_global_{visit}", unit="mm"),
        haq_di=number(record, f"haq_di_{visit}"),
        acute_phase_reactant=number(record, f"acute_phase_reactant_{visit}"),
    )


def score(record: Record) -> dict[str, Any]:
    """Classify one record: ``acr20``, ``acr50`` and ``acr70``."""
    if record.get("acute_phase_reactant_type") is not None:
        choice(record, "acute_phase_reactant_type", REACTANT_TYPES)
    result = acr_response(_core_set(record, "baseline"), _core_set(record, "followup"))
    return {"acr20": result.acr20, "acr50": result.acr50, "acr70": result.acr70}


INSTRUMENT = Instrument(
    id="acr-response",
    version="ACR20/50/70 (Felson 1995)",
    citation=(
        "Felson DT, et al. American College of Rheumatology preliminary definition of "
        "improvement in rheumatoid arthritis. Arthritis Rheum 1995;38:727-35. "
        "doi:10.1002/art.1780380602"
    ),
    flat=True,
    score=score,
)
