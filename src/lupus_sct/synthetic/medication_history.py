"""Medication histories that establish refractoriness, and the drugs given after therapy.

Notes
-----
SLE: hydroxychloroquine from diagnosis; mycophenolate mofetil 2 g/day for 6-12 months, then six
monthly IV cyclophosphamide pulses of 750 mg/m2 (NIH regimen; 500-1000 mg/m2 in
docs/spec/pathway.md §3), then azathioprine maintenance, with prednisone above 7.5 mg/day
throughout (steroid-dependent disease; LLDAS criterion 4 not met). A share also had rituximab, at
least 200 days before referral (the MSC protocol's 180-day washout). RA: methotrexate 20 mg
weekly, adalimumab then rituximab (the RA protocol's "methotrexate and two biologics").
Immunosuppression stops the day before conditioning or lymphodepletion (docs/spec/pathway.md
§9.2: tapered or stopped before CAR-T; we stop it at lymphodepletion) and continues with MSC
(KAMEN2022: background immunosuppression continued).
RxCUIs are those of ``domain.medications.DRUGS``; adalimumab (RxCUI 327361) is not in the
catalogue and is recorded as a biologic.
"""

from __future__ import annotations

import numpy as np

from lupus_sct.domain.records.medications import DRUGS, DrugClass
from lupus_sct.synthetic.population import Population
from lupus_sct.synthetic.tables import Array, TableBuilder
from lupus_sct.synthetic.therapy_plan import ALLO, MSC, NEVER, CoursePlan

DAYS_PER_MONTH = 30.44
RITUXIMAB_SHARE = 0.35  # ASSUMPTION: B-cell depletion tried before referral
RITUXIMAB_WASHOUT_DAYS = 200  # beyond uc-msc-sle's 180-day exclusion window
ADALIMUMAB = ("327361", "adalimumab", DrugClass.BIOLOGIC)  # RxNorm ingredient RxCUI


def _drug(name: str) -> tuple[str, str, DrugClass]:
    code = next(code for code, drug in DRUGS.items() if drug.name == name)
    return code, name, DRUGS[code].drug_class


class _Slots:
    def __init__(self, table: TableBuilder, pop: Population, as_of: int) -> None:
        self.table, self.pop, self.as_of = table, pop, as_of

    def add(
        self,
        pos: Array,
        drug: tuple[str, str, DrugClass],
        dose: float,
        unit: str,
        route: str,
        frequency: str,
        start: Array,
        stop: Array,
    ) -> None:
        keep = (start <= self.as_of) & (stop >= start)
        pos, start, stop = pos[keep], start[keep], stop[keep]
        open_ended = stop >= min(self.as_of, NEVER)
        stop_dates = np.where(open_ended, np.datetime64("NaT"), stop.astype("datetime64[D]"))
        code, name, drug_class = drug
        self.table.add(
            len(pos),
            patient_id=self.pop.patient[pos],
            drug_name=name,
            rxnorm_code=code,
            drug_class=drug_class.value,
            dose=dose,
            dose_unit=unit,
            route=route,
            frequency=frequency,
            start_date=start.astype("datetime64[D]"),
            stop_date=stop_dates.astype("datetime64[D]"),
        )


def _therapy_stop(pop: Population, plan: CoursePlan) -> tuple[Array, Array]:
    """Per patient: the day immunosuppression stops (NEVER if not) and the day0 (NEVER)."""
    stop = np.full(pop.size, NEVER, dtype=np.int64)
    day0 = np.full(pop.size, NEVER, dtype=np.int64)
    treated = plan.infused
    stops_is = treated & (plan.kind != MSC)
    stop[plan.pos[stops_is]] = plan.conditioning[stops_is] - 1
    day0[plan.pos[treated]] = plan.day0[treated]
    death = np.full(pop.size, NEVER, dtype=np.int64)
    death[plan.pos] = plan.death
    return np.minimum(stop, death), day0


