"""Generate synthetic patients block by block, deterministically from a seed.

Notes
-----
Patients are made in blocks of :data:`BLOCK_SIZE`; block ``b`` of seed ``s`` draws from
``numpy.random.default_rng([s, b])``, so a patient's records depend only on the seed, the
patient's number and ``as_of`` (and the cohort size only through a final partial block), never on
how a caller groups blocks into chunks. ``as_of`` plays "today": nothing is dated after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np

from lupus_sct.synthetic.assessments import add_assessments
from lupus_sct.synthetic.blood_counts import add_blood_counts
from lupus_sct.synthetic.medication_history import add_medications
from lupus_sct.synthetic.pathway_rows import CourseRows, course_rows
from lupus_sct.synthetic.population import add_people, draw_population
from lupus_sct.synthetic.tables import SyntheticChunk, builders, epoch_day
from lupus_sct.synthetic.therapy_plan import draw_course_plans
from lupus_sct.synthetic.visit_labs import add_visit_labs
from lupus_sct.synthetic.visits import draw_visits
from lupus_sct.synthetic.workup_findings import add_workup

BLOCK_SIZE = 1000  # patients per random-number stream
ROWS_PER_PATIENT_BOUND = 4096  # row ids: first patient x bound + row (a patient has far fewer)
CENTRE_NAMES = (
    ("SYN-A", "Synthetic Transplant Centre A", "GB"),
    ("SYN-B", "Synthetic Cell Therapy Unit B", "DE"),
    ("SYN-C", "Synthetic Rheumatology Programme C", "CN"),
    ("SYN-D", "Synthetic Centre D", "FR"),
    ("SYN-E", "Synthetic Centre E", "US"),
)
DEFAULT_CENTRES = 3


def centre_rows(n_centres: int) -> list[tuple[int, str, str, str]]:
    """(number, code, name, country) of each synthetic centre."""
    return [(i, *CENTRE_NAMES[i % len(CENTRE_NAMES)]) for i in range(n_centres)]


def generate_block(
    seed: int, block: int, n_patients: int, *, as_of: date, n_centres: int = DEFAULT_CENTRES
) -> SyntheticChunk:
    """The tables of block ``block`` (patients ``block * BLOCK_SIZE`` onwards)."""
    if not 1 <= n_patients <= BLOCK_SIZE:
        raise ValueError(f"a block holds 1 to {BLOCK_SIZE} patients, not {n_patients}")
    if not 1 <= n_centres <= len(CENTRE_NAMES):
        raise ValueError(f"1 to {len(CENTRE_NAMES)} centres, not {n_centres}")
    rng = np.random.default_rng([seed, block])
    first = block * BLOCK_SIZE
    today = epoch_day(as_of)
    tables = builders()
    pop = draw_population(rng, first, n_patients, today, n_centres)
    add_people(pop, rng, tables)
    plan = draw_course_plans(rng, pop)
    extra = rng.random((plan.size, 5))
    context = {
        "id": pop.patient[plan.pos],
        "patient": pop.patient[plan.pos],
        "is_ra": pop.is_ra[plan.pos],
        **{f"u{i}": extra[:, i] for i in range(5)},
    }
    rows = CourseRows()
    course_rows(plan, context, today, rows)
    for key, names in CourseRows.COLUMNS.items():
        tables[key].add_rows(names, rows.rows[key])
    visits = draw_visits(rng, pop, plan, today)
    bits, esr = add_assessments(rng, pop, visits, tables)
    add_visit_labs(rng, pop, visits, bits, esr, tables)
    add_blood_counts(rng, pop, plan, today, tables)
    add_medications(rng, pop, plan, today, tables["medications"])
    add_workup(rng, pop, plan, today, tables["workup_findings"])
    if block == 0:
        for number, code, name, country in centre_rows(n_centres):
            tables["centres"].add(1, id=number, code=code, name=name, country=country)
    base = first * ROWS_PER_PATIENT_BOUND
    built = {key: builder.build(base) for key, builder in tables.items()}
    return SyntheticChunk(seed, first, n_patients, built)


def generate_cohort(
    seed: int,
    n_patients: int,
    *,
    as_of: date,
    n_centres: int = DEFAULT_CENTRES,
    first_block: int = 0,
) -> Iterator[SyntheticChunk]:
    """Every block of a cohort of ``n_patients``, in patient order."""
    if n_patients < 1:
        raise ValueError(f"a cohort has at least 1 patient, not {n_patients}")
    blocks = -(-n_patients // BLOCK_SIZE)
    for block in range(first_block, blocks):
        size = min(BLOCK_SIZE, n_patients - block * BLOCK_SIZE)
        yield generate_block(seed, block, size, as_of=as_of, n_centres=n_centres)
