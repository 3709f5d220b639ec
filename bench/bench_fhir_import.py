"""Import FHIR R4 Bundles into PostgreSQL and print resources per second (issue #9 benchmark).

Synthetic patients (``tests/unit/interop/fhir_synthetic.py``: 26 resources each - Patient,
Condition, EpisodeOfCare, 6 Procedures, 10 Observations, 5 MedicationStatements, 2 AdverseEvents)
are built in the in-memory store and exported with the project's exporter, one Bundle per
patient. Each Bundle is then imported with ``import_bundle`` in a unit of work of its own (all or
nothing per Bundle, audited, through the same use cases as user input) into:

(a) PostgreSQL, in a schema created for the run and dropped afterwards;
(b) the named peer: SQLite (a WAL file in a temporary folder), same code, same Bundles.

Prints resources per second for each and the ratio a/b. Synthetic data only.

Usage: .venv/bin/python bench/bench_fhir_import.py [--patients 200]
       [--postgres-url postgresql://postgres@127.0.0.1:5432/test] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from lupus_sct.interop.fhir import bundle_json, export_patient_bundle, import_bundle
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store import database
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from lupus_sct.store.sql import SqlUnitOfWork
from support import ACTOR, NOW, seed_centre
from unit.interop.fhir_synthetic import seed_full_record

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_RESOURCES_PER_SECOND = 5_000  # issue #9, "Done when"


def synthetic_bundles(patients: int) -> list[dict[str, Any]]:
    """One exported Bundle (as parsed JSON) per synthetic patient."""
    source = MemoryDatabase()
    with MemoryUnitOfWork(source) as uow:
        centre = seed_centre(uow)
        ids = [seed_full_record(uow, centre).id for _ in range(patients)]
        uow.commit()
    with MemoryUnitOfWork(source) as uow:
        return [json.loads(bundle_json(export_patient_bundle(uow, pid))) for pid in ids]


@contextmanager
def postgres_engine(url: str) -> Iterator[sa.Engine]:
    """A migrated engine on a fresh schema, dropped afterwards (as tests/conftest.py does)."""
    schema = f"bench_{secrets.token_hex(6)}"
    admin = database.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    engine = database.create_engine(f"{url}{separator}options={quote(f'-csearch_path={schema}')}")
    try:
        database.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextmanager
def sqlite_engine() -> Iterator[sa.Engine]:
    """A migrated SQLite file in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        engine = database.create_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        database.upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def import_all(uow_factory: Callable[[], UnitOfWork], bundles: list[dict[str, Any]]) -> float:
    """Seconds to import every Bundle, each in its own unit of work."""
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    start = time.perf_counter()
    for bundle in bundles:
        with uow_factory() as uow:
            report = import_bundle(uow, bundle, centre_code="NWU", by=ACTOR, now=NOW)
        if not report.written:
            raise SystemExit(f"a Bundle was refused: {report.refused[:1]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LUPUS_SCT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    parser.add_argument("--profile", action="store_true", help="Profile the PostgreSQL import.")
    args = parser.parse_args()
    bundles = synthetic_bundles(args.patients)
    resources = sum(len(b["entry"]) for b in bundles)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLAlchemy {sa.__version__}"
    )
    print(f"input: {len(bundles):,} Bundles, {resources:,} resources (synthetic)")
    with postgres_engine(args.postgres_url) as engine:
        version = engine.connect().execute(sa.text("show server_version")).scalar()
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        pg_seconds = import_all(lambda: SqlUnitOfWork(engine), bundles)
        if profiler:
            profiler.disable()
    with sqlite_engine() as engine:
        lite_seconds = import_all(lambda: SqlUnitOfWork(engine), bundles)
    pg_rate, lite_rate = resources / pg_seconds, resources / lite_seconds
    print(f"(a) PostgreSQL {version}: {pg_seconds:.2f} s, {pg_rate:,.0f} resources/s")
    print(
        f"(b) SQLite {sqlite3_version()} (peer): {lite_seconds:.2f} s, {lite_rate:,.0f} resources/s"
    )
    print(f"ratio a/b (PostgreSQL vs SQLite): {pg_rate / lite_rate:.2f}x")
    met = "met" if pg_rate >= TARGET_RESOURCES_PER_SECOND else "NOT met"
    print(f"target: at least {TARGET_RESOURCES_PER_SECOND:,} resources/s into PostgreSQL: {met}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def sqlite3_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    main()
