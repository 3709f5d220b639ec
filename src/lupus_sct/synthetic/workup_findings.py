"""The candidate work-up: organ function, performance, serology and attestations.

Notes
-----
Values for a candidate the MDT finds eligible lie inside every shipped protocol's thresholds
(LVEF >= 55% for CAR-T, FEV1/FVC/DLCO >= 50%, SpO2 >= 92%, ECOG 0-1 and KPS > 60, CD3+ >=
100/uL, creatinine clearance >= 25 mL/min, PASP <= 40 mmHg); a candidate found not eligible has
the exclusion the decision names (HBV, HCV or HIV infection, or an active malignancy), which
every protocol excludes. Findings are dated in the week before the MDT decision, inside the
protocols' 14-day window for infection and pregnancy.
"""

from __future__ import annotations

import numpy as np

from lupus_sct.domain.records.workup import WorkupItem
from lupus_sct.synthetic.population import Population
from lupus_sct.synthetic.tables import Array, TableBuilder
from lupus_sct.synthetic.therapy_plan import CoursePlan

W = WorkupItem
INELIGIBLE_ITEMS = (W.HBV_POSITIVE, W.ACTIVE_MALIGNANCY, W.HIV_POSITIVE, W.HCV_POSITIVE)
INELIGIBLE_REASONS = (
    "hepatitis B infection",
    "active malignancy",
    "HIV infection",
    "hepatitis C infection",
)  # the reason recorded with the MDT decision, index-aligned with INELIGIBLE_ITEMS
_FLAGS = (
    W.HIV_POSITIVE,
    W.HBV_POSITIVE,
    W.HCV_POSITIVE,
    W.TB_POSITIVE,
    W.ACTIVE_INFECTION,
    W.ACTIVE_MALIGNANCY,
    W.ACTIVE_CNS_LUPUS,
    W.LUPUS_MYOCARDITIS,
    W.UNSTABLE_ANGINA,
    W.GILBERT_SYNDROME,
    W.DIALYSIS,
)


def _numbers(rng: np.random.Generator, n: int) -> dict[WorkupItem, Array]:
    return {
        W.LVEF_PCT: np.round(rng.uniform(56, 70, n), 0),
        W.FEV1_PCT_PREDICTED: np.round(rng.uniform(65, 110, n), 0),
        W.FVC_PCT_PREDICTED: np.round(rng.uniform(65, 110, n), 0),
        W.DLCO_PCT_PREDICTED: np.round(rng.uniform(55, 100, n), 0),
        W.SPO2_PCT_ROOM_AIR: np.round(rng.uniform(94, 99, n), 0),
        W.PASP_MMHG: np.round(rng.uniform(18, 35, n), 0),
        W.CREATININE_CLEARANCE_ML_MIN: np.round(rng.uniform(60, 120, n), 0),
        W.KPS: rng.choice([70.0, 80.0, 90.0, 100.0], n),
        W.ECOG: rng.choice([0.0, 1.0], n),
        W.HCT_CI: rng.integers(0, 5, n).astype(np.float64),
        W.CD3_PER_UL: np.round(rng.uniform(300, 1500, n), 0),
        W.WEIGHT_KG: np.round(rng.uniform(48, 95, n), 1),
        W.HEIGHT_CM: np.round(rng.uniform(150, 185, n), 0),
    }


def add_workup(
    rng: np.random.Generator, pop: Population, plan: CoursePlan, as_of: int, table: TableBuilder
) -> None:
    """One work-up per referred patient, dated before the MDT decision."""
    day = plan.decision - rng.integers(0, 8, plan.size)
    keep = np.flatnonzero(day <= as_of)
    pos, day, n = plan.pos[keep], day[keep], len(keep)
    failing = np.where(plan.eligible[keep], -1, plan.ineligible_reason[keep])
    observed = day.astype("datetime64[D]")
    patient = pop.patient[pos]

    def add(item: WorkupItem, values: list[str], rows: Array | None = None) -> None:
        at = np.arange(n) if rows is None else rows
        table.add(
            len(at),
            patient_id=patient[at],
            item=item.value,
            value=np.array(values, dtype=object),
            observed_on=observed[at],
        )

    for item, values in _numbers(rng, n).items():
        add(item, [repr(float(v)) for v in values.tolist()])
    for item in _FLAGS:
        flag = failing == (INELIGIBLE_ITEMS.index(item) if item in INELIGIBLE_ITEMS else -2)
        add(item, ["true" if f else "false" for f in flag.tolist()])
    female = np.flatnonzero(pop.female[pos])
    add(W.PREGNANT, ["false"] * len(female), female)
    renal = np.flatnonzero(pop.profile["renal"][pos] & ~pop.is_ra[pos])
    classes = np.array(['"III"', '"IV"', '"IV+V"', '"V"'], dtype=object)
    add(W.LUPUS_NEPHRITIS_CLASS, classes[rng.integers(0, 4, len(renal))].tolist(), renal)
