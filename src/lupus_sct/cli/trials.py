"""``lupus-sct trials``: import ClinicalTrials.gov records, attach computable rules to their
criteria, match patients to trials, list a centre's candidates, and the centre directory.

Register with ``app.add_typer(trials.app, name="trials")``.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from lupus_sct.cli import trials_render as render
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError, open_platform
from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.evidence.centre_directory import centre_facts
from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.trials.clinical_trials import GeoPoint, RecruitmentStatus, Trial
from lupus_sct.interop import clinical_trials_gov as ctgov
from lupus_sct.interop.centre_directory_file import locate_postcode, read_centre_directory
from lupus_sct.services.eligibility import trials as trial_services
from lupus_sct.services.errors import ServiceError
from lupus_sct.services.views.centre_directory import procedure_volume

app = typer.Typer(
    help="Clinical trials: import, computable criteria, matching, candidates, centres.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

FORMATS = ("table", "json")
fetch_function: ctgov.Fetch = ctgov.urllib_fetch  # replaced by tests (no network here)
AsOf = Annotated[str | None, typer.Option("--as-of", help="Evaluate as of YYYY-MM-DD.")]
Format = Annotated[str, typer.Option("--format", help="table (default) or json.")]
Near = Annotated[
    str | None, typer.Option("--near", help="Distance from LAT,LON (decimal degrees).")
]
Postcode = Annotated[
    str | None, typer.Option("--postcode", help="Distance from a postcode in the shipped table.")
]


def actor() -> str:
    """The writer of CLI changes: ``cli:`` and the operating-system user name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"cli:{name}"


@contextmanager
def _one_line_errors() -> Iterator[None]:
    try:
        yield
    except (DomainError, ServiceError) as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc


def _as_of(text: str | None, today: date) -> date:
    if text is None:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"--as-of: {text!r} is not a date (YYYY-MM-DD)", EXIT_INVALID_INPUT
        ) from None


def _status(text: str | None) -> RecruitmentStatus | None:
    if text is None:
        return None
    try:
        return RecruitmentStatus(text.strip().upper())
    except ValueError:
        known = ", ".join(s.value for s in RecruitmentStatus)
        raise CliError(f"--status: {text!r} is not one of {known}", EXIT_INVALID_INPUT) from None


def _format(output_format: str) -> None:
    if output_format not in FORMATS:
        raise CliError(f"--format: {output_format!r} is not one of table, json", EXIT_INVALID_INPUT)


def _point(near: str | None, postcode: str | None) -> GeoPoint | None:
    if near and postcode:
        raise CliError("give --near or --postcode, not both", EXIT_INVALID_INPUT)
    if postcode:
        return locate_postcode(postcode)
    if not near:
        return None
    try:
        latitude, longitude = (float(part) for part in near.split(","))
    except ValueError:
        raise CliError(
            f"--near: {near!r} is not LAT,LON in decimal degrees", EXIT_INVALID_INPUT
        ) from None
    return GeoPoint(latitude, longitude)


def _store(trials: list[Trial]) -> None:
    with open_platform() as platform:
        uow = platform.uow()
        with uow:
            summary = trial_services.import_trials(
                uow, trials, by=actor(), now=platform.clock.now()
            )
            uow.commit()
    typer.echo(render.summary_line(summary))
    _notes(summary, trials)


def _notes(summary: trial_services.ImportSummary, trials: list[Trial]) -> None:
    for dropped in summary.dropped_rules:
        typer.echo(
            f"rule dropped: {dropped.nct_id} {dropped.label} ({dropped.text!r} changed or removed)"
        )
    fixtures = sum(t.is_fixture for t in trials)
    if fixtures:
        typer.echo(f"note: {fixtures} record(s) are illustrative fixtures, not live registry data")


def _store_files(path: Path) -> None:
    files = ctgov.read_study_folder(path)
    trials = [trial for file in files for trial in file.trials]
    if not trials:
        refusals = [reason for file in files for reason in file.refusals]
        if len(refusals) == 1:
            raise CliError(refusals[0], EXIT_INVALID_INPUT)
        typer.echo("\n".join(f"refused: {reason}" for reason in refusals))
        raise CliError(
            f"{path}: no usable study record in {len(files)} file(s); each refusal is listed above",
            EXIT_INVALID_INPUT,
        )
    with open_platform() as platform:
        uow = platform.uow()
        with uow:
            report = trial_services.import_trial_files(
                uow, files, by=actor(), now=platform.clock.now()
            )
            uow.commit()
    typer.echo("\n".join(render.file_report_lines(report)))
    _notes(report.summary, trials)
    if report.refused:
        raise typer.Exit(1)


