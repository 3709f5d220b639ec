"""Contract of the batch methods (``add_many``, ``get_many``, ``find_in``, ``append_many``) and
of the audit head on every store.

The same tests run against the in-memory fake, SQLite, PostgreSQL and the staged unit of work
over each (the ``each_uow_factory`` fixture): a batch stores what one-by-one calls would store,
reads back equal, and is all or nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import pytest

from lupus_sct.domain.records.people import Centre, Sex
from lupus_sct.services.audit.chain import (
    GENESIS_HASH,
    AuditAction,
    AuditDraft,
    seal,
    timestamp,
    verify_chain,
)
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store.sql import COPY_MIN_ROWS
from support import ACTOR, NOW, seed_centre, seed_patient

UowFactory = Callable[[], UnitOfWork]


def _centres(count: int) -> list[Centre]:
    return [
        Centre(id=f"c-{n:03d}", code=f"C{n:03d}", name=f"Centre {n}", country="GB")
        for n in range(count)
    ]


def _draft(entity_id: str) -> AuditDraft:
    return AuditDraft(
        recorded_at=timestamp(NOW),
        actor=ACTOR,
        entity="centre",
        entity_id=entity_id,
        action=AuditAction.CREATE,
        before=None,
        after={"id": entity_id},
    )


def test_add_many_stores_every_record_at_version_1_and_reads_back_equal(
    each_uow_factory: UowFactory,
) -> None:
    with each_uow_factory() as uow:
        stored = uow.centres.add_many(_centres(3))
        uow.commit()
    assert [c.version for c in stored] == [1, 1, 1]
    with each_uow_factory() as uow:
        assert [uow.centres.get(c.id) for c in stored] == stored


def test_add_many_of_nothing_stores_nothing(each_uow_factory: UowFactory) -> None:
    with each_uow_factory() as uow:
        assert uow.centres.add_many([]) == []
        assert uow.centres.find() == []


def test_add_many_with_a_stored_id_stores_none_of_the_batch(each_uow_factory: UowFactory) -> None:
    with each_uow_factory() as uow:
        first = seed_centre(uow, code="OLD")
        uow.commit()
    batch = [*_centres(2), dataclasses.replace(_centres(3)[2], id=first.id)]
    with each_uow_factory() as uow, pytest.raises(Exception):  # noqa: B017, PT011 - store-specific
        uow.centres.add_many(batch)
    with each_uow_factory() as uow:
        assert [c.id for c in uow.centres.find()] == [first.id]


def test_a_large_batch_is_stored_and_read_back_equal_and_is_still_all_or_nothing(
    each_uow_factory: UowFactory,
) -> None:
    # From COPY_MIN_ROWS rows PostgreSQL takes the COPY path (store/sql.py insert_rows).
    assert COPY_MIN_ROWS <= 120
    with each_uow_factory() as uow:
        stored = uow.centres.add_many(_centres(120))
        entries = uow.audit.append_many([_draft(c.id) for c in stored])
        uow.commit()
    with each_uow_factory() as uow:
        assert uow.centres.get_many(c.id for c in stored) == stored
        assert list(uow.audit.entries())[-120:] == entries
        assert verify_chain(uow.audit.entries()).intact
    clash = [
        dataclasses.replace(c, id=f"n-{n:03d}", code=f"N{n:03d}") for n, c in enumerate(stored)
    ]
    clash[-1] = dataclasses.replace(clash[-1], id=stored[0].id)
    with each_uow_factory() as uow, pytest.raises(Exception):  # noqa: B017, PT011 - store-specific
        uow.centres.add_many(clash)
    with each_uow_factory() as uow:
        assert len(uow.centres.find()) == 120


def test_get_many_returns_the_stored_records_by_id_and_leaves_out_unknown_ids(
    each_uow_factory: UowFactory,
) -> None:
    with each_uow_factory() as uow:
        stored = uow.centres.add_many(_centres(3))
        uow.commit()
    with each_uow_factory() as uow:
        found = uow.centres.get_many(["c-002", "missing", "c-000", "c-002"])
        assert uow.centres.get_many([]) == []
    assert found == [stored[0], stored[2]]


def test_find_in_returns_the_records_whose_field_is_any_of_the_values_by_id(
    each_uow_factory: UowFactory,
) -> None:
    with each_uow_factory() as uow:
        stored = uow.centres.add_many(_centres(4))
        uow.commit()
    with each_uow_factory() as uow:
        found = uow.centres.find_in("code", ["C003", "nope", "C001", "C003"])
        assert uow.centres.find_in("code", []) == []
        assert uow.centres.find_in("country", ["GB"]) == uow.centres.find(country="GB")
    assert found == [stored[1], stored[3]]


def test_find_in_matches_dates_and_enum_values_as_find_does(each_uow_factory: UowFactory) -> None:
    # PostgreSQL compares with ``= ANY`` of an array of the column's type (store/sql.any_of).
    with each_uow_factory() as uow:
        centre = seed_centre(uow)
        births = [date(1980, 1, 2), date(1990, 4, 12), date(1990, 4, 12)]
        sexes = [Sex.FEMALE, Sex.MALE, Sex.FEMALE]
        stored = [
            seed_patient(uow, centre, birth_date=born, sex=sex)
            for born, sex in zip(births, sexes, strict=True)
        ]
        uow.commit()
    with each_uow_factory() as uow:
        by_birth = uow.patients.find_in("birth_date", [date(1990, 4, 12), date(2000, 1, 1)])
        by_sex = uow.patients.find_in("sex", [Sex.MALE])
        assert by_birth == uow.patients.find(birth_date=date(1990, 4, 12))
        assert by_sex == uow.patients.find(sex=Sex.MALE)
        assert uow.patients.get_many(p.id for p in stored) == sorted(stored, key=lambda p: p.id)
    assert {p.id for p in by_birth} == {stored[1].id, stored[2].id}
    assert [p.id for p in by_sex] == [stored[1].id]


def test_head_is_the_last_entry_and_does_not_append(each_uow_factory: UowFactory) -> None:
    with each_uow_factory() as uow:
        assert uow.audit.head() == (0, GENESIS_HASH)
        seed_centre(uow)
        uow.commit()
    with each_uow_factory() as uow:
        last = list(uow.audit.entries())[-1]
        assert uow.audit.head() == (last.seq, last.hash)
        appended = uow.audit.append(_draft("a"))
        assert uow.audit.head() == (appended.seq, appended.hash)
        assert appended.prev_hash == last.hash
        uow.commit()
    with each_uow_factory() as uow:
        assert list(uow.audit.entries())[-1] == appended


def test_append_sealed_stores_entries_sealed_after_the_head_and_refuses_others(
    each_uow_factory: UowFactory,
) -> None:
    with each_uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    with each_uow_factory() as uow:
        seq, prev = uow.audit.head()
        first = seal(_draft("a"), seq=seq + 1, prev_hash=prev)
        second = seal(_draft("b"), seq=seq + 2, prev_hash=first.hash)
        uow.audit.append_sealed([first, second])
        uow.audit.append_sealed([])
        assert uow.audit.head() == (second.seq, second.hash)
        uow.commit()
    with each_uow_factory() as uow:
        assert list(uow.audit.entries())[-2:] == [first, second]
        assert verify_chain(uow.audit.entries()).intact
        stale = seal(_draft("c"), seq=first.seq + 1, prev_hash=first.hash)  # forks after "a"
        with pytest.raises(ValueError, match=f"audit entry {stale.seq} does not follow entry"):
            uow.audit.append_sealed([stale])
    with each_uow_factory() as uow:
        assert list(uow.audit.entries())[-1] == second


def test_append_many_continues_the_chain_exactly_as_appends_one_by_one_would(
    each_uow_factory: UowFactory,
) -> None:
    with each_uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    with each_uow_factory() as uow:
        entries = uow.audit.append_many([_draft("a"), _draft("b"), _draft("c")])
        assert uow.audit.append_many([]) == []
        single = uow.audit.append(_draft("d"))
        uow.commit()
    with each_uow_factory() as uow:
        chain = list(uow.audit.entries())
    assert chain[-4:] == [*entries, single]
    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
    assert verify_chain(chain).intact


def test_append_many_rolled_back_leaves_the_chain_as_it_was(each_uow_factory: UowFactory) -> None:
    with each_uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    with each_uow_factory() as uow:
        before = list(uow.audit.entries())
    with each_uow_factory() as uow:
        uow.audit.append_many([_draft("a"), _draft("b")])
        uow.rollback()
    with each_uow_factory() as uow:
        assert list(uow.audit.entries()) == before
