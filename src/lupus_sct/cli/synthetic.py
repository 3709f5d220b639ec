"""``lupus-sct synth`` and ``lupus-sct demo``: synthetic cohorts for trying, testing and benchmarks.

Only synthetic data: every patient is generated (``lupus_sct.synthetic``). Database loads
go through the use cases, so validation and the audit trail run as for entered records.
"""

from __future__ import annotations

import enum
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from lupus_sct.bootstrap import Platform, bootstrap
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError, open_platform
from lupus_sct.config import Settings
from lupus_sct.domain.records.people import Role
from lupus_sct.services.accounts import users as accounts
from lupus_sct.services.clinic import patients
from lupus_sct.synthetic import DEFAULT_CENTRES, generate_cohort
from lupus_sct.synthetic.loading import LoadReport, ensure_centres, load_patients
from lupus_sct.synthetic.parquet_tables import write_parquet_cohort
from lupus_sct.synthetic.records import (
    PatientRecords,
    patient_records,
    synthetic_centres,
)

DEMO_PATIENTS = 300  # the issue: about 300 patients across 3 centres
DEMO_FIRST_BATCH = 30  # patients loaded before the server starts; the rest load while it serves
DEMO_ACTOR = "system:demo"


class OutputFormat(enum.StrEnum):
    """Where ``synth`` writes."""

    PARQUET = "parquet"
    DB = "db"


def _as_of(text: str | None) -> date:
    if text is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--as-of {text!r} is not a date (YYYY-MM-DD)", EXIT_INVALID_INPUT) from None


def _cohort(seed: int, n: int, as_of: date, n_centres: int) -> Iterator[PatientRecords]:
    for chunk in generate_cohort(seed, n, as_of=as_of, n_centres=n_centres):
        yield from patient_records(chunk)


def _load(
    platform: Platform, seed: int, n: int, n_centres: int, progress: Callable[[int], None]
) -> LoadReport:
    now = platform.clock.now()
    centre_ids = ensure_centres(
        platform.uow, synthetic_centres(seed, n_centres), by=DEMO_ACTOR, now=now
    )
    cohort = _cohort(seed, n, now.date(), n_centres)
    return load_patients(
        platform.uow, cohort, centre_ids, by=DEMO_ACTOR, now=now, progress=progress
    )


def synth(
    patients_: Annotated[int, typer.Option("--patients", help="Number of patients.", min=1)],
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same cohort.")
    ] = 1,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="parquet files or the database.")
    ] = OutputFormat.PARQUET,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for Parquet; SQLite file for db (default: configured database)."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Date the cohort is observed to (default today).")
    ] = None,
    n_centres: Annotated[int, typer.Option("--centres", help="Centres (1-5).", min=1, max=5)] = (
        DEFAULT_CENTRES
    ),
) -> None:
    """Generate a synthetic cohort (SLE and RA) calibrated to the published evidence."""
    started = time.perf_counter()
    if output is OutputFormat.PARQUET:
        if out is None:
            raise CliError("--format parquet needs --out FOLDER", EXIT_INVALID_INPUT)
        day = _as_of(as_of)
        with typer.progressbar(length=patients_, label="generating") as bar:
            report = write_parquet_cohort(
                out,
                seed=seed,
                n_patients=patients_,
                as_of=day,
                n_centres=n_centres,
                progress=bar.update,
            )
        total = sum(report.rows.values())
        typer.echo(f"wrote {total} rows in {len(report.rows)} tables to {out}")
    else:
        if as_of is not None:
            raise CliError(
                "--as-of applies to parquet only; a database is loaded as of today",
                EXIT_INVALID_INPUT,
            )
        with _platform_for(out) as platform:
            platform.upgrade_schema()
            with typer.progressbar(length=patients_, label="loading") as bar:
                loaded = _load(platform, seed, patients_, n_centres, bar.update)
            typer.echo(
                f"loaded {loaded.patients} patients ({loaded.courses} courses, {loaded.records} "
                f"records) into {platform.database_label()}"
            )
    typer.echo(f"took {time.perf_counter() - started:.1f} s")


class _PlatformFor:
    def __init__(self, sqlite_file: Path | None) -> None:
        self.sqlite_file = sqlite_file

    def __enter__(self) -> Platform:
        if self.sqlite_file is None:
            self._context = open_platform()
            return self._context.__enter__()
        self.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        self._platform = bootstrap(Settings(database_url=f"sqlite:///{self.sqlite_file}"))
        return self._platform

    def __exit__(self, *exc: object) -> None:
        if self.sqlite_file is None:
            self._context.__exit__(None, None, None)
        else:
            self._platform.close()


