"""Tampering with the audit log directly in the database is detected and the entry named.

The migration makes ``audit_log`` append-only with triggers; a tamperer with database rights
removes them first, as these tests do.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lupus_sct.services.audit.trail import verify_audit_trail
from lupus_sct.store.sql import SqlUnitOfWork
from support import seed_patient

SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _seed(engine: sa.Engine) -> None:
    for _ in range(3):
        with SqlUnitOfWork(engine) as uow:
            seed_patient(uow, centre=None) if not uow.centres.find() else seed_patient(
                uow, uow.centres.find()[0]
            )
            uow.commit()


def _drop_protection(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        connection.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
    else:
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")


@pytest.mark.parametrize("backend_name", SQL_BACKENDS)
def test_the_untouched_chain_verifies(backend_name: str, engine_for) -> None:  # type: ignore[no-untyped-def]
    engine = engine_for(backend_name)
    _seed(engine)
    result = verify_audit_trail(SqlUnitOfWork(engine))
    assert result.intact
    assert result.entries_checked == 7  # centre + 3 x (patient + identity)


@pytest.mark.parametrize("backend_name", SQL_BACKENDS)
def test_the_database_refuses_to_update_or_delete_audit_rows(backend_name: str, engine_for) -> None:  # type: ignore[no-untyped-def]
    engine = engine_for(backend_name)
    _seed(engine)
    for statement in ("UPDATE audit_log SET actor = 'x' WHERE seq = 2", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
            conn.exec_driver_sql(statement)


@pytest.mark.parametrize("backend_name", SQL_BACKENDS)
def test_a_changed_value_is_detected_at_its_entry(backend_name: str, engine_for) -> None:  # type: ignore[no-untyped-def]
    engine = engine_for(backend_name)
    _seed(engine)
    with engine.begin() as connection:
        _drop_protection(connection)
        connection.exec_driver_sql(
            "UPDATE audit_log SET after_json = replace(after_json, '1990-04-12', '1980-04-12') "
            "WHERE seq = 4"
        )
    result = verify_audit_trail(SqlUnitOfWork(engine))
    assert result.first_bad_seq == 4
    assert "content does not match its hash" in result.problem


@pytest.mark.parametrize("backend_name", SQL_BACKENDS)
def test_a_deleted_entry_is_detected_where_the_chain_breaks(backend_name: str, engine_for) -> None:  # type: ignore[no-untyped-def]
    engine = engine_for(backend_name)
    _seed(engine)
    with engine.begin() as connection:
        _drop_protection(connection)
        connection.exec_driver_sql("DELETE FROM audit_log WHERE seq = 3")
    result = verify_audit_trail(SqlUnitOfWork(engine))
    assert result.first_bad_seq == 4
    assert "sequence gap" in result.problem


@pytest.mark.parametrize("backend_name", SQL_BACKENDS)
def test_a_rehashed_entry_still_breaks_the_link_of_the_next_one(
    backend_name: str, engine_for
) -> None:  # type: ignore[no-untyped-def]
    engine = engine_for(backend_name)
    _seed(engine)
    with engine.begin() as connection:
        _drop_protection(connection)
        # A tamperer who also rewrites the hash of entry 2 cannot fix entry 3's link to it.
        connection.exec_driver_sql(  # always a different first digit, so the hash changes
            "UPDATE audit_log SET hash = CASE WHEN substr(hash, 1, 1) = 'f' THEN 'e' ELSE 'f' END "
            "|| substr(hash, 2) WHERE seq = 2"
        )
    result = verify_audit_trail(SqlUnitOfWork(engine))
    assert result.first_bad_seq == 2
