"""``doris-2021`` and ``lldas`` batch adapters (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.lupus import doris_2021, lldas

DORIS = {"sledai2k_descriptors": ["low_complement"], "pga": 0.3, "prednisolone_mg_day": 5}
LLDAS = {
    "sledai2k_descriptors": ["rash", "alopecia"],
    "hemolytic_anemia": False,
    "gi_activity": False,
    "new_activity_since_last_visit": False,
    "pga": 1.0,
    "prednisolone_mg_day": 7.5,
    "standard_maintenance_immunosuppression_tolerated": True,
    "investigational_drug": False,
}


def _error(adapter: Any, record: dict[str, Any]) -> str:
    with pytest.raises(InvalidValueError) as caught:
        adapter.score(record)
    return str(caught.value)


def test_both_instruments_are_nested() -> None:
    # docs/spec/instruments.md §12.1: neither is listed as flat (their descriptor lists are nested).
    assert (doris_2021.INSTRUMENT.id, doris_2021.INSTRUMENT.flat) == ("doris-2021", False)
    assert (lldas.INSTRUMENT.id, lldas.INSTRUMENT.flat) == ("lldas", False)


def test_doris_returns_remission_and_the_clinical_sledai() -> None:
    # van Vollenhoven 2021: serology is ignored, PGA 0.3 <0.5, prednisolone 5 <=5 (decision D3).
    assert doris_2021.score(DORIS) == {"remission": True, "clinical_sledai": 0}


def test_doris_stable_treatment_flags_are_read_but_do_not_change_remission() -> None:
    # Convention C9.
    record = {**DORIS, "antimalarial_stable": False, "biologic_stable": True}
    assert doris_2021.score(record)["remission"] is True


def test_doris_reports_the_clinical_sledai_of_active_descriptors() -> None:
    # Gladman 2002 weights: arthritis 4 + fever 1; decision D2 drops anti-dsDNA.
    record = {**DORIS, "sledai2k_descriptors": ["arthritis", "fever", "increased_dna_binding"]}
    assert doris_2021.score(record) == {"remission": False, "clinical_sledai": 5}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"sledai2k_descriptors": ["rashes"]}, "unknown SLEDAI-2K descriptor 'rashes'"),
        ({"pga": None}, "pga: nothing is not accepted; expected a value (this field is required)"),
        ({"prednisolone_mg_day": 1001}, "prednisolone_mg_day 1001 mg/day is outside 0-1000"),
        (
            {"antimalarial_stable": 1},
            "antimalarial_stable: 1 is not accepted; expected true or false",
        ),
    ],
)
def test_an_invalid_doris_record_gives_a_one_line_clinical_message(
    changes: dict[str, Any], expected: str
) -> None:
    # docs/spec/instruments.md §12.1, "Invalid records"; ranges from docs/spec/instruments.md §12.3.
    assert _error(doris_2021, {**DORIS, **changes}) == expected


def test_lldas_accepts_a_visit_at_every_inclusive_bound() -> None:
    # Franklyn 2016: SLEDAI-2K 4 (<=4), PGA 1.0 (<=1), prednisolone 7.5 (<=7.5).
    assert lldas.score(LLDAS) == {"lldas": True}


def test_lldas_refuses_a_major_organ_descriptor() -> None:
    # Franklyn 2016, criterion 1: fever is major-organ activity.
    assert lldas.score({**LLDAS, "sledai2k_descriptors": ["fever"]}) == {"lldas": False}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"gi_activity": None},
            "gi_activity: nothing is not accepted; expected a value (this field is required)",
        ),
        (
            {"investigational_drug": "no"},
            "investigational_drug: 'no' is not accepted; expected true or false",
        ),
        ({"pga": 4}, "pga 4 is outside 0-3"),
        ({"sledai2k_descriptors": ["rash", "Rash"]}, "unknown SLEDAI-2K descriptor 'Rash'"),
    ],
)
def test_an_invalid_lldas_record_gives_a_one_line_clinical_message(
    changes: dict[str, Any], expected: str
) -> None:
    # docs/spec/instruments.md §12.1: vocabularies are case-sensitive; LLDAS fields are required.
    assert _error(lldas, {**LLDAS, **changes}) == expected
