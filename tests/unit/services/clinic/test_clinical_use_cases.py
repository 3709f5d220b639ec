"""Use cases check what only stored records can tell, on the in-memory store."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lupus_sct.domain.errors import InvalidValueError, PathwayOrderError
from lupus_sct.domain.pathway.course import CourseKind, EventKind, Infusion, Referral
from lupus_sct.domain.records.adverse_events import AdverseEvent, Attribution, GvhdEpisode, GvhdKind
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.people import Role, Sex
from lupus_sct.services.accounts import users as accounts
from lupus_sct.services.clinic import clinical_records, courses, patients
from lupus_sct.services.errors import DuplicateError, NotFoundError
from lupus_sct.store.memory import MemoryUnitOfWork
from support import ACTOR, NOW, seed_course, seed_patient


class _PlainHasher:
    def hash(self, password: str) -> str:
        return "plain$" + password

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "plain$" + password


def test_a_lab_collected_in_the_future_is_refused() -> None:
    with MemoryUnitOfWork() as uow:
        patient = seed_patient(uow)
        lab = LabResult("l", patient.id, "718-7", 11.0, "g/dL", datetime(2026, 6, 2, tzinfo=UTC))
        with pytest.raises(InvalidValueError, match="collected_at: '2026-06-02T00:00:00\\+00:00'"):
            clinical_records.record_lab(uow, lab, by=ACTOR, now=NOW)


def test_a_lab_before_birth_is_refused() -> None:
    with MemoryUnitOfWork() as uow:
        patient = seed_patient(uow)
        lab = LabResult("l", patient.id, "718-7", 11.0, "g/dL", datetime(1980, 1, 1, tzinfo=UTC))
        with pytest.raises(InvalidValueError, match="a date between birth \\(1990-04-12\\)"):
            clinical_records.record_lab(uow, lab, by=ACTOR, now=NOW)


def test_a_lab_for_an_unknown_patient_is_refused() -> None:
    with MemoryUnitOfWork() as uow:
        lab = LabResult("l", "ghost", "718-7", 11.0, "g/dL", datetime(2026, 1, 1, tzinfo=UTC))
        with pytest.raises(NotFoundError, match="no patient with id 'ghost'"):
            clinical_records.record_lab(uow, lab, by=ACTOR, now=NOW)


def test_an_event_cannot_name_another_patients_course() -> None:
    with MemoryUnitOfWork() as uow:
        first = seed_patient(uow)
        second = seed_patient(uow, uow.centres.find()[0])
        course = seed_course(uow, first)
        event = AdverseEvent(
            "ae",
            second.id,
            course.id,
            "Febrile neutropenia",
            3,
            date(2026, 2, 10),
            True,
            Attribution.PROBABLE,
        )
        with pytest.raises(InvalidValueError, match="a course of the same patient"):
            clinical_records.record_adverse_event(uow, event, by=ACTOR, now=NOW)


def test_gvhd_belongs_to_an_allogeneic_course_only() -> None:
    with MemoryUnitOfWork() as uow:
        patient = seed_patient(uow)
        auto = seed_course(uow, patient, CourseKind.AUTOLOGOUS_HSCT)
        episode = GvhdEpisode("g", patient.id, auto.id, GvhdKind.ACUTE, date(2026, 3, 1), 2)
        with pytest.raises(InvalidValueError, match="an allogeneic HSCT course"):
            clinical_records.record_gvhd(uow, episode, by=ACTOR, now=NOW)


def test_a_patient_dies_only_once() -> None:
    with MemoryUnitOfWork() as uow:
        patient = seed_patient(uow)

        def death(event_id: str) -> OutcomeEvent:
            return OutcomeEvent(
                event_id, patient.id, None, OutcomeKind.DEATH, date(2026, 5, 1), "sepsis"
            )

        clinical_records.record_outcome(uow, death("o1"), by=ACTOR, now=NOW)
        with pytest.raises(InvalidValueError, match="one death per patient"):
            clinical_records.record_outcome(uow, death("o2"), by=ACTOR, now=NOW)


def test_a_course_event_in_the_future_or_out_of_order_is_refused() -> None:
    with MemoryUnitOfWork() as uow:
        course = seed_course(uow, seed_patient(uow))
        with pytest.raises(InvalidValueError, match="a date not in the future"):
            courses.record_course_event(
                uow,
                course_id=course.id,
                kind=EventKind.INFUSION,
                event_date=date(2026, 7, 1),
                details=Infusion(),
                by=ACTOR,
                now=NOW,
            )
        courses.record_course_event(
            uow,
            course_id=course.id,
            kind=EventKind.INFUSION,
            event_date=date(2026, 2, 6),
            details=Infusion(),
            by=ACTOR,
            now=NOW,
        )
        with pytest.raises(PathwayOrderError, match="referral on 2026-03-01 cannot be dated after"):
            courses.record_course_event(
                uow,
                course_id=course.id,
                kind=EventKind.REFERRAL,
                event_date=date(2026, 3, 1),
                details=Referral("Dr Synthetic"),
                by=ACTOR,
                now=NOW,
            )


def test_an_enrolled_patient_gets_a_pseudonym_from_the_centre_code() -> None:
    with MemoryUnitOfWork() as uow:
        patient = seed_patient(uow)
    assert patient.pseudonym.startswith("NWU-")
    assert patient.sex is Sex.FEMALE


def test_only_one_first_administrator_is_created() -> None:
    with MemoryUnitOfWork() as uow:
        admin = accounts.create_first_admin(
            uow,
            username="admin",
            password="correct horse",
            hasher=_PlainHasher(),
            by=ACTOR,
            now=NOW,
        )
        assert admin.role is Role.ADMIN
        assert admin.password_hash == "plain$correct horse"
        with pytest.raises(DuplicateError, match="administrator"):
            accounts.create_first_admin(
                uow, username="root", password="x" * 12, hasher=_PlainHasher(), by=ACTOR, now=NOW
            )


def test_a_clinician_must_belong_to_an_existing_centre() -> None:
    with MemoryUnitOfWork() as uow, pytest.raises(NotFoundError, match="no centre"):
        patients.create_user(
            uow,
            username="dr.who",
            display_name="Dr Who",
            role=Role.CLINICIAN,
            centre_ids=("nowhere",),
            password_hash="x",
            by=ACTOR,
            now=NOW,
        )


def test_the_disease_course_is_aligned_at_the_latest_infusion() -> None:
    from lupus_sct.domain.records.assessment import Assessment
    from lupus_sct.services.views.disease_course import patient_disease_course
    from lupus_sct.store.memory import MemoryDatabase

    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        patient = seed_patient(uow)
        course = seed_course(uow, patient, CourseKind.MSC)
        courses.record_course_event(
            uow,
            course_id=course.id,
            kind=EventKind.INFUSION,
            event_date=date(2026, 2, 6),
            details=Infusion(),
            by=ACTOR,
            now=NOW,
        )
        clinical_records.record_assessment(
            uow,
            Assessment("a", patient.id, date(2026, 3, 8), sledai_descriptors=(), pga=0.0),
            by=ACTOR,
            now=NOW,
        )
        uow.commit()
    result = patient_disease_course(MemoryUnitOfWork(database), patient.id, as_of=date(2026, 5, 1))
    assert result.day0 == date(2026, 2, 6)
    assert [v.day for v in result.visits] == [30]  # 8 March is day +30 after 6 February
    assert result.visits[0].doris_remission is True  # clinical SLEDAI 0, PGA 0 <0.5, no steroid


@pytest.mark.parametrize(
    ("length", "accepted"),
    [(63, True), (courses.MAX_PROTOCOL_ID_LENGTH, True), (65, False)],
)
def test_a_protocol_id_longer_than_its_64_character_column_is_refused_before_the_store(
    length: int, accepted: bool
) -> None:
    # store/schema.py keeps every *_id in VARCHAR(64): PostgreSQL raised a DataError (a 500)
    # on a longer one where SQLite stored it; the issue #15 fuzz found it with 100 'Å'.
    with MemoryUnitOfWork() as uow:
        patient = seed_patient(uow)
        start = {
            "patient_id": patient.id,
            "kind": CourseKind.AUTOLOGOUS_HSCT,
            "protocol_id": "p" * length,
            "start_date": date(2026, 1, 5),
            "by": ACTOR,
            "now": NOW,
        }
        if accepted:
            assert courses.start_course(uow, **start).protocol_id == "p" * length
        else:
            with pytest.raises(InvalidValueError, match="1-64 characters"):
                courses.start_course(uow, **start)
