"""The ``magic-agvhd`` batch adapter: stages object, defaults and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.transplant.magic_agvhd import INSTRUMENT, score


def test_the_instrument_is_flat_and_pins_magic_2016() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat, INSTRUMENT.version) == (
        "magic-agvhd",
        True,
        "MAGIC 2016",
    )


def test_an_empty_adult_record_is_grade_0() -> None:
    assert score({"patient": "adult"}) == {
        "stages": {"skin": 0, "liver": 0, "upper_gi": 0, "lower_gi": 0},
        "grade": 0,
    }


def test_a_full_record_returns_stages_and_grade() -> None:
    record = {
        "patient": "child",
        "skin_rash_bsa_pct": 60,
        "bilirubin_mg_dl": 2.0,
        "upper_gi_persistent_nausea_vomiting_anorexia": True,
        "stool_ml_per_kg_day": 25,
        "stool_episodes_per_day": 2,
        "lower_gi_biopsy_positive": True,
    }
    assert score(record) == {
        "stages": {"skin": 3, "liver": 1, "upper_gi": 1, "lower_gi": 2},
        "grade": 3,
    }


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({}, "patient"),
        ({"patient": "infant"}, "patient"),
        ({"patient": "adult", "skin_rash_bsa_pct": 120}, "skin_rash_bsa_pct"),
        ({"patient": "adult", "bilirubin_mg_dl": 70}, "bilirubin"),
        ({"patient": "adult", "stool_ml_per_kg_day": 12}, "stool_ml_per_kg_day"),
        ({"patient": "child", "stool_ml_per_day": 800}, "stool_ml_per_day"),
        ({"patient": "adult", "stool_episodes_per_day": 2.5}, "stool_episodes_per_day"),
        ({"patient": "adult", "stool_ml_per_day": -5}, "stool_ml_per_day"),
    ],
)
def test_invalid_records_are_refused(record: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        score(record)
