"""Batch adapter ``das28`` (docs/spec/instruments.md §12.3).

Score and category, or category only.
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.arthritis.das28 import (
    Das28Inputs,
    Das28Variant,
    das28,
    das28_category,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import choice, integer, number

CATEGORY_ONLY = "category_only"
VARIANTS = (*(v.value for v in Das28Variant), CATEGORY_ONLY)


def score(record: Record) -> dict[str, Any]:
    """Score one record by its ``variant``: ``score`` (unrounded) and ``category``."""
    variant = choice(record, "variant", VARIANTS)
    if variant == CATEGORY_ONLY:
        return {"category": das28_category(number(record, "score")).value}
    inputs = Das28Inputs(
        tjc28=integer(record, "tjc28"),
        sjc28=integer(record, "sjc28"),
        esr_mm_h=number(record, "esr_mm_h", default=None, unit="mm/h"),
        crp_mg_l=number(record, "crp_mg_L", default=None, unit="mg/L"),
        patient_global_mm=number(record, "patient_global_mm", default=None, unit="mm"),
    )
    result = das28(Das28Variant(variant), inputs)
    return {"score": result.score, "category": result.category.value}


INSTRUMENT = Instrument(
    id="das28",
    version="DAS28 (Prevoo 1995; das-score.nl formulas; cut-offs 2.6/3.2/5.1, decision D7)",
    citation=(
        "Prevoo MLL, et al. Modified disease activity scores that include twenty-eight-joint "
        "counts. Arthritis Rheum 1995;38:44-8. doi:10.1002/art.1780380107"
    ),
    flat=True,
    score=score,
)
