"""``import table|redcap``, ``export tables|cibmtr|deidentified`` (registered in :mod:`.interop`).

The import's validation report (row, field, value, problem) is CSV: written to ``--report`` or,
when there are problems and no ``--report``, to standard output. Progress and the summary go to
standard error. Exit codes: 0 all rows valid; 1 with ``--partial`` when some rows were refused
(the others were written); 2 when nothing was written because of a refused row or unusable input.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError, open_platform
from lupus_sct.interop.cibmtr_bundle import cibmtr_course_bundle
from lupus_sct.interop.deidentify import (
    DEFAULT_MIN_CELL,
    DeidentificationKey,
    KeyFileError,
    deidentified_tables,
    write_deidentified,
)
from lupus_sct.interop.fhir import bundle_json
from lupus_sct.interop.redcap import load_redcap_mapping, name_origins, read_records, redcap_rows
from lupus_sct.interop.redcap_dictionary import DictionaryError, read_dictionary
from lupus_sct.interop.spreadsheet_safe import neutralise_cell
from lupus_sct.interop.table_export import FORMATS, TABLE_SOURCES, tidy_tables, write_tables
from lupus_sct.interop.table_import import (
    MappingError,
    check_columns,
    load_mapping,
    parse_rows,
    read_table,
)
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.exports.stored_records import read_course_records, read_stored_records
from lupus_sct.services.imports.table_import import RowProblem, TableImportReport, import_rows

CLI_ACTOR = "system:cli"
REPORT_COLUMNS = ("row", "field", "value", "problem")

# The options every table-shaped import shares (import table, import redcap).
MappingFile = Annotated[Path, typer.Option("--mapping", metavar="MAP.yaml", help="Mapping file.")]
CentreCode = Annotated[str, typer.Option("--centre", help="Code of the centre to import into.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check every row; write nothing.")]
Partial = Annotated[
    bool, typer.Option("--partial", help="Write the valid rows and report the others.")
]
ReportFile = Annotated[
    Path | None, typer.Option("--report", metavar="OUT.csv", help="Write the report here.")
]


def import_table(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A .csv, .xlsx or .parquet table.")],
    mapping: MappingFile,
    centre: CentreCode,
    dry_run: DryRun = False,
    partial: Partial = False,
    report: ReportFile = None,
) -> None:
    """Import patients, assessments, labs or medications from a table, through a mapping file."""
    try:
        table_mapping = load_mapping(mapping)
        table = read_table(file, sheet=table_mapping.sheet)
        check_columns(table_mapping, table)
    except MappingError as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc
    total = len(table.rows)
    with (
        open_platform() as platform,
        platform.uow() as uow,
        typer.progressbar(
            parse_rows(table_mapping, table),
            length=total,
            label=f"importing {total} {table_mapping.entity} rows",
            file=sys.stderr,
        ) as rows,
    ):
        try:
            result = import_rows(
                uow,
                table_mapping.entity,
                rows,
                centre_code=centre,
                patient_key=table_mapping.patient_key,
                by=CLI_ACTOR,
                now=platform.clock.now(),
                dry_run=dry_run,
                partial=partial,
            )
        except NotFoundError as exc:
            raise CliError(f"--centre: {exc}", EXIT_INVALID_INPUT) from exc
    _write_report(result.problems, report)
    typer.echo(_summary(result), err=True)
    if result.problems and not result.written:
        raise CliError(
            f"{result.rows_refused} of {result.rows_read} rows refused; nothing written",
            EXIT_INVALID_INPUT,
        )
    if result.problems:
        raise typer.Exit(1)


def import_redcap(
    dictionary: Annotated[
        Path, typer.Option("--dictionary", metavar="D.csv", help="REDCap data dictionary.")
    ],
    data: Annotated[Path, typer.Option("--data", metavar="R.csv", help="REDCap records export.")],
    mapping: MappingFile,
    centre: CentreCode,
    dry_run: DryRun = False,
    partial: Partial = False,
    report: ReportFile = None,
) -> None:
    """Import a REDCap records export through its data dictionary and a mapping file."""
    try:
        project = read_dictionary(dictionary)
        redcap_mapping = load_redcap_mapping(mapping, project)
        rows = redcap_rows(redcap_mapping, project, read_records(data, project))
    except (MappingError, DictionaryError) as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc
    with open_platform() as platform, platform.uow() as uow:
        try:
            result = import_rows(
                uow,
                redcap_mapping.table.entity,
                rows.rows,
                centre_code=centre,
                by=CLI_ACTOR,
                now=platform.clock.now(),
                dry_run=dry_run,
                partial=partial,
            )
        except NotFoundError as exc:
            raise CliError(f"--centre: {exc}", EXIT_INVALID_INPUT) from exc
    _write_report(name_origins(result.problems, rows), report)
    blank = f"; {rows.skipped} blank rows skipped" if rows.skipped else ""
    typer.echo(_summary(result) + blank, err=True)
    if result.problems and not result.written:
        raise CliError(
            f"{result.rows_refused} of {result.rows_read} rows refused; nothing written",
            EXIT_INVALID_INPUT,
        )
    if result.problems:
        raise typer.Exit(1)


def _write_report(problems: tuple[RowProblem, ...], path: Path | None) -> None:
    if path is None and not problems:
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    writer.writerows(
        [neutralise_cell(cell) for cell in (p.row, p.field, p.value, p.problem)] for p in problems
    )
    if path is None:
        typer.echo(buffer.getvalue(), nl=False)
        return
    try:
        path.write_text(buffer.getvalue(), encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}", EXIT_INVALID_INPUT) from exc


def _summary(result: TableImportReport) -> str:
    counts = (
        f"{result.rows_read} rows read, {result.rows_valid} valid, {result.rows_refused} refused"
    )
    if result.dry_run:
        return f"{counts}: dry run, nothing written"
    if result.written:
        return f"{counts}: {result.rows_written} written{_skipped(result)}"
    return f"{counts}: nothing written"


def _skipped(result: TableImportReport) -> str:
    """Rows not written again: already stored, or repeating an earlier row of the file."""
    notes = [f"{len(result.updated)} updated"] if result.updated else []
    if result.unchanged:
        notes.append(f"{len(result.unchanged)} unchanged")
    notes += [f"row {row} repeats row {first}" for row, first in result.repeats]
    return f" ({'; '.join(notes)})" if notes else ""


def export_tables(
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder for the tables.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    centre: Annotated[
        str | None, typer.Option("--centre", help="Only this centre's patients.")
    ] = None,
) -> None:
    """Export tidy tables, one per entity, keyed by patient, course and day since day 0."""
    _check_format(fmt)
    with open_platform() as platform, platform.uow() as uow:
        records = read_stored_records(uow, TABLE_SOURCES)
    try:
        tables = tidy_tables(records, centre_code=centre)
    except NotFoundError as exc:
        raise CliError(f"--centre: {exc}", EXIT_INVALID_INPUT) from exc
    paths = _write(lambda: write_tables(tables, out, fmt), out)
    typer.echo(f"wrote {len(paths)} tables to {out}", err=True)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise CliError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}", EXIT_INVALID_INPUT)


def _write(action: Callable[[], list[Path]], out: Path) -> list[Path]:
    try:
        return action()
    except OSError as exc:
        raise CliError(f"cannot write to {out}: {exc.strerror}", EXIT_INVALID_INPUT) from exc


def export_cibmtr(
    course_id: Annotated[str, typer.Argument(metavar="COURSE_ID", help="Record id of the course.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the Bundle here (default: stdout).")
    ] = None,
    ccn: Annotated[
        str | None, typer.Option("--ccn", help="CIBMTR Center Number (default: the centre code).")
    ] = None,
    crid: Annotated[
        str | None, typer.Option("--crid", help="The recipient's CIBMTR Research ID, if known.")
    ] = None,
) -> None:
    """Export a course as a CIBMTR-style FHIR R4 submission Bundle (validated)."""
    with open_platform() as platform, platform.uow() as uow:
        try:
            records = read_course_records(uow, course_id)
        except NotFoundError as exc:
            raise CliError(str(exc), EXIT_INVALID_INPUT) from exc
    bundle = cibmtr_course_bundle(records, course_id, ccn=ccn, crid=crid)
    text = bundle_json(bundle)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}", EXIT_INVALID_INPUT) from exc
    typer.echo(f"wrote {len(bundle.entry or [])} resources to {output}", err=True)


def export_deidentified(
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder for the export.")],
    key_file: Annotated[
        Path, typer.Option("--key-file", metavar="KEY", help="File holding the secret key.")
    ],
    min_cell: Annotated[
        int, typer.Option("--min-cell", min=1, help="Suppress aggregate cells below this count.")
    ] = DEFAULT_MIN_CELL,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
) -> None:
    """Export de-identified research tables (keyed pseudonyms, shifted dates, no identifiers)."""
    _check_format(fmt)
    try:
        key = DeidentificationKey.from_file(key_file)
    except KeyFileError as exc:
        raise CliError(f"--key-file: {exc}", EXIT_INVALID_INPUT) from exc
    with open_platform() as platform, platform.uow() as uow:
        records = read_stored_records(uow, (*TABLE_SOURCES, "identities"))
        as_of = platform.clock.now().date()
    tables = tidy_tables(records)
    identities = records["identities"]
    clean = deidentified_tables(
        tables, identities=identities, key=key, as_of=as_of, min_cell=min_cell
    )
    paths = _write(lambda: write_deidentified(clean, out, fmt, min_cell=min_cell), out)
    typer.echo(f"wrote {len(paths)} files to {out}", err=True)
