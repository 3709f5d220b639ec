"""Evidence rows in the store (memory, SQLite, PostgreSQL): seeding from the shipped studies.csv,
adding and editing rows with the audit trail, and pooling from the stored table.

Expected rows come from the shipped studies.csv (../shared/data/evidence/studies.csv): TRAYNOR2000
reports 7 of 9 patients treated (Traynor 2000, Lancet, abstract).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.evidence.studies import MEMORY_CAUTION, Provenance
from lupus_sct.services.errors import DuplicateError, StaleWriteError
from lupus_sct.services.evidence.records import (
    SEED_ACTOR,
    add_evidence,
    edit_evidence,
    find_evidence_record,
    seed_evidence,
)
from lupus_sct.services.evidence.studies import evidence_in_use, load_evidence, stored_evidence
from lupus_sct.services.ports import UnitOfWork
from support import ACTOR, NOW

UowFactory = Callable[[], UnitOfWork]
NEW_ROW: dict[str, Any] = {
    "study_id": "SYNTH2026",
    "first_author": "Synthetic A",
    "year": 2026,
    "therapy": "autologous HSCT",
    "outcome": "remission",
    "timepoint_months": 12,
    "events": 3,
    "total": 10,
    "notes": "[recall] illustrative row for the test suite",
}


def _seed(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        added = seed_evidence(uow, now=NOW)
        uow.commit()
    return added


def test_seeding_stores_the_shipped_table_once_and_audits_it(uow_factory: UowFactory) -> None:
    shipped = load_evidence()
    assert _seed(uow_factory) == len(shipped)
    assert _seed(uow_factory) == 0
    assert evidence_in_use(uow_factory()) == shipped
    with uow_factory() as uow:
        entries = list(uow.audit.entries())
    assert len(entries) == len(shipped)
    assert {e.actor for e in entries} == {SEED_ACTOR}
    assert {e.entity for e in entries} == {"evidence_row"}


def test_an_empty_store_falls_back_to_the_shipped_table(uow_factory: UowFactory) -> None:
    assert stored_evidence(uow_factory()) == ()
    assert evidence_in_use(uow_factory()) == load_evidence()


def test_an_added_row_is_audited_and_keeps_its_memory_caution(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        record = add_evidence(uow, NEW_ROW, by=ACTOR, now=NOW)
        uow.commit()
    rows = evidence_in_use(uow_factory())
    assert len(rows) == len(load_evidence()) + 1  # the first add seeds the shipped rows
    assert rows[-1].study_id == "SYNTH2026"
    assert rows[-1].provenance is Provenance.MEMORY
    assert rows[-1].needs_caution
    with uow_factory() as uow:
        (entry,) = [e for e in uow.audit.entries() if e.actor == ACTOR]
    assert entry.action.value == "create"
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["id"] == record.id
    assert entry.after["events"] == 3
    assert MEMORY_CAUTION.startswith("Not verified")


def test_a_duplicate_row_is_refused(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        add_evidence(uow, NEW_ROW, by=ACTOR, now=NOW)
        with pytest.raises(DuplicateError, match="SYNTH2026"):
            add_evidence(uow, NEW_ROW, by=ACTOR, now=NOW)


def test_an_edit_is_audited_with_before_after_and_reason(uow_factory: UowFactory) -> None:
    _seed(uow_factory)
    with uow_factory() as uow:
        record = find_evidence_record(uow, "TRAYNOR2000", "n_treated")
        changed = edit_evidence(
            uow,
            record.id,
            {"events": "6"},
            expected_version=1,
            reason="re-read the full text",
            by=ACTOR,
            now=NOW,
        )
        uow.commit()
    assert changed.version == 2
    assert changed.events == 6
    with uow_factory() as uow:
        (entry,) = [e for e in uow.audit.entries() if e.action.value == "update"]
    assert entry.actor == ACTOR
    assert entry.reason == "re-read the full text"
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["events"], entry.after["events"]) == (7, 6)


def test_a_stale_edit_is_refused(uow_factory: UowFactory) -> None:
    _seed(uow_factory)
    with uow_factory() as uow:
        record = find_evidence_record(uow, "TRAYNOR2000", "n_treated")
        edit_evidence(
            uow, record.id, {"events": 6}, expected_version=1, reason="first", by=ACTOR, now=NOW
        )
        uow.commit()
    with uow_factory() as uow, pytest.raises(StaleWriteError):
        edit_evidence(
            uow, record.id, {"events": 5}, expected_version=1, reason="second", by=ACTOR, now=NOW
        )


@pytest.mark.parametrize(
    ("changes", "reason", "message"),
    [
        ({"events": 10}, "typo", r"events.*at most total \(9\)"),  # 9 patients enrolled
        ({"notes": "no marker"}, "typo", r"notes"),
        ({"year": 1850}, "typo", r"year.*1900-2100"),
        ({"colour": "red"}, "typo", r"changes: 'colour'"),
        ({"events": 6}, "  ", r"reason"),
    ],
)
def test_an_invalid_edit_is_refused_naming_the_field(
    uow_factory: UowFactory, changes: dict[str, Any], reason: str, message: str
) -> None:
    _seed(uow_factory)
    with uow_factory() as uow:
        record = find_evidence_record(uow, "TRAYNOR2000", "n_treated")
        with pytest.raises(InvalidValueError, match=message):
            edit_evidence(
                uow, record.id, changes, expected_version=1, reason=reason, by=ACTOR, now=NOW
            )
    with uow_factory() as uow:
        assert find_evidence_record(uow, "TRAYNOR2000", "n_treated").version == 1


def test_an_invalid_new_row_is_refused_naming_the_field(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(InvalidValueError, match=r"evidence row .*\.total"):
        add_evidence(uow, {**NEW_ROW, "total": -1}, by=ACTOR, now=NOW)
    assert stored_evidence(uow_factory()) == ()
