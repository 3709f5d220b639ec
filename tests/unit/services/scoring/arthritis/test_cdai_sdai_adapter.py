"""The ``cdai-sdai`` batch adapter: computed and category-only shapes, and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.arthritis.cdai_sdai import INSTRUMENT, score

COMPONENTS = {"tjc28": 1, "sjc28": 0, "patient_global_0_10": 1.1, "evaluator_global_0_10": 0.7}


def test_the_instrument_is_flat() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat) == ("cdai-sdai", True)


def test_a_cdai_record_returns_the_exact_decimal_sum() -> None:
    # Aletaha 2005: CDAI remission <= 2.8; exact decimal sum 1 + 0 + 1.1 + 0.7 = 2.8
    assert score({"index": "CDAI", **COMPONENTS}) == {"score": 2.8, "category": "remission"}


def test_an_sdai_record_adds_crp_in_mg_per_dl() -> None:
    assert score({"index": "SDAI", **COMPONENTS, "crp_mg_dL": 0.6}) == {
        "score": 3.4,
        "category": "low",
    }


def test_a_record_with_only_a_score_is_the_category_only_shape() -> None:
    assert score({"index": "SDAI", "score": 3.3}) == {"category": "remission"}


def test_a_score_next_to_components_is_recomputed() -> None:
    assert score({"index": "CDAI", "score": 50, **COMPONENTS})["score"] == 2.8


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"score": 3}, "index"),
        ({"index": "cdai", "score": 3}, "index"),
        ({"index": "SDAI", **COMPONENTS}, "crp_mg_dL"),
        ({"index": "CDAI", "tjc28": 1}, "sjc28"),
        ({"index": "CDAI", **COMPONENTS, "tjc28": 29}, "tjc28"),
        ({"index": "SDAI", **COMPONENTS, "crp_mg_dL": 60}, "crp_mg_dL"),
        ({"index": "CDAI", "score": -1}, "score"),
        ({"index": "CDAI"}, "tjc28"),
    ],
)
def test_invalid_records_are_refused(record: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        score(record)
