"""Disease assessments at each visit: SLEDAI-2K descriptors, PGA, BILAG-2004 grades, LLDAS inputs,
and for RA the DAS28 core set.

Notes
-----
Descriptors are drawn per organ domain from the patient's organ profile, more often the more
active the visit's state. The state also bounds the score: a remission visit has at most one
serological descriptor (SLEDAI-2K <= 2, "SLEDAI <3", JAYNE2004 remission), an active visit scores
at least 3 (low) or 4 (moderate), a high-activity visit
scores at least 8 (the CAR-T protocol's SLEDAI-2K >= 8) and a very-high visit more than 20 (the
allogeneic protocol). BILAG grades follow the descriptors (the platform never derives BILAG; a
clinician would enter these grades, decision D10). The descriptor flags are returned so that the
laboratory values can agree with them (low complement, anti-dsDNA, counts, proteinuria).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

import numpy as np

from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain
from lupus_sct.domain.instruments.lupus.sledai_2k import SLEDAI_2K_WEIGHTS, SledaiDescriptor
from lupus_sct.synthetic.population import Population
from lupus_sct.synthetic.tables import Array, TableBuilder
from lupus_sct.synthetic.visits import Visits

D = SledaiDescriptor
BIT = {d: i for i, d in enumerate(SledaiDescriptor)}
WEIGHTS = np.array([SLEDAI_2K_WEIGHTS[d] for d in SledaiDescriptor], dtype=np.int64)
ACTIVE_BY_STATE = np.array([0.0, 0.3, 0.6, 0.9, 1.0])  # ASSUMPTION: organ flare probability
PGA_BY_STATE = ((0.0, 0.4), (0.4, 1.0), (1.0, 1.8), (1.8, 2.5), (2.4, 3.0))  # ASSUMPTION
HIGH_MIN_SCORE, VERY_HIGH_MIN_SCORE = 8, 21  # cd19-car-t-sle (>= 8), allo-hsct-sle (> 20)
LOW_MIN_SCORE, MODERATE_MIN_SCORE = 3, 4  # active visits never read as "SLEDAI <3" remission
NOT_EVALUATED_JSON = json.dumps({"missing": "not_evaluated"})
RA_NOT_EVALUATED_JSON = json.dumps(
    {
        name: {"missing": "not_evaluated"}
        for name in (
            "tjc28",
            "sjc28",
            "tjc68",
            "sjc66",
            "patient_global_mm",
            "evaluator_global_cm",
            "haq_di",
        )
    }
)
A, B, C, DD, E = range(5)  # BILAG grades A-E as 0-4
_GRADE = "ABCDE"


def _set(bits: Array, descriptor: SledaiDescriptor, on: Array) -> None:
    bits[:, BIT[descriptor]] |= on


def _draw_descriptors(rng: np.random.Generator, pop: Population, v: Visits) -> Array:
    n = v.size
    state = v.state
    profile = {k: p[v.pos] for k, p in pop.profile.items()}
    active_p = ACTIVE_BY_STATE[state]
    bits = np.zeros((n, len(BIT)), dtype=bool)

    def active(organ: str) -> Array:
        return profile[organ] & (rng.random(n) < active_p)

    renal = active("renal") | (profile["renal"] & (state >= 3))  # severe: renal BILAG A
    _set(bits, D.PROTEINURIA, renal)
    _set(bits, D.HEMATURIA, renal & (rng.random(n) < 0.6))
    _set(bits, D.URINARY_CASTS, renal & (rng.random(n) < np.where(state >= 3, 0.5, 0.2)))
    muco = active("mucocutaneous")
    _set(bits, D.RASH, muco)
    _set(bits, D.ALOPECIA, muco & (rng.random(n) < 0.4))
    _set(bits, D.MUCOSAL_ULCERS, muco & (rng.random(n) < 0.3))
    _set(bits, D.ARTHRITIS, active("musculoskeletal"))
    haem = active("haematological")
    _set(bits, D.THROMBOCYTOPENIA, haem & (rng.random(n) < 0.5))
    _set(bits, D.LEUKOPENIA, haem & (rng.random(n) < 0.6))
    _set(bits, D.PLEURISY, active("serosal"))
    _set(bits, D.SEIZURE, profile["neuro"] & (state >= 3) & (rng.random(n) < 0.5))
    _set(bits, D.FEVER, (state >= 3) & (rng.random(n) < 0.2))
    serology = profile["serology"] & (state >= 1)
    _set(bits, D.LOW_COMPLEMENT, serology & (rng.random(n) < 0.75))
    _set(bits, D.INCREASED_DNA_BINDING, serology & (rng.random(n) < 0.7))
    _set(bits, D.VASCULITIS, (state == 4) | ((state == 3) & ~pop.profile["renal"][v.pos]))
    return _bound_by_state(rng, bits, state)


def _bound_by_state(rng: np.random.Generator, bits: Array, state: Array) -> Array:
    remission = state == 0
    bits[remission] = False
    one_serology = remission & (rng.random(len(state)) < 0.2)
    _set(bits, D.LOW_COMPLEMENT, one_serology)
    score = bits.astype(np.int64) @ WEIGHTS
    low = (state == 1) & (score < LOW_MIN_SCORE)
    for d in (D.RASH, D.LOW_COMPLEMENT):
        _set(bits, d, low)
    _set(bits, D.ARTHRITIS, (state == 2) & (score < MODERATE_MIN_SCORE))
    high = (state >= 3) & ((bits.astype(np.int64) @ WEIGHTS) < HIGH_MIN_SCORE)
    for d in (D.ARTHRITIS, D.LOW_COMPLEMENT, D.INCREASED_DNA_BINDING):
        _set(bits, d, high)
    very_high = state == 4
    for d in (
        D.VASCULITIS,
        D.PROTEINURIA,
        D.HEMATURIA,
        D.ARTHRITIS,
        D.LOW_COMPLEMENT,
        D.INCREASED_DNA_BINDING,
    ):
        _set(bits, d, very_high)
    return bits


def _bilag(bits: Array, state: Array, profile: dict[str, Array]) -> Array:
    """BILAG grade (0-4 = A-E) per domain, in BilagDomain order."""
    has = {d: bits[:, BIT[d]] for d in SledaiDescriptor}

    def grade(a: Array, b: Array, c: Array, ever: Array) -> Array:
        return np.select([a, b, c, ever], [A, B, C, DD], default=E)

    none = np.zeros(len(state), dtype=bool)
    grades = {
        BilagDomain.CONSTITUTIONAL: grade(none, has[D.FEVER], state >= 2, state >= 0),
        BilagDomain.MUCOCUTANEOUS: grade(
            has[D.VASCULITIS],
            has[D.RASH] | has[D.ALOPECIA] | has[D.MUCOSAL_ULCERS],
            none,
            profile["mucocutaneous"],
        ),
        BilagDomain.NEUROPSYCHIATRIC: grade(has[D.SEIZURE], none, none, profile["neuro"]),
        BilagDomain.MUSCULOSKELETAL: grade(
            none, has[D.ARTHRITIS], none, profile["musculoskeletal"]
        ),
        BilagDomain.CARDIORESPIRATORY: grade(none, has[D.PLEURISY], none, profile["serosal"]),
        BilagDomain.GASTROINTESTINAL: np.full(len(state), E),
        BilagDomain.OPHTHALMIC: np.full(len(state), E),
        BilagDomain.RENAL: grade(
            has[D.PROTEINURIA] & (state >= 3), has[D.PROTEINURIA], none, profile["renal"]
        ),
        BilagDomain.HAEMATOLOGICAL: grade(
            none,
            has[D.THROMBOCYTOPENIA] & (state >= 3),
            has[D.THROMBOCYTOPENIA] | has[D.LEUKOPENIA],
            profile["haematological"],
        ),
    }
    return np.stack([grades[d] for d in BilagDomain], axis=1)


def _json_by_key(keys: Array, render: Callable[[int], str]) -> Array:
    unique, inverse = np.unique(keys, return_inverse=True)
    rendered = np.array([render(k) for k in unique.tolist()], dtype=object)
    return rendered[inverse]


@functools.cache
def _descriptor_json(mask: int) -> str:
    return json.dumps([d.value for d in SledaiDescriptor if mask >> BIT[d] & 1])


@functools.cache
def _bilag_json(key: int) -> str:
    grades = {}
    for i, domain in enumerate(BilagDomain):
        grades[domain.value] = _GRADE[key // 5**i % 5]
    return json.dumps(grades)


def _ra_json(rng: np.random.Generator, state: Array) -> tuple[Array, Array]:
    """DAS28 core set per RA visit; returns the JSON and the ESR (mm/h) to report with it."""
    tjc_range = np.array([(0, 1), (1, 4), (4, 10), (12, 20), (14, 24)])[state]
    sjc_range = np.array([(0, 0), (0, 3), (2, 6), (8, 14), (10, 18)])[state]
    gh_range = np.array([(5, 20), (15, 35), (35, 60), (60, 90), (70, 95)])[state]
    esr_range = np.array([(5, 15), (10, 25), (20, 45), (40, 80), (50, 90)])[state]
    tjc = rng.integers(tjc_range[:, 0], tjc_range[:, 1] + 1)
    sjc = rng.integers(sjc_range[:, 0], sjc_range[:, 1] + 1)
    gh = rng.integers(gh_range[:, 0], gh_range[:, 1] + 1)
    esr = rng.integers(esr_range[:, 0], esr_range[:, 1] + 1).astype(np.float64)
    rendered = [
        f'{{"tjc28": {t}, "sjc28": {s}, "tjc68": {{"missing": "not_evaluated"}}, '
        f'"sjc66": {{"missing": "not_evaluated"}}, "patient_global_mm": {float(g)}, '
        f'"evaluator_global_cm": {{"missing": "not_evaluated"}}, '
        f'"haq_di": {{"missing": "not_evaluated"}}}}'
        for t, s, g in zip(tjc.tolist(), sjc.tolist(), gh.tolist(), strict=True)
    ]
    return np.array(rendered, dtype=object), esr


def _tristate(values: Array, evaluated: Array) -> tuple[Array, Array]:
    column = values.astype(object)
    column[~evaluated] = None
    return column, _not_evaluated_unless(evaluated)


def _not_evaluated_unless(evaluated: Array) -> Array:
    """The ``<field>_missing`` column: None where evaluated, "not_evaluated" elsewhere."""
    missing = np.full(len(evaluated), "not_evaluated", dtype=object)
    missing[evaluated] = None
    return missing


def add_assessments(
    rng: np.random.Generator, pop: Population, v: Visits, tables: dict[str, TableBuilder]
) -> tuple[Array, Array]:
    """Add one assessment per visit; returns the descriptor bits and the RA visits' ESR."""
    n = v.size
    sle = ~pop.is_ra[v.pos]
    bits = _draw_descriptors(rng, pop, v)
    bits[~sle] = False
    masks = bits.astype(np.int64) @ (1 << np.arange(len(BIT), dtype=np.int64))
    descriptors = np.where(sle, _json_by_key(masks, _descriptor_json), NOT_EVALUATED_JSON)
    profile = {k: p[v.pos] for k, p in pop.profile.items()}
    bilag_keys = _bilag(bits, v.state, profile) @ (5 ** np.arange(len(BilagDomain)))
    bilag = np.where(sle, _json_by_key(bilag_keys, _bilag_json), NOT_EVALUATED_JSON)
    low, high = (np.array([r[i] for r in PGA_BY_STATE])[v.state] for i in (0, 1))
    pga = np.where(sle, np.round(rng.uniform(low, high), 1), np.nan)
    ra_json, esr = _ra_json(rng, v.state)
    flags = {
        "hemolytic_anemia": profile["haematological"] & (v.state >= 3) & (rng.random(n) < 0.15),
        "gi_activity": np.zeros(n, dtype=bool),
        "maintenance_therapy_tolerated": rng.random(n) < 0.95,
        "investigational_drug": np.zeros(n, dtype=bool),
        "hospitalised_for_sle": (v.state >= 3) & (rng.random(n) < 0.3),
    }
    columns = {}
    for name, values in flags.items():
        columns[name], columns[name + "_missing"] = _tristate(values, sle)
    tables["assessments"].add(
        n,
        patient_id=pop.patient[v.pos],
        visit_date=v.day.astype("datetime64[D]"),
        sledai_window_days=30,
        sledai_descriptors=descriptors,
        sledai_not_attributed="[]",
        pga=pga,
        pga_missing=_not_evaluated_unless(sle),
        bilag=bilag,
        damage_items="[]",
        ra=np.where(sle, RA_NOT_EVALUATED_JSON, ra_json),
        **columns,
    )
    return bits, esr
