"""Clinic visits: when they happen and how active the disease is at each.

Notes
-----
Visits are about every 3 months before therapy (the issue's brief), plus the candidate
evaluation visit, then at the follow-up timepoints of docs/spec/pathway.md §6 (day +30, +100,
6 months, 9 months, 12 months, 18 months, then yearly). Activity is an ordinal state: 0
remission, 1 low, 2 moderate, 3 high, 4 very high (the allogeneic protocol's SLEDAI > 20).
After therapy the state follows the course's remission and relapse days.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from lupus_sct.synthetic.population import Population
from lupus_sct.synthetic.tables import Array
from lupus_sct.synthetic.therapy_plan import ALLO, CoursePlan

VISIT_INTERVAL_DAYS = 91  # about every 3 months (the brief)
FOLLOW_UP_DAYS = (30, 100, 182, 273, 365, 547, 730, 1095, 1461, 1826, 2191, 2556, 2922, 3287, 3652)
FOLLOW_UP_JITTER_DAYS = 7
PRE_THERAPY_STATES = (0.08, 0.27, 0.42, 0.23)  # ASSUMPTION: refractory disease, mostly active
REFERRED_STATES = (0.04, 0.18, 0.46, 0.32)  # ASSUMPTION: more active before referral


@dataclasses.dataclass(frozen=True, slots=True)
class Visits:
    """Arrays over visits: the block position of the patient, the day and the state."""

    pos: Array
    day: Array
    state: Array
    evaluation: Array  # the candidate evaluation visit (work-up labs drawn too)

    @property
    def size(self) -> int:
        """Visits in the block."""
        return len(self.pos)


def _repeat_index(counts: Array) -> tuple[Array, Array]:
    """For groups of ``counts`` rows: each row's group and its number within the group."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(int(counts.sum())) - starts[owner]


def _pre_therapy(rng: np.random.Generator, pop: Population) -> Visits:
    span = pop.index_day - pop.observed_from
    counts = span // VISIT_INTERVAL_DAYS + 1
    owner, k = _repeat_index(counts)
    day = pop.observed_from[owner] + k * VISIT_INTERVAL_DAYS + rng.integers(-10, 11, len(owner))
    day = np.clip(day, pop.observed_from[owner], pop.index_day[owner] - 1)
    referred = pop.kind[owner] >= 0
    state = np.where(
        referred,
        rng.choice(4, len(owner), p=REFERRED_STATES),
        rng.choice(4, len(owner), p=PRE_THERAPY_STATES),
    )
    return Visits(owner, day, state, np.zeros(len(owner), dtype=bool))


def _evaluation(rng: np.random.Generator, plan: CoursePlan, as_of: int) -> Visits:
    day = plan.decision - rng.integers(0, 4, plan.size)
    keep = day <= as_of
    state = np.where(plan.kind == ALLO, 4, 3)
    return Visits(plan.pos[keep], day[keep], state[keep], np.ones(int(keep.sum()), dtype=bool))


def _follow_up(rng: np.random.Generator, plan: CoursePlan, as_of: int) -> Visits:
    treated = np.flatnonzero(plan.infused)
    offsets = np.array(FOLLOW_UP_DAYS)
    owner = np.repeat(treated, len(offsets))
    day = plan.day0[owner] + np.tile(offsets, len(treated))
    day = day + rng.integers(-FOLLOW_UP_JITTER_DAYS, FOLLOW_UP_JITTER_DAYS + 1, len(owner))
    keep = (day <= as_of) & (day < plan.death[owner])
    owner, day = owner[keep], day[keep]
    relapsed = day >= plan.relapse[owner]
    remitted = day >= plan.remission[owner]
    state = np.where(relapsed, 3, np.where(remitted, 0, 2))
    return Visits(plan.pos[owner], day, state, np.zeros(len(owner), dtype=bool))


def draw_visits(rng: np.random.Generator, pop: Population, plan: CoursePlan, as_of: int) -> Visits:
    """Every visit of a block, before therapy, at evaluation and in follow-up."""
    parts = (_pre_therapy(rng, pop), _evaluation(rng, plan, as_of), _follow_up(rng, plan, as_of))
    return Visits(
        np.concatenate([p.pos for p in parts]),
        np.concatenate([p.day for p in parts]),
        np.concatenate([p.state for p in parts]),
        np.concatenate([p.evaluation for p in parts]),
    )
