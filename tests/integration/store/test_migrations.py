"""The Alembic migrations build exactly the schema the code expects, on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from lupus_sct.store import database
from lupus_sct.store.schema import metadata


@pytest.mark.parametrize(
    "backend_name", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_migrated_schema_matches_the_table_definitions(backend_name: str, engine_for) -> None:  # type: ignore[no-untyped-def]
    engine = engine_for(backend_name)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


@pytest.mark.parametrize(
    "backend_name", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_the_database_is_at_the_newest_revision_and_upgrading_again_is_harmless(
    backend_name: str,
    engine_for,  # type: ignore[no-untyped-def]
) -> None:
    engine = engine_for(backend_name)
    assert database.current_revision(engine) == database.head_revision()
    assert database.upgrade(engine) == database.head_revision()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_engine: sa.Engine) -> None:
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
