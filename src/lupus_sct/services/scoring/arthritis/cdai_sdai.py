"""Batch adapter ``cdai-sdai``: CDAI or SDAI score and category, or category only."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.arthritis.cdai_sdai import (
    ActivityIndex,
    ActivityIndexResult,
    CdaiComponents,
    activity_category,
    cdai,
    sdai,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import choice, integer, number

INDICES = tuple(i.value for i in ActivityIndex)
COMPONENT_FIELDS = (
    "tjc28",
    "sjc28",
    "patient_global_0_10",
    "evaluator_global_0_10",
    "crp_mg_dL",
)


def _is_category_only(record: Record) -> bool:
    has_component = any(record.get(f) is not None for f in COMPONENT_FIELDS)
    return record.get("score") is not None and not has_component


def _computed(record: Record, index: ActivityIndex) -> ActivityIndexResult:
    components = CdaiComponents(
        tjc28=integer(record, "tjc28"),
        sjc28=integer(record, "sjc28"),
        patient_global_0_10=number(record, "patient_global_0_10", unit="cm"),
        evaluator_global_0_10=number(record, "evaluator_global_0_10", unit="cm"),
    )
    if index is ActivityIndex.CDAI:
        return cdai(components)
    return sdai(components, number(record, "crp_mg_dL", unit="mg/dL"))


def score(record: Record) -> dict[str, Any]:
    """Score one record by its ``index``: ``score`` (exact decimal sum) and ``category``."""
    index = ActivityIndex(choice(record, "index", INDICES))
    if _is_category_only(record):
        category = activity_category(index, number(record, "score", unit="points"))
        return {"category": category.value}
    result = _computed(record, index)
    return {"score": result.score, "category": result.category.value}


INSTRUMENT = Instrument(
    id="cdai-sdai",
    version="CDAI (Aletaha 2005); SDAI (Smolen 2003), CRP in mg/dL",
    citation=(
        "Aletaha D, Smolen JS. Clin Exp Rheumatol 2005;23(5 Suppl 39):S100-8; Smolen JS, et al. "
        "Rheumatology (Oxford) 2003;42:244-57. doi:10.1093/rheumatology/keg072"
    ),
    flat=True,
    score=score,
)
