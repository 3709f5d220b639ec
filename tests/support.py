"""Builders of synthetic records for tests (no real patient data, ever)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.records.people import Centre, Patient, Sex
from lupus_sct.services.clinic import courses, patients
from lupus_sct.services.ports import UnitOfWork

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)  # the one fixed "now" of every write in the tests
ACTOR = "test:clinician"


def seed_centre(uow: UnitOfWork, code: str = "NWU") -> Centre:
    return patients.create_centre(
        uow, code=code, name=f"Centre {code}", country="GB", by=ACTOR, now=NOW
    )


def seed_patient(uow: UnitOfWork, centre: Centre | None = None, **overrides: object) -> Patient:
    centre = centre or seed_centre(uow)
    # A hospital number names one patient per centre: H0000001, H0000002... within each centre.
    number = f"H{len(uow.patients.find(centre_id=centre.id)) + 1:07d}"
    return patients.enrol_patient(
        uow,
        centre_id=centre.id,
        sex=overrides.get("sex", Sex.FEMALE),  # type: ignore[arg-type]
        birth_date=overrides.get("birth_date", date(1990, 4, 12)),  # type: ignore[arg-type]
        identity=patients.IdentityDetails("Synthetic", "Alice", number),
        by=ACTOR,
        now=NOW,
    )


def seed_course(uow: UnitOfWork, patient: Patient, kind: CourseKind = CourseKind.AUTOLOGOUS_HSCT):
    return courses.start_course(
        uow,
        patient_id=patient.id,
        kind=kind,
        protocol_id="auto-hsct-sle",
        start_date=date(2026, 1, 5),
        by=ACTOR,
        now=NOW,
    )
