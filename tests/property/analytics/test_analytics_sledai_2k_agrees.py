"""The vectorised SLEDAI-2K (analytics) equals the scalar domain function row by row.

Expected values come from the scalar
:func:`lupus_sct.domain.instruments.lupus.sledai_2k.score_sledai_2k`, the
reference implementation of docs/spec/instruments.md §1; measurements are drawn at, just below and
just above every threshold.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lupus_sct.analytics.sledai_2k import (
    CLINICAL_SLEDAI_COLUMN,
    SLEDAI_2K_COLUMN,
    check_sledai_cohort,
    counted_descriptors,
    exclusion_column,
    score_sledai_2k,
)
from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    DESCRIPTOR_THRESHOLDS,
    DescriptorThreshold,
    SledaiAssessment,
    SledaiDescriptor,
    SledaiMeasurements,
)
from lupus_sct.domain.instruments.lupus.sledai_2k import score_sledai_2k as score_one

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
_FIELD_TO_ATTRIBUTE = {
    "wbc_x10e9_per_L": "wbc_x10e9_per_l",
    "platelets_x10e9_per_L": "platelets_x10e9_per_l",
}


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


def measurement(threshold: DescriptorThreshold) -> st.SearchStrategy[float | int | None]:
    if threshold.field == "arthritis_joint_count":
        return st.none() | st.integers(0, 3) | st.integers(0, 68)
    boundary = [v for v in near(threshold.bound) if threshold.low <= v <= threshold.high]
    uniform = st.floats(threshold.low, threshold.high)
    return st.none() | st.sampled_from(boundary) | uniform


descriptor_sets = st.frozensets(st.sampled_from(SledaiDescriptor))


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    listed = draw(st.just(frozenset()) | descriptor_sets)
    excluded = draw(st.frozensets(st.sampled_from(list(DESCRIPTOR_THRESHOLDS)))) - listed
    record: dict[str, Any] = {d.value: d in listed for d in SledaiDescriptor}
    for descriptor, threshold in DESCRIPTOR_THRESHOLDS.items():
        record[threshold.field] = draw(measurement(threshold))
        record[exclusion_column(descriptor)] = descriptor in excluded
    return record


def scalar(record: dict[str, Any]) -> SledaiAssessment:
    values = {
        _FIELD_TO_ATTRIBUTE.get(t.field, t.field): record.get(t.field)
        for t in DESCRIPTOR_THRESHOLDS.values()
    }
    return SledaiAssessment(
        descriptors=frozenset(d for d in SledaiDescriptor if record[d.value]),
        measurements=SledaiMeasurements(**values),
        not_attributed_to_sle=frozenset(
            d for d in DESCRIPTOR_THRESHOLDS if record.get(exclusion_column(d), False)
        ),
    )


def cohort(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = {d.value: pl.Boolean for d in SledaiDescriptor}
    for descriptor, threshold in DESCRIPTOR_THRESHOLDS.items():
        integer = threshold.field == "arthritis_joint_count"
        schema[threshold.field] = pl.Int64 if integer else pl.Float64
        schema[exclusion_column(descriptor)] = pl.Boolean
    present = {key: dtype for key, dtype in schema.items() if key in rows[0]}
    return pl.DataFrame(rows, schema=present)


def assert_agrees(rows: list[dict[str, Any]], frame: pl.DataFrame | pl.LazyFrame) -> None:
    names = frame.collect_schema().names()
    scored = score_sledai_2k(frame).with_columns(**counted_descriptors(names)).lazy().collect()
    for record, row in zip(rows, scored.iter_rows(named=True), strict=True):
        expected = score_one(scalar(record))
        assert row[SLEDAI_2K_COLUMN] == expected.score
        assert row[CLINICAL_SLEDAI_COLUMN] == expected.clinical_score
        counted = tuple(d for d in SledaiDescriptor if row[d.value])
        assert counted == expected.descriptors


@PROPERTY_SETTINGS
@given(st.lists(records(), min_size=1, max_size=40))
def test_vectorised_sledai_2k_equals_the_domain_score_on_every_row(
    rows: list[dict[str, Any]],
) -> None:
    assert_agrees(rows, cohort(rows))


@PROPERTY_SETTINGS
@given(st.lists(records(), min_size=1, max_size=40), st.data())
def test_absent_optional_columns_mean_not_measured_and_not_excluded(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    optional = [t.field for t in DESCRIPTOR_THRESHOLDS.values()]
    optional += [exclusion_column(d) for d in DESCRIPTOR_THRESHOLDS]
    dropped = data.draw(st.frozensets(st.sampled_from(optional)))
    trimmed = [{k: v for k, v in row.items() if k not in dropped} for row in rows]
    assert_agrees(trimmed, cohort(trimmed).lazy())


def test_a_missing_descriptor_column_is_refused() -> None:
    frame = pl.DataFrame({"seizure": [True]})
    with pytest.raises(InvalidValueError, match="psychosis"):
        score_sledai_2k(frame)


def test_the_cohort_check_refuses_what_the_scalar_input_refuses() -> None:
    # docs/spec/instruments.md §12.3: temp_c 30-45; a descriptor listed and excluded is an error.
    base: dict[str, Any] = {d.value: False for d in SledaiDescriptor}
    with pytest.raises(OutOfValidatedRangeError, match=r"temp_c 46\.0"):
        check_sledai_cohort(cohort([{**base, "temp_c": 46.0}]))
    contradiction = {**base, "fever": True, exclusion_column(SledaiDescriptor.FEVER): True}
    with pytest.raises(InvalidValueError, match="fever"):
        check_sledai_cohort(cohort([contradiction]))
    check_sledai_cohort(cohort([{**base, "temp_c": None}]))


def test_a_null_listing_counts_only_when_a_measurement_derives_the_descriptor() -> None:
    # docs/spec/instruments.md §0.4 (missing is not zero): an unknown listing is not "absent".
    base: dict[str, Any] = {d.value: False for d in SledaiDescriptor}
    rows = [{**base, "fever": None, "temp_c": 38.5}, {**base, "fever": None, "temp_c": 37.0}]
    scored = score_sledai_2k(cohort(rows))
    assert scored[SLEDAI_2K_COLUMN].to_list() == [
        score_one(scalar({**rows[0], "fever": False})).score,
        None,
    ]
