"""Invariants of the CIBMTR engraftment algorithm (docs/spec/instruments.md §8.2, convention C4)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.transplant.cibmtr_engraftment import (
    CountValue,
    neutrophil_recovery,
    platelet_recovery,
)

series_strategy = st.dictionaries(
    st.integers(min_value=-5, max_value=60),
    st.floats(min_value=0, max_value=5, allow_nan=False),
    min_size=1,
    max_size=30,
).filter(lambda d: any(day >= 0 for day in d))


def _series(values: dict[int, float]) -> list[CountValue]:
    return [CountValue(day, v) for day, v in values.items()]


@given(series_strategy)
def test_the_engraftment_day_is_never_on_or_before_the_nadir(values: dict[int, float]) -> None:
    result = neutrophil_recovery(_series(values))
    if result.engraftment_day is not None:
        assert result.engraftment_day > result.nadir_day
        assert result.never_below_threshold is False


@given(series_strategy)
def test_the_engraftment_day_starts_three_qualifying_draws(values: dict[int, float]) -> None:
    result = neutrophil_recovery(_series(values))
    if result.engraftment_day is not None:
        days = sorted(d for d in values if d >= result.engraftment_day)
        assert all(values[d] >= 0.5 for d in days[:3])
        assert len(days) >= 3


@given(series_strategy, st.lists(st.integers(min_value=-10, max_value=60), max_size=5))
def test_transfusions_never_make_platelet_recovery_earlier(
    values: dict[int, float], transfusions: list[int]
) -> None:
    scaled = {day: v * 20 for day, v in values.items()}
    without = platelet_recovery(_series(scaled)).engraftment_day
    with_transfusions = platelet_recovery(_series(scaled), transfusions).engraftment_day
    if with_transfusions is not None:
        assert without is not None
        assert with_transfusions >= without


@given(series_strategy)
def test_order_of_the_input_series_does_not_matter(values: dict[int, float]) -> None:
    series = _series(values)
    assert neutrophil_recovery(series) == neutrophil_recovery(list(reversed(series)))
