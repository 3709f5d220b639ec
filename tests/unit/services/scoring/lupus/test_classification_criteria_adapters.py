"""Batch adapters ``eular-acr-2019`` and ``slicc-2012``: results and invalid records."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.lupus import eular_acr_2019, slicc_2012


def test_the_instruments_are_nested() -> None:
    assert (eular_acr_2019.INSTRUMENT.id, eular_acr_2019.INSTRUMENT.flat) == (
        "eular-acr-2019",
        False,
    )
    assert (slicc_2012.INSTRUMENT.id, slicc_2012.INSTRUMENT.flat) == ("slicc-2012", False)


def test_eular_acr_returns_entry_score_and_classification() -> None:
    # Aringer 2019: joint involvement 6 + low C3 and C4 4 = 10, classified with ANA.
    record = {"ana_ge_1_80": True, "criteria": ["joint_involvement", "low_c3_and_low_c4"]}
    assert eular_acr_2019.score(record) == {"entry_met": True, "score": 10, "classified": True}


def test_eular_acr_counts_a_duplicated_id_once() -> None:
    # docs/spec/instruments.md §12.1: lists of ids ignore duplicates.
    record = {"ana_ge_1_80": False, "criteria": ["fever", "fever"]}
    assert eular_acr_2019.score(record) == {"entry_met": False, "score": 2, "classified": False}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"criteria": []}, "ana_ge_1_80"),
        ({"ana_ge_1_80": "yes", "criteria": []}, "ana_ge_1_80"),
        ({"ana_ge_1_80": True}, "criteria"),
        ({"ana_ge_1_80": True, "criteria": ["Fever"]}, "unknown EULAR/ACR 2019 criterion 'Fever'"),
        ({"ana_ge_1_80": True, "criteria": "fever"}, "criteria"),
    ],
)
def test_eular_acr_invalid_records_raise(record: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        eular_acr_2019.score(record)


def test_slicc_returns_counts_classification_and_pathway() -> None:
    # Petri 2012: 2 clinical (leukopenia/lymphopenia once) + 2 immunologic = 4.
    record = {
        "clinical": ["leukopenia", "lymphopenia", "synovitis"],
        "immunologic": ["ana", "anti_dsdna"],
    }
    assert slicc_2012.score(record) == {
        "n_clinical": 2,
        "n_immunologic": 2,
        "classified": True,
        "pathway": "criteria_count",
    }


def test_slicc_biopsy_pathway_and_null_pathway() -> None:
    # Petri 2012 biopsy pathway; convention C5.
    biopsy = {"clinical": [], "immunologic": ["ana"], "biopsy_proven_lupus_nephritis": True}
    assert slicc_2012.score(biopsy)["pathway"] == "biopsy"
    assert slicc_2012.score({"clinical": [], "immunologic": []})["pathway"] is None


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"immunologic": []}, "clinical"),
        ({"clinical": []}, "immunologic"),
        ({"clinical": ["rash"], "immunologic": []}, "unknown SLICC 2012 clinical criterion 'rash'"),
        ({"clinical": [], "immunologic": ["ANA"]}, "unknown SLICC 2012 immunologic criterion"),
        ({"clinical": [], "immunologic": [], "biopsy_proven_lupus_nephritis": 1}, "biopsy"),
    ],
)
def test_slicc_invalid_records_raise(record: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        slicc_2012.score(record)
