"""Export, import into an empty database, export again: the same Bundle (issue #9, Done when).

The source record is built in the in-memory store; the empty database is the parametrised
backend (memory, SQLite, PostgreSQL), so the SQL read and write paths are both exercised.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from lupus_sct.domain.records.people import Patient
from lupus_sct.interop.fhir import ImportStatus, bundle_json, export_patient_bundle, import_bundle
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_centre
from unit.interop.fhir_synthetic import seed_full_record


def _source() -> tuple[MemoryDatabase, Patient]:
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        patient = seed_full_record(uow)
        uow.commit()
    return database, patient


def _export(uow: UnitOfWork, patient_id: str, *, include_identity: bool) -> str:
    with uow:
        return bundle_json(
            export_patient_bundle(
                read_patient_records(uow, patient_id, include_identity=include_identity)
            )
        )


@pytest.mark.parametrize("include_identity", [False, True])
def test_export_then_import_into_an_empty_database_then_export_gives_the_same_bundle(
    uow_factory: Callable[[], UnitOfWork], include_identity: bool
) -> None:
    source, patient = _source()
    first = _export(MemoryUnitOfWork(source), patient.id, include_identity=include_identity)
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    with uow_factory() as uow:
        report = import_bundle(uow, json.loads(first), centre_code="NWU", by=ACTOR, now=NOW)
    assert report.written
    assert {o.status for o in report.outcomes} == {ImportStatus.ACCEPTED}
    second = _export(uow_factory(), patient.id, include_identity=include_identity)
    assert second == first


def test_the_round_trip_carries_every_exported_resource_type(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    source, patient = _source()
    bundle = json.loads(_export(MemoryUnitOfWork(source), patient.id, include_identity=False))
    types = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert types == {
        "Patient",
        "Condition",
        "EpisodeOfCare",
        "Procedure",
        "Observation",
        "MedicationStatement",
        "AdverseEvent",
    }
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    with uow_factory() as uow:
        import_bundle(uow, bundle, centre_code="NWU", by=ACTOR, now=NOW)
    with uow_factory() as uow:
        course = uow.courses.find(patient_id=patient.id)[0]
        events = uow.course_events.find(course_id=course.id)
    with MemoryUnitOfWork(source) as uow:
        original = uow.courses.get(course.id)
        procedures = [e for e in uow.course_events.find(course_id=course.id) if e.kind.stage > 2]
    assert course.day0 == original.day0
    assert course.status is original.status
    exported = [e for e in procedures if e.kind.value != "engraftment"]
    assert sorted(e.id for e in events) == sorted(e.id for e in exported)
    assert {e.id: e.details for e in events} == {e.id: e.details for e in exported}


def test_importing_the_same_bundle_again_changes_nothing(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    source, patient = _source()
    first = _export(MemoryUnitOfWork(source), patient.id, include_identity=True)
    with uow_factory() as uow:
        seed_centre(uow)
        uow.commit()
    with uow_factory() as uow:
        import_bundle(uow, json.loads(first), centre_code="NWU", by=ACTOR, now=NOW)
    with uow_factory() as uow:
        entries_before = len(list(uow.audit.entries()))
    with uow_factory() as uow:
        again = import_bundle(uow, json.loads(first), centre_code="NWU", by=ACTOR, now=NOW)
    assert {(o.status, o.reason) for o in again.outcomes} == {
        (ImportStatus.UPDATED, "unchanged: nothing written")
    }
    with uow_factory() as uow:
        assert len(list(uow.audit.entries())) == entries_before
    assert _export(uow_factory(), patient.id, include_identity=True) == first