def _platform_for(sqlite_file: Path | None) -> _PlatformFor:
    return _PlatformFor(sqlite_file)


def _create_demo_users(
    platform: Platform, centre_ids: tuple[str, ...]
) -> list[tuple[str, str, str]]:
    now = platform.clock.now()
    created = []
    with platform.uow() as uow:
        for role in Role:
            username = f"demo-{role.value.replace('_', '-')}"
            password = accounts.generate_password()
            if role is Role.ADMIN:
                accounts.create_first_admin(
                    uow,
                    username=username,
                    password=password,
                    hasher=platform.hasher,
                    by=DEMO_ACTOR,
                    now=now,
                )
            else:
                patients.create_user(
                    uow,
                    username=username,
                    display_name=f"Demo {role.value.replace('_', ' ')}",
                    role=role,
                    centre_ids=() if role is Role.AUDITOR else centre_ids,
                    password_hash=platform.hasher.hash(password),
                    by=DEMO_ACTOR,
                    now=now,
                )
            created.append((username, role.value, password))
        uow.commit()
    return created


def build_demo(directory: Path, *, seed: int, echo: Callable[[str], None]) -> Settings:
    """Create the demo database in ``directory`` with its centres and one user per role."""
    database = directory / "lupus-sct.db"
    if database.exists():
        raise CliError(f"{database} already exists; choose an empty --dir", EXIT_INVALID_INPUT)
    directory.mkdir(parents=True, exist_ok=True)
    # The demo's audit signing key sits in its own folder, not in the user's configuration
    # directory (docs/adr/0005-audit-anchor.md): a demo is thrown away with its folder.
    settings = Settings(
        data_dir=directory, config_dir=directory / "keys", database_url=f"sqlite:///{database}"
    )
    platform = bootstrap(settings)
    try:
        platform.upgrade_schema()
        if platform.audit_anchor is not None:
            platform.audit_anchor.create_key()
        now = platform.clock.now()
        centre_ids = ensure_centres(
            platform.uow, synthetic_centres(seed, DEFAULT_CENTRES), by=DEMO_ACTOR, now=now
        )
        for username, role, password in _create_demo_users(platform, tuple(centre_ids.values())):
            echo(f"  {role:<13} {username:<20} password: {password}")
    finally:
        platform.close()
    return settings


def load_demo_patients(
    settings: Settings, cohort: list[PatientRecords], seed: int, echo: Callable[[str], None]
) -> float:
    """Load synthetic patients into the demo database through the services; returns seconds."""
    platform = bootstrap(settings)
    started = time.perf_counter()
    try:
        now = platform.clock.now()
        centre_ids = ensure_centres(
            platform.uow, synthetic_centres(seed, DEFAULT_CENTRES), by=DEMO_ACTOR, now=now
        )
        report = load_patients(platform.uow, cohort, centre_ids, by=DEMO_ACTOR, now=now)
    finally:
        platform.close()
    seconds = time.perf_counter() - started
    echo(f"loaded {report.patients} patients ({report.records} records) in {seconds:.1f} s")
    return seconds


def demo(
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Folder for the demo database (default: a new temporary folder)."
        ),
    ] = None,
    patients_: Annotated[
        int, typer.Option("--patients", help="Synthetic patients.", min=1)
    ] = DEMO_PATIENTS,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the web app.")] = True,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """A fresh demo database of synthetic patients, one user per role, and the web app."""
    started = time.perf_counter()
    folder = directory or Path(tempfile.mkdtemp(prefix="lupus-sct-demo-"))
    typer.echo(f"demo database in {folder} (synthetic data only); demo users:")
    settings = build_demo(folder, seed=seed, echo=typer.echo)
    cohort = list(_cohort(seed, patients_, datetime.now(UTC).date(), DEFAULT_CENTRES))
    first = patients_ if not serve else min(patients_, DEMO_FIRST_BATCH)
    load_demo_patients(settings, cohort[:first], seed, typer.echo)
    typer.echo(f"database ready after {time.perf_counter() - started:.1f} s")
    if not serve:
        return
    if first < patients_:
        loader = threading.Thread(
            target=load_demo_patients,
            args=(settings, cohort[first:], seed, typer.echo),
            daemon=True,
            name="demo-loader",
        )
        loader.start()
        typer.echo(f"loading the other {patients_ - first} patients while the app serves")
    from lupus_sct.http.serving import run_server

    typer.echo(f"open http://{host}:{port}/ and sign in with a demo user")
    run_server(settings, host=host, port=port)
