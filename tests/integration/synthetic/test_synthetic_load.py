"""A synthetic cohort loads through the use cases into every backend, audited and complete."""

from __future__ import annotations

from collections.abc import Callable

from lupus_sct.services.audit.trail import verify_audit_trail
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.synthetic import generate_cohort
from lupus_sct.synthetic.loading import ensure_centres, load_patients
from lupus_sct.synthetic.records import patient_records, synthetic_centres
from support import NOW

PATIENTS = 12
SEED = 4  # 12 patients with courses of several kinds


def test_a_small_cohort_loads_through_the_services_with_an_intact_audit_trail(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    cohort = [
        p
        for chunk in generate_cohort(SEED, PATIENTS, as_of=NOW.date())
        for p in patient_records(chunk)
    ]
    centre_ids = ensure_centres(uow_factory, synthetic_centres(SEED, 3), by="test", now=NOW)
    report = load_patients(uow_factory, cohort, centre_ids, by="test", now=NOW)

    assert report.patients == PATIENTS
    assert report.courses == sum(len(p.courses) for p in cohort) > 0
    with uow_factory() as uow:
        assert len(uow.patients.find()) == PATIENTS
        assert len(uow.identities.find()) == PATIENTS
        assert len(uow.labs.find()) == sum(len(p.labs) for p in cohort)
        assert len(uow.assessments.find()) == sum(len(p.assessments) for p in cohort)
        assert len(uow.medications.find()) == sum(len(p.medications) for p in cohort)
        assert len(uow.workup_findings.find()) == sum(len(p.workup_findings) for p in cohort)
        generated = [c for p in cohort for c in p.courses]
        assert len(uow.course_events.find()) == sum(len(c.events) for c in generated)
        assert len(uow.phase_changes.find()) == sum(len(c.phase_changes) for c in generated)
        assert len(uow.outcomes.find()) == sum(len(c.outcomes) for c in generated)
        stored = sorted(
            (c.kind.value, c.status.value, c.phase.value, c.start_date, c.day0, c.end_reason)
            for c in uow.courses.find()
        )
        expected = sorted(
            (
                c.course.kind.value,
                c.course.status.value,
                c.course.phase.value,
                c.course.start_date,
                c.course.day0,
                c.course.end_reason,
            )
            for c in generated
        )
        assert stored == expected
        entries = sum(1 for _ in uow.audit.entries())
    assert entries >= report.records  # every record written with its audit entry
    assert verify_audit_trail(uow_factory()).intact
