"""Batch adapter ``astct-crs``: ASTCT 2019 CRS grade (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.transplant.astct_2019 import (
    ASTCT_SCALE,
    CrsAssessment,
    Hypotension,
    OxygenSupport,
    grade_crs,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import boolean, choice, non_negative_number, number

HYPOTENSION = tuple(h.value for h in Hypotension)
OXYGEN = tuple(o.value for o in OxygenSupport)


def score(record: Record) -> dict[str, Any]:
    """Grade one CRS assessment: ``grade`` 0-5."""
    assessment = CrsAssessment(
        temp_c=number(record, "temp_c", unit="C"),
        hypotension=Hypotension(choice(record, "hypotension", HYPOTENSION)),
        oxygen=OxygenSupport(choice(record, "oxygen", OXYGEN)),
        o2_flow_l_min=non_negative_number(record, "o2_flow_l_min", default=None, unit="L/min"),
        prior_antipyretic_or_anticytokine=boolean(
            record, "prior_antipyretic_or_anticytokine", default=False
        ),
        death_due_to_crs=boolean(record, "death_due_to_crs", default=False),
    )
    return {"grade": grade_crs(assessment).grade}


INSTRUMENT = Instrument(
    id="astct-crs",
    version=ASTCT_SCALE,
    citation=(
        "Lee DW, et al. ASTCT consensus grading for cytokine release syndrome and neurologic "
        "toxicity associated with immune effector cells. Biol Blood Marrow Transplant "
        "2019;25:625-38. doi:10.1016/j.bbmt.2018.12.758"
    ),
    flat=True,
    score=score,
)
