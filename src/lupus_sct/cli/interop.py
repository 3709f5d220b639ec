"""``lupus-sct import fhir`` and ``lupus-sct export fhir``: FHIR R4 Bundles in and out.

``lupus-sct export fhir-bulk --centre C --out DIR`` writes a centre's records as FHIR Bulk Data
NDJSON (:mod:`lupus_sct.interop.fhir.ndjson`), one file per resource type and a manifest;
``import fhir`` reads such ``*.ndjson`` files back, one Bundle per patient.

The table import and the tables, CIBMTR and de-identified exports live in :mod:`.interop_tables`
and are registered on the same two apps here.

The import report is printed as JSON (one object per resource: resourceType, id, status, reason)
and a summary goes to standard error: one line of totals, then one line per resource type with
how many were kept (accepted or updated), skipped and refused, and why. Resource types the
platform does not model are skipped (reported, nothing stored) unless ``--strict`` refuses them.
Refused resources mean nothing was written: exit 2.
Several files (or folders of ``*.json`` files) are imported with
:func:`~lupus_sct.interop.fhir.bulk_import.import_bundles`, each Bundle all or nothing, with a
progress bar; the report is then one object per Bundle (source, written, problem, resources),
and exit 2 when any Bundle was not written.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from lupus_sct.cli import interop_tables
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError, open_platform
from lupus_sct.interop.fhir import (
    BundleError,
    ImportReport,
    ImportStatus,
    bundle_json,
    export_patient_bundle,
    import_bundle,
    load_bundle_json,
)
from lupus_sct.interop.fhir.bulk_import import (
    DEFAULT_BATCH_RESOURCES,
    BundleResult,
    import_bundles,
    with_ndjson_as_bundles,
)
from lupus_sct.interop.fhir.ndjson import write_bulk_ndjson
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.exports.centre_records import (
    DEFAULT_PAGE_PATIENTS,
    find_centre_by_code,
    read_centre_records,
)
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.services.imports.fhir_bundles import ResourceOutcome, summarise

CLI_ACTOR = "system:cli"

import_app = typer.Typer(help="Import records from outside formats.", no_args_is_help=True)
export_app = typer.Typer(help="Export records to outside formats.", no_args_is_help=True)


@import_app.callback()
def _import_group() -> None:
    """Import records from outside formats."""


@export_app.callback()
def _export_group() -> None:
    """Export records to outside formats."""


import_app.command("table")(interop_tables.import_table)
import_app.command("redcap")(interop_tables.import_redcap)
export_app.command("tables")(interop_tables.export_tables)
export_app.command("cibmtr")(interop_tables.export_cibmtr)
export_app.command("deidentified")(interop_tables.export_deidentified)


@import_app.command("fhir")
def import_fhir(
    bundles: Annotated[
        list[Path],
        typer.Argument(
            metavar="BUNDLE.json...",
            help=(
                "FHIR R4 Bundles: files, or folders whose *.json files (at any depth) are read; "
                "Bulk Data *.ndjson files (or folders of them) are read as a Bundle per patient."
            ),
        ),
    ],
    centre: Annotated[str, typer.Option("--centre", help="Code of the centre to import into.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every resource; write nothing.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            help="Processes reading Bundles ahead (several files only; default: cores - 1).",
        ),
    ] = None,
    batch_resources: Annotated[
        int,
        typer.Option(
            "--batch-resources", min=1, help="Resources per transaction (several files only)."
        ),
    ] = DEFAULT_BATCH_RESOURCES,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse resource types the platform does not model (default: skip and report).",
        ),
    ] = False,
) -> None:
    """Import FHIR R4 Bundles: for each Bundle, every resource is written, or none."""
    if len(bundles) == 1 and not bundles[0].is_dir() and bundles[0].suffix != ".ndjson":
        _import_one(bundles[0], centre, dry_run, strict)
        return
    try:
        files = with_ndjson_as_bundles(_bundle_files(bundles))
    except OSError as exc:
        raise CliError(f"cannot read {exc.filename}: {exc.strerror}", EXIT_INVALID_INPUT) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc
    if workers is None:
        workers = max((os.cpu_count() or 1) - 1, 1)
    with (
        open_platform() as platform,
        typer.progressbar(
            length=len(files), label=f"importing {len(files)} Bundles", file=sys.stderr
        ) as bar,
    ):
        try:
            results = list(
                import_bundles(
                    platform.uow,
                    files,
                    centre_code=centre,
                    by=CLI_ACTOR,
                    now=platform.clock.now(),
                    dry_run=dry_run,
                    workers=workers,
                    batch_resources=batch_resources,
                    progress=bar.update,
                    strict=strict,
                )
            )
        except NotFoundError as exc:
            raise CliError(f"--centre: {exc}", EXIT_INVALID_INPUT) from exc
    typer.echo(json.dumps([r.as_dict() for r in results], indent=2))
    typer.echo(_bulk_summary(results, dry_run), err=True)
    outcomes = tuple(o for r in results if r.report is not None for o in r.report.outcomes)
    typer.echo(_per_type(outcomes), err=True)
    failed = [r for r in results if r.report is None or r.report.refused]
    if failed:
        raise CliError(
            f"{len(failed)} of {len(results)} Bundles not written (first: {failed[0].source})",
            EXIT_INVALID_INPUT,
        )


def _bundle_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # A Bulk Data export folder: its NDJSON files (its manifest.json is not a Bundle).
            found = sorted(p for p in path.rglob("*.ndjson") if p.is_file())
            found = found or sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                raise CliError(
                    f"{path}: no *.json files in this folder (nor *.ndjson)", EXIT_INVALID_INPUT
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise CliError(f"cannot read {path}: no such file or folder", EXIT_INVALID_INPUT)
    return files


def _bulk_summary(results: list[BundleResult], dry_run: bool) -> str:
    unreadable = sum(r.report is None for r in results)
    refused = sum(r.report is not None and bool(r.report.refused) for r in results)
    clean = len(results) - unreadable - refused
    verb = "would be written (dry run, nothing written)" if dry_run else "written"
    return (
        f"{len(results)} Bundles: {clean} {verb}, {refused} with refused resources "
        f"(nothing of them written), {unreadable} not readable as a Bundle"
    )


def _per_type(outcomes: tuple[ResourceOutcome, ...]) -> str:
    """One line per resource type: kept, skipped, refused, then each reason with its count."""
    lines = []
    for resource_type, summary in summarise(outcomes).items():
        counts = summary.counts
        line = (
            f"  {resource_type}: {summary.kept} kept, {counts[ImportStatus.SKIPPED.value]} "
            f"skipped, {counts[ImportStatus.REFUSED.value]} refused"
        )
        reasons = [f"    {n} x {reason}" for reason, n in summary.reasons.items()]
        lines.append("\n".join([line, *reasons]))
    return "\n".join(["per resource type:", *lines])


def _import_one(bundle: Path, centre: str, dry_run: bool, strict: bool) -> None:
    try:
        data = load_bundle_json(bundle.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot read {bundle}: {exc.strerror}", EXIT_INVALID_INPUT) from exc
    except (BundleError, UnicodeDecodeError) as exc:
        raise CliError(f"{bundle}: {exc}", EXIT_INVALID_INPUT) from exc
    with open_platform() as platform, platform.uow() as uow:
        try:
            report = import_bundle(
                uow,
                data,
                centre_code=centre,
                by=CLI_ACTOR,
                now=platform.clock.now(),
                dry_run=dry_run,
                strict=strict,
            )
        except BundleError as exc:
            raise CliError(f"{bundle}: {exc}", EXIT_INVALID_INPUT) from exc
        except NotFoundError as exc:
            raise CliError(f"--centre: {exc}", EXIT_INVALID_INPUT) from exc
    typer.echo(json.dumps([o.as_dict() for o in report.outcomes], indent=2))
    typer.echo(_summary(report), err=True)
    typer.echo(_per_type(report.outcomes), err=True)
    if report.refused:
        raise CliError(
            f"{len(report.refused)} of {len(report.outcomes)} resources refused; nothing written",
            EXIT_INVALID_INPUT,
        )


def _summary(report: ImportReport) -> str:
    counts = {s: sum(o.status is s for o in report.outcomes) for s in ImportStatus}
    text = ", ".join(f"{counts[s]} {s.value}" for s in ImportStatus)
    if report.written:
        return f"{text}: written"
    return f"{text}: dry run, nothing written" if report.dry_run else f"{text}: nothing written"


@export_app.command("fhir")
def export_fhir(
    patient_id: Annotated[str, typer.Argument(help="Record id of the patient.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the Bundle here (default: stdout).")
    ] = None,
    include_identity: Annotated[
        bool,
        typer.Option("--include-identity", help="Add the name and hospital number (identifying)."),
    ] = False,
) -> None:
    """Export one patient's record as a FHIR R4 Bundle (collection)."""
    with open_platform() as platform, platform.uow() as uow:
        try:
            records = read_patient_records(uow, patient_id, include_identity=include_identity)
        except NotFoundError as exc:
            raise CliError(str(exc), EXIT_INVALID_INPUT) from exc
    bundle = export_patient_bundle(records)
    text = bundle_json(bundle)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}", EXIT_INVALID_INPUT) from exc
    typer.echo(f"wrote {len(bundle.entry or [])} resources to {output}", err=True)


