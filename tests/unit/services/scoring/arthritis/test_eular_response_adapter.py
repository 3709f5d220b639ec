"""The ``eular-response`` batch adapter."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.arthritis.eular_response import INSTRUMENT, score


def test_the_instrument_is_flat() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat) == ("eular-response", True)


def test_a_record_returns_only_the_response() -> None:
    # van Gestel 1996: follow-up <= 3.2 with improvement > 1.2 is a good response
    assert score({"das28_baseline": 5.0, "das28_followup": 2.5}) == {"response": "good"}


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"das28_followup": 2.5}, "das28_baseline"),
        ({"das28_baseline": 5.0, "das28_followup": "2.5"}, "das28_followup"),
        ({"das28_baseline": 5.0, "das28_followup": -1}, "das28_followup"),
    ],
)
def test_invalid_records_are_refused(record: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        score(record)
