"""The ``astct-icans`` batch adapter: defaults, unarousable patients and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.transplant.astct_icans import INSTRUMENT, score


def test_the_instrument_is_flat() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat) == ("astct-icans", True)


@pytest.mark.parametrize(
    ("record", "grade"),
    [
        ({"ice_score": 10}, 0),
        ({"ice_score": 8.0}, 1),
        ({"ice_score": 0}, 3),
        ({"unarousable": True}, 4),
        (
            {
                "ice_score": 10,
                "seizure": "rapidly_resolving_clinical_or_eeg_resolved_with_intervention",
            },
            3,
        ),
        ({"ice_score": 10, "cerebral_edema": "focal", "age_years": 12}, 3),
        ({"ice_score": 9, "consciousness": "awakens_to_voice"}, 2),
        ({"ice_score": 9, "deep_focal_motor_weakness": True}, 4),
    ],
)
def test_records_return_only_the_grade(record: dict[str, Any], grade: int) -> None:
    assert score(record) == {"grade": grade}


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({}, "ice_score"),
        ({"ice_score": 11}, "ice_score"),
        ({"ice_score": 5.5}, "ice_score"),
        ({"ice_score": 10, "age_years": 8}, "age_years"),
        ({"ice_score": 10, "seizure": "yes"}, "seizure"),
        ({"ice_score": 10, "consciousness": "drowsy"}, "consciousness"),
        ({"unarousable": True, "consciousness": "awakens_to_voice"}, "consciousness"),
        ({"unarousable": True, "ice_score": 6}, "ice_score"),
    ],
)
def test_invalid_records_are_refused(record: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        score(record)
