"""Batch adapter ``ckd-epi-2021``: result fields and invalid records."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.ckd_epi_2021 import INSTRUMENT, score


def test_the_instrument_is_flat_and_pinned() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat, INSTRUMENT.version) == (
        "ckd-epi-2021",
        True,
        "CKD-EPI 2021 creatinine",
    )


def test_a_record_returns_an_unrounded_egfr_and_its_category() -> None:
    # kidney.epi egfr.ckdepi.cr.2021(1.4, 60, "Male", "mg/dl") prints 57.54.
    result = score({"creatinine": 1.4, "unit": "mg/dL", "age": 60, "sex": "male"})
    assert set(result) == {"egfr", "g_category"}
    assert result["egfr"] == pytest.approx(57.54, abs=0.005)
    assert result["g_category"] == "G3a"


def test_an_integral_float_age_is_accepted() -> None:
    # docs/spec/instruments.md §12.1: integer fields accept 4.0.
    assert score({"creatinine": 123.76, "unit": "umol/L", "age": 60.0, "sex": "male"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"creatinine": 0}, "^creatinine 0 mg/dL is outside 0.1-40$"),
        ({"creatinine": 5, "unit": "umol/L"}, "^creatinine 5 umol/L is outside 8.84-3536$"),
        ({"unit": "mg/dl"}, "unit"),
        ({"age": 17}, "age 17 is outside 18-100"),
        ({"age": 40.5}, "age"),
        ({"sex": "Female"}, "sex"),
        ({"sex": None}, "sex"),
        ({"creatinine": True}, "creatinine"),
    ],
)
def test_invalid_records_raise(change: dict[str, Any], message: str) -> None:
    record = {"creatinine": 1.0, "unit": "mg/dL", "age": 50, "sex": "female", **change}
    with pytest.raises(InvalidValueError, match=message):
        score(record)
