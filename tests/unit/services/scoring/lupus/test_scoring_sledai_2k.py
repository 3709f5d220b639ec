"""``sledai-2k`` batch adapter (docs/spec/instruments.md §12.3 and §12.2)."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.lupus.sledai_2k import INSTRUMENT, score


def _error(record: dict[str, Any]) -> str:
    with pytest.raises(InvalidValueError) as caught:
        score(record)
    return str(caught.value)


def test_the_instrument_is_the_nested_sledai_2k() -> None:
    # docs/spec/instruments.md §12.1: sledai-2k is not in the list of flat instruments.
    assert (INSTRUMENT.id, INSTRUMENT.flat, INSTRUMENT.score) == ("sledai-2k", False, score)


def test_the_section_12_2_example_record_scores_5_with_derived_fever() -> None:
    # docs/spec/instruments.md §12.2, record v1: expected output fields verbatim.
    record = {
        "id": "v1",
        "descriptors": ["rash", "alopecia"],
        "temp_c": 38.6,
        "platelets_x10e9_per_L": 140,
    }
    assert score(record) == {
        "descriptors": ["rash", "alopecia", "fever"],
        "score": 5,
        "clinical_score": 5,
        "window_days": 30,
    }


def test_the_section_12_2_example_unknown_descriptor_gives_the_documented_message() -> None:
    # docs/spec/instruments.md §12.2, record v2.
    assert _error({"id": "v2", "descriptors": ["rash", "rashes"]}) == (
        "unknown SLEDAI-2K descriptor 'rashes'"
    )


def test_a_descriptor_listed_twice_counts_once() -> None:
    # docs/spec/instruments.md §12.1: an id listed twice counts once; rash weighs 2 (Gladman 2002).
    assert score({"descriptors": ["rash", "rash"]})["score"] == 2


def test_counted_descriptors_come_back_in_vocabulary_order() -> None:
    # docs/spec/instruments.md §12.3: "in the order of the 24-id vocabulary".
    result = score({"descriptors": ["leukopenia", "seizure", "rash"]})
    assert result["descriptors"] == ["seizure", "rash", "leukopenia"]


def test_an_excluded_derived_descriptor_is_not_counted() -> None:
    # docs/spec/instruments.md §12.3, not_attributed_to_sle: drug-induced leukopenia is not scored.
    result = score(
        {"descriptors": [], "wbc_x10e9_per_L": 2.0, "not_attributed_to_sle": ["leukopenia"]}
    )
    assert (result["score"], result["descriptors"]) == (0, [])


def test_a_descriptor_both_listed_and_excluded_is_refused() -> None:
    # docs/spec/instruments.md §12.3: a contradiction and an error.
    message = _error({"descriptors": ["rash"], "not_attributed_to_sle": ["rash"]})
    assert message.startswith("not_attributed_to_sle: 'rash' is not accepted")


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({}, "descriptors: nothing is not accepted; expected a value (this field is required)"),
        ({"descriptors": "rash"}, "descriptors: 'rash' is not accepted; expected a list of ids"),
        ({"descriptors": [], "temp_c": 46}, "temp_c 46 °C is outside 30-45"),
        ({"descriptors": [], "temp_c": "38"}, "temp_c: '38' is not accepted; expected a number"),
        (
            {"descriptors": [], "arthritis_joint_count": 2.5},
            "arthritis_joint_count: 2.5 is not accepted; expected a whole number",
        ),
        (
            {"descriptors": [], "window_days": 28},
            "window_days: 28 is not accepted; expected 10 or 30 (decision D1)",
        ),
        (
            {"descriptors": [], "not_attributed_to_sle": ["uti"]},
            "unknown SLEDAI-2K descriptor 'uti'",
        ),
    ],
)
def test_an_invalid_total_record_gives_a_one_line_clinical_message(
    record: dict[str, Any], expected: str
) -> None:
    # docs/spec/instruments.md §12.1, "Invalid records"; ranges from docs/spec/instruments.md §12.3.
    assert _error(record) == expected


def test_the_window_may_be_10_days() -> None:
    # Decision D1.
    assert score({"descriptors": [], "window_days": 10})["window_days"] == 10


@pytest.mark.parametrize(
    ("record", "present"),
    [
        ({"descriptor": "fever", "temp_c": 38.0}, False),  # Gladman 2002: >38 °C, strict
        ({"descriptor": "fever", "temp_c": 38.1}, True),
        (
            {"kind": "descriptor_threshold", "descriptor": "arthritis", "arthritis_joint_count": 2},
            True,
        ),
        ({"descriptor": "thrombocytopenia", "platelets_x10e9_per_L": 100}, False),  # <100, strict
        ({"descriptor": "leukopenia", "wbc_x10e9_per_L": 2.9}, True),  # <3.0
    ],
)
def test_the_descriptor_threshold_shape_tests_one_measurement(
    record: dict[str, Any], present: bool
) -> None:
    # docs/spec/instruments.md §12.3 and §1: shape descriptor_threshold, thresholds.
    assert score(record) == {"present": present}


def test_kind_total_ignores_a_stray_descriptor_field() -> None:
    # docs/spec/instruments.md §12.3: an explicit kind selects the shape.
    assert score({"kind": "total", "descriptor": "fever", "descriptors": []})["score"] == 0


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"descriptor": "fever"},
            "temp_c: nothing is not accepted; expected a value (this field is required)",
        ),
        ({"descriptor": "fevers", "temp_c": 39}, "unknown SLEDAI-2K descriptor 'fevers'"),
        (
            {"kind": "sum", "descriptors": []},
            "kind: 'sum' is not accepted; expected one of 'total', 'descriptor_threshold'",
        ),
    ],
)
def test_an_invalid_threshold_record_gives_a_one_line_clinical_message(
    record: dict[str, Any], expected: str
) -> None:
    # docs/spec/instruments.md §12.1, "Invalid records".
    assert _error(record) == expected


def test_a_descriptor_without_a_measurement_cannot_be_threshold_tested() -> None:
    # docs/spec/instruments.md §12.3: descriptor_threshold lists seven derivable descriptors.
    assert _error({"descriptor": "rash"}).startswith("descriptor: 'rash' is not accepted")
