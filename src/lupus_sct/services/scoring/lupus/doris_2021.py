"""Batch adapter for ``doris-2021`` (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.lupus.doris_2021 import (
    PGA_MAX,
    PGA_MIN,
    PREDNISOLONE_MAX_MG_PER_DAY,
    DorisAssessment,
    assess_doris_2021,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import boolean, number
from lupus_sct.services.scoring.lupus.sledai_2k import read_descriptors


def score(record: Record) -> dict[str, Any]:
    """Assess DORIS 2021 remission for one record; stable-treatment flags are only checked.

    The flags are recorded only (convention C9): an absent flag stays ``None``, never ``False``.
    """
    assessment = DorisAssessment(
        sledai2k_descriptors=read_descriptors(record, "sledai2k_descriptors"),
        pga=number(record, "pga", PGA_MIN, PGA_MAX),
        prednisolone_mg_per_day=number(
            record, "prednisolone_mg_day", 0, PREDNISOLONE_MAX_MG_PER_DAY, unit="mg/day"
        ),
        antimalarial_stable=boolean(record, "antimalarial_stable", default=None),
        immunosuppressive_stable=boolean(record, "immunosuppressive_stable", default=None),
        biologic_stable=boolean(record, "biologic_stable", default=None),
    )
    result = assess_doris_2021(assessment)
    return {"remission": result.remission, "clinical_sledai": result.clinical_sledai}


INSTRUMENT = Instrument(
    id="doris-2021",
    version="DORIS 2021",
    citation=(
        "van Vollenhoven RF et al. Lupus Sci Med 2021;8:e000538. doi:10.1136/lupus-2021-000538"
    ),
    flat=False,
    score=score,
)
