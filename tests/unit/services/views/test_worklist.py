"""The centre worklist on the in-memory store: each alert kind appears when it should, and not
otherwise (issue #4 item 6)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor as D
from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.pathway.engine import DEFAULT_MAX_PHASE_DAYS, PathwaySettings
from lupus_sct.domain.pathway.follow_up_schedule import ScheduledVisit
from lupus_sct.domain.pathway.phases import CoursePhase as P
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.people import Centre, Patient
from lupus_sct.services.clinic import clinical_records
from lupus_sct.services.clinic.pathway import change_phase
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.services.views.worklist import (
    Alert,
    AlertKind,
    Severity,
    centre_id_for_code,
    centre_worklist,
)
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_course, seed_patient

DAY0 = date(2026, 3, 2)
MSC_PATH = [
    (P.EVALUATION, date(2026, 1, 10)),
    (P.ELIGIBLE, date(2026, 1, 20)),
    (P.CONSENTED, date(2026, 2, 1)),
    (P.INFUSION, DAY0),
    (P.FOLLOW_UP, DAY0),
]
AUTO_TO_APLASIA = [
    (P.EVALUATION, date(2026, 1, 10)),
    (P.ELIGIBLE, date(2026, 1, 20)),
    (P.CONSENTED, date(2026, 1, 25)),
    (P.MOBILISATION, date(2026, 2, 1)),
    (P.COLLECTION, date(2026, 2, 11)),
    (P.CONDITIONING, date(2026, 2, 25)),
    (P.INFUSION, DAY0),
    (P.APLASIA, DAY0),
]
DAY_30 = ScheduledVisit("day +30", 30, 7, 7, ("labs:751-8",))  # window day +23 to +37


def _settings(protocol_id: str) -> PathwaySettings:
    return PathwaySettings(schedule=(DAY_30,))


class World:
    """A centre with one patient, on a shared in-memory database."""

    def __init__(self) -> None:
        self.database = MemoryDatabase()
        with self.uow() as uow:
            self.centre: Centre = seed_centre(uow)
            self.patient: Patient = seed_patient(uow, self.centre)
            uow.commit()

    def uow(self) -> UnitOfWork:
        return MemoryUnitOfWork(self.database)

    def course(self, kind: CourseKind, path: list[tuple[P, date]]) -> str:
        with self.uow() as uow:
            course = seed_course(uow, self.patient, kind)
            for phase, on in path:
                change_phase(
                    uow,
                    course_id=course.id,
                    phase=phase,
                    entered_on=on,
                    reason="per MDT",
                    by=ACTOR,
                    now=NOW,
                )
            uow.commit()
        return course.id

    def add(self, *records: Assessment | LabResult) -> None:
        with self.uow() as uow:
            for record in records:
                if isinstance(record, Assessment):
                    clinical_records.record_assessment(uow, record, by=ACTOR, now=NOW)
                else:
                    clinical_records.record_lab(uow, record, by=ACTOR, now=NOW)
            uow.commit()

    def alerts(self, as_of: date, kind: AlertKind | None = None, **options: object) -> list[Alert]:
        options.setdefault("settings_for", _settings)
        found = centre_worklist(self.uow(), self.centre.id, as_of=as_of, **options)  # type: ignore[arg-type]
        return [a for a in found if kind is None or a.kind is kind]

    def visit(self, on: date, descriptors: tuple[D, ...] = (), pga: float = 0.2) -> Assessment:
        return Assessment(
            id=f"a-{on}",
            patient_id=self.patient.id,
            visit_date=on,
            sledai_descriptors=descriptors,
            pga=pga,
            hemolytic_anemia=False,
            gi_activity=False,
            maintenance_therapy_tolerated=True,
            investigational_drug=False,
            hospitalised_for_sle=False,
        )

    def lab(
        self, code: str, value: float, unit: str, on: date, low: float | None, high: float | None
    ) -> LabResult:
        at = datetime.combine(on, datetime.min.time(), UTC).replace(hour=8)
        return LabResult(
            f"l-{code}-{on}-{value}", self.patient.id, code, value, unit, at, low, high
        )


@pytest.fixture
def world() -> World:
    return World()


def _day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def test_a_visit_whose_window_closed_without_a_visit_is_overdue(world: World) -> None:
    course_id = world.course(CourseKind.MSC, MSC_PATH)
    assert world.alerts(_day(37), AlertKind.OVERDUE_VISIT) == []  # last day of the window
    (alert,) = world.alerts(_day(38), AlertKind.OVERDUE_VISIT)
    assert (alert.course_id, alert.due, alert.severity) == (course_id, _day(37), Severity.MEDIUM)
    assert alert.patient_pseudonym == world.patient.pseudonym
    assert "day +30 visit overdue" in alert.message


def test_a_visit_within_the_window_clears_the_overdue_alert(world: World) -> None:
    world.course(CourseKind.MSC, MSC_PATH)
    world.add(world.visit(_day(30)), world.lab("751-8", 2.0, "10*9/L", _day(30), 1.8, 7.5))
    assert world.alerts(_day(60), AlertKind.OVERDUE_VISIT) == []
    assert world.alerts(_day(60), AlertKind.MISSING_DATA) == []


def test_a_done_visit_lacking_required_labs_raises_missing_data(world: World) -> None:
    world.course(CourseKind.MSC, MSC_PATH)
    world.add(world.visit(_day(30)))
    (alert,) = world.alerts(_day(60), AlertKind.MISSING_DATA)
    assert alert.message == (
        f"day +30 visit on {_day(30)} lacks: Neutrophils [#/volume] in Blood (LOINC 751-8)"
    )
    assert alert.since == _day(30)


def test_a_course_that_ended_early_has_no_follow_up_alerts(world: World) -> None:
    world.course(CourseKind.MSC, [*MSC_PATH, (P.WITHDRAWN, _day(5))])
    assert world.alerts(_day(60)) == []


@pytest.mark.parametrize(
    ("anc", "low", "alerted"),
    [
        (0.8, 1.8, True),  # 800/uL: CTCAE v5.0 grade 3 (500 <= x < 1000)
        (1.0, 1.8, False),  # 1000/uL: grade 2
        (0.8, None, False),  # no LLN recorded: skipped, never guessed
    ],
)
def test_a_lab_at_ctcae_grade_3_or_worse_in_the_last_14_days_is_alerted(
    world: World, anc: float, low: float | None, alerted: bool
) -> None:
    as_of = date(2026, 5, 20)
    world.add(world.lab("751-8", anc, "10*9/L", as_of - timedelta(days=3), low, None))
    alerts = world.alerts(as_of, AlertKind.LAB_CTCAE_GRADE_3)
    assert bool(alerts) is alerted
    if alerted:
        assert alerts[0].severity is Severity.HIGH
        assert alerts[0].message.startswith("Neutrophil count decreased: CTCAE v5.0 grade 3")


@pytest.mark.parametrize(("days_before", "alerted"), [(13, True), (14, False)])
def test_the_lab_look_back_is_14_days_including_today(
    world: World, days_before: int, alerted: bool
) -> None:
    as_of = date(2026, 5, 20)
    # platelets 20 x10^9/L = 20,000/uL: grade 4 (< 25,000)
    world.add(world.lab("777-3", 20, "10*9/L", as_of - timedelta(days=days_before), 150, 400))
    assert bool(world.alerts(as_of, AlertKind.LAB_CTCAE_GRADE_3)) is alerted


def test_repeated_grade_3_results_of_one_term_give_one_alert_with_the_worst_grade(
    world: World,
) -> None:
    as_of = date(2026, 5, 20)
    world.add(
        world.lab("2160-0", 4.0, "mg/dL", date(2026, 5, 10), 0.5, 1.0),  # > 3 x ULN: grade 3
        world.lab("2160-0", 7.0, "mg/dL", date(2026, 5, 15), 0.5, 1.0),  # > 6 x ULN: grade 4
        world.lab("2160-0", 1.2, "mg/dL", date(2026, 5, 19), 0.5, 1.0),  # grade 1
    )
    (alert,) = world.alerts(as_of, AlertKind.LAB_CTCAE_GRADE_3)
    assert "grade 4 (7 mg/dL on 2026-05-15)" in alert.message
    assert alert.since == date(2026, 5, 10)


def test_values_and_limits_in_other_units_are_compared_in_one_unit(world: World) -> None:
    # Hb 75 g/L (7.5 g/dL) with LLN 120 g/L: CTCAE v5.0 Anemia grade 3 (< 8.0 g/dL)
    as_of = date(2026, 5, 20)
    world.add(world.lab("718-7", 75, "g/L", as_of, 120, 160))
    (alert,) = world.alerts(as_of, AlertKind.LAB_CTCAE_GRADE_3)
    assert alert.message.startswith("Anemia: CTCAE v5.0 grade 3 (75 g/L")


def test_a_flare_after_a_visit_in_remission_is_alerted(world: World) -> None:
    # Visit 2: clinical SLEDAI 0, PGA 0.2, no steroid -> DORIS remission (van Vollenhoven 2021).
    # Visit 3: new arthritis and rash, SLEDAI 0 -> 6: mild/moderate SELENA flare (Petri 1999).
    world.add(
        world.visit(date(2026, 1, 5), (D.ARTHRITIS,), 1.5),
        world.visit(date(2026, 3, 5)),
        world.visit(date(2026, 5, 5), (D.ARTHRITIS, D.RASH), 1.2),
    )
    (alert,) = world.alerts(date(2026, 5, 20), AlertKind.FLARE_AFTER_REMISSION)
    assert alert.message == (
        "mild/moderate SELENA flare on 2026-05-05 after remission or LLDAS on 2026-03-05"
    )
    assert (alert.severity, alert.since) == (Severity.MEDIUM, date(2026, 5, 5))
    # more than 90 days later the flare has left the worklist
    assert world.alerts(date(2026, 8, 4), AlertKind.FLARE_AFTER_REMISSION) == []


def test_a_flare_without_an_earlier_remission_is_not_alerted(world: World) -> None:
    world.add(
        world.visit(date(2026, 3, 5), (D.LOW_COMPLEMENT,), 1.5),  # PGA 1.5: not in remission
        world.visit(date(2026, 5, 5), (D.ARTHRITIS, D.RASH, D.LOW_COMPLEMENT), 1.5),
    )
    assert world.alerts(date(2026, 5, 20), AlertKind.FLARE_AFTER_REMISSION) == []


def test_aplasia_beyond_day_30_is_a_course_stuck_in_its_phase(world: World) -> None:
    course_id = world.course(CourseKind.AUTOLOGOUS_HSCT, AUTO_TO_APLASIA)
    assert world.alerts(_day(30), AlertKind.STUCK_IN_PHASE) == []
    (alert,) = world.alerts(_day(31), AlertKind.STUCK_IN_PHASE)
    assert (alert.course_id, alert.since) == (course_id, DAY0)
    assert alert.message.startswith(f"in aplasia for 31 days since {DAY0}; expected at most 30")


def test_a_protocol_may_allow_a_phase_to_last_longer(world: World) -> None:
    world.course(CourseKind.AUTOLOGOUS_HSCT, AUTO_TO_APLASIA)
    longer = {**DEFAULT_MAX_PHASE_DAYS, P.APLASIA: 42}

    def settings_for(protocol_id: str) -> PathwaySettings:
        return dataclasses.replace(_settings(protocol_id), max_phase_days=longer)

    assert world.alerts(_day(31), AlertKind.STUCK_IN_PHASE, settings_for=settings_for) == []


def test_a_course_in_follow_up_is_never_stuck(world: World) -> None:
    world.course(CourseKind.MSC, MSC_PATH)
    assert world.alerts(_day(2000), AlertKind.STUCK_IN_PHASE) == []


def test_extra_sources_add_their_alerts(world: World) -> None:
    def stale(uow: UnitOfWork, centre_id: str, as_of: date) -> list[Alert]:
        (patient,) = uow.patients.find(centre_id=centre_id)
        return [
            Alert(
                AlertKind.ELIGIBILITY_DATA_STALE,
                Severity.LOW,
                patient.pseudonym,
                None,
                "echocardiogram older than 3 months",
                due=as_of,
            )
        ]

    (alert,) = world.alerts(date(2026, 5, 20), extra_sources=[stale])
    assert alert.kind is AlertKind.ELIGIBILITY_DATA_STALE


def test_alerts_are_listed_most_severe_first_and_only_for_the_centre(world: World) -> None:
    world.course(CourseKind.AUTOLOGOUS_HSCT, AUTO_TO_APLASIA)
    world.add(world.lab("751-8", 0.1, "10*9/L", _day(40), 1.8, 7.5))
    with world.uow() as uow:
        other = seed_centre(uow, "OTHER")
        seed_course(uow, seed_patient(uow, other), CourseKind.MSC)
        uow.commit()
    alerts = world.alerts(_day(45))
    assert [a.severity for a in alerts] == sorted(
        (a.severity for a in alerts), key=lambda s: s.rank
    )
    assert alerts[0].kind is AlertKind.LAB_CTCAE_GRADE_3
    assert {a.patient_pseudonym for a in alerts} == {world.patient.pseudonym}


def test_an_unknown_centre_code_is_reported(world: World) -> None:
    assert centre_id_for_code(world.uow(), world.centre.code) == world.centre.id
    with pytest.raises(NotFoundError, match="no centre with id 'NOPE'"):
        centre_id_for_code(world.uow(), "NOPE")