@export_app.command("fhir-bulk")
def export_fhir_bulk(
    centre: Annotated[str, typer.Option("--centre", help="Code of the centre to export.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the NDJSON files and manifest.json.")
    ],
    include_identity: Annotated[
        bool,
        typer.Option("--include-identity", help="Add the name and hospital number (identifying)."),
    ] = False,
    page_patients: Annotated[
        int, typer.Option("--page-patients", min=1, help="Patients read per page of queries.")
    ] = DEFAULT_PAGE_PATIENTS,
) -> None:
    """Export every record of one centre as FHIR Bulk Data NDJSON, one file per resource type."""
    with open_platform() as platform, platform.uow() as uow:
        try:
            found = find_centre_by_code(uow, centre)
        except NotFoundError as exc:
            raise CliError(f"--centre: {exc}", EXIT_INVALID_INPUT) from exc
        records = read_centre_records(
            uow, found, include_identity=include_identity, page_patients=page_patients
        )
        try:
            manifest = write_bulk_ndjson(
                records,
                out,
                transaction_time=platform.clock.now(),
                request=f"lupus-sct export fhir-bulk --centre {centre}",
            )
        except OSError as exc:
            raise CliError(f"cannot write {out}: {exc.strerror}", EXIT_INVALID_INPUT) from exc
    typer.echo(json.dumps(manifest, indent=2))
    total = sum(item["count"] for item in manifest["output"])
    typer.echo(f"wrote {total} resources in {len(manifest['output'])} files to {out}", err=True)
