"""A seeded clinic for API and browser tests: two centres, a user per role, synthetic patients.

Every name and number here is invented; the scans for identifiers look for exactly these.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from lupus_sct.bootstrap import Platform, bootstrap
from lupus_sct.config import Settings
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.pathway.course import CourseKind, EventKind, Infusion
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.people import Role, Sex
from lupus_sct.http.context import SESSION_COOKIE
from lupus_sct.server import create_app
from lupus_sct.services.accounts import sign_in as auth
from lupus_sct.services.clinic import clinical_records, courses, patients
from support import NOW

PASSWORD = "correct horse battery staple"
SEED_ACTOR = "test:seed"
IDENTIFIERS = ("Synthetica", "Alicia", "HN-SYN-0001", "Othercentre", "Roberta", "HN-SYN-0002")
ROLES = tuple(Role)


class FixedClock:
    """The test's "now"."""

    def __init__(self, now: datetime = NOW) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


@dataclasses.dataclass
class Clinic:
    """The app and the ids of what was seeded."""

    app: FastAPI
    platform: Platform
    centre_a: str
    centre_b: str
    patient_a: str
    patient_b: str
    course_a: str
    course_b: str
    lab_a: str
    lab_b: str
    usernames: dict[Role, str]

    def client(self, role: Role | None, *, secure: bool = False) -> TestClient:
        """A client signed in as the centre-A user of ``role`` (anonymous if None)."""
        base = "https://testserver" if secure else "http://testserver"
        client = TestClient(self.app, base_url=base)
        if role is not None:
            result = auth.sign_in(
                self.platform.uow(),
                username=self.usernames[role],
                password=PASSWORD,
                hasher=self.platform.hasher,
                now=self.platform.clock.now(),
            )
            client.cookies.set(SESSION_COOKIE, result.session_secret)
            client.headers["X-CSRF-Token"] = auth.csrf_token(result.session_secret)
        return client


def _seed_patient(uow, centre_id: str, names: tuple[str, str, str], pseudonym: str):  # type: ignore[no-untyped-def]
    patient = patients.enrol_patient(
        uow,
        centre_id=centre_id,
        sex=Sex.FEMALE,
        birth_date=date(1990, 4, 12),
        identity=patients.IdentityDetails(*names),
        pseudonym=pseudonym,
        by=SEED_ACTOR,
        now=NOW,
    )
    course = courses.start_course(
        uow,
        patient_id=patient.id,
        kind=CourseKind.AUTOLOGOUS_HSCT,
        protocol_id="auto-hsct-sle",
        start_date=date(2026, 1, 5),
        by=SEED_ACTOR,
        now=NOW,
    )
    courses.record_course_event(
        uow,
        course_id=course.id,
        kind=EventKind.INFUSION,
        event_date=date(2026, 3, 2),
        details=Infusion(cd34_x10e6_per_kg=4.2),
        by=SEED_ACTOR,
        now=NOW,
    )
    clinical_records.record_assessment(
        uow,
        Assessment(
            id=patients.new_id(),
            patient_id=patient.id,
            visit_date=date(2026, 2, 20),
            sledai_descriptors=(SledaiDescriptor.ARTHRITIS, SledaiDescriptor.RASH),
            pga=1.0,
        ),
        by=SEED_ACTOR,
        now=NOW,
    )
    lab = clinical_records.record_lab(
        uow,
        LabResult(
            id=patients.new_id(),
            patient_id=patient.id,
            loinc_code="777-3",
            value=180.0,
            unit="10*3/uL",
            collected_at=datetime(2026, 3, 20, 8, 0, tzinfo=UTC),
            reference_low=150.0,
            reference_high=400.0,
        ),
        by=SEED_ACTOR,
        now=NOW,
    )
    return patient, course, lab


def build_clinic(database_url: str) -> Clinic:
    """Migrate ``database_url``, seed it and build the app with a fixed clock."""
    settings = Settings(database_url=database_url)
    platform = dataclasses.replace(bootstrap(settings), clock=FixedClock())  # type: ignore[arg-type]
    platform.upgrade_schema()
    with platform.uow() as uow:
        a = patients.create_centre(
            uow, code="NWU", name="North West Unit", country="GB", by=SEED_ACTOR, now=NOW
        )
        b = patients.create_centre(
            uow, code="SEL", name="South East Lupus", country="GB", by=SEED_ACTOR, now=NOW
        )
        pa, ca, la = _seed_patient(uow, a.id, IDENTIFIERS[:3], "NWU-SYN01")
        pb, cb, lb = _seed_patient(uow, b.id, IDENTIFIERS[3:], "SEL-SYN02")
        usernames = {}
        password_hash = platform.hasher.hash(PASSWORD)
        for role in ROLES:
            centre_ids = () if role in (Role.ADMIN, Role.AUDITOR) else (a.id,)
            user = patients.create_user(
                uow,
                username=f"{role.value.replace('_', '-')}-a",
                display_name=f"Test {role.value}",
                role=role,
                centre_ids=centre_ids,
                password_hash=password_hash,
                by=SEED_ACTOR,
                now=NOW,
            )
            usernames[role] = user.username
        uow.commit()
    app = create_app(settings, platform)
    return Clinic(app, platform, a.id, b.id, pa.id, pb.id, ca.id, cb.id, la.id, lb.id, usernames)


def sqlite_clinic(folder: Path) -> Clinic:
    """A clinic in a fresh SQLite file."""
    return build_clinic(f"sqlite:///{folder / 'clinic.db'}")
