"""The ``astct-crs`` batch adapter: vocabulary mapping, flow rules and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.transplant.astct_crs import INSTRUMENT, score


def test_the_instrument_is_flat() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat) == ("astct-crs", True)


@pytest.mark.parametrize(
    ("record", "grade"),
    [
        ({"temp_c": 38.0, "hypotension": "none", "oxygen": "none"}, 1),
        ({"temp_c": 37.0, "hypotension": "none", "oxygen": "none"}, 0),
        ({"temp_c": 38.2, "hypotension": "none", "oxygen": "nasal_cannula", "o2_flow_l_min": 6}, 2),
        ({"temp_c": 38.2, "hypotension": "none", "oxygen": "nasal_cannula", "o2_flow_l_min": 8}, 3),
        ({"temp_c": 38.2, "hypotension": "one_vasopressor_plus_vasopressin", "oxygen": "none"}, 3),
        (
            {
                "temp_c": 37.0,
                "hypotension": "multiple_vasopressors",
                "oxygen": "none",
                "prior_antipyretic_or_anticytokine": True,
            },
            4,
        ),
        ({"temp_c": 37.0, "hypotension": "none", "oxygen": "none", "death_due_to_crs": True}, 5),
    ],
)
def test_records_return_only_the_grade(record: dict[str, Any], grade: int) -> None:
    assert score(record) == {"grade": grade}


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"hypotension": "none", "oxygen": "none"}, "temp_c"),
        ({"temp_c": 29, "hypotension": "none", "oxygen": "none"}, "temp_c"),
        ({"temp_c": 38.5, "hypotension": "pressors", "oxygen": "none"}, "hypotension"),
        ({"temp_c": 38.5, "hypotension": "none", "oxygen": "Facemask"}, "oxygen"),
        ({"temp_c": 38.5, "hypotension": "none", "oxygen": "nasal_cannula"}, "o2_flow_l_min"),
        (
            {
                "temp_c": 38.5,
                "hypotension": "none",
                "oxygen": "low_flow_nasal_cannula",
                "o2_flow_l_min": 8,
            },
            "o2_flow_l_min",
        ),
        (
            {"temp_c": 38.5, "hypotension": "none", "oxygen": "none", "o2_flow_l_min": -1},
            "o2_flow_l_min",
        ),
        ({"temp_c": 38.5, "hypotension": "none", "oxygen": "none", "death_due_to_crs": 1}, "death"),
    ],
)
def test_invalid_records_are_refused(record: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        score(record)
