"""Declared field types of the flat instruments, for CSV input (docs/spec/instruments.md §12.1).

In CSV an empty cell is an absent field; the instrument's own fields are converted to their
declared types (numbers; true/false in any case as booleans) and other columns pass through as
text (docs/spec/instruments.md §12.1). The types below are those of the fields listed in
docs/spec/instruments.md §12.3.
"""

from __future__ import annotations

NUMBER, BOOLEAN = "number", "boolean"

_ACR_VISITS = ("baseline", "followup")
_ACR_MEASURES = (
    "tjc68",
    "sjc66",
    "patient_pain",
    "patient_global",
    "physician_global",
    "haq_di",
    "acute_phase_reactant",
)

FIELD_TYPES: dict[str, dict[str, str]] = {
    "selena-flare-index": {
        **dict.fromkeys(("sledai_prev", "sledai_curr", "pga_prev", "pga_curr"), NUMBER),
        "prednisone_mg_per_kg_curr": NUMBER,
        **dict.fromkeys(
            (
                "prednisone_increased",
                "prednisone_doubled",
                "nsaid_or_hydroxychloroquine_added",
                "new_cyclophosphamide_azathioprine_methotrexate",
                "new_mycophenolate",
                "hospitalized_for_sle",
                "severe_manifestation_new_or_worse",
                "mild_moderate_manifestation_new_or_worse",
            ),
            BOOLEAN,
        ),
    },
    "ln-renal-response": dict.fromkeys(
        (
            "upcr_baseline_g_per_g",
            "upcr_followup_g_per_g",
            "egfr_baseline",
            "egfr_followup",
            "months_from_start",
            "egfr_stable_max_decline_pct",
            "upcr_complete_threshold_g_per_g",
            "egfr_normal_reference",
        ),
        NUMBER,
    ),
    "ckd-epi-2021": {"creatinine": NUMBER, "age": NUMBER},
    "performance-status": {"kps": NUMBER, "ecog": NUMBER},
    "ctcae-v5": {
        **dict.fromkeys(
            (
                "value",
                "lln",
                "uln",
                "baseline",
                "anc_per_uL",
                "max_single_temp_c",
                "sustained_temp_ge_38_hours",
            ),
            NUMBER,
        ),
        **dict.fromkeys(("transfusion_indicated", "life_threatening", "death"), BOOLEAN),
    },
    "astct-crs": {
        "temp_c": NUMBER,
        "o2_flow_l_min": NUMBER,
        "prior_antipyretic_or_anticytokine": BOOLEAN,
        "death_due_to_crs": BOOLEAN,
    },
    "astct-icans": {
        "ice_score": NUMBER,
        "age_years": NUMBER,
        "unarousable": BOOLEAN,
        "deep_focal_motor_weakness": BOOLEAN,
    },
    "magic-agvhd": {
        **dict.fromkeys(
            (
                "skin_rash_bsa_pct",
                "bilirubin_mg_dl",
                "stool_ml_per_day",
                "stool_ml_per_kg_day",
                "stool_episodes_per_day",
            ),
            NUMBER,
        ),
        **dict.fromkeys(
            (
                "generalized_erythroderma_with_bullae_desquamation_gt5pct",
                "upper_gi_persistent_nausea_vomiting_anorexia",
                "severe_abdominal_pain_ileus_or_grossly_bloody_stool",
                "lower_gi_biopsy_positive",
            ),
            BOOLEAN,
        ),
    },
    "das28": dict.fromkeys(
        ("tjc28", "sjc28", "esr_mm_h", "crp_mg_L", "patient_global_mm", "score"), NUMBER
    ),
    "cdai-sdai": dict.fromkeys(
        ("tjc28", "sjc28", "patient_global_0_10", "evaluator_global_0_10", "crp_mg_dL", "score"),
        NUMBER,
    ),
    "eular-response": dict.fromkeys(("das28_baseline", "das28_followup"), NUMBER),
    "acr-response": dict.fromkeys(
        (f"{measure}_{visit}" for measure in _ACR_MEASURES for visit in _ACR_VISITS), NUMBER
    ),
}
