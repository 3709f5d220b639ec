"""Batch adapter ``magic-agvhd`` (docs/spec/instruments.md §12.3).

MAGIC 2016 organ stages and grade.
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.transplant.magic_2016 import (
    MAGIC_VERSION,
    AgvhdAssessment,
    PatientGroup,
    grade_acute_gvhd,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import boolean, choice, integer, non_negative_number, number

PATIENTS = tuple(p.value for p in PatientGroup)


def score(record: Record) -> dict[str, Any]:
    """Stage and grade one record: ``stages`` and ``grade`` (0-4)."""
    assessment = AgvhdAssessment(
        patient=PatientGroup(choice(record, "patient", PATIENTS)),
        skin_rash_bsa_pct=number(record, "skin_rash_bsa_pct", default=0.0, unit="% BSA"),
        generalized_erythroderma_with_bullae_desquamation_gt5pct=boolean(
            record, "generalized_erythroderma_with_bullae_desquamation_gt5pct", default=False
        ),
        bilirubin_mg_dl=number(record, "bilirubin_mg_dl", default=None, unit="mg/dL"),
        upper_gi_persistent_nausea_vomiting_anorexia=boolean(
            record, "upper_gi_persistent_nausea_vomiting_anorexia", default=False
        ),
        stool_ml_per_day=non_negative_number(
            record, "stool_ml_per_day", default=None, unit="mL/day"
        ),
        stool_ml_per_kg_day=non_negative_number(
            record, "stool_ml_per_kg_day", default=None, unit="mL/kg/day"
        ),
        stool_episodes_per_day=integer(record, "stool_episodes_per_day", 0, None, default=None),
        severe_abdominal_pain_ileus_or_grossly_bloody_stool=boolean(
            record, "severe_abdominal_pain_ileus_or_grossly_bloody_stool", default=False
        ),
        lower_gi_biopsy_positive=boolean(record, "lower_gi_biopsy_positive", default=False),
    )
    result = grade_acute_gvhd(assessment)
    stages = result.stages
    return {
        "stages": {
            "skin": stages.skin,
            "liver": stages.liver,
            "upper_gi": stages.upper_gi,
            "lower_gi": stages.lower_gi,
        },
        "grade": result.grade,
    }


INSTRUMENT = Instrument(
    id="magic-agvhd",
    version=MAGIC_VERSION,
    citation=(
        "Harris AC, et al. International, multicenter standardization of acute graft-versus-host "
        "disease clinical data collection. Biol Blood Marrow Transplant 2016;22:4-10. "
        "doi:10.1016/j.bbmt.2015.09.001"
    ),
    flat=True,
    score=score,
)
