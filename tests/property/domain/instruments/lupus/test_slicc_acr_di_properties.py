"""SDI invariants: range 0-47, never decreasing in time or in the damage recorded (decision D4)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.lupus.slicc_acr_di import (
    COUNT_ITEMS,
    SdiItem,
    SdiPersistenceItem,
    score_sdi_as_of,
    score_sdi_persistence,
    score_sdi_total,
)


@dataclasses.dataclass(frozen=True)
class Dated:
    item: SdiItem
    onset_date: date
    episodes: int = 1


def _count(item: SdiItem) -> st.SearchStrategy[int]:
    return st.integers(0, 5) if item in COUNT_ITEMS else st.integers(0, 1)


totals = st.fixed_dictionaries({item: _count(item) for item in SdiItem})
dates = st.dates(date(2000, 1, 1), date(2030, 12, 31))


@st.composite
def dated_items(draw: st.DrawFn) -> list[Dated]:
    chosen = draw(st.lists(st.sampled_from(list(SdiItem)), max_size=20))
    return [
        Dated(item, draw(dates), draw(st.integers(1, 3)) if item in COUNT_ITEMS else 1)
        for item in chosen
    ]


@given(totals)
def test_the_total_score_lies_between_0_and_47(counts: dict[SdiItem, int]) -> None:
    assert 0 <= score_sdi_total(counts).score <= 47


@given(totals, st.sampled_from(list(SdiItem)))
def test_adding_an_item_never_lowers_the_sdi(counts: dict[SdiItem, int], item: SdiItem) -> None:
    more = {**counts, item: max(counts[item], 1)}
    assert score_sdi_total(more).score >= score_sdi_total(counts).score


@given(dated_items(), dates, st.integers(0, 3650))
def test_the_sdi_never_decreases_as_time_advances(
    items: list[Dated], as_of: date, days_later: int
) -> None:
    later = as_of + timedelta(days=days_later)
    earlier_score = score_sdi_as_of(items, as_of).score
    assert earlier_score <= score_sdi_as_of(items, later).score <= 47


@given(dated_items(), dated_items(), dates)
def test_recording_more_damage_never_lowers_the_sdi(
    items: list[Dated], extra: list[Dated], as_of: date
) -> None:
    assert score_sdi_as_of(items + extra, as_of).score >= score_sdi_as_of(items, as_of).score


@given(st.sampled_from(list(SdiItem)), st.floats(0, 600), st.floats(0, 600))
def test_longer_persistence_never_lowers_the_sdi(item: SdiItem, a: float, b: float) -> None:
    shorter, longer = sorted((a, b))
    assert (
        score_sdi_persistence([SdiPersistenceItem(item, shorter)]).score
        <= score_sdi_persistence([SdiPersistenceItem(item, longer)]).score
    )
