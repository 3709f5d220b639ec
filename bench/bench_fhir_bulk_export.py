"""Bulk NDJSON export of a centre from PostgreSQL, against the import rate (issue #20 benchmark).

Synthetic patients (``lupus_sct.synthetic.full_record``, 26 resources each) are built in the
in-memory store and exported one Bundle file per patient, as in bench/bench_fhir_import.py. Then,
in one migrated PostgreSQL schema (created for the run, dropped afterwards):

(a) ``import_bundles`` (what ``lupus-sct import fhir FOLDER`` runs) writes every Bundle: the import
    rate of this run;
(b) ``read_centre_records`` + ``write_bulk_ndjson`` (what ``lupus-sct export fhir-bulk`` runs)
    writes the centre as NDJSON files in a temporary folder: the clock runs from the first query
    to the manifest;
(c) the previous path, ``read_patient_records`` + ``export_patient_bundle`` + ``bundle_json`` one
    patient at a time (what ``lupus-sct export fhir`` runs, without the process start-up), on the
    first ``--single`` patients.

Prints resources per second for each and the ratios b/a and b/c, and whether the goal of issue
#20 (at least 10,000 resources/s exported) is met. Synthetic data only.

Usage: .venv/bin/python bench/bench_fhir_bulk_export.py [--patients 2000] [--single 200]
       [--page-patients 500] [--workers N]
       [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from bench_fhir_import import (
    DEFAULT_POSTGRES_URL,
    import_files,
    postgres_engine,
    synthetic_bundles,
    write_files,
)

from lupus_sct.interop.fhir import bundle_json, export_patient_bundle
from lupus_sct.interop.fhir.bulk_import import DEFAULT_BATCH_RESOURCES
from lupus_sct.interop.fhir.ndjson import write_bulk_ndjson
from lupus_sct.services.exports.centre_records import (
    DEFAULT_PAGE_PATIENTS,
    find_centre_by_code,
    read_centre_records,
)
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.store.sql import SqlUnitOfWork

TARGET_RESOURCES_PER_SECOND = 10_000  # issue #20, "Done when"
NOW_TEXT = "2026-06-01T09:30:00+00:00"


def bulk_export(engine: sa.Engine, folder: Path, page_patients: int) -> tuple[float, int]:
    """Seconds to export centre NWU as NDJSON into ``folder``, and the resources written."""
    start = time.perf_counter()
    with SqlUnitOfWork(engine) as uow:
        centre = find_centre_by_code(uow, "NWU")
        manifest = write_bulk_ndjson(
            read_centre_records(uow, centre, page_patients=page_patients),
            folder,
            transaction_time=datetime.fromisoformat(NOW_TEXT),
            request="bench",
        )
    seconds = time.perf_counter() - start
    return seconds, sum(item["count"] for item in manifest["output"])


def per_patient_export(engine: sa.Engine, patients: int) -> tuple[float, int]:
    """Seconds to export the first ``patients`` of NWU one Bundle each, and the resources."""
    with SqlUnitOfWork(engine) as uow:
        centre = find_centre_by_code(uow, "NWU")
        ids = [p.id for p in uow.patients.find(centre_id=centre.id)][:patients]
    resources = 0
    start = time.perf_counter()
    for patient_id in ids:
        with SqlUnitOfWork(engine) as uow:
            bundle = export_patient_bundle(read_patient_records(uow, patient_id))
        bundle_json(bundle)
        resources += len(bundle.entry or [])
    return time.perf_counter() - start, resources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--single", type=int, default=200, help="Patients for path (c).")
    parser.add_argument("--page-patients", type=int, default=DEFAULT_PAGE_PATIENTS)
    parser.add_argument("--workers", type=int, default=max((os.cpu_count() or 1) - 1, 1))
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LUPUS_SCT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    args = parser.parse_args()
    built = time.perf_counter()
    bundles = synthetic_bundles(args.patients)
    resources = sum(len(b["entry"]) for b in bundles)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLAlchemy {sa.__version__}"
    )
    print(
        f"input: {len(bundles):,} patients, {resources:,} resources (synthetic), built in "
        f"{time.perf_counter() - built:.1f} s; page={args.page_patients} patients"
    )
    with tempfile.TemporaryDirectory() as folder:
        files = write_files(bundles, Path(folder))
        del bundles
        with postgres_engine(args.postgres_url) as engine:
            version = engine.connect().execute(sa.text("show server_version")).scalar()
            import_seconds = import_files(
                lambda: SqlUnitOfWork(engine), files, args.workers, DEFAULT_BATCH_RESOURCES
            )
            out = Path(folder) / "ndjson"
            export_seconds, exported = bulk_export(engine, out, args.page_patients)
            single_seconds, single_resources = per_patient_export(engine, args.single)
    if exported != resources:
        raise SystemExit(f"exported {exported} resources, imported {resources}")
    import_rate = resources / import_seconds
    export_rate = exported / export_seconds
    single_rate = single_resources / single_seconds
    print(
        f"(a) import_bundles, PostgreSQL {version}: {import_seconds:.2f} s, "
        f"{import_rate:,.0f} resources/s"
    )
    print(
        f"(b) bulk NDJSON export, PostgreSQL: {export_seconds:.2f} s, "
        f"{export_rate:,.0f} resources/s"
    )
    print(
        f"(c) export_patient_bundle per patient, {single_resources:,} resources: "
        f"{single_seconds:.2f} s, {single_rate:,.0f} resources/s"
    )
    print(f"ratio b/a (bulk export vs import): {export_rate / import_rate:.2f}x")
    print(f"ratio b/c (bulk export vs one Bundle per patient): {export_rate / single_rate:.2f}x")
    met = "met" if export_rate >= TARGET_RESOURCES_PER_SECOND else "NOT met"
    print(f"target: at least {TARGET_RESOURCES_PER_SECOND:,} resources/s exported: {met}")


if __name__ == "__main__":
    main()
