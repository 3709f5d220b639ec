"""Laboratory results at each visit, consistent with the visit's SLEDAI-2K descriptors.

Notes
-----
Thresholds the values respect: leukopenia < 3 x10^9/L, thrombocytopenia < 100 x10^9/L and
proteinuria > 0.5 g/day (Gladman 2002, as ``domain.sledai_2k``); low complement below the
reference range; anti-dsDNA above it. Reference ranges are typical adult ranges (general
practice). Every second centre of three reports in SI units (creatinine and bilirubin in umol/L,
complement in g/L, haemoglobin in g/L, UPCR in mg/mmol) so imports and scores meet both; the
factors are those of ``domain.labs``. Candidates are given liver tests at the evaluation visit.
"""

from __future__ import annotations

import numpy as np

from lupus_sct.synthetic.assessments import BIT, D
from lupus_sct.synthetic.population import Population
from lupus_sct.synthetic.tables import Array, TableBuilder
from lupus_sct.synthetic.visits import Visits

WBC, ANC, LYMPH, PLT, HB = "6690-2", "751-8", "731-0", "777-3", "718-7"
CREATININE, UPCR, C3, C4, DSDNA = "2160-0", "2890-2", "4485-9", "4498-2", "5130-0"
ESR, CRP, AST, ALT, BILIRUBIN = "4537-7", "1988-5", "1920-8", "1742-6", "1975-2"
REFERENCE = {  # (low, high) in the canonical unit (general practice adult ranges)
    WBC: (4.0, 11.0),
    ANC: (1.8, 7.5),
    LYMPH: (1.0, 4.0),
    PLT: (150.0, 400.0),
    HB: (12.0, 16.0),
    CREATININE: (0.5, 1.1),
    UPCR: (0.0, 0.2),
    C3: (90.0, 180.0),
    C4: (10.0, 40.0),
    DSDNA: (0.0, 30.0),
    ESR: (0.0, 20.0),
    CRP: (0.0, 5.0),
    AST: (0.0, 35.0),
    ALT: (0.0, 40.0),
    BILIRUBIN: (0.1, 1.2),
}
CANONICAL_UNIT = {
    WBC: "10*9/L",
    ANC: "10*9/L",
    LYMPH: "10*9/L",
    PLT: "10*9/L",
    HB: "g/dL",
    CREATININE: "mg/dL",
    UPCR: "g/g",
    C3: "mg/dL",
    C4: "mg/dL",
    DSDNA: "[IU]/mL",
    ESR: "mm/h",
    CRP: "mg/L",
    AST: "U/L",
    ALT: "U/L",
    BILIRUBIN: "mg/dL",
}
SI_UNIT = {  # unit and factor from the canonical unit (domain.labs conversions inverted)
    CREATININE: ("umol/L", 88.4),
    BILIRUBIN: ("umol/L", 17.1),
    C3: ("g/L", 0.01),
    C4: ("g/L", 0.01),
    HB: ("g/L", 10.0),
    UPCR: ("mg/mmol", 113.12),
}
SI_CENTRE_EVERY = 3  # centre numbers 1, 4, 7... report in SI units


def _between(
    rng: np.random.Generator, flag: Array, low: tuple[float, float], high: tuple[float, float]
) -> Array:
    n = len(flag)
    return np.where(flag, rng.uniform(low[0], low[1], n), rng.uniform(high[0], high[1], n))


def _collected_at(rng: np.random.Generator, day: Array) -> Array:
    minutes = 8 * 60 + rng.integers(0, 240, len(day))  # morning clinic, UTC
    start: Array = day.astype("datetime64[D]").astype("datetime64[us]")
    offset: Array = (minutes * 60_000_000).astype("timedelta64[us]")
    return start + offset


