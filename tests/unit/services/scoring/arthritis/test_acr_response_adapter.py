"""The ``acr-response`` batch adapter."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.arthritis.acr_response import INSTRUMENT, score

RECORD: dict[str, Any] = {
    "tjc68_baseline": 20,
    "tjc68_followup": 10,
    "sjc66_baseline": 10,
    "sjc66_followup": 5,
    "patient_pain_baseline": 60,
    "patient_pain_followup": 30,
    "patient_global_baseline": 60,
    "patient_global_followup": 30,
    "physician_global_baseline": 50,
    "physician_global_followup": 25,
    "haq_di_baseline": 1.5,
    "haq_di_followup": 1.4,
    "acute_phase_reactant_baseline": 40,
    "acute_phase_reactant_followup": 35,
    "acute_phase_reactant_type": "ESR",
}


def test_the_instrument_is_flat() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat) == ("acr-response", True)


def test_a_record_returns_the_three_flags() -> None:
    # Felson 1995: 50% in both joint counts and in 3 of 5 others (pain, both globals)
    assert score(RECORD) == {"acr20": True, "acr50": True, "acr70": False}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tjc68_baseline": 0}, "tjc68_baseline"),
        ({"sjc66_followup": 67}, "sjc66"),
        ({"haq_di_baseline": 3.5}, "haq_di"),
        ({"acute_phase_reactant_type": "PCT"}, "acute_phase_reactant_type"),
        ({"patient_pain_followup": None}, "patient_pain_followup"),
    ],
)
def test_invalid_records_are_refused(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        score({**RECORD, **changes})
