"""The stored entities are declared once, and the port, the tables and every store agree with it.

The migrations build exactly the tables derived from the declaration
(tests/integration/store/test_migrations.py compares them with Alembic's autogenerate).
"""

from __future__ import annotations

import typing
from collections.abc import Callable

import pytest

from lupus_sct.services.ports import Repository, UnitOfWork
from lupus_sct.services.stored_entities import STORED_ENTITIES, StoredRepositories
from lupus_sct.store.memory import MemoryUnitOfWork
from lupus_sct.store.schema import ENTITIES, audit_log, metadata


def test_the_port_has_a_repository_of_each_declared_record_and_the_audit_log() -> None:
    hints = typing.get_type_hints(UnitOfWork)
    repositories = {name: hint for name, hint in hints.items() if name != "audit"}
    assert list(repositories) == [e.name for e in STORED_ENTITIES]
    for entity in STORED_ENTITIES:
        hint = repositories[entity.name]
        assert typing.get_origin(hint) is Repository, entity.name
        assert typing.get_args(hint) == (entity.record,), entity.name
    assert set(hints) - set(repositories) == {"audit"}


def test_the_tables_are_derived_from_the_declaration_in_its_order() -> None:
    assert list(ENTITIES) == [e.name for e in STORED_ENTITIES]
    for entity in STORED_ENTITIES:
        table = ENTITIES[entity.name]
        assert (table.cls, table.table.name, table.key) == (entity.record, entity.table, entity.key)
        assert table.label == entity.label
    declared = {e.table for e in STORED_ENTITIES} | {audit_log.name}
    assert set(metadata.tables) == declared


def test_each_entity_comes_after_the_entities_its_foreign_keys_refer_to() -> None:
    # A staged unit of work inserts its new records table by table in the declaration's order.
    seen: set[str] = set()
    for entity in STORED_ENTITIES:
        table = ENTITIES[entity.name].table
        referred = {fk.column.table.name for fk in table.foreign_keys} - {table.name}
        assert referred <= seen, f"{entity.name} refers to {sorted(referred - seen)} declared later"
        seen.add(table.name)


def test_the_declaration_is_the_only_list_of_entities() -> None:
    names = [e.name for e in STORED_ENTITIES]
    assert names == list(StoredRepositories.__annotations__)
    assert len(set(names)) == len(names)
    assert len({e.table for e in STORED_ENTITIES}) == len(names)


def test_every_unit_of_work_has_every_declared_repository_and_reads_it(
    each_uow_factory: Callable[[], UnitOfWork],
) -> None:
    with each_uow_factory() as uow:
        for entity in STORED_ENTITIES:
            repository = getattr(uow, entity.name)
            assert repository is not vars(StoredRepositories)[entity.name], entity.name
            assert repository.find() == [], entity.name
            assert repository.get_many(["none"]) == [], entity.name


def test_a_unit_of_work_outside_its_block_names_the_missing_repository() -> None:
    with pytest.raises(AttributeError, match="no repository 'labs' yet"):
        MemoryUnitOfWork().labs  # noqa: B018 - the attribute read is the test
