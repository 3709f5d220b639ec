"""``selena-flare-index`` batch adapter (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.lupus.selena_flare_index import INSTRUMENT, score

BASE = {"sledai_prev": 4, "sledai_curr": 4, "pga_prev": 1.0, "pga_curr": 1.0}


def test_the_instrument_is_flat() -> None:
    # docs/spec/instruments.md §12.1 lists selena-flare-index among the flat instruments.
    assert (INSTRUMENT.id, INSTRUMENT.flat) == ("selena-flare-index", True)


@pytest.mark.parametrize(
    ("changes", "flare"),
    [
        ({}, "none"),
        ({"sledai_curr": 7}, "mild_moderate"),  # Petri 1999: rise >=3
        ({"sledai_prev": 10, "sledai_curr": 13}, "severe"),  # Petri 1999: increase to >12
        ({"prednisone_increased": True, "prednisone_mg_per_kg_curr": 0.6}, "severe"),
        ({"new_mycophenolate": True}, "severe"),  # docs/spec/instruments.md §12.3
        ({"sledai_curr": 7.0}, "mild_moderate"),  # docs/spec/instruments.md §12.1: integral number
    ],
)
def test_a_record_is_classified_with_the_sfi_rules(changes: dict[str, Any], flare: str) -> None:
    # Petri 1999 SFI table; docs/spec/instruments.md §1 operational rules.
    assert score({**BASE, **changes}) == {"flare": flare}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"sledai_prev": None},
            "sledai_prev: nothing is not accepted; expected a value (this field is required)",
        ),
        ({"sledai_curr": 106}, "sledai_curr 106 is outside 0-105"),
        ({"pga_curr": 3.5}, "pga_curr 3.5 is outside 0-3"),
        (
            {"prednisone_mg_per_kg_curr": 31},
            "prednisone_mg_per_kg_curr 31 mg/kg/day is outside 0-30",
        ),
        (
            {"hospitalized_for_sle": "true"},
            "hospitalized_for_sle: 'true' is not accepted; expected true or false",
        ),
        ({"sledai_curr": 7.5}, "sledai_curr: 7.5 is not accepted; expected a whole number"),
    ],
)
def test_an_invalid_record_gives_a_one_line_clinical_message(
    changes: dict[str, Any], expected: str
) -> None:
    # docs/spec/instruments.md §12.1, "Invalid records"; ranges from docs/spec/instruments.md §12.3.
    with pytest.raises(InvalidValueError) as caught:
        score({**BASE, **changes})
    assert str(caught.value) == expected
