"""Batch adapter for ``lldas`` (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.lupus.lldas_2016 import (
    PGA_MAX,
    PGA_MIN,
    PREDNISOLONE_MAX_MG_PER_DAY,
    LldasAssessment,
    assess_lldas,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import boolean, number
from lupus_sct.services.scoring.lupus.sledai_2k import read_descriptors


def score(record: Record) -> dict[str, Any]:
    """Assess LLDAS for one record; every field is required."""
    assessment = LldasAssessment(
        sledai2k_descriptors=read_descriptors(record, "sledai2k_descriptors"),
        hemolytic_anemia=boolean(record, "hemolytic_anemia"),
        gi_activity=boolean(record, "gi_activity"),
        new_activity_since_last_visit=boolean(record, "new_activity_since_last_visit"),
        pga=number(record, "pga", PGA_MIN, PGA_MAX),
        prednisolone_mg_per_day=number(
            record, "prednisolone_mg_day", 0, PREDNISOLONE_MAX_MG_PER_DAY, unit="mg/day"
        ),
        standard_maintenance_immunosuppression_tolerated=boolean(
            record, "standard_maintenance_immunosuppression_tolerated"
        ),
        investigational_drug=boolean(record, "investigational_drug"),
    )
    return {"lldas": assess_lldas(assessment).lldas}


INSTRUMENT = Instrument(
    id="lldas",
    version="LLDAS 2016",
    citation=(
        "Franklyn K et al. Ann Rheum Dis 2016;75:1615-21. doi:10.1136/annrheumdis-2015-207726"
    ),
    flat=False,
    score=score,
)
