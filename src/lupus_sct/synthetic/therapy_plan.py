"""The timeline of every referred patient's course, drawn at once for a block.

Notes
-----
Dates are days since 1970-01-01. Each course follows the pathway of its kind
(:data:`lupus_sct.domain.pathway.engine.PHASE_SEQUENCES`); the days between steps are the
defaults the pathway engine expects (``pathway_engine.*_MAX_DAYS``), so a course is late only
when a draw says so. Outcome times use the hazards of :mod:`.calibration`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from lupus_sct.synthetic import calibration as cal
from lupus_sct.synthetic.population import Population
from lupus_sct.synthetic.tables import Array

AUTO, ALLO, MSC, CAR_T = 0, 1, 2, 3
NOT_ELIGIBLE_SHARE = 0.15  # ASSUMPTION: MDT declines about one candidate in seven
WITHDRAWN_SHARE = 0.04  # ASSUMPTION: eligible candidates who choose not to proceed
EARLY_WINDOW_DAYS = 100  # TRM window (docs/spec/pathway.md §7; protocols' trm_window_days)
REMISSION_ONSET_DAYS = {MSC: (60, 300)}  # MSC response counted over 12 months (WANG2014_ART)
DEFAULT_REMISSION_ONSET_DAYS = (45, 160)  # remission assessed at 6 months (JAYNE2004, FENG2025)
RELAPSE_EARLIEST_AFTER_ONSET_DAYS = 30  # a flare is counted after at least a month in remission
NEVER = np.iinfo(np.int64).max // 4  # "does not happen" for event days

_TRM = {AUTO: cal.AUTO_TRM_100_DAYS, ALLO: cal.ALLO_NRM_100_DAYS, MSC: 0.0, CAR_T: 0.0}
_OS_60 = {
    AUTO: cal.AUTO_OS_60_MONTHS,
    ALLO: cal.ALLO_OS_60_MONTHS,
    MSC: cal.MSC_OS_60_MONTHS,
    CAR_T: cal.CAR_T_OS_60_MONTHS,
}
_RESPONSE = {
    AUTO: cal.AUTO_REMISSION_6_MONTHS,
    ALLO: cal.ALLO_REMISSION_6_MONTHS,
    MSC: cal.MSC_RESPONSE_12_MONTHS,
    CAR_T: cal.CAR_T_REMISSION_6_MONTHS,
}
_RELAPSE = {  # (probability among remitters, horizon in months after day 0)
    AUTO: (cal.AUTO_RELAPSE_60_MONTHS_AMONG_REMITTERS, 60),
    ALLO: (cal.ALLO_RELAPSE_60_MONTHS_AMONG_REMITTERS, 60),
    MSC: (cal.MSC_RELAPSE_12_MONTHS_AMONG_RESPONDERS, 12),
    CAR_T: (cal.CAR_T_RELAPSE_24_MONTHS_AMONG_REMITTERS, 24),
}
SECONDARY_AUTOIMMUNE_60 = {
    AUTO: cal.AUTO_SECONDARY_AUTOIMMUNE_60_MONTHS,
    ALLO: 0.05,
}  # allo: ASSUMPTION
BACKGROUND_MALIGNANCY_60 = 0.01  # ASSUMPTION: new malignancy by 5 years when no PTLD risk


@dataclasses.dataclass(frozen=True, slots=True)
class CoursePlan:
    """Arrays over the referred patients of a block; ``pos`` indexes the block's patients."""

    pos: Array
    kind: Array
    referral: Array
    evaluation: Array
    decision: Array
    eligible: Array
    ineligible_reason: Array
    consent: Array
    withdrawn: Array
    withdraw_day: Array
    mobilisation: Array
    mobilisation_death: Array
    apheresis: Array
    apheresis_days: Array
    product_release: Array
    conditioning: Array
    day0: Array
    infused: Array
    cd34_selected: Array
    cd34_infused: Array
    cd34_collected: Array
    anc_day: Array
    platelet_day: Array
    discharge: Array
    follow_up: Array
    second_infusion: Array
    death: Array
    trm: Array
    remission: Array
    relapse: Array
    secondary_autoimmune: Array
    malignancy: Array
    crs_grade: Array
    crs_onset: Array
    icans: Array
    infection: Array
    mucositis_grade: Array
    acute_gvhd_grade: Array
    acute_gvhd_onset: Array
    chronic_gvhd_grade: Array
    chronic_gvhd_onset: Array

    @property
    def size(self) -> int:
        """Courses in the block."""
        return len(self.pos)


