"""Every path that writes a patient, an identity, a course or a pathway event refuses alike.

Issue #16: one write check per entity, used by every path that writes it; the same for the rule
that a correction keeps a record with its patient and a pathway event in its course. Expected
refusals are built from the rules the checks cite: a birth date not after today
(domain/records/people.py), one pseudonym per patient, one hospital number per patient and centre
(services/clinic/hospital_numbers.py), the 64-character id column (store/schema.py), an event
not in the future nor before its course started (domain/pathway/course.py). Synthetic data only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError, PathwayOrderError
from lupus_sct.domain.pathway.course import CourseEvent
from lupus_sct.domain.records.adverse_events import (
    GvhdEpisode,
    GvhdKind,
    Infection,
    InfectionKind,
)
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.people import Patient, PatientIdentity
from lupus_sct.domain.records.transfusions import BloodProduct, Transfusion
from lupus_sct.interop.fhir.adverse_events import adverse_event_resource
from lupus_sct.interop.fhir.courses import course_resource, event_resource
from lupus_sct.interop.fhir.medications import medication_resource
from lupus_sct.interop.fhir.observations import lab_resource, sledai_resource
from lupus_sct.interop.fhir.people import condition_resource, patient_resource
from lupus_sct.services.clinic import clinical_records, courses, patients, record_updates
from lupus_sct.services.clinic.hospital_numbers import HospitalNumberTakenError
from lupus_sct.services.clinic.patients import IdentityDetails
from lupus_sct.services.errors import DuplicateError
from lupus_sct.store.memory import MemoryUnitOfWork
from unit.services.clinic.write_paths import (
    ACTOR,
    BEFORE_BIRTH,
    BETWEEN_BIRTH_AND_TODAY,
    NOW,
    REASON,
    TOMORROW,
    Path,
    Seeded,
    fhir_refusal,
    refusal,
    seed_records,
    table_refusal,
    under_new_id,
)

NEW_PSEUDONYM = "NWU-NEW1"
TAKEN_NUMBER = "H0000001"  # the hospital number support.seed_patient gave the first patient


@pytest.fixture
def seeded() -> Seeded:
    return seed_records()


def _fresh(patient: Patient) -> Patient:
    return dataclasses.replace(patient, id="new-id", pseudonym=NEW_PSEUDONYM, version=0)


def _enrol(uow: MemoryUnitOfWork, p: Patient, identity: IdentityDetails | None = None) -> Any:
    return patients.enrol_patient(
        uow,
        centre_id=p.centre_id,
        sex=p.sex,
        birth_date=p.birth_date,
        identity=identity,
        pseudonym=p.pseudonym,
        by=ACTOR,
        now=NOW,
    )


def _patient_fhir(uow: MemoryUnitOfWork, p: Patient, identity: PatientIdentity | None) -> str:
    return fhir_refusal(uow, patient_resource(p, uow.centres.get(p.centre_id), identity))


def _patient_row(p: Patient) -> dict[str, Any]:
    return {"pseudonym": p.pseudonym, "sex": p.sex, "birth_date": p.birth_date}


PATIENT_PATHS: dict[str, Path] = {
    "enrol_patient": lambda uow, p: refusal(lambda: _enrol(uow, _fresh(p))),
    "add_patient": lambda uow, p: refusal(
        lambda: record_updates.add_patient(uow, _fresh(p), by=ACTOR, now=NOW)
    ),
    "correct_patient": lambda uow, p: refusal(
        lambda: patients.correct_patient(uow, p, reason=REASON, by=ACTOR, now=NOW)
    ),
    "correct_patient_record": lambda uow, p: refusal(
        lambda: record_updates.correct_patient_record(uow, p, reason=REASON, by=ACTOR, now=NOW)
    ),
    "table import": lambda uow, p: table_refusal(uow, "patients", _patient_row(_fresh(p))),
    "table import, matched": lambda uow, p: table_refusal(uow, "patients", _patient_row(p)),
    "FHIR import": lambda uow, p: _patient_fhir(uow, _fresh(p), None),
    "FHIR re-import": lambda uow, p: _patient_fhir(uow, p, None),
}


@pytest.mark.parametrize("path", PATIENT_PATHS)
def test_every_patient_write_refuses_a_birth_date_after_today(seeded: Seeded, path: str) -> None:
    expected = InvalidValueError(
        "patient.birth_date", "2026-06-02", "a date on or before 2026-06-01"
    )
    with MemoryUnitOfWork(seeded.database) as uow:
        patient = dataclasses.replace(uow.patients.get(seeded.bare.id), birth_date=TOMORROW)
        assert PATIENT_PATHS[path](uow, patient) == str(expected)


# A table row naming a stored pseudonym updates that patient: it cannot take another's pseudonym.
PSEUDONYM_PATHS: dict[str, Path] = {
    "enrol_patient": lambda uow, p: refusal(lambda: _enrol(uow, under_new_id(p))),
    "add_patient": lambda uow, p: refusal(
        lambda: record_updates.add_patient(uow, under_new_id(p), by=ACTOR, now=NOW)
    ),
    "correct_patient": PATIENT_PATHS["correct_patient"],
    "correct_patient_record": PATIENT_PATHS["correct_patient_record"],
    "FHIR import": lambda uow, p: _patient_fhir(uow, under_new_id(p), None),
    "FHIR re-import": PATIENT_PATHS["FHIR re-import"],
}


@pytest.mark.parametrize("path", PSEUDONYM_PATHS)
def test_every_patient_write_refuses_a_pseudonym_another_patient_has(
    seeded: Seeded, path: str
) -> None:
    taken = seeded.patient.pseudonym
    expected = DuplicateError("patient", "pseudonym", taken)
    with MemoryUnitOfWork(seeded.database) as uow:
        patient = dataclasses.replace(uow.patients.get(seeded.bare.id), pseudonym=taken)
        assert PSEUDONYM_PATHS[path](uow, patient) == str(expected)


Writer = Callable[[MemoryUnitOfWork, Seeded], str]


def _identity(patient_id: str) -> PatientIdentity:
    return PatientIdentity(patient_id, "Synthetic", "Bob", TAKEN_NUMBER)


def _new_patient_with_taken_number(uow: MemoryUnitOfWork, seeded: Seeded) -> Patient:
    return _fresh(uow.patients.get(seeded.bare.id))


IDENTITY_PATHS: dict[str, Writer] = {
    "enrol_patient": lambda uow, s: refusal(
        lambda: _enrol(
            uow,
            _new_patient_with_taken_number(uow, s),
            IdentityDetails("Synthetic", "Bob", TAKEN_NUMBER),
        )
    ),
    "add_identity": lambda uow, s: refusal(
        lambda: record_updates.add_identity(uow, _identity(s.bare.id), by=ACTOR, now=NOW)
    ),
    "correct_identity": lambda uow, s: refusal(
        lambda: record_updates.correct_identity(
            uow,
            dataclasses.replace(uow.identities.get(s.other.id), hospital_number=TAKEN_NUMBER),
            reason=REASON,
            by=ACTOR,
            now=NOW,
        )
    ),
    "FHIR import": lambda uow, s: _patient_fhir(
        uow, _new_patient_with_taken_number(uow, s), _identity("new-id")
    ),
    "FHIR re-import": lambda uow, s: _patient_fhir(
        uow, uow.patients.get(s.other.id), _identity(s.other.id)
    ),
}


def test_the_table_import_matches_a_taken_hospital_number_to_its_patient_first(
    seeded: Seeded,
) -> None:
    # The table import looks a row's patient up by its hospital number before any write
    # (services/imports/table_matching.py), so a new pseudonym with a taken number is that
    # patient under another pseudonym: refused there, before the identity check is reached.
    expected = InvalidValueError(
        "pseudonym", NEW_PSEUDONYM, "the pseudonym of the patient with this hospital number"
    )
    with MemoryUnitOfWork(seeded.database) as uow:
        row = _patient_row(_new_patient_with_taken_number(uow, seeded)) | {
            "family_name": "Synthetic",
            "given_name": "Bob",
            "hospital_number": TAKEN_NUMBER,
        }
        assert table_refusal(uow, "patients", row) == str(expected)


@pytest.mark.parametrize("path", IDENTITY_PATHS)
def test_every_identity_write_refuses_a_hospital_number_another_patient_of_the_centre_has(
    seeded: Seeded, path: str
) -> None:
    with MemoryUnitOfWork(seeded.database) as uow:
        assert IDENTITY_PATHS[path](uow, seeded) == str(HospitalNumberTakenError())


COURSE_PATHS: dict[str, Path] = {
    "start_course": lambda uow, c: refusal(
        lambda: courses.start_course(
            uow,
            patient_id=c.patient_id,
            kind=c.kind,
            protocol_id=c.protocol_id,
            start_date=c.start_date,
            by=ACTOR,
            now=NOW,
        )
    ),
    "add_course": lambda uow, c: refusal(
        lambda: record_updates.add_course(uow, under_new_id(c), by=ACTOR, now=NOW)
    ),
    "correct_course": lambda uow, c: refusal(
        lambda: record_updates.correct_course(uow, c, reason=REASON, by=ACTOR, now=NOW)
    ),
    "FHIR import": lambda uow, c: fhir_refusal(uow, course_resource(under_new_id(c))),
    "FHIR re-import": lambda uow, c: fhir_refusal(uow, course_resource(c)),
}


@pytest.mark.parametrize("path", COURSE_PATHS)
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"start_date": BEFORE_BIRTH},
            InvalidValueError("course.start_date", "1980-01-01", BETWEEN_BIRTH_AND_TODAY),
        ),
        (
            {"protocol_id": "p" * 65},
            InvalidValueError(
                "course.protocol_id", "p" * 65, "the protocol the course follows (1-64 characters)"
            ),
        ),
    ],
    ids=["start before birth", "protocol id over its 64-character column"],
)
def test_every_course_write_refuses_a_start_before_birth_or_an_overlong_protocol_id(
    seeded: Seeded, path: str, changes: dict[str, Any], expected: Exception
) -> None:
    with MemoryUnitOfWork(seeded.database) as uow:
        course = dataclasses.replace(uow.courses.get(seeded.course_id), **changes)
        assert COURSE_PATHS[path](uow, course) == str(expected)


def _event_fhir(uow: MemoryUnitOfWork, event: CourseEvent) -> str:
    return fhir_refusal(uow, event_resource(event, uow.courses.get(event.course_id)))


EVENT_PATHS: dict[str, Path] = {
    "record_course_event": lambda uow, e: refusal(
        lambda: courses.record_course_event(
            uow,
            course_id=e.course_id,
            kind=e.kind,
            event_date=e.event_date,
            details=e.details,
            by=ACTOR,
            now=NOW,
        )
    ),
    "add_course_event": lambda uow, e: refusal(
        lambda: record_updates.add_course_event(uow, under_new_id(e), by=ACTOR, now=NOW)
    ),
    "correct_course_event": lambda uow, e: refusal(
        lambda: record_updates.correct_course_event(uow, e, reason=REASON, by=ACTOR, now=NOW)
    ),
    "FHIR import": lambda uow, e: _event_fhir(uow, under_new_id(e)),
    "FHIR re-import": lambda uow, e: _event_fhir(uow, e),
}


@pytest.mark.parametrize("path", EVENT_PATHS)
@pytest.mark.parametrize(
    ("event_date", "expected"),
    [
        (
            TOMORROW,
            InvalidValueError(
                "event[apheresis].event_date", "2026-06-02", "a date not in the future"
            ),
        ),
        (
            date(2026, 1, 1),  # the course started on 5 January (write_paths.seed_records)
            PathwayOrderError("apheresis on 2026-01-01 is before the course started (2026-01-05)"),
        ),
    ],
    ids=["in the future", "before the course started"],
)
def test_every_pathway_event_write_refuses_a_date_in_the_future_or_before_the_course(
    seeded: Seeded, path: str, event_date: date, expected: Exception
) -> None:
    with MemoryUnitOfWork(seeded.database) as uow:
        event = dataclasses.replace(uow.course_events.get("event-1"), event_date=event_date)
        assert EVENT_PATHS[path](uow, event) == str(expected)


@dataclasses.dataclass(frozen=True)
class _Owned:
    entity: str
    read: Callable[[MemoryUnitOfWork, Seeded], Any]
    correct: Callable[..., Any]
    resource: Callable[[Any], dict[str, Any]]


OWNED = {
    "lab": _Owned(
        "lab_result", lambda u, s: u.labs.get("lab-1"), record_updates.correct_lab, lab_resource
    ),
    "assessment": _Owned(
        "assessment",
        lambda u, s: u.assessments.get("visit-1"),
        record_updates.correct_assessment,
        sledai_resource,
    ),
    "medication": _Owned(
        "medication",
        lambda u, s: u.medications.get("med-1"),
        record_updates.correct_medication,
        medication_resource,
    ),
    "adverse event": _Owned(
        "adverse_event",
        lambda u, s: u.adverse_events.get("ae-1"),
        record_updates.correct_adverse_event,
        adverse_event_resource,
    ),
    "diagnosis": _Owned(
        "diagnosis",
        lambda u, s: u.diagnoses.find(patient_id=s.patient.id)[0],
        record_updates.correct_diagnosis,
        condition_resource,
    ),
    "course": _Owned(
        "course",
        lambda u, s: u.courses.get(s.course_id),
        record_updates.correct_course,
        course_resource,
    ),
}


@pytest.mark.parametrize("path", ["correction", "FHIR re-import"])
@pytest.mark.parametrize("kind", OWNED)
def test_no_correction_moves_a_record_to_another_patient(
    seeded: Seeded, kind: str, path: str
) -> None:
    owned = OWNED[kind]
    expected = InvalidValueError(
        f"{owned.entity}.patient_id",
        seeded.other.id,
        f"the patient it belongs to ({seeded.patient.id})",
    )
    with MemoryUnitOfWork(seeded.database) as uow:
        moved = dataclasses.replace(owned.read(uow, seeded), patient_id=seeded.other.id)
        if path == "correction":
            found = refusal(lambda: owned.correct(uow, moved, reason=REASON, by=ACTOR, now=NOW))
        else:
            found = fhir_refusal(uow, owned.resource(moved))
        assert found == str(expected)


@pytest.mark.parametrize("path", ["correct_course_event", "FHIR re-import"])
def test_no_correction_moves_a_pathway_event_to_another_course(seeded: Seeded, path: str) -> None:
    expected = InvalidValueError(
        "course_event.course_id", seeded.other_course_id, f"its course ({seeded.course_id})"
    )
    with MemoryUnitOfWork(seeded.database) as uow:
        moved = dataclasses.replace(
            uow.course_events.get("event-1"), course_id=seeded.other_course_id
        )
        assert EVENT_PATHS[path](uow, moved) == str(expected)


def _other_patients_course(seeded: Seeded) -> dict[str, Callable[[MemoryUnitOfWork], Any]]:
    patient_id, course_id = seeded.patient.id, seeded.other_course_id
    on = date(2026, 2, 12)
    return {
        "infection": lambda uow: clinical_records.record_infection(
            uow,
            Infection("i", patient_id, course_id, InfectionKind.VIRAL, "CMV", "blood", on),
            by=ACTOR,
            now=NOW,
        ),
        "gvhd": lambda uow: clinical_records.record_gvhd(
            uow, GvhdEpisode("g", patient_id, course_id, GvhdKind.ACUTE, on, 2), by=ACTOR, now=NOW
        ),
        "outcome": lambda uow: clinical_records.record_outcome(
            uow,
            OutcomeEvent("o", patient_id, course_id, OutcomeKind.RELAPSE_OR_FLARE, on),
            by=ACTOR,
            now=NOW,
        ),
        "transfusion": lambda uow: clinical_records.record_transfusion(
            uow,
            Transfusion("t", patient_id, course_id, BloodProduct.PLATELETS, on),
            by=ACTOR,
            now=NOW,
        ),
    }


@pytest.mark.parametrize("record", ["infection", "gvhd", "outcome", "transfusion"])
def test_a_record_written_by_one_path_only_still_refuses_another_patients_course(
    seeded: Seeded, record: str
) -> None:
    expected = InvalidValueError(
        "course_id", seeded.other_course_id, "a course of the same patient"
    )
    with MemoryUnitOfWork(seeded.database) as uow:
        write = _other_patients_course(seeded)[record]
        assert refusal(lambda: write(uow)) == str(expected)