@app.command("import")
def import_command(
    path: Annotated[
        Path | None, typer.Argument(help="A study JSON file or a folder of them.")
    ] = None,
    fixtures: Annotated[
        bool, typer.Option("--fixtures", help="Import the shipped illustrative fixtures.")
    ] = False,
) -> None:
    """Import ClinicalTrials.gov API v2 study records from a file or folder, each file on its own:
    exit 0 all imported, 1 some records refused (each named with its reason), 2 nothing usable."""
    if path is not None and not fixtures:
        with _one_line_errors():
            _store_files(path)
    elif fixtures and path is None:
        with _one_line_errors():
            _store(ctgov.shipped_fixtures())
    else:
        raise CliError("give a PATH or --fixtures (one of them)", EXIT_INVALID_INPUT)


@app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option("--status", help="e.g. RECRUITING.")] = None,
) -> None:
    """List stored trials, open ones first."""
    with open_platform() as platform:
        trials = trial_services.list_trials(platform.uow(), status=_status(status))
    for trial in trials:
        typer.echo(render.trial_line(trial))
    if not trials:
        typer.echo("no trials stored; import some with 'lupus-sct trials import'")


@app.command("show")
def show_command(nct_id: Annotated[str, typer.Argument(help="NCT identifier.")]) -> None:
    """Show a trial: structured eligibility, sites, and each criterion with its rule."""
    with open_platform() as platform, _one_line_errors():
        trial = trial_services.get_trial(platform.uow(), nct_id)
    typer.echo("\n".join(render.trial_text(trial)))


@app.command("match")
def match_command(
    patient: Annotated[str, typer.Option("--patient", help="Patient pseudonym or id.")],
    near: Near = None,
    postcode: Postcode = None,
    status: Annotated[
        str | None, typer.Option("--status", help="Only trials with this status.")
    ] = None,
    as_of: AsOf = None,
    output_format: Format = "table",
    explain: Annotated[bool, typer.Option("--explain", help="Every verdict's reason.")] = False,
) -> None:
    """Rank trials for a patient: status, structured fit, criteria, distance."""
    _format(output_format)
    chosen = _status(status)
    with open_platform() as platform, _one_line_errors():
        point = _point(near, postcode)
        matches = trial_services.match_patient(
            platform.uow(),
            patient,
            as_of=_as_of(as_of, platform.clock.now().date()),
            near=point,
            statuses=(chosen,) if chosen else (),
        )
    if output_format == "json":
        typer.echo(json.dumps([render.match_dict(m) for m in matches], indent=2))
        return
    typer.echo("NCT\tSTATUS\tOVERALL\tDISTANCE\tCRITERIA\tTITLE")
    for match in matches:
        typer.echo(render.match_summary(match))
        if explain:
            typer.echo("\n".join(f"    {line}" for line in match.explanation()))


@app.command("candidates")
def candidates_command(
    trial: Annotated[str, typer.Option("--trial", help="NCT identifier.")],
    centre: Annotated[str, typer.Option("--centre", help="Centre code.")],
    as_of: AsOf = None,
    output_format: Format = "table",
) -> None:
    """List a centre's patients for one trial with their per-criterion verdicts."""
    _format(output_format)
    with open_platform() as platform, _one_line_errors():
        rows = trial_services.trial_candidates(
            platform.uow(),
            trial,
            centre_code=centre,
            as_of=_as_of(as_of, platform.clock.now().date()),
        )
    if output_format == "json":
        typer.echo(json.dumps([render.match_dict(m, p.pseudonym) for p, m in rows], indent=2))
        return
    typer.echo(f"{len(rows)} patient(s) of {centre} for {trial.upper()}")
    for patient, match in rows:
        typer.echo(f"{patient.pseudonym}\t{match.overall.value}\t{render.verdict_counts(match)}")
        typer.echo("\n".join(f"    {line}" for line in match.explanation()[1:-2]))


