"""SLICC/ACR Damage Index (SDI) item vocabulary.

References
----------
Gladman D, Ginzler E, Goldsmith C, et al. The development and initial validation of the Systemic
Lupus International Collaborating Clinics/American College of Rheumatology damage index for
systemic lupus erythematosus. Arthritis Rheum 1996;39:363-9.

Notes
-----
Item ids follow ../shared/docs/instruments.md, section 2 (the ``persistence`` shape: count items
carry an episode count). Each recorded item keeps its onset date, so the score can be derived at
any date and never decreases (decision D4).
"""

from __future__ import annotations

import enum


class SdiItem(enum.Enum):
    """The SDI items; the six count items score 2 when they occurred more than once."""

    OCULAR_CATARACT = "ocular_cataract"
    OCULAR_RETINAL_CHANGE_OR_OPTIC_ATROPHY = "ocular_retinal_change_or_optic_atrophy"
    NP_COGNITIVE_IMPAIRMENT_OR_MAJOR_PSYCHOSIS = "np_cognitive_impairment_or_major_psychosis"
    NP_SEIZURES_REQUIRING_THERAPY_6MO = "np_seizures_requiring_therapy_6mo"
    NP_CVA = "np_cva"
    NP_CRANIAL_OR_PERIPHERAL_NEUROPATHY = "np_cranial_or_peripheral_neuropathy"
    NP_TRANSVERSE_MYELITIS = "np_transverse_myelitis"
    RENAL_GFR_LT_50PCT = "renal_gfr_lt_50pct"
    RENAL_PROTEINURIA_GE_3_5G_24H = "renal_proteinuria_ge_3_5g_24h"
    RENAL_ESRD = "renal_esrd"
    PULM_HYPERTENSION = "pulm_hypertension"
    PULM_FIBROSIS = "pulm_fibrosis"
    PULM_SHRINKING_LUNG = "pulm_shrinking_lung"
    PULM_PLEURAL_FIBROSIS = "pulm_pleural_fibrosis"
    PULM_INFARCTION_OR_RESECTION = "pulm_infarction_or_resection"
    CV_ANGINA_OR_CABG = "cv_angina_or_cabg"
    CV_MI = "cv_mi"
    CV_CARDIOMYOPATHY = "cv_cardiomyopathy"
    CV_VALVULAR_DISEASE = "cv_valvular_disease"
    CV_PERICARDITIS_6MO_OR_PERICARDIECTOMY = "cv_pericarditis_6mo_or_pericardiectomy"
    PV_CLAUDICATION_6MO = "pv_claudication_6mo"
    PV_MINOR_TISSUE_LOSS = "pv_minor_tissue_loss"
    PV_SIGNIFICANT_TISSUE_LOSS = "pv_significant_tissue_loss"
    PV_VENOUS_THROMBOSIS = "pv_venous_thrombosis"
    GI_INFARCTION_OR_RESECTION = "gi_infarction_or_resection"
    GI_MESENTERIC_INSUFFICIENCY = "gi_mesenteric_insufficiency"
    GI_CHRONIC_PERITONITIS = "gi_chronic_peritonitis"
    GI_STRICTURE_OR_UPPER_GI_SURGERY = "gi_stricture_or_upper_gi_surgery"
    GI_PANCREATIC_INSUFFICIENCY = "gi_pancreatic_insufficiency"
    MSK_MUSCLE_ATROPHY_OR_WEAKNESS = "msk_muscle_atrophy_or_weakness"
    MSK_DEFORMING_OR_EROSIVE_ARTHRITIS = "msk_deforming_or_erosive_arthritis"
    MSK_OSTEOPOROSIS_WITH_FRACTURE = "msk_osteoporosis_with_fracture"
    MSK_AVASCULAR_NECROSIS = "msk_avascular_necrosis"
    MSK_OSTEOMYELITIS = "msk_osteomyelitis"
    MSK_RUPTURED_TENDON = "msk_ruptured_tendon"
    SKIN_SCARRING_CHRONIC_ALOPECIA = "skin_scarring_chronic_alopecia"
    SKIN_EXTENSIVE_SCARRING = "skin_extensive_scarring"
    SKIN_ULCERATION_6MO = "skin_ulceration_6mo"
    PREMATURE_GONADAL_FAILURE = "premature_gonadal_failure"
    DIABETES = "diabetes"
    MALIGNANCY = "malignancy"


COUNT_ITEMS = frozenset(
    {
        SdiItem.NP_CVA,
        SdiItem.CV_MI,
        SdiItem.PV_SIGNIFICANT_TISSUE_LOSS,
        SdiItem.GI_INFARCTION_OR_RESECTION,
        SdiItem.MSK_AVASCULAR_NECROSIS,
        SdiItem.MALIGNANCY,
    }
)  # Gladman 1996: "2 if >1"; instruments.md section 2
