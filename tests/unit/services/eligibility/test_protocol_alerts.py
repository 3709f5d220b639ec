"""Eligibility data going stale before treatment (issue #4, item 6), with the shipped protocols'
limits: work-up data at most 90 days old (Greco 2024, < 3 months) for auto-hsct-sle."""

from __future__ import annotations

from datetime import timedelta

from lupus_sct.domain.records.workup import WorkupFinding, WorkupItem
from lupus_sct.interop.protocol_files import load_protocols
from lupus_sct.services.clinic import clinical_records
from lupus_sct.services.eligibility.protocol_alerts import (
    STALE_WARNING_DAYS,
    course_settings,
    pathway_settings,
    stale_eligibility_source,
)
from lupus_sct.services.views.worklist import AlertKind, Severity, centre_worklist
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_course, seed_patient

PROTOCOLS = load_protocols()
TODAY = NOW.date()


def _worklist_with_lvef(days_old: int) -> list:  # type: ignore[type-arg]
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        patient = seed_patient(uow)
        seed_course(uow, patient)  # protocol auto-hsct-sle, phase referral
        finding = WorkupFinding(
            "w", patient.id, WorkupItem.LVEF_PCT, 60, TODAY - timedelta(days=days_old)
        )
        clinical_records.record_workup_finding(uow, finding, by=ACTOR, now=NOW)
        centre_id = patient.centre_id
        uow.commit()
    alerts = centre_worklist(
        MemoryUnitOfWork(database),
        centre_id,
        as_of=TODAY,
        extra_sources=[stale_eligibility_source(PROTOCOLS)],
    )
    return [a for a in alerts if a.kind is AlertKind.ELIGIBILITY_DATA_STALE]


def test_work_up_that_will_lapse_within_two_weeks_is_flagged_low() -> None:
    # 80 days old today; 94 days old in 14 days, beyond the 90-day limit.
    (alert,) = _worklist_with_lvef(80)
    assert alert.severity is Severity.LOW
    assert alert.due == TODAY + timedelta(days=STALE_WARNING_DAYS)
    assert alert.message.startswith("auto-hsct-sle cardiac: will lapse by 2026-06-15")


def test_work_up_already_too_old_is_flagged_medium() -> None:
    (alert,) = _worklist_with_lvef(100)
    assert alert.severity is Severity.MEDIUM
    assert "is 100 days old; at most 90 allowed" in alert.message


def test_recent_work_up_raises_nothing() -> None:
    assert _worklist_with_lvef(10) == []


def test_a_course_follows_its_protocols_settings() -> None:
    settings = pathway_settings(PROTOCOLS["uc-msc-sle"])
    assert [v.label for v in settings.schedule][:2] == ["day +7", "day +30"]
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        course = seed_course(uow, seed_patient(uow))
        uow.commit()
    auto = course_settings(MemoryUnitOfWork(database), course.id, PROTOCOLS)
    assert auto.cd34_min_x10e6_per_kg == 2.0  # EBMT minimum in auto-hsct-sle.yaml