def _rule_document(text: str) -> tuple[dict[str, Any], str]:
    path = Path(text)
    source = text
    if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
        text, source = path.read_text(encoding="utf-8"), str(path)
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CliError(f"{source}: not valid YAML: {exc}", EXIT_INVALID_INPUT) from exc
    if not isinstance(document, dict):
        raise CliError(
            f"{source}: expected a rule such as '{{age: {{min: 18}}}}'", EXIT_INVALID_INPUT
        )
    return document, source


@app.command("attach-rule")
def attach_rule_command(
    nct_id: Annotated[str, typer.Argument(help="NCT identifier.")],
    item: Annotated[str, typer.Argument(help="Item number (7) or label (I3, E2).")],
    rule: Annotated[str, typer.Argument(help="The rule as YAML, or a .yaml file holding it.")],
    max_age_days: Annotated[
        int | None, typer.Option("--max-age-days", help="Oldest usable data (default 90).")
    ] = None,
) -> None:
    """Attach a computable rule (protocol rule language) to one criterion, audited."""
    document, _source = _rule_document(rule)
    with open_platform() as platform, _one_line_errors():
        uow = platform.uow()
        with uow:
            changed = trial_services.attach_rule(
                uow,
                nct_id=nct_id,
                item=item,
                rule=document,
                max_age_days=max_age_days,
                by=actor(),
                now=platform.clock.now(),
            )
            uow.commit()
    typer.echo(f"rule attached to {nct_id.upper()} {changed.label}: {changed.text}")


@app.command("fetch")
def fetch_command(
    condition: Annotated[str, typer.Option("--condition", help="query.cond")] = "lupus",
    term: Annotated[
        str | None, typer.Option("--term", help="query.term")
    ] = 'CAR-T OR "stem cell" OR mesenchymal OR CD19',
    status: Annotated[list[str] | None, typer.Option("--status", help="Repeatable.")] = None,
    max_pages: Annotated[int | None, typer.Option("--max-pages", min=1)] = None,
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=1000)] = 100,
    save: Annotated[Path | None, typer.Option("--save", help="Also write the JSON here.")] = None,
) -> None:
    """Fetch live records from ClinicalTrials.gov (needs a network) and import them: exit 0 all
    imported, 1 some records refused (each named with its reason), 2 nothing usable."""
    statuses = [s for s in (_status(t) for t in status or []) if s is not None]
    params = ctgov.search_params(
        condition=condition, term=term, statuses=statuses, page_size=page_size
    )
    try:
        studies = list(ctgov.fetch_studies(params, fetch=fetch_function, max_pages=max_pages))
    except OSError as exc:
        raise CliError(f"cannot reach ClinicalTrials.gov: {exc}") from exc
    fetched = ctgov.read_document(studies, f"{ctgov.API_STUDIES_URL} (fetched)")
    if save is not None:
        save.write_text(json.dumps({"studies": studies}, indent=1), encoding="utf-8")
    typer.echo(f"fetched {len(studies)} studies")
    refusals = fetched.refusals if studies else ()  # an empty search is not a refusal
    for reason in refusals:
        typer.echo(f"refused: {reason}")
    if refusals and not fetched.trials:
        raise CliError(
            "no usable study record fetched; each refusal is listed above", EXIT_INVALID_INPUT
        )
    with _one_line_errors():
        _store(list(fetched.trials))
    if refusals:
        raise typer.Exit(1)


@app.command("centres")
def centres_command(
    near: Near = None,
    postcode: Postcode = None,
    therapy: Annotated[
        str | None, typer.Option("--therapy", help="autologous_hsct, allogeneic_hsct, msc, car_t")
    ] = None,
) -> None:
    """The (illustrative) directory of treating centres, with volumes from this platform."""
    try:
        kind = CourseKind(therapy) if therapy else None
    except ValueError:
        raise CliError(f"--therapy: {therapy!r} is not a therapy", EXIT_INVALID_INPUT) from None
    with open_platform() as platform, _one_line_errors():
        point = _point(near, postcode)
        volumes = procedure_volume(platform.uow())
        facts = centre_facts(read_centre_directory(), volumes, near=point, therapy=kind)
    for entry in facts:
        typer.echo("\n".join(render.facts_text(entry)))