class LabWriter:
    """Adds one test for many collections, converting to SI units at SI-reporting centres."""

    def __init__(self, table: TableBuilder, pop: Population) -> None:
        self.table = table
        self.pop = pop

    def add(self, loinc: str, pos: Array, at: Array, canonical: Array, decimals: int) -> None:
        si = (self.pop.centre[pos] % SI_CENTRE_EVERY == 1) & (loinc in SI_UNIT)
        unit, factor = SI_UNIT.get(loinc, (CANONICAL_UNIT[loinc], 1.0))
        scale = np.where(si, factor, 1.0)
        low, high = REFERENCE[loinc]
        si_places = decimals + 2 if factor < 1 else decimals
        raw = canonical * scale
        value = np.where(si, np.round(raw, si_places), np.round(raw, decimals))
        self.table.add(
            len(pos),
            patient_id=self.pop.patient[pos],
            loinc_code=loinc,
            value=value,
            unit=np.where(si, unit, CANONICAL_UNIT[loinc]).astype(object),
            collected_at=at,
            reference_low=low * scale,
            reference_high=high * scale,
        )


def add_visit_labs(
    rng: np.random.Generator,
    pop: Population,
    v: Visits,
    bits: Array,
    esr: Array,
    tables: dict[str, TableBuilder],
) -> None:
    """Blood counts, renal tests, complement and anti-dsDNA (SLE) or ESR and CRP (RA)."""
    writer = LabWriter(tables["labs"], pop)
    at = _collected_at(rng, v.day)
    has = {
        d: bits[:, BIT[d]]
        for d in (
            D.LEUKOPENIA,
            D.THROMBOCYTOPENIA,
            D.PROTEINURIA,
            D.LOW_COMPLEMENT,
            D.INCREASED_DNA_BINDING,
        )
    }
    wbc = _between(rng, has[D.LEUKOPENIA], (2.1, 2.9), (3.6, 9.0))
    writer.add(WBC, v.pos, at, wbc, 1)
    writer.add(ANC, v.pos, at, wbc * rng.uniform(0.5, 0.7, v.size), 2)
    writer.add(
        PLT, v.pos, at, np.rint(_between(rng, has[D.THROMBOCYTOPENIA], (45, 95), (150, 380))), 0
    )
    writer.add(HB, v.pos, at, rng.uniform(10.0, 14.0, v.size), 1)
    female = pop.female[v.pos]
    base = np.where(female, rng.uniform(0.55, 0.9, v.size), rng.uniform(0.75, 1.1, v.size))
    renal_flare = has[D.PROTEINURIA] & (v.state >= 3)
    writer.add(CREATININE, v.pos, at, base * np.where(renal_flare, 1.3, 1.0), 2)
    sle = ~pop.is_ra[v.pos]
    s = np.flatnonzero(sle)
    writer.add(LYMPH, v.pos[s], at[s], wbc[s] * rng.uniform(0.15, 0.3, len(s)), 2)
    upcr_high = np.where(v.state[s] >= 4, 2.0, 0.6), np.where(v.state[s] >= 4, 6.0, 4.0)
    upcr = np.where(has[D.PROTEINURIA][s], rng.uniform(*upcr_high), rng.uniform(0.05, 0.35, len(s)))
    writer.add(UPCR, v.pos[s], at[s], upcr, 2)
    low_complement = has[D.LOW_COMPLEMENT][s]
    writer.add(C3, v.pos[s], at[s], _between(rng, low_complement, (40, 85), (95, 150)), 0)
    writer.add(C4, v.pos[s], at[s], _between(rng, low_complement, (4, 9), (12, 35)), 0)
    dna = has[D.INCREASED_DNA_BINDING][s]
    writer.add(DSDNA, v.pos[s], at[s], np.rint(_between(rng, dna, (40, 600), (1, 25))), 0)
    r = np.flatnonzero(~sle)
    writer.add(ESR, v.pos[r], at[r], esr[r], 0)
    active = v.state[r] >= 2
    writer.add(CRP, v.pos[r], at[r], _between(rng, active, (10, 60), (1, 8)), 1)
    e = np.flatnonzero(v.evaluation)
    writer.add(AST, v.pos[e], at[e], np.rint(rng.uniform(14, 42, len(e))), 0)
    writer.add(ALT, v.pos[e], at[e], np.rint(rng.uniform(10, 48, len(e))), 0)
    writer.add(BILIRUBIN, v.pos[e], at[e], rng.uniform(0.3, 1.1, len(e)), 2)
