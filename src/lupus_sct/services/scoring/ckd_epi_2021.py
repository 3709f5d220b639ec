"""Batch adapter ``ckd-epi-2021``: race-free creatinine eGFR (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.ckd_epi_2021 import (
    AGE_RANGE_YEARS,
    CREATININE_RANGE_MG_DL,
    CREATININE_RANGE_UMOL_L,
    VERSION,
    CreatinineUnit,
    egfr_ckd_epi_2021,
)
from lupus_sct.domain.records.people import Sex
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import choice, integer, number

UNITS = tuple(u.value for u in CreatinineUnit)
SEXES = ("female", "male")


def score(record: Record) -> dict[str, Any]:
    """Estimate GFR for one record: ``egfr`` (unrounded) and ``g_category``."""
    unit = CreatinineUnit(choice(record, "unit", UNITS))
    low, high = CREATININE_RANGE_MG_DL if unit is CreatinineUnit.MG_DL else CREATININE_RANGE_UMOL_L
    creatinine = number(record, "creatinine", low, high, unit=unit.value)
    age = integer(record, "age", *AGE_RANGE_YEARS)
    sex = Sex(choice(record, "sex", SEXES))
    result = egfr_ckd_epi_2021(creatinine, unit, age, sex)
    return {"egfr": result.egfr, "g_category": result.g_category.value}


INSTRUMENT = Instrument(
    id="ckd-epi-2021",
    version=VERSION,
    citation="Inker LA, et al. N Engl J Med 2021;385:1737-49. doi:10.1056/NEJMoa2102953",
    flat=True,
    score=score,
)
