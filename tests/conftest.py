"""Shared fixtures: databases (in-memory fake, SQLite, PostgreSQL) and a fixed clock.

PostgreSQL tests use LUPUS_SCT_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test). Each test gets a schema of its own, dropped
afterwards. Without a server they skip locally; under CI=true they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import settings

import clinic_app_support
from lupus_sct.services.imports.staged_writes import StagedUnitOfWork
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store import database
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from lupus_sct.store.sql import SqlUnitOfWork

# Hypothesis: no per-example deadline (a shared CI machine is slow at times), and under CI a
# derandomised search, so that a run is reproducible; locally the search stays random.
settings.register_profile("lupus-sct", deadline=None)
settings.register_profile("lupus-sct-ci", deadline=None, derandomize=True)
settings.load_profile(
    "lupus-sct-ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "lupus-sct"
)

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session", autouse=True)
def _private_config_and_data_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep audit keys and checkpoints (Settings' config and data dirs) out of the user's home."""
    patch = pytest.MonkeyPatch()
    patch.setenv("LUPUS_SCT_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    patch.setenv("LUPUS_SCT_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    yield
    patch.undo()


def postgres_url() -> str:
    return os.environ.get("LUPUS_SCT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The server URL, after checking that it answers."""
    url = postgres_url()
    engine = database.create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
    except sa.exc.OperationalError as exc:
        message = f"PostgreSQL at {url} does not answer: {str(exc.orig).strip().splitlines()[0]}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " (CI=true: a missing server is a failure)")
        pytest.skip(message)
    finally:
        engine.dispose()
    return url


@pytest.fixture
def postgres_engine(postgres_server: str) -> Iterator[sa.Engine]:
    """An engine whose search_path is a fresh schema, with the migrations applied."""
    schema = f"t_{secrets.token_hex(6)}"
    admin = database.create_engine(postgres_server)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in postgres_server else "?"
    engine = database.create_engine(
        f"{postgres_server}{separator}options={quote(f'-csearch_path={schema}')}"
    )
    try:
        database.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[sa.Engine]:
    """A migrated SQLite database file in WAL mode."""
    engine = database.create_engine(f"sqlite:///{tmp_path / 'lupus-sct.db'}")
    database.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def uow_factory(backend: str, request: pytest.FixtureRequest) -> Callable[[], UnitOfWork]:
    """Units of work over one shared store of the parametrised backend."""
    if backend == "memory":
        shared = MemoryDatabase()
        return lambda: MemoryUnitOfWork(shared)
    engine: sa.Engine = request.getfixturevalue(f"{backend}_engine")
    return lambda: SqlUnitOfWork(engine)


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        "staged-memory",
        "staged-sqlite",
        pytest.param("staged-postgres", marks=pytest.mark.postgres),
    ]
)
def each_uow_factory(request: pytest.FixtureRequest) -> Callable[[], UnitOfWork]:
    """Units of work of every implementation: each store, and the staged one over each store."""
    staged, _, backend_name = str(request.param).rpartition("-")
    if backend_name == "memory":
        shared = MemoryDatabase()
        inner: Callable[[], UnitOfWork] = lambda: MemoryUnitOfWork(shared)  # noqa: E731
    else:
        engine: sa.Engine = request.getfixturevalue(f"{backend_name}_engine")
        inner = lambda: SqlUnitOfWork(engine)  # noqa: E731
    if not staged:
        return inner
    return lambda: StagedUnitOfWork(inner(), enters_inner=True)


@pytest.fixture
def engine_for(request: pytest.FixtureRequest) -> Callable[[str], sa.Engine]:
    """Look up the migrated engine of a SQL backend by name ("sqlite" or "postgres")."""
    return lambda name: request.getfixturevalue(f"{name}_engine")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def clinic_on_each_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[clinic_app_support.Clinic]:
    """A served clinic (a user per role, two centres) on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        built = clinic_app_support.sqlite_clinic(tmp_path)
    else:
        engine: sa.Engine = request.getfixturevalue("postgres_engine")
        built = clinic_app_support.build_clinic(engine.url.render_as_string(hide_password=False))
    yield built
    built.platform.close()