def _uniform(rng: np.random.Generator, low: int, high: int, n: int) -> Array:
    return rng.integers(low, high + 1, n)


def _median_days(rng: np.random.Generator, median: Array, n: int) -> Array:
    """Whole days around a median (spread about +/-2 days, as the published ranges)."""
    days: Array = np.clip(
        median + np.rint(rng.normal(0, 1.1, n)).astype(np.int64), median - 3, median + 4
    )
    return days


def _exp_days(rng: np.random.Generator, hazard: Array, n: int) -> Array:
    with np.errstate(divide="ignore"):
        scale = np.where(hazard > 0, 1.0 / np.maximum(hazard, 1e-300), np.inf)
    draws = rng.exponential(1.0, n) * scale
    return np.where(np.isfinite(draws), np.minimum(draws, NEVER), NEVER).astype(np.int64)


def _engraftment(rng: np.random.Generator, kind: Array, selected: Array) -> tuple[Array, Array]:
    n = len(kind)
    anc_median = np.where(
        kind == ALLO,
        cal.ALLO_ANC_MEDIAN_DAYS,
        np.where(
            selected, cal.AUTO_ANC_MEDIAN_DAYS_CD34_SELECTED, cal.AUTO_ANC_MEDIAN_DAYS_UNSELECTED
        ),
    )
    plt_median = np.where(
        kind == ALLO,
        cal.ALLO_PLATELET_20_MEDIAN_DAYS,
        np.where(
            selected,
            cal.AUTO_PLATELET_20_MEDIAN_DAYS_CD34_SELECTED,
            cal.AUTO_PLATELET_MEDIAN_DAYS_UNSELECTED,
        ),
    )
    return _median_days(rng, anc_median, n), _median_days(rng, plt_median, n)


def _pre_treatment(rng: np.random.Generator, pop: Population, pos: Array) -> dict[str, Array]:
    n = len(pos)
    referral = pop.index_day[pos]
    decision = referral + _uniform(rng, 14, 45, n)
    eligible = rng.random(n) >= NOT_ELIGIBLE_SHARE
    consent = decision + _uniform(rng, 3, 14, n)
    withdrawn = eligible & (rng.random(n) < WITHDRAWN_SHARE)
    return {
        "referral": referral,
        "evaluation": referral + _uniform(rng, 1, 7, n),
        "decision": decision,
        "eligible": eligible,
        "ineligible_reason": rng.integers(0, 4, n),
        "consent": consent,
        "withdrawn": withdrawn,
        "withdraw_day": consent + _uniform(rng, 5, 20, n),
    }


def _treatment_dates(rng: np.random.Generator, kind: Array, consent: Array) -> dict[str, Array]:
    n = len(kind)
    mobilisation = consent + _uniform(rng, 7, 21, n)
    apheresis = np.where(
        kind == AUTO, mobilisation + _uniform(rng, 9, 11, n), consent + _uniform(rng, 5, 20, n)
    )
    apheresis_days = np.where(kind == AUTO, _uniform(rng, 1, 3, n), 1)
    release = apheresis + _uniform(rng, 14, 22, n)
    aph_last = apheresis + apheresis_days - 1
    conditioning = np.select(
        [kind == AUTO, kind == ALLO, kind == CAR_T],
        [
            aph_last + _uniform(rng, 2, 7, n),
            consent + _uniform(rng, 14, 40, n),
            release + _uniform(rng, 1, 5, n),
        ],
        default=consent + _uniform(rng, 7, 30, n),
    )
    lead = np.select([kind == AUTO, kind == ALLO, kind == CAR_T], [6, 6, 5], default=0)
    return {
        "mobilisation": mobilisation,
        "apheresis": apheresis,
        "apheresis_days": apheresis_days,
        "product_release": release,
        "conditioning": conditioning,
        "day0": conditioning + lead,
    }


