"""``lupus-sct``: database set-up, audit verification and the web server.

Every failure is one line on standard error and a non-zero exit: 2 for input a user can correct,
1 for everything else. Set ``LUPUS_SCT_DEBUG=1`` to see a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from lupus_sct import __version__, log_privacy
from lupus_sct.bootstrap import describe_failure
from lupus_sct.cli import (
    accounts,
    analyse,
    audit,
    evidence,
    interop,
    pathway,
    protocols,
    report,
    synthetic,
    trials,
)
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError, open_platform
from lupus_sct.config import Settings
from lupus_sct.domain.errors import DomainError
from lupus_sct.interop.batch_files import read_records, write_records
from lupus_sct.services.accounts.password_policy import password_problem
from lupus_sct.services.accounts.users import create_first_admin, generate_password, has_admin
from lupus_sct.services.errors import ServiceError
from lupus_sct.services.scoring import batch
from lupus_sct.services.scoring.registry import INSTRUMENTS

SYSTEM_ACTOR = "system:cli"

app = typer.Typer(
    name="lupus-sct",
    help="Clinical platform for stem cell and CAR-T therapy programmes in lupus and RA.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: create, upgrade, status.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit.app, name="audit")
app.add_typer(protocols.protocols_app, name="protocols")
app.command("eligibility")(protocols.eligibility)
app.command("screen")(protocols.screen)
app.add_typer(evidence.app, name="evidence")
app.add_typer(analyse.app, name="analyse")
app.command("worklist")(pathway.worklist)
app.add_typer(pathway.course_app, name="course")
app.add_typer(interop.import_app, name="import")
app.add_typer(interop.export_app, name="export")
app.add_typer(report.app, name="report")
app.add_typer(trials.app, name="trials")
app.command("synth")(synthetic.synth)
app.command("demo")(synthetic.demo)
app.add_typer(accounts.user_app, name="user")
app.add_typer(accounts.token_app, name="token")


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"lupus-sct {__version__}")
        raise typer.Exit()


@app.command()
def init(
    admin_username: Annotated[
        str, typer.Option(help="User name of the first administrator.")
    ] = "admin",
    password_file: Annotated[
        Path | None,
        typer.Option(
            help="Read the administrator's password from this file instead of generating one."
        ),
    ] = None,
) -> None:
    """Create or upgrade the database and create the first administrator."""
    with open_platform() as platform:
        revision = platform.upgrade_schema()
        typer.echo(f"database ready at {platform.database_label()} (schema {revision})")
        audit.create_anchor(platform)
        with platform.uow() as uow:
            if has_admin(uow):
                typer.echo("an administrator already exists; no account created")
                return
            password = _read_password(password_file) if password_file else generate_password()
            create_first_admin(
                uow,
                username=admin_username,
                password=password,
                hasher=platform.hasher,
                by=SYSTEM_ACTOR,
                now=platform.clock.now(),
            )
            uow.commit()
        typer.echo(f"administrator '{admin_username}' created")
        if password_file is None:
            typer.echo(f"initial password (shown once): {password}")


def _read_password(path: Path) -> str:
    try:
        password = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CliError(
            f"cannot read the password file {path}: {exc.strerror}", EXIT_INVALID_INPUT
        ) from exc
    problem = password_problem(password)
    if problem is not None:
        raise CliError(f"password-file: not accepted: {problem}", EXIT_INVALID_INPUT)
    return password


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to the newest version."""
    with open_platform() as platform:
        revision = platform.upgrade_schema()
        typer.echo(f"database at {platform.database_label()} is at schema {revision}")


@db_app.command("status")
def db_status() -> None:
    """Show the schema version of the database and the newest one available."""
    with open_platform() as platform:
        current, head = platform.schema_status()
        typer.echo(f"database: {platform.database_label()}")
        typer.echo(f"schema: {current or 'empty'} (newest: {head})")
        if current != head:
            raise CliError("the schema is not up to date: run 'lupus-sct db upgrade'")


@app.command()
def score(
    instrument: Annotated[str | None, typer.Argument(help="Instrument id, e.g. sledai-2k.")] = None,
    input_path: Annotated[
        Path | None, typer.Argument(metavar="INPUT", help="A .json, .csv or .parquet file.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the JSON here (default: stdout).")
    ] = None,
    list_instruments: Annotated[
        bool, typer.Option("--list", help="List the instruments with version and citation.")
    ] = False,
) -> None:
    """Score a file of records with one instrument: exit 0 all scored, 1 some errors, 2 unusable."""
    if list_instruments:
        for item in INSTRUMENTS.values():
            typer.echo(f"{item.id}\t{item.version}\t{item.citation}")
        return
    if instrument is None or input_path is None:
        raise CliError("score needs INSTRUMENT and INPUT (or --list)", EXIT_INVALID_INPUT)
    try:
        batch.instrument(instrument)
        records = read_records(instrument, input_path)
        result = batch.score_records(instrument, records)
        text = write_records(result.records, output)
    except batch.UnusableInputError as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc
    if text:
        typer.echo(text)
    if result.errors:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.", min=1, max=65535)] = None,
) -> None:
    """Serve the web application and the REST API."""
    from lupus_sct.http.serving import run_server

    settings = Settings()
    with open_platform() as platform:
        current, head = platform.schema_status()
    if current != head:
        raise CliError("the database schema is not up to date: run 'lupus-sct init' first")
    run_server(settings, host=host or settings.host, port=port or settings.port)


def run(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn every failure into one line and an exit code."""
    log_privacy.install()
    try:
        app(args=argv, prog_name="lupus-sct")  # standalone: usage errors print and exit 2
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0 if done.code is None else 1
    except (DomainError, ServiceError) as exc:
        typer.echo(f"error: {exc}", err=True)
        return EXIT_INVALID_INPUT
    except CliError as exc:
        typer.echo(f"error: {exc}", err=True)
        return exc.code
    except Exception as exc:
        if os.environ.get("LUPUS_SCT_DEBUG"):
            raise
        # The type only: a driver's message may quote a name or a hospital number.
        message = describe_failure(exc) or f"unexpected {type(exc).__name__}"
        typer.echo(f"error: {message}", err=True)
        return 1
    return 0


def main() -> None:
    """Console-script entry."""
    sys.exit(run())
