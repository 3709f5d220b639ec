"""Import FHIR R4 Bundles into PostgreSQL and print resources per second (issue #9 benchmark).

Synthetic patients (``lupus_sct.synthetic.full_record``: 26 resources each - Patient,
Condition, EpisodeOfCare, 6 Procedures, 10 Observations, 5 MedicationStatements, 2 AdverseEvents)
are built in the in-memory store and exported with the project's exporter, one Bundle file per
patient in a temporary folder. Every path validates every resource with fhir.resources and writes
through the same use cases as user input (all or nothing per Bundle, every record audited):

(a) ``import_bundles`` (what ``lupus-sct import fhir FOLDER`` runs: files read ahead by worker
    processes, several Bundles per transaction, COPY) into PostgreSQL, in a schema created for
    the run and dropped afterwards; the clock runs from the list of files to the last commit,
    worker start-up included;
(b) the named peer: the same ``import_bundles`` into SQLite (a WAL file in a temporary folder);
(c) the previous path, ``import_bundle`` on each parsed Bundle in its own transaction (what
    ``lupus-sct import fhir BUNDLE.json`` runs), into PostgreSQL, on the first ``--single``
    patients.

Prints resources per second for each and the ratios a/b and a/c. Synthetic data only.

Usage: .venv/bin/python bench/bench_fhir_import.py [--patients 800] [--single 200]
       [--workers N] [--batch-resources 2000]
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
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from lupus_sct.domain.records.people import Centre
from lupus_sct.interop.fhir import bundle_json, export_patient_bundle, import_bundle
from lupus_sct.interop.fhir.bulk_import import DEFAULT_BATCH_RESOURCES, import_bundles
from lupus_sct.services.clinic.patients import create_centre
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store import database
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from lupus_sct.store.sql import SqlUnitOfWork
from lupus_sct.synthetic.full_record import seed_full_record

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_RESOURCES_PER_SECOND = 5_000  # issue #9, "Done when"
ACTOR = "bench:fhir-import"
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)  # the fixed clock of every write in the run


def synthetic_bundles(patients: int, chunk: int = 100) -> list[dict[str, Any]]:
    """One exported Bundle (as parsed JSON) per synthetic patient, ``chunk`` per in-memory store.

    The in-memory store's queries scan whole tables, so thousands are built a hundred at a time.
    """
    bundles: list[dict[str, Any]] = []
    for start in range(0, patients, chunk):
        source = MemoryDatabase()
        with MemoryUnitOfWork(source) as uow:
            centre = seed_centre(uow)
            ids = [
                seed_full_record(uow, centre, by=ACTOR, now=NOW).id
                for _ in range(min(chunk, patients - start))
            ]
            uow.commit()
        with MemoryUnitOfWork(source) as uow:
            bundles += [
                json.loads(bundle_json(export_patient_bundle(read_patient_records(uow, pid))))
                for pid in ids
            ]
    return bundles


def seed_centre(uow: UnitOfWork) -> Centre:
    """The centre every Bundle is imported into (code NWU)."""
    return create_centre(uow, code="NWU", name="Centre NWU", country="GB", by=ACTOR, now=NOW)


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


def write_files(bundles: list[dict[str, Any]], folder: Path) -> list[Path]:
    """One JSON file per Bundle, as a hospital export would deliver them."""
    paths = []
    for index, bundle in enumerate(bundles):
        paths.append(folder / f"bundle-{index:06d}.json")
        paths[-1].write_text(json.dumps(bundle), encoding="utf-8")
    return paths


def import_files(
    uow_factory: Callable[[], UnitOfWork], files: list[Path], workers: int, batch_resources: int
) -> float:
    """Seconds for ``import_bundles`` to import every file (worker start-up included)."""
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    start = time.perf_counter()
    results = import_bundles(
        uow_factory,
        files,
        centre_code="NWU",
        by=ACTOR,
        now=NOW,
        workers=workers,
        batch_resources=batch_resources,
    )
    refused = [r for r in results if not r.written]
    seconds = time.perf_counter() - start
    if refused:
        raise SystemExit(f"a Bundle was not written: {refused[0].source} {refused[0].problem}")
    return seconds


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
    parser.add_argument("--patients", type=int, default=800)
    parser.add_argument("--single", type=int, default=200, help="Patients for path (c).")
    parser.add_argument("--workers", type=int, default=max((os.cpu_count() or 1) - 1, 1))
    parser.add_argument("--batch-resources", type=int, default=DEFAULT_BATCH_RESOURCES)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LUPUS_SCT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    parser.add_argument("--profile", action="store_true", help="Profile path (a).")
    args = parser.parse_args()
    bundles = synthetic_bundles(args.patients)
    resources = sum(len(b["entry"]) for b in bundles)
    single = bundles[: args.single]
    single_resources = sum(len(b["entry"]) for b in single)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLAlchemy {sa.__version__}"
    )
    print(
        f"input: {len(bundles):,} Bundle files, {resources:,} resources (synthetic); "
        f"workers={args.workers}, batch={args.batch_resources} resources"
    )
    with tempfile.TemporaryDirectory() as folder:
        files = write_files(bundles, Path(folder))
        with postgres_engine(args.postgres_url) as engine:
            version = engine.connect().execute(sa.text("show server_version")).scalar()
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            bulk_seconds = import_files(
                lambda: SqlUnitOfWork(engine), files, args.workers, args.batch_resources
            )
            if profiler:
                profiler.disable()
        with postgres_engine(args.postgres_url) as engine:
            single_seconds = import_all(lambda: SqlUnitOfWork(engine), single)
        with sqlite_engine() as engine:
            lite_seconds = import_files(
                lambda: SqlUnitOfWork(engine), files, args.workers, args.batch_resources
            )
    bulk_rate = resources / bulk_seconds
    lite_rate = resources / lite_seconds
    single_rate = single_resources / single_seconds
    print(
        f"(a) import_bundles, PostgreSQL {version}: {bulk_seconds:.2f} s, "
        f"{bulk_rate:,.0f} resources/s"
    )
    print(
        f"(b) import_bundles, SQLite {sqlite3_version()} (peer): {lite_seconds:.2f} s, "
        f"{lite_rate:,.0f} resources/s"
    )
    print(
        f"(c) import_bundle per Bundle, PostgreSQL, {single_resources:,} resources: "
        f"{single_seconds:.2f} s, {single_rate:,.0f} resources/s"
    )
    print(f"ratio a/b (PostgreSQL vs SQLite): {bulk_rate / lite_rate:.2f}x")
    print(f"ratio a/c (bulk vs one Bundle per transaction): {bulk_rate / single_rate:.2f}x")
    met = "met" if bulk_rate >= TARGET_RESOURCES_PER_SECOND else "NOT met"
    print(f"target: at least {TARGET_RESOURCES_PER_SECOND:,} resources/s into PostgreSQL: {met}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def sqlite3_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    main()
