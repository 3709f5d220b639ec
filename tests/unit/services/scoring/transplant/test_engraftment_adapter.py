"""The ``engraftment`` batch adapter: kind inference, series parsing and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.transplant.engraftment import INSTRUMENT, score


def _anc(*pairs: tuple[int, float]) -> list[dict[str, Any]]:
    return [{"day": d, "anc_x10e9_per_L": v} for d, v in pairs]


def _plt(*pairs: tuple[int, float]) -> list[dict[str, Any]]:
    return [{"day": d, "plt_x10e9_per_L": v} for d, v in pairs]


def test_the_instrument_is_nested() -> None:
    assert INSTRUMENT.id == "engraftment"
    assert INSTRUMENT.flat is False


def test_a_neutrophil_series_is_inferred_from_its_value_field() -> None:
    record = {"series": _anc((0, 2.0), (6, 0.0), (12, 0.6), (13, 0.8), (14.0, 1.0))}
    assert score(record) == {"engraftment_day": 12, "never_below_threshold": False}


def test_a_platelet_series_uses_transfusion_days() -> None:
    record = {
        "kind": "platelet",
        "series": _plt((5, 8), (12, 25), (13, 30), (14, 35), (15, 40)),
        "platelet_transfusion_days": [6],
    }
    assert score(record) == {"engraftment_day": 13, "never_below_threshold": False}


def test_the_threshold_may_be_raised_to_50() -> None:
    record = {
        "series": _plt((5, 8), (12, 25), (13, 55), (14, 60), (15, 70)),
        "threshold_x10e9_per_L": 50,
    }
    assert score(record)["engraftment_day"] == 13


def test_a_series_that_never_fell_below_reports_never_below() -> None:
    assert score({"series": _anc((0, 3.0), (1, 2.0))}) == {
        "engraftment_day": None,
        "never_below_threshold": True,
    }


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"series": []}, "series"),
        ({"series": "0.5"}, "series"),
        ({"series": [{"day": 1}]}, "kind"),
        ({"series": _anc((1, 0.1)) + _plt((2, 10))}, "kind"),
        ({"kind": "red", "series": _anc((1, 0.1))}, "kind"),
        ({"kind": "platelet", "series": _anc((1, 0.1))}, "plt_x10e9_per_L"),
        ({"series": _anc((1.5, 0.1))}, "day"),
        ({"series": _anc((1, -0.1))}, "anc_x10e9_per_L"),
        ({"series": _anc((1, 0.1), (1, 0.2))}, "series"),
        ({"series": _anc((-2, 0.1))}, "series"),
        ({"series": _anc((1, 0.1)), "platelet_transfusion_days": [1]}, "platelet_transfusion_days"),
        (
            {"series": _plt((1, 10)), "platelet_transfusion_days": [1.5]},
            "platelet_transfusion_days",
        ),
        ({"series": _plt((1, 10)), "threshold_x10e9_per_L": 0}, "threshold_x10e9_per_L"),
    ],
)
def test_invalid_records_are_refused(record: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        score(record)
