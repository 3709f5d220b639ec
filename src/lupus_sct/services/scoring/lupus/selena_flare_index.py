"""Batch adapter for ``selena-flare-index`` (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.lupus.selena_flare_index import (
    PGA_MAX,
    PGA_MIN,
    PREDNISONE_MAX_MG_PER_KG_PER_DAY,
    SelenaFlareInput,
    classify_selena_flare,
)
from lupus_sct.domain.instruments.lupus.sledai_2k import SLEDAI_2K_MAX_SCORE
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import boolean, integer, number

_FLAGS = (
    "prednisone_increased",
    "prednisone_doubled",
    "nsaid_or_hydroxychloroquine_added",
    "new_cyclophosphamide_azathioprine_methotrexate",
    "new_mycophenolate",
    "hospitalized_for_sle",
    "severe_manifestation_new_or_worse",
    "mild_moderate_manifestation_new_or_worse",
)


def score(record: Record) -> dict[str, Any]:
    """Classify one ``selena-flare-index`` record as none, mild/moderate or severe."""
    visit = SelenaFlareInput(
        sledai_prev=integer(record, "sledai_prev", 0, SLEDAI_2K_MAX_SCORE),
        sledai_curr=integer(record, "sledai_curr", 0, SLEDAI_2K_MAX_SCORE),
        pga_prev=number(record, "pga_prev", PGA_MIN, PGA_MAX),
        pga_curr=number(record, "pga_curr", PGA_MIN, PGA_MAX),
        prednisone_mg_per_kg_curr=number(
            record,
            "prednisone_mg_per_kg_curr",
            0,
            PREDNISONE_MAX_MG_PER_KG_PER_DAY,
            default=None,
            unit="mg/kg/day",
        ),
        **{flag: boolean(record, flag, default=False) for flag in _FLAGS},
    )
    return {"flare": classify_selena_flare(visit).flare.value}


INSTRUMENT = Instrument(
    id="selena-flare-index",
    version="SELENA Flare Index (Petri 1999; mycophenolate as severe)",
    citation="Petri M, Buyon J, Kim M. Lupus 1999;8:685-91",
    flat=True,
    score=score,
)