def _relapse_hazard(kind: int) -> float:
    """Hazard after remission so that the share relapsed by the source's horizon is its value."""
    probability, months = _RELAPSE[kind]
    low, high = REMISSION_ONSET_DAYS.get(kind, DEFAULT_REMISSION_ONSET_DAYS)
    at_risk_days = (
        months * cal.DAYS_PER_MONTH - (low + high) / 2 - RELAPSE_EARLIEST_AFTER_ONSET_DAYS
    )
    return cal.hazard_per_day(probability, at_risk_days)


def _outcomes(rng: np.random.Generator, kind: Array, day0: Array) -> dict[str, Array]:
    n = len(kind)
    trm_p = np.vectorize(_TRM.__getitem__, otypes=[float])(kind)
    trm = rng.random(n) < trm_p
    trm_day = day0 + np.minimum(7 + rng.exponential(25.0, n).astype(np.int64), EARLY_WINDOW_DAYS)
    late_hazard = np.array(
        [cal.late_death_hazard_per_day(_OS_60[k], _TRM[k], EARLY_WINDOW_DAYS) for k in range(4)]
    )[kind]
    death = np.where(trm, trm_day, day0 + EARLY_WINDOW_DAYS + 1 + _exp_days(rng, late_hazard, n))
    responds = ~trm & (rng.random(n) < np.array([_RESPONSE[k] for k in range(4)])[kind])
    onset_late = kind == MSC
    msc_low, msc_high = REMISSION_ONSET_DAYS[MSC]
    low, high = DEFAULT_REMISSION_ONSET_DAYS
    onset = day0 + np.where(
        onset_late, _uniform(rng, msc_low, msc_high, n), _uniform(rng, low, high, n)
    )
    remission = np.where(responds, onset, NEVER)
    relapse_hazard = np.array([_relapse_hazard(k) for k in range(4)])[kind]
    delay = RELAPSE_EARLIEST_AFTER_ONSET_DAYS
    relapse = np.where(responds, onset + delay + _exp_days(rng, relapse_hazard, n), NEVER)
    sad_hazard = np.array(
        [
            cal.hazard_per_day(SECONDARY_AUTOIMMUNE_60.get(k, 0.0), 60 * cal.DAYS_PER_MONTH)
            for k in range(4)
        ]
    )[kind]
    secondary = day0 + 90 + _exp_days(rng, sad_hazard, n)
    return {
        "trm": trm,
        "death": death,
        "remission": remission,
        "relapse": relapse,
        "secondary_autoimmune": secondary,
    }


def _malignancy(rng: np.random.Generator, kind: Array, selected: Array, day0: Array) -> Array:
    n = len(kind)
    ptld = (kind == AUTO) & selected & (rng.random(n) < cal.AUTO_EBV_PTLD_CD34_SELECTED)
    background = cal.hazard_per_day(BACKGROUND_MALIGNANCY_60, 60 * cal.DAYS_PER_MONTH)
    later = day0 + 180 + _exp_days(rng, np.full(n, background), n)
    return np.where(ptld, day0 + _uniform(rng, 60, 365, n), later)


