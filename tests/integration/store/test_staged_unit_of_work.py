"""Where the staged unit of work differs from the store it stages (services/imports/staged_writes).

It runs the whole repository contract (test_repository_contract.py and
test_repository_batch_contract.py); these tests pin the two differences its docstring names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from lupus_sct.domain.records.people import Centre
from lupus_sct.services.errors import StaleWriteError
from lupus_sct.services.imports.staged_writes import StagedUnitOfWork
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from lupus_sct.store.sql import SqlUnitOfWork

SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _centre(centre_id: str, code: str) -> Centre:
    return Centre(id=centre_id, code=code, name=f"Centre {code}", country="GB")


@pytest.mark.parametrize("backend_name", SQL_BACKENDS)
def test_a_write_the_store_refuses_is_refused_at_commit_not_at_the_write(
    backend_name: str, engine_for: Callable[[str], sa.Engine]
) -> None:
    engine = engine_for(backend_name)
    with SqlUnitOfWork(engine) as uow:
        uow.centres.add(_centre("c-1", "NWU"))
        uow.commit()
    with SqlUnitOfWork(engine) as uow, pytest.raises(sa.exc.IntegrityError):
        uow.centres.add(_centre("c-2", "NWU"))  # the store: refused at the write (unique code)
    with StagedUnitOfWork(SqlUnitOfWork(engine), enters_inner=True) as staged:
        staged.centres.add(_centre("c-2", "NWU"))  # staged: accepted here...
        with pytest.raises(sa.exc.IntegrityError):
            staged.commit()  # ...and refused when written
    with SqlUnitOfWork(engine) as uow:
        assert [c.id for c in uow.centres.find()] == ["c-1"]


def _staged_and_other(
    backend_name: str, engine_for: Callable[[str], sa.Engine]
) -> tuple[StagedUnitOfWork, Callable[[], UnitOfWork]]:
    if backend_name == "memory":
        shared = MemoryDatabase()
        return StagedUnitOfWork(
            MemoryUnitOfWork(shared), enters_inner=True
        ), lambda: MemoryUnitOfWork(shared)
    engine = engine_for(backend_name)
    return StagedUnitOfWork(SqlUnitOfWork(engine), enters_inner=True), lambda: SqlUnitOfWork(engine)


@pytest.mark.parametrize(
    "backend_name", ["memory", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_record_is_read_once_per_transaction_and_a_correction_of_a_changed_one_is_refused(
    backend_name: str, engine_for: Callable[[str], sa.Engine]
) -> None:
    # The in-memory store and PostgreSQL (read committed) show another writer's commit to a
    # transaction already running; the staged unit of work answers from what it read.
    staged, other = _staged_and_other(backend_name, engine_for)
    with other() as uow:
        uow.centres.add(_centre("c-1", "NWU"))
        uow.commit()
    with staged:
        read = staged.centres.get("c-1")
        with other() as uow:
            uow.centres.update(dataclasses.replace(uow.centres.get("c-1"), name="Renamed"))
            uow.commit()
        with other() as uow:
            assert uow.centres.get("c-1").version == 2  # what the store now holds
        assert staged.centres.get("c-1") == read  # what this transaction read (version 1)
        staged.centres.update(dataclasses.replace(read, country="IE"))
        with pytest.raises(StaleWriteError, match="changed by someone else"):
            staged.commit()
    with other() as uow:
        assert uow.centres.get("c-1").name == "Renamed"
        assert uow.centres.get("c-1").country == "GB"
