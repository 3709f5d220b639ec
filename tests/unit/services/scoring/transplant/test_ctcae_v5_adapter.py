"""The ``ctcae-v5`` batch adapter (docs/spec/instruments.md §12.3).

Record shapes by ``term``, refusals.
"""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.transplant.ctcae_v5 import INSTRUMENT, score


def test_the_instrument_is_flat_and_pins_ctcae_v5() -> None:
    assert INSTRUMENT.id == "ctcae-v5"
    assert INSTRUMENT.flat is True
    assert "v5.0" in INSTRUMENT.version


@pytest.mark.parametrize(
    ("record", "grade"),
    [
        ({"term": "Neutrophil count decreased", "value": 1.5, "unit": "10^9/L", "lln": 1.8}, 1),
        ({"term": "Neutrophil count decreased", "value": 500, "unit": "/mm3", "lln": 1800}, 3),
        ({"term": "Platelet count decreased", "value": 24_000, "unit": "/uL", "lln": 150_000}, 4),
        ({"term": "Anemia", "value": 9.0, "unit": "g/dL", "lln": 12}, 2),
        (
            {
                "term": "Anemia",
                "value": 95,
                "unit": "g/L",
                "lln": 120,
                "transfusion_indicated": True,
            },
            3,
        ),
        ({"term": "Creatinine increased", "value": 1.0, "unit": "mg/dL", "uln": 1.2}, None),
        (
            {
                "term": "Creatinine increased",
                "value": 1.0,
                "unit": "mg/dL",
                "uln": 1.2,
                "baseline": 0.3,
            },
            3,
        ),
        (
            {
                "term": "Creatinine increased",
                "value": 200,
                "unit": "umol/L",
                "uln": 100,
                "baseline": None,
            },
            2,
        ),
        ({"term": "Alanine aminotransferase increased", "value": 130, "unit": "U/L", "uln": 40}, 2),
        ({"term": "Febrile neutropenia", "anc_per_uL": 400, "max_single_temp_c": 38.5}, 3),
        ({"term": "Febrile neutropenia", "anc_per_uL": 400, "max_single_temp_c": 37.0}, None),
    ],
)
def test_each_term_returns_only_grade_and_version(
    record: dict[str, Any], grade: int | None
) -> None:
    assert score(record) == {"grade": grade, "ctcae_version": "5.0"}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"value": 1.0}, "term"),
        ({"term": "anemia", "value": 9.0, "unit": "g/dL", "lln": 12}, "term"),
        ({"term": "Anemia", "value": 9.0, "unit": "mmol/L", "lln": 12}, "unit"),
        ({"term": "Anemia", "value": 9.0, "unit": "g/dL"}, "lln"),
        ({"term": "Anemia", "value": 9.0, "unit": "g/dL", "lln": 0}, "lln"),
        ({"term": "Anemia", "value": "9", "unit": "g/dL", "lln": 12}, "value"),
        ({"term": "Anemia", "value": 9.0, "unit": "g/dL", "lln": 12, "death": "yes"}, "death"),
        ({"term": "Neutrophil count decreased", "value": -1, "unit": "/uL", "lln": 1800}, "value"),
        ({"term": "Creatinine increased", "value": 0, "unit": "mg/dL", "uln": 1.2}, "creatinine 0"),
        ({"term": "Febrile neutropenia", "anc_per_uL": 400, "max_single_temp_c": 50}, "outside"),
    ],
)
def test_invalid_records_raise_a_clinical_error(record: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        score(record)


def test_the_creatinine_message_is_the_documented_one_liner() -> None:
    with pytest.raises(InvalidValueError) as caught:
        score({"term": "Creatinine increased", "value": 0, "unit": "mg/dL", "uln": 1.2})
    assert str(caught.value) == "creatinine 0 mg/dL is outside 0.1-40"