def _toxicity(rng: np.random.Generator, kind: Array, day0: Array) -> dict[str, Array]:
    n = len(kind)
    crs = (kind == CAR_T) & (rng.random(n) < cal.CAR_T_CRS_ANY)
    crs_grade = np.where(crs, np.where(rng.random(n) < cal.CAR_T_CRS_GRADE_2_AMONG_CRS, 2, 1), 0)
    infection_p = np.select(
        [kind == AUTO, kind == ALLO, kind == CAR_T],
        [
            cal.AUTO_INFECTION_DURING_COURSE,
            cal.AUTO_INFECTION_DURING_COURSE,
            cal.CAR_T_SEVERE_INFECTION,
        ],
        default=cal.MSC_HERPES_INFECTION,
    )
    hsct = (kind == AUTO) | (kind == ALLO)
    mucositis = hsct & (rng.random(n) < cal.AUTO_MUCOSITIS)
    acute = (kind == ALLO) & (rng.random(n) < cal.ALLO_ACUTE_GVHD)
    chronic = (kind == ALLO) & (rng.random(n) < cal.ALLO_CHRONIC_GVHD)
    return {
        "crs_grade": crs_grade,
        "crs_onset": day0 + _uniform(rng, 5, 11, n),  # docs/spec/evidence.md §3: onset ~day 5-11
        "icans": (kind == CAR_T) & (rng.random(n) < cal.CAR_T_ICANS_ANY),
        "infection": rng.random(n) < infection_p,
        "mucositis_grade": np.where(mucositis, rng.choice([1, 2, 3], n, p=[0.3, 0.45, 0.25]), 0),
        "acute_gvhd_grade": np.where(
            acute, rng.choice([1, 2, 3, 4], n, p=[0.4, 0.4, 0.15, 0.05]), -1
        ),
        "acute_gvhd_onset": day0 + _uniform(rng, 14, 60, n),
        "chronic_gvhd_grade": np.where(chronic, rng.choice([1, 2, 3], n, p=[0.5, 0.35, 0.15]), 0),
        "chronic_gvhd_onset": day0 + _uniform(rng, 120, 365, n),
    }


def draw_course_plans(rng: np.random.Generator, pop: Population) -> CoursePlan:
    """Draw the courses of the referred patients of a block."""
    pos = np.flatnonzero(pop.kind >= 0)
    kind = pop.kind[pos]
    n = len(pos)
    pre = _pre_treatment(rng, pop, pos)
    dates = _treatment_dates(rng, kind, pre["consent"])
    mobilisation_death = (
        (kind == AUTO)
        & pre["eligible"]
        & ~pre["withdrawn"]
        & (rng.random(n) < cal.AUTO_DEATH_AFTER_MOBILISATION)
    )
    infused = pre["eligible"] & ~pre["withdrawn"] & ~mobilisation_death
    selected = (kind == AUTO) & (rng.random(n) < cal.AUTO_CD34_SELECTED_SHARE)
    cd34_infused = np.maximum(
        2.0, rng.lognormal(np.log(cal.AUTO_CD34_INFUSED_MEAN_X10E6_PER_KG - 0.1), 0.2, n)
    )
    recovery = np.where(selected, rng.uniform(0.45, 0.65, n), rng.uniform(1.0, 1.3, n))
    anc_day, platelet_day = _engraftment(rng, kind, selected)
    day0 = dates["day0"]
    outcomes = _outcomes(rng, kind, day0)
    death_after_mobilisation = dates["mobilisation"] + _uniform(rng, 10, 30, n)
    outcomes["death"] = np.where(
        mobilisation_death, death_after_mobilisation, np.where(infused, outcomes["death"], NEVER)
    )
    discharge = np.select(
        [kind == CAR_T, kind == MSC],
        [day0 + _uniform(rng, 10, 16, n), day0 + 1],
        default=day0 + np.maximum(anc_day, platelet_day) + _uniform(rng, 2, 4, n),
    )
    second = (kind == MSC) & (rng.random(n) < cal.MSC_SECOND_INFUSION_SHARE)
    discharge = np.where(second, day0 + 8, discharge)
    follow_up = np.select(
        [kind == CAR_T, kind == MSC],
        [day0 + 28, day0 + 1],
        default=discharge + _uniform(rng, 7, 20, n),
    )
    return CoursePlan(
        pos=pos,
        kind=kind,
        mobilisation_death=mobilisation_death,
        infused=infused,
        cd34_selected=selected,
        cd34_infused=np.round(cd34_infused, 2),
        cd34_collected=np.round(cd34_infused / recovery, 2),
        anc_day=anc_day,
        platelet_day=platelet_day,
        discharge=discharge,
        follow_up=follow_up,
        second_infusion=second,
        malignancy=_malignancy(rng, kind, selected, day0),
        **pre,
        **dates,
        **outcomes,
        **_toxicity(rng, kind, day0),
    )
