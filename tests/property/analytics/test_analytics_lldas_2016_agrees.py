"""The vectorised LLDAS (analytics) equals the scalar domain function row by row.

Expected values come from :func:`lupus_sct.domain.instruments.lupus.lldas_2016.assess_lldas`
(docs/spec/instruments.md
§5.5, decision D11), applied to the descriptors the scalar SLEDAI-2K counts. The SLEDAI-2K
is drawn around 4, and the PGA and dose at, just below and just above 1 and 7.5 mg/day.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lupus_sct.analytics.lldas_2016 import (
    FLAG_COLUMNS,
    LLDAS_COLUMN,
    LLDAS_CRITERIA,
    assess_lldas,
    criterion_column,
)
from lupus_sct.analytics.sledai_2k import SLEDAI_2K_COLUMN
from lupus_sct.domain.instruments.lupus.lldas_2016 import (
    LLDAS_MAX_PGA,
    LLDAS_MAX_PREDNISOLONE_MG_PER_DAY,
    LldasAssessment,
)
from lupus_sct.domain.instruments.lupus.lldas_2016 import assess_lldas as assess_one
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    SledaiAssessment,
    SledaiDescriptor,
    SledaiMeasurements,
    score_sledai_2k,
)

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
_D = SledaiDescriptor
_MINOR = [_D.ARTHRITIS, _D.RASH, _D.ALOPECIA, _D.LOW_COMPLEMENT, _D.INCREASED_DNA_BINDING]


def near(bound: float) -> list[float]:
    """The bound, its floating-point neighbours and values within and just beyond 1e-9."""
    steps = (5e-10, 1e-9, 1.5e-9, 1e-6)
    return [
        bound,
        math.nextafter(bound, -math.inf),
        math.nextafter(bound, math.inf),
        *(bound + s for s in steps),
        *(bound - s for s in steps),
    ]


# Mostly minor descriptors, so the SLEDAI-2K falls around the <=4 limit; sometimes any.
listings = st.frozensets(st.sampled_from(_MINOR), max_size=3) | st.frozensets(
    st.sampled_from(SledaiDescriptor), max_size=3
)
pgas = st.sampled_from(near(LLDAS_MAX_PGA)) | st.floats(0, 3)
doses = st.sampled_from(near(LLDAS_MAX_PREDNISOLONE_MG_PER_DAY)) | st.floats(0, 1000)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    listed = draw(listings)
    record: dict[str, Any] = {d.value: d in listed for d in SledaiDescriptor}
    record["wbc_x10e9_per_L"] = draw(st.none() | st.sampled_from([2.9, 3.0, 5.0]))
    record |= {flag: draw(st.booleans()) for flag in FLAG_COLUMNS}
    record["standard_maintenance_immunosuppression_tolerated"] = draw(
        st.sampled_from([True, True, False])
    )
    record["pga"] = draw(pgas)
    record["prednisolone_mg_per_day"] = draw(doses)
    return record


def expected(record: dict[str, Any]) -> Any:
    listed = frozenset(d for d in SledaiDescriptor if record[d.value])
    measured = SledaiMeasurements(wbc_x10e9_per_l=record["wbc_x10e9_per_L"])
    counted = frozenset(score_sledai_2k(SledaiAssessment(listed, measured)).descriptors)
    flags = {flag: record[flag] for flag in FLAG_COLUMNS}
    return assess_one(
        LldasAssessment(
            sledai2k_descriptors=counted,
            pga=record["pga"],
            prednisolone_mg_per_day=record["prednisolone_mg_per_day"],
            **flags,
        )
    )


def cohort(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema: dict[str, Any] = {d.value: pl.Boolean for d in SledaiDescriptor}
    schema["wbc_x10e9_per_L"] = pl.Float64
    schema |= dict.fromkeys(FLAG_COLUMNS, pl.Boolean)
    schema |= {"pga": pl.Float64, "prednisolone_mg_per_day": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


@PROPERTY_SETTINGS
@given(st.lists(records(), min_size=1, max_size=40))
def test_vectorised_lldas_equals_the_domain_result_on_every_row(
    rows: list[dict[str, Any]],
) -> None:
    scored = assess_lldas(cohort(rows))
    for record, row in zip(rows, scored.iter_rows(named=True), strict=True):
        result = expected(record)
        assert row[LLDAS_COLUMN] == result.lldas
        assert row[SLEDAI_2K_COLUMN] == result.sledai_2k
        unmet = tuple(n for n in LLDAS_CRITERIA if not row[criterion_column(n)])
        assert unmet == result.unmet_criteria
