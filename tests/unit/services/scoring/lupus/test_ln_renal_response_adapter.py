"""Batch adapter ``ln-renal-response``: results, defaults and invalid records."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.lupus.ln_renal_response import INSTRUMENT, score

BASE = {
    "upcr_baseline_g_per_g": 3.0,
    "upcr_followup_g_per_g": 0.4,
    "egfr_baseline": 80,
    "egfr_followup": 78,
    "months_from_start": 6,
}


def test_the_instrument_is_flat() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat) == ("ln-renal-response", True)


def test_kdigo_and_eular_can_differ_on_the_same_values() -> None:
    # KDIGO: 78 >= 0.85 x 80; EULAR: 78 < 81 (0.9 x 90), so not near-normal.
    assert score({"definition": "KDIGO_2024", **BASE}) == {"response": "complete"}
    assert score({"definition": "EULAR_ERA_EDTA_2019", **BASE}) == {"response": "none"}


def test_eular_reference_can_be_lowered_by_the_record() -> None:
    record = {"definition": "EULAR_ERA_EDTA_2019", **BASE, "egfr_normal_reference": 60}
    assert score(record) == {"response": "complete"}


def test_a_partial_response() -> None:
    record = {"definition": "KDIGO_2024", **BASE, "upcr_followup_g_per_g": 1.5}
    assert score(record) == {"response": "partial"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"definition": None}, "definition"),
        ({"definition": "kdigo_2024"}, "definition"),
        ({"upcr_baseline_g_per_g": 0}, "upcr_baseline_g_per_g"),
        ({"upcr_followup_g_per_g": 31}, "upcr_followup_g_per_g 31 g/g is outside 0-30"),
        ({"egfr_followup": 0.5}, "egfr_followup"),
        ({"egfr_baseline": "80"}, "egfr_baseline"),
        ({"months_from_start": 121}, "months_from_start"),
        ({"egfr_stable_max_decline_pct": 20}, "egfr_stable_max_decline_pct"),
        ({"upcr_complete_threshold_g_per_g": 0.6}, "EULAR_ERA_EDTA_2019 only"),
        ({"egfr_normal_reference": 90}, "EULAR_ERA_EDTA_2019 only"),
    ],
)
def test_invalid_kdigo_records_raise(change: dict[str, Any], message: str) -> None:
    record = {"definition": "KDIGO_2024", **BASE, **change}
    with pytest.raises(InvalidValueError, match=message):
        score(record)


def test_a_kdigo_parameter_on_a_eular_record_is_a_contradiction() -> None:
    record = {"definition": "EULAR_ERA_EDTA_2019", **BASE, "egfr_stable_max_decline_pct": 10}
    with pytest.raises(InvalidValueError, match="KDIGO_2024 only"):
        score(record)