def _sle(rng: np.random.Generator, slots: _Slots, pos: Array, is_stop: Array, index: Array) -> None:
    n = len(pos)
    onset, observed = slots.pop.onset[pos], slots.pop.observed_from[pos]
    line1 = observed + rng.integers(0, 61, n)
    line2 = line1 + (rng.uniform(6.5, 12, n) * DAYS_PER_MONTH).astype(np.int64)
    line3 = line2 + 151
    end = np.minimum(is_stop, NEVER)
    slots.add(
        pos,
        _drug("hydroxychloroquine"),
        200,
        "mg",
        "oral",
        "twice_daily",
        onset + rng.integers(0, 61, n),
        np.full(n, NEVER),
    )
    pred = _drug("prednisone")
    slots.add(pos, pred, 30, "mg", "oral", "daily", line1, line1 + 90)
    slots.add(pos, pred, 10, "mg", "oral", "daily", line1 + 91, line2 - 1)
    slots.add(pos, pred, 20, "mg", "oral", "daily", line2, line2 + 90)
    slots.add(pos, pred, 12.5, "mg", "oral", "daily", line2 + 91, np.minimum(end, index + 60))
    slots.add(
        pos, _drug("mycophenolate mofetil"), 1000, "mg", "oral", "twice_daily", line1, line2 - 1
    )
    slots.add(
        pos, _drug("cyclophosphamide"), 750, "mg/m2", "intravenous", "monthly", line2, line2 + 150
    )
    slots.add(pos, _drug("azathioprine"), 100, "mg", "oral", "daily", line3, end)
    rituximab = (rng.random(n) < RITUXIMAB_SHARE) & (line2 + 160 <= index - RITUXIMAB_WASHOUT_DAYS)
    r = np.flatnonzero(rituximab)
    for offset in (160, 174):
        day = line2[r] + offset
        slots.add(pos[r], _drug("rituximab"), 1000, "mg", "intravenous", "single_dose", day, day)


def _ra(rng: np.random.Generator, slots: _Slots, pos: Array, is_stop: Array) -> None:
    n = len(pos)
    observed = slots.pop.observed_from[pos]
    end = np.minimum(is_stop, NEVER)
    line1 = observed + rng.integers(0, 61, n)
    line2 = line1 + (rng.uniform(6.5, 12, n) * DAYS_PER_MONTH).astype(np.int64)
    slots.add(pos, _drug("methotrexate"), 20, "mg", "oral", "weekly", line1, end)
    slots.add(pos, _drug("prednisone"), 7.5, "mg", "oral", "daily", line1, end)
    slots.add(pos, ADALIMUMAB, 40, "mg", "subcutaneous", "every_two_weeks", line1, line2 - 1)
    slots.add(pos, _drug("rituximab"), 1000, "mg", "intravenous", "every_six_months", line2, end)


def _after_therapy(slots: _Slots, plan: CoursePlan) -> None:
    t = np.flatnonzero(plan.infused)
    pos, day0 = plan.pos[t], plan.day0[t]
    remission, relapse, death = plan.remission[t], plan.relapse[t], plan.death[t]
    pred = _drug("prednisone")
    responder = remission != NEVER
    r, nr = np.flatnonzero(responder), np.flatnonzero(~responder)
    slots.add(
        pos[r],
        pred,
        5,
        "mg",
        "oral",
        "daily",
        day0[r] + 1,
        np.minimum(remission[r] + 180, death[r]),
    )
    slots.add(pos[nr], pred, 10, "mg", "oral", "daily", day0[nr] + 1, death[nr])
    rel = np.flatnonzero(relapse != NEVER)
    slots.add(pos[rel], pred, 20, "mg", "oral", "daily", relapse[rel], death[rel])
    slots.add(
        pos[rel],
        _drug("mycophenolate mofetil"),
        1000,
        "mg",
        "oral",
        "twice_daily",
        relapse[rel],
        death[rel],
    )
    allo = np.flatnonzero(plan.kind[t] == ALLO)
    slots.add(
        pos[allo],
        _drug("tacrolimus"),
        1,
        "mg",
        "oral",
        "twice_daily",
        day0[allo] - 3,
        np.minimum(day0[allo] + 180, death[allo]),
    )


def add_medications(
    rng: np.random.Generator, pop: Population, plan: CoursePlan, as_of: int, table: TableBuilder
) -> None:
    """Every patient's medication exposures."""
    slots = _Slots(table, pop, as_of)
    is_stop, _day0 = _therapy_stop(pop, plan)
    sle = np.flatnonzero(~pop.is_ra)
    _sle(rng, slots, sle, is_stop[sle], pop.index_day[sle])
    ra = np.flatnonzero(pop.is_ra)
    _ra(rng, slots, ra, is_stop[ra])
    _after_therapy(slots, plan)
