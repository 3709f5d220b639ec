"""Batch adapter ``slicc-acr-di``: shapes, inference of ``kind`` and invalid records."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.lupus.slicc_acr_di import INSTRUMENT, score


def test_the_instrument_is_nested_and_versioned() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat, INSTRUMENT.version) == (
        "slicc-acr-di",
        False,
        "SLICC/ACR DI 1996",
    )


def test_an_object_of_items_is_scored_as_the_total_shape() -> None:
    # Gladman 1996: cataract 1 + two strokes 2 + ESRD 3 (GFR item ignored) = 6.
    items = {
        "ocular_cataract": True,
        "np_cva_count": 2,
        "renal_esrd": True,
        "renal_gfr_lt_50pct": True,
        "diabetes": False,
    }
    assert score({"items": items}) == {"score": 6}


def test_an_empty_object_scores_zero() -> None:
    assert score({"kind": "total", "items": {}}) == {"score": 0}


def test_a_list_of_items_is_scored_as_the_persistence_shape() -> None:
    # Decision D4: fibrosis at 5 months does not count; MI x2 exempt scores 2; diabetes 6 -> 1.
    items = [
        {"item": "pulm_fibrosis", "months_present": 5},
        {"item": "cv_mi", "months_present": 0, "episodes": 2},
        {"item": "diabetes", "months_present": 6},
    ]
    assert score({"items": items}) == {"score": 3}


def test_an_explicit_kind_must_match_the_items_type() -> None:
    with pytest.raises(InvalidValueError):
        score({"kind": "persistence", "items": {}})
    with pytest.raises(InvalidValueError):
        score({"kind": "total", "items": []})


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({}, "items"),
        ({"items": {"cataract": True}}, "unknown SDI item 'cataract'"),
        ({"items": {"np_cva": True}}, "unknown SDI item 'np_cva'"),
        ({"items": {"ocular_cataract": 1}}, "ocular_cataract"),
        ({"items": {"np_cva_count": -1}}, "np_cva_count"),
        ({"items": {"np_cva_count": 1.5}}, "np_cva_count"),
        ({"items": "cataract"}, "items"),
        ({"kind": "damage", "items": {}}, "kind"),
        ({"items": [{"item": "np_cva_count", "months_present": 1}]}, "unknown SDI item"),
        ({"items": [{"item": "diabetes"}]}, "items[0].months_present"),
        ({"items": [{"months_present": 3}]}, "items[0].item"),
        ({"items": [{"item": "diabetes", "months_present": -1}]}, "items[0].months_present"),
        ({"items": [{"item": "diabetes", "months_present": 7, "episodes": 2}]}, "episodes"),
        ({"items": [{"item": "np_cva", "months_present": 0, "episodes": 0}]}, "episodes"),
        ({"items": ["diabetes"]}, "items[0]"),
        (
            {"items": [{"item": "diabetes", "months_present": 7}] * 2},
            "each SDI item at most once",
        ),
    ],
)
def test_invalid_records_raise_a_clinical_error(record: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        score(record)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
