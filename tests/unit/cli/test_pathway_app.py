"""The pathway Typer app (worklist, course phase|milestones|schedule), invoked directly against a
migrated SQLite file (before it is registered in cli/main.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from lupus_sct.cli.pathway import app, render_milestones
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.domain.instruments.transplant.cibmtr_engraftment import RecoveryKind, RecoveryResult
from lupus_sct.domain.pathway.course import CourseKind, EventKind, Infusion
from lupus_sct.domain.pathway.milestones import CourseMilestones, EarlyDeath, SevereNeutropenia
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.services.clinic import clinical_records, courses
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_course, seed_patient

runner = CliRunner()
DAY0 = date(2026, 3, 2)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = database.create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    database.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def env(engine: sa.Engine) -> dict[str, str]:
    return {"LUPUS_SCT_DATABASE_URL": engine.url.render_as_string(hide_password=False)}


@pytest.fixture
def course_id(engine: sa.Engine) -> str:
    """An autologous course at centre NWU, infused on DAY0, with an ANC series after it."""
    with SqlUnitOfWork(engine) as uow:
        patient = seed_patient(uow, seed_centre(uow, "NWU"))
        course = seed_course(uow, patient, CourseKind.AUTOLOGOUS_HSCT)
        courses.record_course_event(
            uow,
            course_id=course.id,
            kind=EventKind.INFUSION,
            event_date=DAY0,
            details=Infusion(cd34_x10e6_per_kg=2.5),
            by=ACTOR,
            now=NOW,
        )
        # nadir day +4; days +8, +9, +10 >= 0.5: CIBMTR neutrophil recovery day +8
        for day, anc in {0: 2.5, 2: 0.4, 4: 0.05, 8: 0.6, 9: 0.8, 10: 1.1}.items():
            at = datetime.combine(DAY0 + timedelta(days=day), datetime.min.time(), UTC)
            lab = LabResult(f"anc{day}", patient.id, "751-8", anc, "10*9/L", at, 1.8, 7.5)
            clinical_records.record_lab(uow, lab, by=ACTOR, now=NOW)
        uow.commit()
    return course.id


def test_a_phase_change_is_stored_and_confirmed(
    course_id: str, env: dict[str, str], engine: sa.Engine
) -> None:
    result = runner.invoke(
        app,
        ["course", "phase", course_id, "evaluation", "--on", "2026-01-10", "--reason", "referred"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"course {course_id} entered evaluation on 2026-01-10"
    with SqlUnitOfWork(engine) as uow:
        (change,) = uow.phase_changes.find(course_id=course_id)
        actors = {e.actor for e in uow.audit.entries() if e.entity == "phase_change"}
    assert change.reason == "referred"
    assert len(actors) == 1
    assert actors.pop().startswith("cli:")


def test_an_invalid_phase_change_is_one_line_with_exit_code_2(
    course_id: str, env: dict[str, str]
) -> None:
    result = runner.invoke(
        app,
        ["course", "phase", course_id, "aplasia", "--on", "2026-01-10", "--reason", "x"],
        env=env,
    )
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert str(result.exception) == (
        "aplasia on 2026-01-10 cannot follow referral: an autologous HSCT course in referral "
        "can only go to evaluation, not eligible, withdrawn, died"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["course", "phase", "c", "limbo", "--on", "2026-01-10", "--reason", "x"],
            "phase: 'limbo'",
        ),
        (["course", "phase", "c", "aplasia", "--on", "10/01/26", "--reason", "x"], "--on: '10/01"),
        (["worklist", "--centre", "NWU", "--format", "xml"], "--format: 'xml'"),
        (["worklist", "--centre", "NOPE"], "no centre with id 'NOPE'"),
        (["course", "milestones", "ghost"], "no course with id 'ghost'"),
    ],
)
def test_bad_input_is_refused_with_exit_code_2(
    course_id: str, env: dict[str, str], args: list[str], message: str
) -> None:
    result = runner.invoke(app, args, env=env)
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert str(result.exception).startswith(message)


def test_milestones_print_the_cibmtr_recovery_day_and_the_cd34_dose(
    course_id: str, env: dict[str, str]
) -> None:
    result = runner.invoke(
        app, ["course", "milestones", course_id, "--as-of", "2026-05-01"], env=env
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"course {course_id}: day 0 2026-03-02 (as of 2026-05-01)"
    assert "neutrophil engraftment (ANC >= 0.5, CIBMTR): day +8 (2026-03-10)" in lines
    # first ANC < 0.5 on day +2, recovery day +8: days +2 to +7
    assert "severe neutropenia (ANC < 0.5): 6 day(s), day +2 to day +7" in lines
    assert any(line.startswith("CD34+ infused: 2.5 x10^6/kg (adequate)") for line in lines)
    assert "death by day +100: not yet known (window open)" in lines


def test_the_schedule_lists_each_visit_with_its_window_and_status(
    course_id: str, env: dict[str, str]
) -> None:
    result = runner.invoke(app, ["course", "schedule", course_id, "--as-of", "2026-04-15"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"course {course_id}: day 0 2026-03-02, as of 2026-04-15"
    assert lines[1].split() == ["VISIT", "TARGET", "WINDOW", "STATUS", "DONE", "ON", "MISSING"]
    # day +44: the day +30 window (2026-03-25..2026-04-08) closed with no visit
    assert lines[2].split()[:6] == [
        "day",
        "+30",
        "2026-04-01",
        "2026-03-25..2026-04-08",
        "overdue",
        "-",
    ]


def test_the_worklist_prints_a_table_and_json(course_id: str, env: dict[str, str]) -> None:
    table = runner.invoke(app, ["worklist", "--centre", "NWU", "--as-of", "2026-04-15"], env=env)
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].startswith("worklist of NWU as of 2026-04-15: ")
    assert lines[1].split()[:4] == ["SEVERITY", "KIND", "PATIENT", "COURSE"]
    assert any("overdue_visit" in line and "day +30 visit overdue" in line for line in lines)
    as_json = runner.invoke(
        app, ["worklist", "--centre", "NWU", "--as-of", "2026-04-15", "--format", "json"], env=env
    )
    assert as_json.exit_code == 0, as_json.output
    alerts = json.loads(as_json.output)
    kinds = {a["kind"] for a in alerts}
    # the course never left referral (started 2026-01-05): stuck beyond 30 days
    assert {"overdue_visit", "stuck_in_phase"} <= kinds
    assert set(alerts[0]) == {
        "kind",
        "severity",
        "patient_pseudonym",
        "course_id",
        "message",
        "since",
        "due",
    }


def test_a_worklist_with_nothing_to_do_says_so(engine: sa.Engine, env: dict[str, str]) -> None:
    with SqlUnitOfWork(engine) as uow:
        seed_centre(uow, "EMPTY")
        uow.commit()
    result = runner.invoke(app, ["worklist", "--centre", "EMPTY", "--as-of", "2026-04-15"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "worklist of EMPTY as of 2026-04-15: 0 alert(s)"


def test_a_course_not_yet_infused_has_no_schedule(engine: sa.Engine, env: dict[str, str]) -> None:
    with SqlUnitOfWork(engine) as uow:
        course = seed_course(uow, seed_patient(uow))
        uow.commit()
    result = runner.invoke(app, ["course", "schedule", course.id, "--as-of", "2026-04-15"], env=env)
    assert result.exit_code == 0, result.output
    assert "has no day 0 on 2026-04-15" in result.output


def test_milestones_text_covers_recovery_not_reached_ongoing_neutropenia_and_death() -> None:
    pending = RecoveryResult(RecoveryKind.NEUTROPHIL, 0.5, None, False, 5)
    never = RecoveryResult(RecoveryKind.PLATELET, 20.0, None, True, 0)
    text = render_milestones(
        CourseMilestones(
            course_id="c",
            as_of=date(2026, 5, 1),
            day0=DAY0,
            neutrophil=pending,
            platelet_20=never,
            platelet_50=None,
            severe_neutropenia=SevereNeutropenia(3, None, None),
            cd34=None,
            early_death=EarlyDeath(100, 40, True),
        )
    )
    assert "neutrophil engraftment (ANC >= 0.5, CIBMTR): not reached" in text
    assert "platelet engraftment (>= 20, CIBMTR): count never fell below the threshold" in text
    assert "severe neutropenia (ANC < 0.5): ongoing since day +3" in text
    assert "death by day +100: yes (died on day +40)" in text
    assert "CD34+" not in text
