"""Pathway use cases on every store (in-memory fake, SQLite, PostgreSQL): phase changes are audited
in the same transaction, refusals write nothing, milestones and follow-up read stored records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from lupus_sct.domain.errors import InvalidValueError, PathwayOrderError
from lupus_sct.domain.pathway.course import CourseKind, CourseStatus, EventKind, Infusion
from lupus_sct.domain.pathway.follow_up_schedule import ScheduledVisit, VisitStatus
from lupus_sct.domain.pathway.phases import CoursePhase as P
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.transfusions import BloodProduct, Transfusion
from lupus_sct.services.audit.chain import AuditAction, verify_chain
from lupus_sct.services.clinic import clinical_records, courses
from lupus_sct.services.clinic.pathway import change_phase, course_milestones, follow_up_status
from lupus_sct.services.ports import UnitOfWork
from support import ACTOR, NOW, seed_course, seed_patient

UowFactory = Callable[[], UnitOfWork]
DAY0 = date(2026, 2, 25)
AUTOLOGOUS_PATH = [
    (P.EVALUATION, date(2026, 1, 10)),
    (P.ELIGIBLE, date(2026, 1, 20)),
    (P.CONSENTED, date(2026, 1, 25)),
    (P.MOBILISATION, date(2026, 2, 1)),
    (P.COLLECTION, date(2026, 2, 11)),
    (P.CONDITIONING, date(2026, 2, 20)),
    (P.INFUSION, DAY0),
    (P.APLASIA, DAY0),
    (P.ENGRAFTED, date(2026, 3, 8)),
    (P.DISCHARGED, date(2026, 3, 10)),
    (P.FOLLOW_UP, date(2026, 3, 25)),
]


def _seed(
    uow_factory: UowFactory, kind: CourseKind = CourseKind.AUTOLOGOUS_HSCT
) -> tuple[str, str]:
    with uow_factory() as uow:
        patient = seed_patient(uow)
        course = seed_course(uow, patient, kind)
        uow.commit()
    return patient.id, course.id


def _move(uow_factory: UowFactory, course_id: str, steps: list[tuple[P, date]]) -> None:
    for phase, on in steps:
        with uow_factory() as uow:
            change_phase(
                uow,
                course_id=course_id,
                phase=phase,
                entered_on=on,
                reason=f"{phase.value} per MDT",
                by=ACTOR,
                now=NOW,
            )
            uow.commit()


def test_a_course_walks_the_autologous_pathway_and_each_change_is_audited(
    uow_factory: UowFactory,
) -> None:
    _, course_id = _seed(uow_factory)
    _move(uow_factory, course_id, AUTOLOGOUS_PATH)
    with uow_factory() as uow:
        course = uow.courses.get(course_id)
        changes = uow.phase_changes.find(course_id=course_id)
        entries = list(uow.audit.entries())
    assert course.phase is P.FOLLOW_UP
    assert course.day0 == DAY0  # the infusion phase sets day 0 (docs/spec/pathway.md §4.4)
    assert course.status is CourseStatus.ACTIVE
    assert sorted((c.entered_on, c.phase.value) for c in changes)[0] == (
        date(2026, 1, 10),
        "evaluation",
    )
    assert len(changes) == len(AUTOLOGOUS_PATH)
    phase_entries = [e for e in entries if e.entity == "phase_change"]
    course_updates = [e for e in entries if e.entity == "course" and e.action is AuditAction.UPDATE]
    assert len(phase_entries) == len(course_updates) == len(AUTOLOGOUS_PATH)
    assert all(e.actor == ACTOR and e.action is AuditAction.CREATE for e in phase_entries)
    last = course_updates[-1]
    assert last.before["phase"] == "discharged"
    assert last.after["phase"] == "follow_up"
    assert last.reason == "phase discharged -> follow_up: follow_up per MDT"
    assert verify_chain(entries).intact


def test_an_invalid_transition_is_refused_and_writes_nothing(uow_factory: UowFactory) -> None:
    _, course_id = _seed(uow_factory)
    _move(uow_factory, course_id, AUTOLOGOUS_PATH[:3])
    with uow_factory() as uow:
        before = len(list(uow.audit.entries()))
        with pytest.raises(PathwayOrderError, match="conditioning on 2026-02-01 cannot follow"):
            change_phase(
                uow,
                course_id=course_id,
                phase=P.CONDITIONING,
                entered_on=date(2026, 2, 1),
                reason="skip",
                by=ACTOR,
                now=NOW,
            )
        uow.commit()
    with uow_factory() as uow:
        assert len(list(uow.audit.entries())) == before
        assert uow.courses.get(course_id).phase is P.CONSENTED


def test_infusion_dated_before_conditioning_is_refused(uow_factory: UowFactory) -> None:
    _, course_id = _seed(uow_factory)
    _move(uow_factory, course_id, AUTOLOGOUS_PATH[:6])  # up to conditioning on 2026-02-20
    with uow_factory() as uow, pytest.raises(PathwayOrderError) as refused:
        change_phase(
            uow,
            course_id=course_id,
            phase=P.INFUSION,
            entered_on=date(2026, 2, 18),
            reason="cells given",
            by=ACTOR,
            now=NOW,
        )
    assert str(refused.value) == (
        "infusion on 2026-02-18 cannot be dated before conditioning on 2026-02-20"
    )


def test_an_early_end_records_its_reason_on_the_course(uow_factory: UowFactory) -> None:
    _, course_id = _seed(uow_factory)
    with uow_factory() as uow:
        change_phase(
            uow,
            course_id=course_id,
            phase=P.NOT_ELIGIBLE,
            entered_on=date(2026, 1, 12),
            reason="LVEF below the protocol minimum",
            by=ACTOR,
            now=NOW,
        )
        uow.commit()
    with uow_factory() as uow:
        course = uow.courses.get(course_id)
    assert (course.phase, course.status) == (P.NOT_ELIGIBLE, CourseStatus.ENDED_EARLY)
    assert course.end_reason == "LVEF below the protocol minimum"


@pytest.mark.parametrize(
    ("on", "reason", "message"),
    [
        (date(2026, 6, 2), "too early", "entered_on: '2026-06-02' is not accepted"),
        (date(2026, 1, 10), "  ", "reason: '  ' is not accepted"),
    ],
)
def test_a_future_date_or_an_empty_reason_is_refused(
    uow_factory: UowFactory, on: date, reason: str, message: str
) -> None:
    _, course_id = _seed(uow_factory)
    with uow_factory() as uow, pytest.raises(InvalidValueError, match=message):
        change_phase(
            uow,
            course_id=course_id,
            phase=P.EVALUATION,
            entered_on=on,
            reason=reason,
            by=ACTOR,
            now=NOW,
        )


def _at(day: int) -> datetime:
    return datetime.combine(DAY0 + timedelta(days=day), datetime.min.time(), UTC).replace(hour=8)


def test_milestones_are_derived_from_the_stored_records(uow_factory: UowFactory) -> None:
    patient_id, course_id = _seed(uow_factory)
    with uow_factory() as uow:
        courses.record_course_event(
            uow,
            course_id=course_id,
            kind=EventKind.INFUSION,
            event_date=DAY0,
            details=Infusion(cd34_x10e6_per_kg=2.4),
            by=ACTOR,
            now=NOW,
        )
        # ANC nadir day +5, then three values >= 0.5 from day +9: CIBMTR recovery day +9.
        for day, anc in {0: 3.0, 3: 0.3, 5: 0.05, 7: 0.2, 9: 0.6, 10: 0.9, 11: 1.2}.items():
            lab = LabResult(f"anc{day}", patient_id, "751-8", anc, "10*9/L", _at(day))
            clinical_records.record_lab(uow, lab, by=ACTOR, now=NOW)
        for day, platelets in {0: 140, 6: 8, 9: 30, 11: 35, 14: 40, 15: 45, 16: 52}.items():
            lab = LabResult(f"plt{day}", patient_id, "777-3", platelets, "10*9/L", _at(day))
            clinical_records.record_lab(uow, lab, by=ACTOR, now=NOW)
        # platelets transfused on day +6: day +13 is the first countable day (CIBMTR, 7 days)
        given = Transfusion(
            "tx", patient_id, course_id, BloodProduct.PLATELETS, DAY0 + timedelta(6)
        )
        clinical_records.record_transfusion(uow, given, by=ACTOR, now=NOW)
        uow.commit()
    milestones = course_milestones(uow_factory(), course_id, as_of=date(2026, 5, 1))
    assert milestones.day0 == DAY0
    assert milestones.neutrophil.engraftment_day == 9
    assert milestones.platelet_20.engraftment_day == 14  # days +14, +15, +16
    assert milestones.severe_neutropenia.days == 6  # first < 0.5 on day +3; recovery day +9
    assert milestones.cd34.infused_adequate is True  # 2.4 >= 2.0 (EBMT)
    assert milestones.early_death.within_window is None  # alive, day +65: window open
    with uow_factory() as uow:
        death = OutcomeEvent(
            "d", patient_id, course_id, OutcomeKind.DEATH, date(2026, 4, 20), "sepsis"
        )
        clinical_records.record_outcome(uow, death, by=ACTOR, now=NOW)
        uow.commit()
    later = course_milestones(uow_factory(), course_id, as_of=date(2026, 5, 1), trm_window_days=30)
    assert (later.early_death.death_day, later.early_death.within_window) == (54, False)


def test_follow_up_status_reads_the_stored_visits(uow_factory: UowFactory) -> None:
    patient_id, course_id = _seed(uow_factory)
    _move(uow_factory, course_id, AUTOLOGOUS_PATH[:7])  # infused on DAY0
    with uow_factory() as uow:
        visit = Assessment(id="v30", patient_id=patient_id, visit_date=DAY0 + timedelta(days=31))
        clinical_records.record_assessment(uow, visit, by=ACTOR, now=NOW)
        uow.commit()
    schedule = (
        ScheduledVisit("day +30", 30, 7, 7, ("labs:751-8",)),
        ScheduledVisit("day +60", 60, 7, 7),
        ScheduledVisit("day +100", 100, 14, 14),
    )
    status = follow_up_status(uow_factory(), course_id, schedule=schedule, as_of=date(2026, 5, 10))
    assert status.day0 == DAY0
    # as of day +74: day +31 visit done; the day +60 window closed on day +67; the day +100
    # window opens on day +86, within 30 days
    assert [v.status for v in status.visits] == [
        VisitStatus.DONE,
        VisitStatus.OVERDUE,
        VisitStatus.UPCOMING,
    ]
    assert status.visits[0].missing == ("labs:751-8",)


def test_a_course_without_day_0_has_no_follow_up_yet(uow_factory: UowFactory) -> None:
    _, course_id = _seed(uow_factory)
    status = follow_up_status(uow_factory(), course_id, as_of=date(2026, 5, 10))
    assert (status.day0, status.visits) == (None, ())
