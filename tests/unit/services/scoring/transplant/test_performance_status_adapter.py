"""Batch adapter ``performance-status``: kinds, inference and the validate shapes."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.transplant.performance_status import INSTRUMENT, score

LABEL = "conventional KPS-ECOG table, not validated"


def test_the_instrument_is_flat() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat) == ("performance-status", True)


def test_a_record_with_kps_is_converted() -> None:
    # docs/spec/instruments.md §7.3: KPS 70 -> ECOG 1.
    assert score({"kps": 70}) == {"ecog": 1, "conversion": LABEL}


def test_a_record_with_only_ecog_is_validated() -> None:
    assert score({"ecog": 2}) == {"valid": True}
    assert score({"ecog": 2.5}) == {"valid": False}


@pytest.mark.parametrize(("kps", "valid"), [(55, False), (60, True), (-10, False), (110, False)])
def test_kps_validate_reports_off_scale_values_as_a_result(kps: float, valid: bool) -> None:
    # docs/spec/instruments.md §12.3: an out-of-scale number is a result, not an error.
    assert score({"kind": "kps_validate", "kps": kps}) == {"valid": valid}


def test_ecog_validate_reports_off_scale_values_as_a_result() -> None:
    assert score({"kind": "ecog_validate", "ecog": 7}) == {"valid": False}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"kps": 55}, "^KPS 55 is not on the Karnofsky scale \\(0-100 in steps of 10\\)$"),
        ({"kind": "kps_to_ecog", "kps": 105}, "KPS 105 is not on the Karnofsky scale"),
        ({}, "kps"),
        ({"kind": "kps_validate", "kps": "ninety"}, "kps"),
        ({"kind": "ecog_validate", "ecog": True}, "ecog"),
        ({"kind": "ecog_validate"}, "ecog"),
        ({"kind": "ecog", "ecog": 1}, "kind"),
    ],
)
def test_invalid_records_raise(record: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        score(record)
