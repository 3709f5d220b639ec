"""Daily blood counts from day 0 to discharge, and the transfusions of the aplasia.

Notes
-----
The series are drawn so that the CIBMTR rules of ``domain.cibmtr_engraftment`` recover the
course's engraftment days exactly: ANC first >= 0.5 x10^9/L on the neutrophil day and above it
afterwards; platelets first >= 20 x10^9/L on the platelet day, with no platelet transfusion in
the 7 days before (CIBMTR; docs/spec/pathway.md §4.6). Platelets are transfused when below
10 x10^9/L (general practice prophylactic threshold), red cells in most HSCT courses. After
CAR-T, grade 3 neutropenia (ANC < 1.0) in the first days is usual (FENG2025 neutropenia_g3plus)
and grade 3 thrombocytopenia (< 50) occurs in some (FENG2025 thrombocytopenia_g3plus, 6/15).
"""

from __future__ import annotations

import numpy as np

from lupus_sct.synthetic.population import Population
from lupus_sct.synthetic.tables import Array, TableBuilder
from lupus_sct.synthetic.therapy_plan import CAR_T, MSC, CoursePlan
from lupus_sct.synthetic.visit_labs import ANC, HB, PLT, LabWriter, _collected_at
from lupus_sct.synthetic.visits import _repeat_index

PLATELET_TRANSFUSION_BELOW_X10E9_PER_L = 10.0  # general practice prophylactic threshold
CIBMTR_NO_TRANSFUSION_DAYS = 7  # CIBMTR platelet recovery: none in the previous 7 days
CAR_T_THROMBOCYTOPENIA_G3 = 6 / 15  # FENG2025 thrombocytopenia_g3plus
RED_CELL_SHARE = 0.6  # ASSUMPTION (general practice) HSCT courses given red cells


def _hsct_series(
    rng: np.random.Generator, d: Array, anc_day: Array, plt_day: Array
) -> tuple[Array, Array]:
    n = len(d)
    anc_falling = np.where(d < 2, 1.5 * np.exp(-0.9 * d), rng.uniform(0.0, 0.1, n))
    anc_up = 0.5 + 0.3 * (d - anc_day) + rng.uniform(0.05, 0.3, n)
    anc = np.where(d < anc_day, anc_falling, anc_up)
    start = rng.uniform(120, 250, n)
    early = np.maximum(start * 0.72**d, rng.uniform(5.0, 9.0, n))
    waiting = rng.uniform(11.0, 19.0, n)  # untransfused, below 20, in the 7 days before recovery
    before = np.where(
        d <= plt_day - CIBMTR_NO_TRANSFUSION_DAYS - 1, early, np.minimum(early, waiting)
    )
    before = np.where(
        (d > plt_day - CIBMTR_NO_TRANSFUSION_DAYS - 1) & (before < 11), waiting, before
    )
    after = 20 + 8 * (d - plt_day) + rng.uniform(1.0, 10.0, n)
    return np.round(anc, 2), np.rint(np.where(d < plt_day, before, after))


def _car_t_series(rng: np.random.Generator, d: Array, low_platelets: Array) -> tuple[Array, Array]:
    n = len(d)
    anc = np.select(
        [d <= 2, d <= 9],
        [rng.uniform(1.0, 2.5, n), rng.uniform(0.3, 0.9, n)],
        default=rng.uniform(1.2, 3.0, n),
    )
    dip = low_platelets & (d >= 5) & (d <= 10)
    plt = np.where(dip, rng.uniform(30, 49, n), rng.uniform(60, 150, n))
    return np.round(anc, 2), np.rint(plt)


def add_blood_counts(
    rng: np.random.Generator,
    pop: Population,
    plan: CoursePlan,
    as_of: int,
    tables: dict[str, TableBuilder],
) -> None:
    """Daily ANC, platelets and haemoglobin, and the transfusions they call for."""
    courses = np.flatnonzero(plan.infused & (plan.kind != MSC) & (plan.day0 <= as_of))
    last = np.minimum(np.minimum(plan.discharge, plan.death - 1), as_of)[courses]
    n_days = np.maximum(last - plan.day0[courses] + 1, 0)
    owner, d = _repeat_index(n_days)
    course = courses[owner]
    car_t = plan.kind[course] == CAR_T
    hsct_anc, hsct_plt = _hsct_series(rng, d, plan.anc_day[course], plan.platelet_day[course])
    low = (rng.random(plan.size) < CAR_T_THROMBOCYTOPENIA_G3)[course]
    car_anc, car_plt = _car_t_series(rng, d, low)
    anc, plt = np.where(car_t, car_anc, hsct_anc), np.where(car_t, car_plt, hsct_plt)
    day = plan.day0[course] + d
    at = _collected_at(rng, day)
    pos = plan.pos[course]
    writer = LabWriter(tables["labs"], pop)
    writer.add(ANC, pos, at, anc, 2)
    writer.add(PLT, pos, at, plt, 0)
    writer.add(HB, pos, at, rng.uniform(7.8, 10.5, len(d)), 1)
    transfused = ~car_t & (plt < PLATELET_TRANSFUSION_BELOW_X10E9_PER_L)
    t = np.flatnonzero(transfused)
    tables["transfusions"].add(
        len(t),
        patient_id=pop.patient[pos[t]],
        course_id=pop.patient[pos[t]],
        product="platelets",
        given_on=day[t].astype("datetime64[D]"),
        units=1,
    )
    red = np.flatnonzero(~car_t & (d == 6) & (rng.random(len(d)) < RED_CELL_SHARE))
    tables["transfusions"].add(
        len(red),
        patient_id=pop.patient[pos[red]],
        course_id=pop.patient[pos[red]],
        product="red_cells",
        given_on=day[red].astype("datetime64[D]"),
        units=2,
    )
