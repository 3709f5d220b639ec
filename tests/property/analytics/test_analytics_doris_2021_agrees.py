"""The vectorised DORIS 2021 remission (analytics) equals the scalar domain function row by row.

Expected values come from :func:`lupus_sct.domain.instruments.lupus.doris_2021.assess_doris_2021`
(docs/spec/instruments.md
§5.4, decision D2, decision D3, decision D11), applied to the descriptors the scalar SLEDAI-2K
counts. PGA
and dose are drawn at, just below and just above 0.5 and 5 mg/day, including values within the
1e-9 tolerance.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lupus_sct.analytics.doris_2021 import (
    REMISSION_COLUMN,
    assess_doris_2021,
    check_doris_cohort,
)
from lupus_sct.analytics.sledai_2k import CLINICAL_SLEDAI_COLUMN
from lupus_sct.domain.errors import OutOfValidatedRangeError
from lupus_sct.domain.instruments.lupus.doris_2021 import (
    DORIS_MAX_PREDNISOLONE_MG_PER_DAY,
    DORIS_PGA_BELOW,
    DorisAssessment,
)
from lupus_sct.domain.instruments.lupus.doris_2021 import (
    assess_doris_2021 as assess_one,
)
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    SledaiAssessment,
    SledaiDescriptor,
    SledaiMeasurements,
    score_sledai_2k,
)

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


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


pgas = st.sampled_from(near(DORIS_PGA_BELOW)) | st.floats(0, 3)
doses = st.sampled_from(
    [*near(DORIS_MAX_PREDNISOLONE_MG_PER_DAY), 0.0, 4.4 - 3.2 + 3.8]
) | st.floats(0, 1000)
listings = st.just(frozenset()) | st.frozensets(st.sampled_from(SledaiDescriptor), max_size=3)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    listed = draw(listings)
    record: dict[str, Any] = {d.value: d in listed for d in SledaiDescriptor}
    record["temp_c"] = draw(st.none() | st.sampled_from([37.0, 38.0, 38.5]))
    record["pga"] = draw(pgas)
    record["prednisolone_mg_per_day"] = draw(doses)
    record["antimalarial_stable"] = draw(st.none() | st.booleans())
    return record


def expected(record: dict[str, Any]) -> tuple[bool, int]:
    listed = frozenset(d for d in SledaiDescriptor if record[d.value])
    sledai = SledaiAssessment(listed, SledaiMeasurements(temp_c=record["temp_c"]))
    counted = frozenset(score_sledai_2k(sledai).descriptors)
    result = assess_one(DorisAssessment(counted, record["pga"], record["prednisolone_mg_per_day"]))
    return result.remission, result.clinical_sledai


def cohort(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema: dict[str, Any] = {d.value: pl.Boolean for d in SledaiDescriptor}
    schema |= {"temp_c": pl.Float64, "pga": pl.Float64, "prednisolone_mg_per_day": pl.Float64}
    schema["antimalarial_stable"] = pl.Boolean
    return pl.DataFrame(rows, schema=schema)


@PROPERTY_SETTINGS
@given(st.lists(records(), min_size=1, max_size=40))
def test_vectorised_doris_remission_equals_the_domain_result_on_every_row(
    rows: list[dict[str, Any]],
) -> None:
    scored = assess_doris_2021(cohort(rows).lazy()).collect()
    for record, row in zip(rows, scored.iter_rows(named=True), strict=True):
        remission, clinical = expected(record)
        assert row[REMISSION_COLUMN] == remission
        assert row[CLINICAL_SLEDAI_COLUMN] == clinical
        assert row["antimalarial_stable"] == record["antimalarial_stable"]  # convention C9


def test_the_cohort_check_refuses_a_pga_outside_0_to_3() -> None:
    # van Vollenhoven 2021: the evaluator global assessment is on a 0-3 scale.
    row: dict[str, Any] = {d.value: False for d in SledaiDescriptor}
    row |= {"temp_c": None, "pga": 3.5, "prednisolone_mg_per_day": 0.0}
    row["antimalarial_stable"] = None
    with pytest.raises(OutOfValidatedRangeError, match=r"pga 3\.5"):
        check_doris_cohort(cohort([row]))
