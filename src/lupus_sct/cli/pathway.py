"""``lupus-sct worklist`` and ``lupus-sct course phase|milestones|schedule``: the pathway engine.

Register with ``app.command("worklist")(pathway.worklist)`` and
``app.add_typer(pathway.course_app, name="course")``; :data:`app` bundles both for tests.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Annotated

import typer

from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError, open_platform
from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.instruments.transplant.cibmtr_engraftment import RecoveryResult
from lupus_sct.domain.pathway.follow_up_schedule import ScheduledVisitStatus, describe_requirement
from lupus_sct.domain.pathway.milestones import CourseMilestones
from lupus_sct.domain.pathway.phases import CoursePhase
from lupus_sct.services.clinic.pathway import change_phase, course_milestones, follow_up_status
from lupus_sct.services.eligibility.protocol_alerts import (
    course_settings,
    settings_lookup,
    stale_eligibility_source,
)
from lupus_sct.services.errors import ServiceError
from lupus_sct.services.record_codec import to_record
from lupus_sct.services.views.worklist import Alert, centre_id_for_code, centre_worklist

app = typer.Typer(
    help="The treatment pathway: phases, milestones, schedules and the worklist.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
course_app = typer.Typer(
    help="One therapy course: change its phase, see its milestones and schedule.",
    no_args_is_help=True,
)
app.add_typer(course_app, name="course")

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Date to report for (YYYY-MM-DD; default today).")
]
FORMATS = ("table", "json")


def actor() -> str:
    """The writer of CLI changes: ``cli:`` and the operating-system user name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"cli:{name}"


