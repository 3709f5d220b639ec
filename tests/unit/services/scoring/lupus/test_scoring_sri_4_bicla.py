"""``sri-4`` and ``bicla`` batch adapters (docs/spec/instruments.md §12.3, convention C8)."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.lupus import bicla, sri_4

RECORD: dict[str, Any] = {
    "sledai_baseline": 10,
    "sledai_followup": 6,
    "bilag_baseline": {"mucocutaneous": "A", "musculoskeletal": "B"},
    "bilag_followup": {"mucocutaneous": "B", "musculoskeletal": "C"},
    "pga_baseline": 1.5,
    "pga_followup": 1.0,
}


def _error(adapter: Any, record: dict[str, Any]) -> str:
    with pytest.raises(InvalidValueError) as caught:
        adapter.score(record)
    return str(caught.value)


def test_both_instruments_are_nested() -> None:
    # docs/spec/instruments.md §12.1: the BILAG objects make these records nested.
    assert (sri_4.INSTRUMENT.id, sri_4.INSTRUMENT.flat) == ("sri-4", False)
    assert (bicla.INSTRUMENT.id, bicla.INSTRUMENT.flat) == ("bicla", False)


@pytest.mark.parametrize("adapter", [sri_4, bicla])
def test_an_improving_patient_is_a_responder_on_both_indices(adapter: Any) -> None:
    # Furie 2009 (SLEDAI -4, no new A/B, PGA better) and Wallace 2011 (A->B, B->C, not worse).
    assert adapter.score(RECORD) == {"responder": True}


@pytest.mark.parametrize("adapter", [sri_4, bicla])
def test_treatment_failure_defaults_to_false_and_makes_a_non_responder(adapter: Any) -> None:
    # docs/spec/instruments.md §12.3: treatment_failure is optional, default false.
    assert adapter.score({**RECORD, "treatment_failure": True}) == {"responder": False}


def test_a_domain_absent_at_baseline_and_graded_b_at_follow_up_is_one_new_b() -> None:
    # Convention C8 (absent = E) and Furie 2009 (one new B is allowed).
    followup = {**RECORD["bilag_followup"], "renal": "B"}
    assert sri_4.score({**RECORD, "bilag_followup": followup}) == {"responder": True}


@pytest.mark.parametrize("adapter", [sri_4, bicla])
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"bilag_baseline": None},
            "bilag_baseline: nothing is not accepted; expected a value (this field is required)",
        ),
        (
            {"bilag_baseline": ["A"]},
            "bilag_baseline: ['A'] is not accepted; "
            "expected an object of BILAG-2004 domain -> grade",
        ),
        ({"bilag_followup": {"skin": "B"}}, "unknown BILAG-2004 domain 'skin'"),
        (
            {"bilag_followup": {"mucocutaneous": "b", "musculoskeletal": "C"}},
            "bilag_followup.mucocutaneous: 'b' is not accepted; "
            "expected one of 'A', 'B', 'C', 'D', 'E'",
        ),
        (
            {"bilag_followup": {"mucocutaneous": "B"}},
            "bilag_followup: 'musculoskeletal' is not accepted; expected a follow-up grade for "
            "every domain graded at baseline (convention C8)",
        ),
        (
            {"bilag_followup": {"mucocutaneous": "E", "musculoskeletal": "C"}},
            "bilag_followup.mucocutaneous: 'E' is not accepted; expected A-D after baseline "
            "grade A (no return to E, convention C8)",
        ),
        ({"sledai_followup": 106}, "sledai_followup 106 is outside 0-105"),
        ({"pga_baseline": -0.5}, "pga_baseline -0.5 is outside 0-3"),
    ],
)
def test_an_invalid_record_gives_a_one_line_clinical_message(
    adapter: Any, changes: dict[str, Any], expected: str
) -> None:
    # docs/spec/instruments.md §12.1 and §12.3: invalid records, ranges; convention C8.
    assert _error(adapter, {**RECORD, **changes}) == expected
