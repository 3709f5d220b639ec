"""Outcome parameters of the synthetic cohort, each with the studies.csv row it comes from.

References
----------
studies.csv, shipped in ``lupus_sct.services.evidence`` (read through
:func:`lupus_sct.services.evidence.studies.load_evidence`)
and docs/spec/evidence.md §3 ("Timelines and rates for the cohort generator").

Notes
-----
- Each constant names its source as ``STUDY_ID outcome [timepoint]`` on the same line.
  :data:`SOURCES` holds the same references in machine-readable form;
  :func:`source_value` reads the value back from the evidence store, and a test checks every
  constant against it, so a corrected row cannot silently drift from the generator.
- Where several small series report the same outcome (CAR-T CRS), the target is the pooled
  events/total of the rows listed, one report per overlapping cohort (docs/spec/evidence.md
  §0, "Overlapping cohorts": Mackensen 2022 is used, not Muller 2024).
- Parameters with no SLE row are marked ``ASSUMPTION`` and are not in :data:`SOURCES`; they keep
  the synthetic pathway complete and must not be read as evidence.
- Rates over time are turned into constant hazards (exponential times); the calibration test
  checks the realised rate at the timepoint the source reports.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from lupus_sct.domain.evidence.studies import EvidenceRow

DAYS_PER_MONTH = 365.25 / 12

# --- Autologous HSCT -------------------------------------------------------------------------
AUTO_ANC_MEDIAN_DAYS_CD34_SELECTED = 9  # TRAYNOR2000 time_to_ANC_0.5 (range 8-11)
AUTO_PLATELET_20_MEDIAN_DAYS_CD34_SELECTED = 11  # TRAYNOR2000 time_to_platelets_20 (10-13)
AUTO_ANC_MEDIAN_DAYS_UNSELECTED = 11  # ASH2007_CN time_to_neutrophil_engraftment
AUTO_PLATELET_MEDIAN_DAYS_UNSELECTED = 12  # ASH2007_CN time_to_platelet_engraftment
AUTO_CD34_SELECTED_SHARE = 0.42  # JAYNE2004 n_treated definition: CD34 selection in 42%
AUTO_TRM_100_DAYS = 0.11  # FARGE2010_EBMT treatment_related_mortality_100d (SLE, EBMT registry)
AUTO_DEATH_AFTER_MOBILISATION = 0.04  # BURT2006 death_after_mobilisation (2/50)
AUTO_REMISSION_6_MONTHS = 0.66  # JAYNE2004 remission 6 (SLEDAI <3 by 6 months, 33/50)
AUTO_OS_60_MONTHS = 0.81  # ALCHI2013 overall_survival 60
AUTO_RELAPSE_60_MONTHS_AMONG_REMITTERS = 1 - 0.62 / 0.92  # BURT2018 remission 60 over 6 (derived)
AUTO_INFECTION_DURING_COURSE = 12 / 17  # ASH2007_CN infection
AUTO_MUCOSITIS = 14 / 17  # ASH2007_CN infection row, notes: mucositis 14/17
AUTO_SECONDARY_AUTOIMMUNE_60_MONTHS = 0.098  # DAIKELER2011 secondary_autoimmune_disease notes
AUTO_EBV_PTLD_CD34_SELECTED = 2 / 56  # NASH2003 EBV_PTLD (ATG + CD34 selection; MS/SSc)
AUTO_CD34_INFUSED_MEAN_X10E6_PER_KG = 2.48  # ASH2007_CN n_treated definition: CD34+ 2.48x10^6/kg

# --- Allogeneic HSCT (no SLE rows: EBMT all-AD figures in docs/spec/evidence.md §1a) ---
ALLO_NRM_100_DAYS = 0.127  # docs/spec/evidence.md §1a: Greco 2019 (EBMT allo-HSCT, AD), 100-day NRM
ALLO_OS_60_MONTHS = 0.702  # docs/spec/evidence.md §1a: Greco 2019, 5-year OS
ALLO_REMISSION_6_MONTHS = 0.66  # ASSUMPTION: as autologous (JAYNE2004); no allogeneic SLE row
ALLO_RELAPSE_60_MONTHS_AMONG_REMITTERS = 0.20  # ASSUMPTION: lower than autologous (graft effect)
ALLO_ANC_MEDIAN_DAYS = 15  # ASSUMPTION (general practice, sibling PBSC); no SLE row
ALLO_PLATELET_20_MEDIAN_DAYS = 17  # ASSUMPTION (general practice); no SLE row
ALLO_ACUTE_GVHD = 0.35  # ASSUMPTION (general practice, sibling PBSC); no SLE row
ALLO_CHRONIC_GVHD = 0.25  # ASSUMPTION (general practice); no SLE row

# --- MSC ---------------------------------------------------------------------------------------
MSC_RESPONSE_12_MONTHS = (13 + 11) / 40  # WANG2014_ART major_ + partial_clinical_response 12
MSC_RELAPSE_12_MONTHS_AMONG_RESPONDERS = 4 / 24  # WANG2014_ART relapse 12
MSC_OS_60_MONTHS = 68 / 81  # WANG2017_EULAR overall_survival 60
MSC_TRM_100_DAYS = 0.0  # WANG2013_CT transplant_related_AE (0/87)
MSC_HERPES_INFECTION = 2 / 40  # WANG2014_ART herpes_infection 12
MSC_SECOND_INFUSION_SHARE = 0.5  # ASSUMPTION: WANG2014_ART gave days 0 and 7, Nanjing once

# --- CAR-T -----------------------------------------------------------------------------------
CAR_T_CRS_ANY = (3 + 13 + 7 + 2) / (5 + 15 + 8 + 2)  # MACKENSEN2022, FENG2025, WANGY2025_RELMA,
# KYSA1_2024 crs_any, pooled events/total (one report per cohort)
CAR_T_CRS_GRADE_2_AMONG_CRS = 1 / 11  # MULLER2024 crs_any_all_AID (grade 1: 10, grade 2: 1)
CAR_T_ICANS_ANY = (1 + 1) / (15 + 8)  # MULLER2024 icans_all_AID + WANGY2025_RELMA notes (1/8)
CAR_T_REMISSION_6_MONTHS = 12 / 15  # FENG2025 lldas_and_doris 3 (LLDAS + DORIS by week 12)
CAR_T_TRM_100_DAYS = 0.0  # FENG2025 crs_any notes: no TRM
CAR_T_SEVERE_INFECTION = 1 / 15  # MULLER2024 pneumonia_hospitalisation_all_AID
CAR_T_RELAPSE_24_MONTHS_AMONG_REMITTERS = 0.10  # ASSUMPTION: MACKENSEN2022 reports remission
# maintained after B-cell return; no relapse rate is published
CAR_T_OS_60_MONTHS = 0.95  # ASSUMPTION: no deaths in the CAR-T series (FENG2025, MULLER2024)

# --- Disease before therapy ------------------------------------------------------------------
SLE_FEMALE_SHARE = 25 / 28  # ALCHI2013 n_treated notes: female 25/28
SLE_NEPHRITIS_SHARE = 33 / 53  # JAYNE2004 n_treated notes: nephritis 33/53
SLE_MEDIAN_AGE_YEARS = 29  # JAYNE2004 n_treated notes: median age 29 (9-52)
RA_SHARE = 0.15  # ASSUMPTION: the issue asks for some RA patients (docs/spec/pathway.md §1)


@dataclasses.dataclass(frozen=True, slots=True)
class EvidenceSource:
    """Where a constant comes from: rows of studies.csv and how they combine.

    ``how`` is ``"estimate"`` (the row's estimate), ``"proportion"`` (pooled events/total of the
    rows) or ``"one_minus_ratio"`` (1 - estimate of the second row / estimate of the first).
    """

    rows: tuple[tuple[str, str, float | None], ...]  # (study_id, outcome, timepoint_months)
    how: str = "estimate"


SOURCES: Mapping[str, EvidenceSource] = MappingProxyType(
    {
        "AUTO_ANC_MEDIAN_DAYS_CD34_SELECTED": EvidenceSource(
            (("TRAYNOR2000", "time_to_ANC_0.5", None),)
        ),
        "AUTO_PLATELET_20_MEDIAN_DAYS_CD34_SELECTED": EvidenceSource(
            (("TRAYNOR2000", "time_to_platelets_20", None),)
        ),
        "AUTO_ANC_MEDIAN_DAYS_UNSELECTED": EvidenceSource(
            (("ASH2007_CN", "time_to_neutrophil_engraftment", None),)
        ),
        "AUTO_PLATELET_MEDIAN_DAYS_UNSELECTED": EvidenceSource(
            (("ASH2007_CN", "time_to_platelet_engraftment", None),)
        ),
        "AUTO_TRM_100_DAYS": EvidenceSource(
            (("FARGE2010_EBMT", "treatment_related_mortality_100d", 3.3),)
        ),
        "AUTO_DEATH_AFTER_MOBILISATION": EvidenceSource(
            (("BURT2006", "death_after_mobilisation", None),), "proportion"
        ),
        "AUTO_REMISSION_6_MONTHS": EvidenceSource((("JAYNE2004", "remission", 6),), "proportion"),
        "AUTO_OS_60_MONTHS": EvidenceSource((("ALCHI2013", "overall_survival", 60),)),
        "AUTO_RELAPSE_60_MONTHS_AMONG_REMITTERS": EvidenceSource(
            (("BURT2018", "remission", 6), ("BURT2018", "remission", 60)), "one_minus_ratio"
        ),
        "AUTO_INFECTION_DURING_COURSE": EvidenceSource(
            (("ASH2007_CN", "infection", None),), "proportion"
        ),
        "AUTO_EBV_PTLD_CD34_SELECTED": EvidenceSource(
            (("NASH2003", "EBV_PTLD", None),), "proportion"
        ),
        "MSC_RESPONSE_12_MONTHS": EvidenceSource(
            (
                ("WANG2014_ART", "major_clinical_response", 12),
                ("WANG2014_ART", "partial_clinical_response", 12),
            ),
            "sum_of_proportions",
        ),
        "MSC_RELAPSE_12_MONTHS_AMONG_RESPONDERS": EvidenceSource(
            (("WANG2014_ART", "relapse", 12),), "proportion"
        ),
        "MSC_OS_60_MONTHS": EvidenceSource(
            (("WANG2017_EULAR", "overall_survival", 60),), "proportion"
        ),
        "MSC_TRM_100_DAYS": EvidenceSource(
            (("WANG2013_CT", "transplant_related_AE", None),), "proportion"
        ),
        "MSC_HERPES_INFECTION": EvidenceSource(
            (("WANG2014_ART", "herpes_infection", 12),), "proportion"
        ),
        "CAR_T_CRS_ANY": EvidenceSource(
            (
                ("MACKENSEN2022", "crs_any", None),
                ("FENG2025", "crs_any", None),
                ("WANGY2025_RELMA", "crs_any", None),
                ("KYSA1_2024", "crs_any", None),
            ),
            "proportion",
        ),
        "CAR_T_REMISSION_6_MONTHS": EvidenceSource(
            (("FENG2025", "lldas_and_doris", 3),), "proportion"
        ),
        "CAR_T_SEVERE_INFECTION": EvidenceSource(
            (("MULLER2024", "pneumonia_hospitalisation_all_AID", None),), "proportion"
        ),
    }
)


def _find(
    rows: Iterable[EvidenceRow], study_id: str, outcome: str, timepoint: float | None
) -> EvidenceRow:
    for row in rows:
        if (
            row.study_id == study_id
            and row.outcome == outcome
            and row.timepoint_months == timepoint
        ):
            return row
    raise LookupError(f"no studies.csv row {study_id} {outcome} at {timepoint} months")


def source_value(source: EvidenceSource, rows: Iterable[EvidenceRow]) -> float:
    """The value a source's rows give, computed as ``source.how`` says."""
    table = tuple(rows)
    found = [_find(table, *key) for key in source.rows]
    if source.how == "estimate":
        return float(found[0].estimate or 0.0)
    if source.how == "proportion":
        return sum(r.events or 0 for r in found) / sum(r.total or 0 for r in found)
    if source.how == "sum_of_proportions":
        return sum((r.events or 0) / (r.total or 1) for r in found)
    if source.how == "one_minus_ratio":
        return 1 - float(found[1].estimate or 0.0) / float(found[0].estimate or 1.0)
    raise ValueError(f"unknown combination {source.how!r}")


def hazard_per_day(probability: float, days: float) -> float:
    """Constant hazard whose cumulative incidence over ``days`` is ``probability``."""
    if probability <= 0.0:
        return 0.0
    return -math.log(1.0 - probability) / days


def late_death_hazard_per_day(
    os_60_months: float, early_mortality: float, early_days: int
) -> float:
    """Hazard after the early window so that survival at 60 months is ``os_60_months``."""
    remaining = os_60_months / (1.0 - early_mortality)
    return -math.log(min(remaining, 1.0)) / (60 * DAYS_PER_MONTH - early_days)
