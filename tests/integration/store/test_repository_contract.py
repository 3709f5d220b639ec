"""One contract for every unit of work: the in-memory fake, SQLite, PostgreSQL, and the staged one.

The same tests run against each (the ``each_uow_factory`` fixture: every store, and the staged
unit of work of a FHIR import over every store): create, read, update, a stale update refused,
and a failure mid-transaction leaving nothing half-written. Where the staged one differs (when
the store's own refusals come), test_staged_unit_of_work.py says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.instruments.lupus.slicc_acr_di import SdiItem
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.pathway.course import (
    AgentDose,
    Conditioning,
    CourseKind,
    CourseStatus,
    EventKind,
    Infusion,
    MscSource,
)
from lupus_sct.domain.records.assessment import Assessment, DamageItem, RaJointAssessment
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.people import Patient, Sex
from lupus_sct.services.audit.chain import AuditAction, verify_chain
from lupus_sct.services.clinic import clinical_records, courses, patients
from lupus_sct.services.errors import DuplicateError, NotFoundError, StaleWriteError
from lupus_sct.services.ports import UnitOfWork
from support import ACTOR, NOW, seed_centre, seed_course, seed_patient

UowFactory = Callable[[], UnitOfWork]


def test_a_created_patient_reads_back_equal_at_version_1(each_uow_factory: UowFactory) -> None:
    with each_uow_factory() as uow:
        created = seed_patient(uow)
        uow.commit()
    with each_uow_factory() as uow:
        read = uow.patients.get(created.id)
        identity = uow.identities.get(created.id)
    assert read == created
    assert read.version == 1
    assert identity.hospital_number == "H0000001"


def test_an_update_bumps_the_version_and_is_audited_with_before_and_after(
    each_uow_factory: UowFactory,
) -> None:
    with each_uow_factory() as uow:
        created = seed_patient(uow)
        uow.commit()
    corrected = dataclasses.replace(created, birth_date=date(1990, 4, 21))
    with each_uow_factory() as uow:
        stored = patients.correct_patient(uow, corrected, reason="typo in day", by=ACTOR, now=NOW)
        uow.commit()
    assert stored.version == 2
    with each_uow_factory() as uow:
        assert uow.patients.get(created.id).birth_date == date(1990, 4, 21)
        last = list(uow.audit.entries())[-1]
    assert last.action is AuditAction.UPDATE
    assert last.before is not None
    assert last.before["birth_date"] == "1990-04-12"
    assert last.after is not None
    assert last.after["birth_date"] == "1990-04-21"
    assert last.reason == "typo in day"
    assert last.actor == ACTOR


def test_a_stale_update_is_refused_and_the_newer_value_kept(each_uow_factory: UowFactory) -> None:
    with each_uow_factory() as uow:
        created = seed_patient(uow)
        uow.commit()
    first = dataclasses.replace(created, birth_date=date(1991, 1, 1))
    second = dataclasses.replace(created, birth_date=date(1992, 2, 2))  # read at version 1 too
    with each_uow_factory() as uow:
        patients.correct_patient(uow, first, reason="first", by=ACTOR, now=NOW)
        uow.commit()
    with each_uow_factory() as uow, pytest.raises(StaleWriteError, match="changed by someone else"):
        patients.correct_patient(uow, second, reason="second", by=ACTOR, now=NOW)
    with each_uow_factory() as uow:
        assert uow.patients.get(created.id).birth_date == date(1991, 1, 1)


def _enrol_then_record_a_death_without_cause(uow: UnitOfWork, centre_id: str) -> None:
    patient = seed_patient(uow, uow.centres.get(centre_id))
    clinical_records.record_outcome(uow, _death(patient.id, detail=""), by=ACTOR, now=NOW)
    uow.commit()


def _enrol_then_make_a_stale_write(uow: UnitOfWork, centre_id: str, stale: Patient) -> None:
    seed_patient(uow, uow.centres.get(centre_id))
    patients.correct_patient(uow, stale, reason="late", by=ACTOR, now=NOW)
    uow.commit()


def test_a_failure_mid_transaction_leaves_nothing_half_written(
    each_uow_factory: UowFactory,
) -> None:
    with each_uow_factory() as uow:
        centre = seed_centre(uow)
        existing = seed_patient(uow, centre)
        uow.commit()
    with each_uow_factory() as uow:
        patients.correct_patient(
            uow, dataclasses.replace(existing, sex=Sex.MALE), reason="r", by=ACTOR, now=NOW
        )
        uow.commit()
    with each_uow_factory() as uow, pytest.raises(InvalidValueError, match="cause of death"):
        _enrol_then_record_a_death_without_cause(uow, centre.id)
    with each_uow_factory() as uow, pytest.raises(StaleWriteError):
        _enrol_then_make_a_stale_write(uow, centre.id, existing)  # existing is at version 1
    with each_uow_factory() as uow:
        assert [p.id for p in uow.patients.find()] == [existing.id]
        assert [i.patient_id for i in uow.identities.find()] == [existing.id]
        entities = [e.entity for e in uow.audit.entries()]
    assert entities == ["centre", "patient", "patient_identity", "patient"]


def test_leaving_the_block_without_commit_discards_the_writes(each_uow_factory: UowFactory) -> None:
    with each_uow_factory() as uow:
        seed_centre(uow)
    with each_uow_factory() as uow:
        assert uow.centres.find() == []
        assert list(uow.audit.entries()) == []


def test_reading_an_unknown_id_names_the_entity(each_uow_factory: UowFactory) -> None:
    with each_uow_factory() as uow, pytest.raises(NotFoundError, match="no patient with id 'nope'"):
        uow.patients.get("nope")


def test_a_duplicate_centre_code_is_refused(each_uow_factory: UowFactory) -> None:
    with each_uow_factory() as uow:
        seed_centre(uow, "NWU")
        uow.commit()
    with each_uow_factory() as uow, pytest.raises(DuplicateError, match="code 'NWU'"):
        seed_centre(uow, "NWU")


def test_tri_state_and_nested_fields_survive_the_round_trip(each_uow_factory: UowFactory) -> None:
    with each_uow_factory() as uow:
        patient = seed_patient(uow)
        assessment = Assessment(
            id="a-1",
            patient_id=patient.id,
            visit_date=date(2026, 3, 1),
            sledai_window_days=10,
            sledai_descriptors=(SledaiDescriptor.RASH, SledaiDescriptor.ARTHRITIS),
            sledai_not_attributed=(SledaiDescriptor.FEVER,),
            pga=Missing.UNKNOWN,
            bilag={BilagDomain.RENAL: BilagGrade.A, BilagDomain.MUCOCUTANEOUS: BilagGrade.C},
            damage_items=(DamageItem(SdiItem.NP_CVA, date(2024, 5, 1), episodes=2),),
            hemolytic_anemia=False,
            ra=RaJointAssessment(tjc28=3, patient_global_mm=Missing.NOT_EVALUATED),
        )
        stored = clinical_records.record_assessment(uow, assessment, by=ACTOR, now=NOW)
        uow.commit()
    with each_uow_factory() as uow:
        read = uow.assessments.get("a-1")
        by_missing = uow.assessments.find(pga=Missing.UNKNOWN)
    assert read == stored
    assert read.pga is Missing.UNKNOWN
    assert read.gi_activity is Missing.NOT_EVALUATED
    assert read.hemolytic_anemia is False
    assert [a.id for a in by_missing] == ["a-1"]


def test_course_events_keep_their_details_and_the_infusion_fixes_day_0(
    each_uow_factory: UowFactory,
) -> None:
    with each_uow_factory() as uow:
        course = seed_course(uow, seed_patient(uow))
        courses.record_course_event(
            uow,
            course_id=course.id,
            kind=EventKind.CONDITIONING,
            event_date=date(2026, 2, 1),
            details=Conditioning(
                (AgentDose("cyclophosphamide", 50, "mg/kg", (-5, -4, -3, -2), "3002"),)
            ),
            by=ACTOR,
            now=NOW,
        )
        courses.record_course_event(
            uow,
            course_id=course.id,
            kind=EventKind.INFUSION,
            event_date=date(2026, 2, 6),
            details=Infusion(cd34_x10e6_per_kg=3.1, viability_pct=97.0),
            by=ACTOR,
            now=NOW,
        )
        uow.commit()
    with each_uow_factory() as uow:
        stored_course = uow.courses.get(course.id)
        events = uow.course_events.find(course_id=course.id)
    assert stored_course.day0 == date(2026, 2, 6)
    assert stored_course.status is CourseStatus.ACTIVE
    assert stored_course.version == 3  # conditioning made it active, the infusion set day 0
    infusion = next(e for e in events if e.kind is EventKind.INFUSION)
    assert infusion.details == Infusion(cd34_x10e6_per_kg=3.1, viability_pct=97.0)
    assert isinstance(
        next(e for e in events if e.kind is EventKind.CONDITIONING).details, Conditioning
    )


def test_every_write_is_in_the_audit_chain_and_the_chain_verifies(
    each_uow_factory: UowFactory,
) -> None:
    with each_uow_factory() as uow:
        patient = seed_patient(uow)
        course = seed_course(uow, patient, CourseKind.MSC)
        courses.record_course_event(
            uow,
            course_id=course.id,
            kind=EventKind.INFUSION,
            event_date=date(2026, 2, 6),
            details=Infusion(cells_x10e6_per_kg=1.0, msc_source=MscSource.UMBILICAL_CORD),
            by=ACTOR,
            now=NOW,
        )
        uow.commit()
    with each_uow_factory() as uow:
        entries = list(uow.audit.entries())
    assert [e.entity for e in entries] == [
        "centre",
        "patient",
        "patient_identity",
        "course",
        "course_event",
        "course",
    ]
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert verify_chain(entries).intact


def _death(patient_id: str, detail: str) -> OutcomeEvent:
    return OutcomeEvent(
        id="o-1",
        patient_id=patient_id,
        course_id=None,
        kind=OutcomeKind.DEATH,
        event_date=date(2026, 5, 1),
        detail=detail,
    )


def test_the_chain_stays_whole_when_units_of_work_interleave_their_commits(
    each_uow_factory: UowFactory,
) -> None:
    first = each_uow_factory()
    with first:
        centre = seed_centre(first, "AAA")
        first.commit()
        with each_uow_factory() as second:
            seed_centre(second, "BBB")
            second.commit()
        seed_patient(first, centre)  # must chain after BBB's entry, not after AAA's
        first.commit()
    with each_uow_factory() as uow:
        entries = list(uow.audit.entries())
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert verify_chain(entries).intact