def parse_date(text: str, option: str) -> date:
    """An ISO date, or a one-line error naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"{option}: {text!r} is not a date (YYYY-MM-DD)", EXIT_INVALID_INPUT
        ) from None


@contextmanager
def _one_line_errors() -> Iterator[None]:
    try:
        yield
    except (DomainError, ServiceError) as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc


@app.command("worklist")
def worklist(
    centre: Annotated[str, typer.Option("--centre", help="Centre code.")],
    as_of: AsOf = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table (default) or json.")
    ] = "table",
) -> None:
    """List what needs attention at a centre: overdue visits, missing data, grade >= 3 labs,
    flares after remission, courses stuck in a phase and eligibility data going stale."""
    if output_format not in FORMATS:
        raise CliError(f"--format: {output_format!r} is not one of table, json", EXIT_INVALID_INPUT)
    with open_platform() as platform, _one_line_errors():
        on = parse_date(as_of, "--as-of") if as_of else platform.clock.now().date()
        centre_id = centre_id_for_code(platform.uow(), centre)
        protocols = platform.protocols()
        alerts = centre_worklist(
            platform.uow(),
            centre_id,
            as_of=on,
            settings_for=settings_lookup(protocols),
            extra_sources=[stale_eligibility_source(protocols)],
        )
    if output_format == "json":
        typer.echo(json.dumps([to_record(a) for a in alerts], indent=2))
        return
    typer.echo(f"worklist of {centre} as of {on.isoformat()}: {len(alerts)} alert(s)")
    if alerts:
        typer.echo(render_alerts(alerts))


def render_alerts(alerts: list[Alert]) -> str:
    """A plain-text table of alerts."""
    header = ("SEVERITY", "KIND", "PATIENT", "COURSE", "DATE", "MESSAGE")
    rows = [
        (
            a.severity.value,
            a.kind.value,
            a.patient_pseudonym,
            (a.course_id or "-")[:8],
            _date_text(a.since or a.due),
            a.message,
        )
        for a in alerts
    ]
    return _table(header, rows)


def _date_text(value: date | None) -> str:
    return value.isoformat() if value else "-"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


@course_app.command("phase")
def course_phase(
    course_id: Annotated[str, typer.Argument(help="The course id.")],
    phase: Annotated[str, typer.Argument(help="The phase entered, e.g. aplasia.")],
    on: Annotated[str, typer.Option("--on", help="Date the phase was entered (YYYY-MM-DD).")],
    reason: Annotated[str, typer.Option("--reason", help="Why the course changes phase.")],
) -> None:
    """Move a course into a phase (refused when the pathway does not allow it)."""
    try:
        new_phase = CoursePhase(phase)
    except ValueError:
        names = ", ".join(p.value for p in CoursePhase)
        raise CliError(f"phase: {phase!r} is not one of {names}", EXIT_INVALID_INPUT) from None
    entered_on = parse_date(on, "--on")
    with open_platform() as platform, _one_line_errors(), platform.uow() as uow:
        change_phase(
            uow,
            course_id=course_id,
            phase=new_phase,
            entered_on=entered_on,
            reason=reason,
            by=actor(),
            now=platform.clock.now(),
        )
        uow.commit()
    typer.echo(f"course {course_id} entered {new_phase.value} on {entered_on.isoformat()}")


def _recovery_text(result: RecoveryResult | None, day0: date | None) -> str:
    if result is None:
        return "no counts yet"
    if result.never_below_threshold:
        return "count never fell below the threshold"
    if result.engraftment_day is None:
        return "not reached"
    when = f" ({(day0 + timedelta(days=result.engraftment_day)).isoformat()})" if day0 else ""
    return f"day +{result.engraftment_day}{when}"


def render_milestones(m: CourseMilestones) -> str:
    """The milestones of a course as lines of text."""
    day0 = m.day0.isoformat() if m.day0 else "not infused"
    lines = [f"course {m.course_id}: day 0 {day0} (as of {m.as_of.isoformat()})"]
    lines.append(
        f"neutrophil engraftment (ANC >= 0.5, CIBMTR): {_recovery_text(m.neutrophil, m.day0)}"
    )
    lines.append(f"platelet engraftment (>= 20, CIBMTR): {_recovery_text(m.platelet_20, m.day0)}")
    lines.append(f"platelets >= 50 (CIBMTR): {_recovery_text(m.platelet_50, m.day0)}")
    lines.append(f"severe neutropenia (ANC < 0.5): {_neutropenia_text(m)}")
    if m.cd34 is not None:
        lines.append(
            f"CD34+ infused: {_dose(m.cd34.infused_x10e6_per_kg, m.cd34.infused_adequate)}; "
            f"collected: {_dose(m.cd34.collected_x10e6_per_kg, m.cd34.collection_adequate)} "
            f"(minimum {m.cd34.minimum_x10e6_per_kg:g} x10^6/kg, EBMT)"
        )
    lines.append(f"death by day +{m.early_death.window_days}: {_death_text(m)}")
    return "\n".join(lines)


def _neutropenia_text(m: CourseMilestones) -> str:
    n = m.severe_neutropenia
    if n is None:
        return "no counts yet"
    if n.first_day is None:
        return "none (ANC never below 0.5)"
    if n.days is None:
        return f"ongoing since day +{n.first_day}"
    return f"{n.days} day(s), day +{n.first_day} to day +{n.first_day + n.days - 1}"


def _dose(value: float | None, adequate: bool | None) -> str:
    if value is None:
        return "not recorded"
    return f"{value:g} x10^6/kg ({'adequate' if adequate else 'below the minimum'})"


def _death_text(m: CourseMilestones) -> str:
    death = m.early_death
    if death.within_window is None:
        return "not yet known (window open)" if m.day0 else "no day 0"
    if death.death_day is None:
        return "no (alive after the window)"
    return f"{'yes' if death.within_window else 'no'} (died on day {death.death_day:+d})"


@course_app.command("milestones")
def course_milestones_command(
    course_id: Annotated[str, typer.Argument(help="The course id.")],
    as_of: AsOf = None,
) -> None:
    """Engraftment, severe neutropenia, CD34+ dose and early death of a course."""
    with open_platform() as platform, _one_line_errors():
        on = parse_date(as_of, "--as-of") if as_of else platform.clock.now().date()
        settings = course_settings(platform.uow(), course_id, platform.protocols())
        milestones = course_milestones(
            platform.uow(),
            course_id,
            as_of=on,
            cd34_min=settings.cd34_min_x10e6_per_kg,
            trm_window_days=settings.trm_window_days,
        )
    typer.echo(render_milestones(milestones))


def render_schedule(visits: tuple[ScheduledVisitStatus, ...]) -> str:
    """The scheduled visits as a plain-text table."""
    header = ("VISIT", "TARGET", "WINDOW", "STATUS", "DONE ON", "MISSING")
    rows = [
        (
            v.visit.label,
            v.target_date.isoformat(),
            f"{v.opens_on.isoformat()}..{v.closes_on.isoformat()}",
            v.status.value,
            v.done_on.isoformat() if v.done_on else "-",
            ", ".join(describe_requirement(item) for item in v.missing) or "-",
        )
        for v in visits
    ]
    return _table(header, rows)


@course_app.command("schedule")
def course_schedule(
    course_id: Annotated[str, typer.Argument(help="The course id.")],
    as_of: AsOf = None,
) -> None:
    """The follow-up visits of a course: done, overdue, due, upcoming or future."""
    with open_platform() as platform, _one_line_errors():
        on = parse_date(as_of, "--as-of") if as_of else platform.clock.now().date()
        settings = course_settings(platform.uow(), course_id, platform.protocols())
        status = follow_up_status(
            platform.uow(),
            course_id,
            schedule=settings.schedule,
            as_of=on,
            upcoming_within_days=settings.upcoming_within_days,
        )
    if status.day0 is None:
        typer.echo(f"course {course_id} has no day 0 on {on.isoformat()}: no follow-up scheduled")
        return
    typer.echo(f"course {course_id}: day 0 {status.day0.isoformat()}, as of {on.isoformat()}")
    typer.echo(render_schedule(status.visits))
