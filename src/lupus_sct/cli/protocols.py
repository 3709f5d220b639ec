"""``lupus-sct protocols``, ``eligibility`` and ``screen``: protocols and candidate assessment."""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError, open_platform
from lupus_sct.domain.eligibility.evaluation import CriterionResult, EligibilityReport
from lupus_sct.domain.eligibility.protocol import Protocol
from lupus_sct.interop.protocol_files import read_protocol_file
from lupus_sct.services.eligibility.evaluation import assess_eligibility, screen_centre

protocols_app = typer.Typer(help="Therapy protocols: list, show, validate.", no_args_is_help=True)

_VERDICT_TEXT = {True: "passes", False: "FAILS", None: "not enough information"}
AsOf = Annotated[str | None, typer.Option("--as-of", help="Evaluate as of this date (YYYY-MM-DD).")]
Format = Annotated[str, typer.Option("--format", help="table or json.")]


def _as_of(text: str | None, today: date) -> date:
    if text is None:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"--as-of: {text!r} is not a date (YYYY-MM-DD)", EXIT_INVALID_INPUT
        ) from None


def _protocol(protocols: dict[str, Protocol], protocol_id: str) -> Protocol:
    if protocol_id not in protocols:
        known = ", ".join(sorted(protocols))
        raise CliError(
            f"--protocol: no protocol {protocol_id!r}; known: {known}", EXIT_INVALID_INPUT
        )
    return protocols[protocol_id]


def _check_format(output_format: str) -> None:
    if output_format not in ("table", "json"):
        raise CliError(
            f"--format: {output_format!r} is not accepted; expected table or json",
            EXIT_INVALID_INPUT,
        )


@protocols_app.command("list")
def list_protocols() -> None:
    """List the protocols with their therapy, disease and number of criteria."""
    with open_platform() as platform:
        protocols = platform.protocols()
    for protocol in protocols.values():
        typer.echo(
            f"{protocol.id}\tv{protocol.version}\t{protocol.course_kind.value}\t{protocol.disease.value}\t"
            f"{len(protocol.inclusion)} inclusion, {len(protocol.exclusion)} exclusion"
            f"\t{protocol.title}"
        )


@protocols_app.command("show")
def show_protocol(protocol_id: Annotated[str, typer.Argument(help="Protocol id.")]) -> None:
    """Show a protocol's criteria with their wording, source and data-age limit."""
    with open_platform() as platform:
        protocol = _protocol(platform.protocols(), protocol_id)
    typer.echo(f"{protocol.title} ({protocol.id} v{protocol.version})")
    typer.echo(
        f"therapy: {protocol.course_kind.value}; disease: {protocol.disease.value}; "
        f"status: {protocol.status}"
    )
    for source in protocol.sources:
        typer.echo(f"  source: {source}")
    for criterion in protocol.criteria:
        typer.echo(f"[{criterion.kind.value}] {criterion.id}: {criterion.text}")
        typer.echo(
            f"    source: {criterion.citation}; data at most {criterion.max_age_days} days old"
        )


@protocols_app.command("validate")
def validate_protocol(path: Annotated[Path, typer.Argument(help="A protocol YAML file.")]) -> None:
    """Check a protocol file; report the first problem with its place in the file."""
    protocol = read_protocol_file(path)
    typer.echo(f"{path}: valid protocol {protocol.id!r} with {len(protocol.criteria)} criteria")


def _criterion_dict(result: CriterionResult) -> dict[str, Any]:
    return {
        "id": result.criterion.id,
        "kind": result.criterion.kind.value,
        "text": result.criterion.text,
        "verdict": result.verdict.value,
        "passes": result.passes,
        "reason": result.reason,
        "evidence": [
            {"what": e.what, "value": e.value, "on": e.on.isoformat() if e.on else None}
            for e in result.evidence
        ],
        "citation": result.criterion.citation,
    }


def report_dict(report: EligibilityReport) -> dict[str, Any]:
    """A report as JSON-ready data."""
    return {
        "protocol": report.protocol_id,
        "protocol_version": report.protocol_version,
        "patient_id": report.patient_id,
        "as_of": report.as_of.isoformat(),
        "overall": report.overall.value,
        "criteria": [_criterion_dict(r) for r in report.results],
    }


def eligibility(
    patient: Annotated[str, typer.Argument(help="Patient id or pseudonym.")],
    protocol_id: Annotated[str, typer.Option("--protocol", help="Protocol id.")],
    as_of: AsOf = None,
    output_format: Format = "table",
) -> None:
    """Evaluate a patient against a protocol, with a reason for every criterion."""
    _check_format(output_format)
    with open_platform() as platform:
        protocol = _protocol(platform.protocols(), protocol_id)
        report = assess_eligibility(
            platform.uow(), patient, protocol, as_of=_as_of(as_of, platform.clock.now().date())
        )
    if output_format == "json":
        typer.echo(json.dumps(report_dict(report), indent=2))
        return
    typer.echo(
        f"{protocol.title} v{protocol.version}, as of {report.as_of}: "
        f"{report.overall.value.upper()}"
    )
    for result in report.results:
        typer.echo(
            f"  [{result.criterion.kind.value}] {result.criterion.id}: "
            f"{_VERDICT_TEXT[result.passes]}"
        )
        typer.echo(f"      {result.reason}")


def screen(
    protocol_ids: Annotated[
        list[str], typer.Option("--protocol", help="Protocol id (repeatable).")
    ],
    centre: Annotated[
        str | None, typer.Option("--centre", help="Centre code; all centres if omitted.")
    ] = None,
    as_of: AsOf = None,
    output_format: Format = "table",
) -> None:
    """Screen a centre's patients against protocols: verdicts with the failing criteria."""
    _check_format(output_format)
    with open_platform() as platform:
        protocols = platform.protocols()
        chosen = [_protocol(protocols, p) for p in protocol_ids]
        centre_id = _centre_id(platform, centre)
        rows = screen_centre(
            platform.uow(),
            chosen,
            centre_id=centre_id,
            as_of=_as_of(as_of, platform.clock.now().date()),
        )
    if output_format == "json":
        typer.echo(
            json.dumps(
                [
                    {
                        "patient": row.patient.pseudonym,
                        "reports": [report_dict(r) for r in row.reports],
                    }
                    for row in rows
                ],
                indent=2,
            )
        )
        return
    for row in rows:
        for report in row.reports:
            failing = ", ".join(r.criterion.id for r in report.failing) or "-"
            missing = ", ".join(r.criterion.id for r in report.undetermined) or "-"
            typer.echo(
                f"{row.patient.pseudonym}\t{report.protocol_id}\t{report.overall.value}"
                f"\tfails: {failing}\tmissing: {missing}"
            )


def _centre_id(platform: Any, code: str | None) -> str | None:
    if code is None:
        return None
    with platform.uow() as uow:
        found = uow.centres.find(code=code)
    if not found:
        raise CliError(f"--centre: no centre with code {code!r}", EXIT_INVALID_INPUT)
    return str(found[0].id)


def actor() -> str:
    """The audit actor for writes made from this terminal."""
    return f"cli:{getpass.getuser()}"
