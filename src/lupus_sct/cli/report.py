"""``lupus-sct report programme``: a centre's programme report as PDF (and HTML)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError, open_platform
from lupus_sct.domain.errors import DomainError
from lupus_sct.rendering.errors import RenderingError
from lupus_sct.rendering.programme_report import render_html, render_pdf
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.views.programme_report import programme_report

app = typer.Typer(help="Programme reports for accreditation and registries.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Programme reports for accreditation and registries."""


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(
            f"{option}: {value!r} is not a date (YYYY-MM-DD)", EXIT_INVALID_INPUT
        ) from exc


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}", EXIT_INVALID_INPUT) from exc


@app.command("programme")
def programme(
    centre: Annotated[str, typer.Option("--centre", help="Code of the centre.")],
    period_from: Annotated[
        str, typer.Option("--from", help="First day 0 of the period (YYYY-MM-DD).")
    ],
    period_to: Annotated[str, typer.Option("--to", help="Last day 0 of the period (YYYY-MM-DD).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Write the PDF here.")],
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the HTML report here.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Follow-up up to this date (default: today).")
    ] = None,
) -> None:
    """Registry indicators, response over time and benchmarking for courses in a period."""
    start, end = _date(period_from, "--from"), _date(period_to, "--to")
    with open_platform() as platform:
        today: datetime = platform.clock.now()
        until = _date(as_of, "--as-of") if as_of else today.date()
        try:
            report = programme_report(
                platform.uow(),
                centre_code=centre,
                period_from=start,
                period_to=end,
                as_of=until,
            )
        except NotFoundError as exc:
            raise CliError(f"--centre: {exc}", EXIT_INVALID_INPUT) from exc
        except DomainError as exc:
            raise CliError(str(exc), EXIT_INVALID_INPUT) from exc
    try:
        page = render_html(report)
        pdf = render_pdf(page)
    except RenderingError as exc:
        raise CliError(str(exc)) from exc
    _write(output, pdf)
    if html is not None:
        _write(html, page.encode("utf-8"))
    typer.echo(f"wrote the report of {len(report.rows)} patients to {output}", err=True)
