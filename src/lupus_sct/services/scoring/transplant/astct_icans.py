"""Batch adapter ``astct-icans``: ASTCT 2019 ICANS grade for patients aged 12 or more."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.transplant.astct_2019 import (
    ASTCT_SCALE,
    ICE_SCORE_MAX,
    CerebralEdema,
    Consciousness,
    IcansAssessment,
    Seizure,
    grade_icans,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import boolean, choice, integer

CONSCIOUSNESS = tuple(c.value for c in Consciousness)
SEIZURE = tuple(s.value for s in Seizure)
CEREBRAL_EDEMA = tuple(e.value for e in CerebralEdema)


def score(record: Record) -> dict[str, Any]:
    """Grade one ICANS assessment: ``grade`` 0-4."""
    assessment = IcansAssessment(
        ice_score=integer(record, "ice_score", 0, ICE_SCORE_MAX, default=None),
        consciousness=Consciousness(
            choice(record, "consciousness", CONSCIOUSNESS, default="normal")
        ),
        unarousable=boolean(record, "unarousable", default=False),
        seizure=Seizure(choice(record, "seizure", SEIZURE, default="none")),
        deep_focal_motor_weakness=boolean(record, "deep_focal_motor_weakness", default=False),
        cerebral_edema=CerebralEdema(
            choice(record, "cerebral_edema", CEREBRAL_EDEMA, default="none")
        ),
        age_years=integer(record, "age_years", 0, 130, default=None),
    )
    return {"grade": grade_icans(assessment).grade}


INSTRUMENT = Instrument(
    id="astct-icans",
    version=ASTCT_SCALE,
    citation=(
        "Lee DW, et al. ASTCT consensus grading for cytokine release syndrome and neurologic "
        "toxicity associated with immune effector cells. Biol Blood Marrow Transplant "
        "2019;25:625-38. doi:10.1016/j.bbmt.2018.12.758"
    ),
    flat=True,
    score=score,
)
