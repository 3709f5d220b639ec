"""SELENA Flare Index reference cases.

Sources: the SFI table of Petri M, Buyon J, Kim M. Lupus 1999;8:685-91, as reproduced in the
Annals of the Rheumatic Diseases and transcribed with its operational rules in
docs/spec/instruments.md §1; convention C3 and decision D11.
"""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.selena_flare_index import (
    SelenaFlare,
    SelenaFlareInput,
    classify_selena_flare,
)

NONE, MILD, SEVERE = SelenaFlare.NONE, SelenaFlare.MILD_MODERATE, SelenaFlare.SEVERE


def _flare(**changes: Any) -> SelenaFlare:
    fields: dict[str, Any] = {"sledai_prev": 4, "sledai_curr": 4, "pga_prev": 1.0, "pga_curr": 1.0}
    fields.update(changes)
    return classify_selena_flare(SelenaFlareInput(**fields)).flare


def test_an_unchanged_visit_is_no_flare() -> None:
    # Petri 1999: no criterion of either column is met.
    assert _flare() is NONE


@pytest.mark.parametrize(
    ("prev", "curr", "expected"),
    [
        (10, 12, NONE),  # rise of 2, not >12: neither column
        (9, 12, MILD),  # rise of 3 to 12: "increase >=3, but not to >12"
        (10, 13, SEVERE),  # rise to 13: "increase to >12"
        (4, 8, MILD),  # rise of 4
    ],
)
def test_the_score_criterion_follows_the_sfi_table_at_its_boundaries(
    prev: int, curr: int, expected: SelenaFlare
) -> None:
    # Petri 1999 SFI table, score row; docs/spec/instruments.md §1 operational rules.
    assert _flare(sledai_prev=prev, sledai_curr=curr) is expected


def test_a_score_that_stays_above_12_without_rising_is_not_a_flare() -> None:
    # docs/spec/instruments.md §1, pitfall 6, and convention C3.
    assert _flare(sledai_prev=16, sledai_curr=16) is NONE


def test_a_score_that_falls_but_stays_above_12_is_not_a_flare() -> None:
    # Convention C3: the current score must be higher than the previous one.
    assert _flare(sledai_prev=20, sledai_curr=14) is NONE


@pytest.mark.parametrize(
    ("prev", "curr", "expected"),
    [
        (1.0, 1.9, NONE),  # rise of 0.9
        (1.0, 2.0, MILD),  # rise of 1.0: "increase >=1.0"
        (1.3, 2.3, MILD),  # 2.3 - 1.3 == 0.9999999999999998 in binary floating point (decision D11)
        (1.0, 2.5, MILD),  # rise of 1.5 to 2.5, not >2.5
        (2.0, 2.6, SEVERE),  # rise to 2.6: "increase to >2.5"
        (2.8, 2.8, NONE),  # stays above 2.5 without rising (convention C3)
    ],
)
def test_the_pga_criterion_follows_the_sfi_table_at_its_boundaries(
    prev: float, curr: float, expected: SelenaFlare
) -> None:
    # Petri 1999 SFI table, PGA row; convention C3; decision D11 for the robust difference.
    assert _flare(pga_prev=prev, pga_curr=curr) is expected


@pytest.mark.parametrize(
    ("dose", "expected"),
    [(0.4, MILD), (0.5, MILD), (0.6, SEVERE), (None, MILD)],
)
def test_an_increased_prednisone_is_severe_only_above_half_a_mg_per_kg(
    dose: float | None, expected: SelenaFlare
) -> None:
    # Petri 1999 SFI table, prednisone row: "increased, but not to >0.5 mg/kg/day" (mild/moderate)
    # versus "increased to >0.5 mg/kg/day" (severe). Without a dose only the increase is known.
    assert _flare(prednisone_increased=True, prednisone_mg_per_kg_curr=dose) is expected


def test_a_high_prednisone_dose_that_was_not_increased_is_not_a_flare() -> None:
    # Petri 1999: both columns require an increase.
    assert _flare(prednisone_mg_per_kg_curr=1.0) is NONE


@pytest.mark.parametrize(
    "flag",
    [
        "prednisone_doubled",
        "new_cyclophosphamide_azathioprine_methotrexate",
        "new_mycophenolate",
        "hospitalized_for_sle",
        "severe_manifestation_new_or_worse",
    ],
)
def test_each_severe_column_item_alone_is_a_severe_flare(flag: str) -> None:
    # Petri 1999 SFI table, severe column (mycophenolate added in later versions).
    assert _flare(**{flag: True}) is SEVERE


@pytest.mark.parametrize(
    "flag", ["nsaid_or_hydroxychloroquine_added", "mild_moderate_manifestation_new_or_worse"]
)
def test_each_mild_moderate_column_item_alone_is_a_mild_moderate_flare(flag: str) -> None:
    # Petri 1999 SFI table, mild/moderate column.
    assert _flare(**{flag: True}) is MILD


def test_severe_overrides_mild_moderate() -> None:
    # docs/spec/instruments.md §1 operational rules: "Severe overrides mild/moderate".
    assert _flare(sledai_prev=4, sledai_curr=8, hospitalized_for_sle=True) is SEVERE


@pytest.mark.parametrize(
    "changes",
    [
        {"sledai_curr": 106},
        {"sledai_prev": -1},
        {"pga_curr": 3.1},
        {"pga_prev": -0.1},
        {"prednisone_mg_per_kg_curr": 30.1},
    ],
)
def test_values_outside_their_validated_range_are_refused(changes: dict[str, Any]) -> None:
    # docs/spec/instruments.md §12.3: SLEDAI 0-105, PGA 0-3, prednisone 0-30 mg/kg/day.
    with pytest.raises(InvalidValueError):
        _flare(**changes)
