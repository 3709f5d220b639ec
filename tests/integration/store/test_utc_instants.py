"""Instants are stored in UTC and read back as the same instant, on every store (issue #15, 13).

A time entered with an offset (``10:30+01:00``) is the instant ``09:30Z``; SQLite keeps no offset,
so the store converts to UTC on the way in and attaches UTC on the way out. The repository
contract: what is read back equals what was written, as an instant, and carries offset zero.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from lupus_sct.domain.access.sign_in import Session
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.services.clinic import clinical_records
from lupus_sct.services.clinic.patients import new_id
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store.sql import SqlUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient

UowFactory = Callable[[], UnitOfWork]
PLUS_ONE = timezone(timedelta(hours=1))
MINUS_SIX = timezone(timedelta(hours=-6))


def _record_lab(uow_factory: UowFactory, collected_at: datetime) -> LabResult:
    with uow_factory() as uow:
        patient = seed_patient(uow, seed_centre(uow))
        lab = LabResult(new_id(), patient.id, "2160-0", 1.1, "mg/dL", collected_at)
        stored = clinical_records.record_lab(uow, lab, by=ACTOR, now=NOW)
        uow.commit()
    return stored


def test_a_time_with_a_utc_offset_reads_back_as_the_same_instant_in_utc(
    uow_factory: UowFactory,
) -> None:
    stored = _record_lab(uow_factory, datetime(2026, 5, 4, 10, 30, tzinfo=PLUS_ONE))
    with uow_factory() as uow:
        read = uow.labs.get(stored.id)
    assert read.collected_at == datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
    assert read.collected_at.utcoffset() == timedelta(0)


def test_finding_by_an_instant_matches_it_whatever_offset_either_side_was_given_in(
    uow_factory: UowFactory,
) -> None:
    stored = _record_lab(uow_factory, datetime(2026, 5, 4, 10, 30, tzinfo=PLUS_ONE))
    same_instant = datetime(2026, 5, 4, 3, 30, tzinfo=MINUS_SIX)
    with uow_factory() as uow:
        found = uow.labs.find(collected_at=same_instant)
    assert [lab.id for lab in found] == [stored.id]


@pytest.mark.parametrize(
    "backend_name", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_the_sql_store_refuses_a_time_without_an_offset(
    backend_name: str,
    engine_for,  # type: ignore[no-untyped-def]
) -> None:
    engine: sa.Engine = engine_for(backend_name)
    with SqlUnitOfWork(engine) as uow:
        naive = datetime(2026, 5, 4, 10, 30)  # noqa: DTZ001 - the naive time under test
        session = Session(
            id=new_id(),
            user_id=new_id(),
            created_at=naive,
            expires_at=NOW,
            second_factor_passed=False,
        )
        with pytest.raises(sa.exc.StatementError, match="UTC offset"):
            uow.sessions.add(session)
