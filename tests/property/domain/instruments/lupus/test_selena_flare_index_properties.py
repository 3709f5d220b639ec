"""Invariants of the SELENA Flare Index (Petri 1999; docs/spec/instruments.md §1, convention C3)."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.lupus.selena_flare_index import (
    SelenaFlare,
    SelenaFlareInput,
    classify_selena_flare,
)

FLAGS = (
    "prednisone_increased",
    "prednisone_doubled",
    "nsaid_or_hydroxychloroquine_added",
    "new_cyclophosphamide_azathioprine_methotrexate",
    "new_mycophenolate",
    "hospitalized_for_sle",
    "severe_manifestation_new_or_worse",
    "mild_moderate_manifestation_new_or_worse",
)
SEVERE_FLAGS = (  # Petri 1999, severe column; docs/spec/instruments.md §1, severe rules 4-7
    "prednisone_doubled",
    "new_cyclophosphamide_azathioprine_methotrexate",
    "new_mycophenolate",
    "hospitalized_for_sle",
    "severe_manifestation_new_or_worse",
)
RANK = {SelenaFlare.NONE: 0, SelenaFlare.MILD_MODERATE: 1, SelenaFlare.SEVERE: 2}

visits = st.builds(
    SelenaFlareInput,
    sledai_prev=st.integers(0, 105),
    sledai_curr=st.integers(0, 105),
    pga_prev=st.floats(0, 3),
    pga_curr=st.floats(0, 3),
    prednisone_mg_per_kg_curr=st.none() | st.floats(0, 30),
    **{flag: st.booleans() for flag in FLAGS},
)


def _rank(visit: SelenaFlareInput) -> int:
    return RANK[classify_selena_flare(visit).flare]


@given(visits, st.sampled_from(FLAGS))
def test_setting_a_flag_never_lowers_the_flare_category(visit: SelenaFlareInput, flag: str) -> None:
    assert _rank(dataclasses.replace(visit, **{flag: True})) >= _rank(visit)


@given(visits, st.sampled_from(SEVERE_FLAGS))
def test_any_severe_item_makes_a_severe_flare_whatever_else_is_present(
    visit: SelenaFlareInput, flag: str
) -> None:
    flared = dataclasses.replace(visit, **{flag: True})
    assert classify_selena_flare(flared).flare is SelenaFlare.SEVERE


@given(st.integers(0, 105), st.floats(0, 3))
def test_an_unchanged_score_and_pga_without_any_flag_is_never_a_flare(
    sledai: int, pga: float
) -> None:
    visit = SelenaFlareInput(sledai, sledai, pga, pga)
    assert classify_selena_flare(visit).flare is SelenaFlare.NONE


@given(visits, st.integers(0, 105))
def test_a_higher_current_score_never_lowers_the_flare_category(
    visit: SelenaFlareInput, higher: int
) -> None:
    raised = dataclasses.replace(visit, sledai_curr=max(visit.sledai_curr, higher))
    assert _rank(raised) >= _rank(visit)
