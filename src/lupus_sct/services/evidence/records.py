"""Use cases for the stored evidence table: seed it from studies.csv, add a row, edit a row.

Every write is validated by :func:`lupus_sct.domain.evidence.studies.evidence_row` (the rules the
shipped
table is loaded with) and audited in the caller's transaction. The first add or edit seeds the
table, so a new row never hides the shipped ones.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.evidence.records import (
    RECORD_SOURCE,
    EvidenceRecord,
    column_texts,
    record_of,
    texts_from_values,
)
from lupus_sct.domain.evidence.studies import EVIDENCE_COLUMNS, EvidenceRow, evidence_row
from lupus_sct.services.audit.chain import audited_add, audited_update
from lupus_sct.services.errors import DuplicateError, NotFoundError, StaleWriteError
from lupus_sct.services.evidence.studies import load_evidence
from lupus_sct.services.ports import UnitOfWork

ENTITY = "evidence_row"
SEED_ACTOR = "system:evidence-seed"
SEED_REASON = "seeded from the shipped studies.csv"


def seed_evidence(uow: UnitOfWork, *, now: datetime) -> int:
    """Store the shipped rows if the table is empty, audited; return how many were added.

    Idempotent: a table that holds any row is left as it is (its rows may have been edited).
    """
    if uow.evidence_rows.find():
        return 0
    rows = load_evidence()
    for row in rows:
        record = record_of(row, record_id=f"csv-{row.row_number:04d}")
        audited_add(
            uow.evidence_rows,
            uow.audit,
            record,
            entity=ENTITY,
            by=SEED_ACTOR,
            now=now,
            reason=SEED_REASON,
        )
    return len(rows)


def add_evidence(
    uow: UnitOfWork, values: Mapping[str, object], *, by: str, now: datetime
) -> EvidenceRecord:
    """Validate and store a new row after the others, audited (absent columns are empty).

    Raises
    ------
    InvalidValueError
        Naming the column, for any value the shipped table would refuse.
    DuplicateError
        If a row of the same study, outcome, timepoint and arm is stored already.
    """
    seed_evidence(uow, now=now)
    texts = dict.fromkeys(EVIDENCE_COLUMNS, "") | texts_from_values(values, field="evidence")
    stored = uow.evidence_rows.find()
    number = max((r.row_number for r in stored), default=0) + 1
    row = evidence_row(texts, number, source=RECORD_SOURCE)
    if any(_natural_key(r.row) == _natural_key(row) for r in stored):
        label = f"{row.study_id} {row.outcome} at {row.timepoint_months} months, arm {row.arm}"
        raise DuplicateError("evidence row", "study, outcome, timepoint and arm", label)
    record = record_of(row, record_id=str(uuid.uuid4()))
    return audited_add(uow.evidence_rows, uow.audit, record, entity=ENTITY, by=by, now=now)


def edit_evidence(
    uow: UnitOfWork,
    record_id: str,
    changes: Mapping[str, object],
    *,
    expected_version: int,
    reason: str,
    by: str,
    now: datetime,
) -> EvidenceRecord:
    """Change columns of one stored row, validated and audited with the reason.

    Raises
    ------
    InvalidValueError
        For a blank reason, no change, an unknown column or a value the table would refuse.
    NotFoundError
        If no row has ``record_id``.
    StaleWriteError
        If the row is no longer at ``expected_version``.
    """
    if not reason.strip():
        raise InvalidValueError("reason", reason, "a non-empty reason for the change")
    if not changes:
        raise InvalidValueError("changes", "", "at least one column to change")
    seed_evidence(uow, now=now)
    found = uow.evidence_rows.find(id=record_id)
    if not found:
        raise NotFoundError("evidence row", record_id)
    current = found[0]
    if current.version != expected_version:
        raise StaleWriteError("evidence row", record_id, expected_version)
    texts = column_texts(current) | texts_from_values(changes, field="changes")
    row = evidence_row(texts, current.row_number, source=RECORD_SOURCE)
    others = (r for r in uow.evidence_rows.find() if r.id != current.id)
    if any(_natural_key(r.row) == _natural_key(row) for r in others):
        raise DuplicateError("evidence row", "study, outcome, timepoint and arm", row.study_id)
    changed = record_of(row, record_id=current.id, version=current.version)
    if changed == current:
        raise InvalidValueError("changes", ", ".join(changes), "a value that differs from the row")
    return audited_update(
        uow.evidence_rows,
        uow.audit,
        changed,
        entity=ENTITY,
        by=by,
        now=now,
        reason=reason.strip(),
    )


def find_evidence_record(
    uow: UnitOfWork,
    study_id: str,
    outcome: str,
    *,
    timepoint_months: float | None = None,
    arm: str | None = None,
) -> EvidenceRecord:
    """The one stored row of a study and outcome (narrowed by timepoint and arm).

    Raises
    ------
    NotFoundError
        If no row matches.
    InvalidValueError
        If several rows match, listing their timepoints and arms.
    """
    matches = [
        r
        for r in uow.evidence_rows.find()
        if r.study_id.casefold() == study_id.casefold()
        and r.outcome.casefold() == outcome.casefold()
        and (timepoint_months is None or r.timepoint_months == timepoint_months)
        and (arm is None or (r.row.arm or "").casefold() == arm.casefold())
    ]
    if not matches:
        raise NotFoundError("evidence row", f"{study_id} {outcome}")
    if len(matches) > 1:
        choices = "; ".join(f"timepoint {r.timepoint_months}, arm {r.row.arm}" for r in matches)
        raise InvalidValueError(
            "selection",
            f"{study_id} {outcome}",
            f"one row (narrow with --timepoint/--arm: {choices})",
        )
    return matches[0]


def _natural_key(row: EvidenceRow) -> tuple[str, str, float | None, str]:
    """What identifies a result: study, outcome, timepoint and arm (DENG2017 reports arms)."""
    return (row.study_id.casefold(), row.outcome.casefold(), row.timepoint_months, row.arm or "")
