"""The ``das28`` batch adapter: variants, category-only shape and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.arthritis.das28 import INSTRUMENT, score


def test_the_instrument_is_flat() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat) == ("das28", True)


def test_a_score_variant_returns_score_and_category() -> None:
    # das-score.nl DAS28: 0.56*3 + 0.28*2 + 0.70*ln(1) + 0.014*50 = 2.94 (low)
    record = {
        "variant": "DAS28-ESR",
        "tjc28": 9,
        "sjc28": 4,
        "esr_mm_h": 1,
        "patient_global_mm": 50,
    }
    result = score(record)
    assert set(result) == {"score", "category"}
    assert result["score"] == pytest.approx(2.94, abs=1e-12)
    assert result["category"] == "low"


def test_the_category_only_shape_returns_only_the_category() -> None:
    assert score({"variant": "category_only", "score": 2.6}) == {"category": "low"}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"tjc28": 1, "sjc28": 1}, "variant"),
        ({"variant": "DAS28", "tjc28": 1, "sjc28": 1}, "variant"),
        (
            {
                "variant": "DAS28-ESR",
                "tjc28": 1,
                "sjc28": 1,
                "esr_mm_h": 0.5,
                "patient_global_mm": 5,
            },
            "DAS28-ESR needs esr_mm_h >= 1",
        ),
        ({"variant": "DAS28-ESR-3", "tjc28": 1, "sjc28": 1}, "DAS28-ESR-3 needs esr_mm_h"),
        ({"variant": "DAS28-CRP", "tjc28": 1, "sjc28": 1, "crp_mg_L": 3}, "patient_global_mm"),
        ({"variant": "DAS28-CRP-3", "tjc28": 1.5, "sjc28": 1, "crp_mg_L": 3}, "tjc28"),
        ({"variant": "DAS28-CRP-3", "tjc28": 1, "sjc28": 30, "crp_mg_L": 3}, "sjc28"),
        ({"variant": "category_only"}, "score"),
        ({"variant": "category_only", "score": 11}, "score"),
    ],
)
def test_invalid_records_are_refused(record: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        score(record)
