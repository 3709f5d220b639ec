"""The de-identified export keeps no free text that no tested rule vouches for (#15, finding 10).

The probe typed a relative's name, a hospital and a home town into free-text and term fields;
the identifier scrubber knew none of them (they belong to no patient's identity), so they
survived. Now only coded values leave: these strings, all invented, must appear nowhere.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.pathway.course import CourseKind, CourseStatus, TherapyCourse
from lupus_sct.domain.records.adverse_events import AdverseEvent, Attribution
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route
from lupus_sct.domain.records.outcomes import FollowUpTimepoint
from lupus_sct.interop.deidentify import (
    DeidentificationKey,
    deidentified_tables,
    write_deidentified,
)
from lupus_sct.interop.table_export import TABLE_SOURCES, tidy_tables
from lupus_sct.services.clinic import clinical_records, record_updates
from lupus_sct.services.clinic.patients import new_id
from lupus_sct.services.exports.stored_records import read_stored_records
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_centre
from unit.interop.fhir_synthetic import seed_full_record

KEY = DeidentificationKey(b"synthetic-test-key-0123456789abcdef")
RELATIVE = "wife Maria Lopez informed"
HOSPITAL = "Saint Hildegard Infirmary"
HOME_TOWN = "Little Snoring"
PROBE = (RELATIVE, "Maria", "Lopez", HOSPITAL, "Hildegard", HOME_TOWN, "Snoring")


def _event(patient_id: str, term: str) -> AdverseEvent:
    return AdverseEvent(
        new_id(), patient_id, None, term, 1, date(2026, 2, 3), False, Attribution.UNLIKELY
    )


def _planted(uow: MemoryUnitOfWork) -> None:
    patient = seed_full_record(uow, seed_centre(uow))
    # Stored before terms were coded (the input below refuses them now): kept, never exported.
    uow.adverse_events.add(_event(patient.id, f"Nausea - {RELATIVE}"))
    uow.adverse_events.add(_event(patient.id, f"fell at home in {HOME_TOWN}"))
    clinical_records.record_adverse_event(uow, _event(patient.id, "Nausea"), by=ACTOR, now=NOW)
    course = TherapyCourse(
        new_id(),
        patient.id,
        CourseKind.CAR_T,
        f"car-t at {HOSPITAL}",
        CourseStatus.ACTIVE,
        date(2025, 9, 1),
    )
    record_updates.add_course(uow, course, by=ACTOR, now=NOW)
    uow.follow_ups.add(FollowUpTimepoint(new_id(), course.id, f"call {RELATIVE}", 30, 7, 7))
    uow.follow_ups.add(FollowUpTimepoint(new_id(), course.id, "day +100", 100, 14, 14))
    drug = MedicationExposure(
        new_id(),
        patient.id,
        f"trial drug from {HOSPITAL}",
        "1000002",
        DrugClass.OTHER,
        1.0,
        "g",
        Route.ORAL,
        Frequency.DAILY,
        date(2025, 1, 1),
    )
    clinical_records.record_medication(uow, drug, by=ACTOR, now=NOW)


@pytest.fixture
def exported(tmp_path: Path) -> dict[str, pl.DataFrame]:
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        _planted(uow)
        uow.commit()
    with MemoryUnitOfWork(database) as uow:
        tables = tidy_tables(read_stored_records(uow, TABLE_SOURCES))
        identities = uow.identities.find()
    clean = deidentified_tables(tables, identities=identities, key=KEY, as_of=NOW.date())
    write_deidentified(clean, tmp_path, "csv", min_cell=1)
    return clean | {"__files__": pl.DataFrame({"text": [_all_text(tmp_path)]})}


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()))


def test_a_name_hospital_or_home_town_typed_into_free_text_is_in_no_exported_file(
    exported: dict[str, pl.DataFrame],
) -> None:
    text = exported["__files__"]["text"].item().lower()
    for value in PROBE:
        assert value.lower() not in text, value


def test_adverse_event_terms_leave_coded_and_a_typed_term_leaves_as_uncoded(
    exported: dict[str, pl.DataFrame],
) -> None:
    terms = exported["adverse_events"]["ctcae_term"].to_list()
    # seed_full_record records "Febrile neutropenia" and "Fatigue" (CTCAE v5.0 terms)
    assert sorted(terms) == sorted(
        ["Febrile neutropenia", "Fatigue", "Nausea", "uncoded", "uncoded"]
    )


def test_schedule_labels_are_kept_and_a_typed_label_is_withheld(
    exported: dict[str, pl.DataFrame],
) -> None:
    assert set(exported["follow_ups"]["label"].to_list()) >= {"day +100", None}


def test_a_typed_adverse_event_term_is_refused_on_input() -> None:
    with MemoryUnitOfWork(MemoryDatabase()) as uow:
        patient = seed_full_record(uow, seed_centre(uow))
        with pytest.raises(InvalidValueError) as refused:
            clinical_records.record_adverse_event(
                uow, _event(patient.id, f"Nausea - {RELATIVE}"), by=ACTOR, now=NOW
            )
    assert refused.value.field == "adverse_event.ctcae_term"
    assert "CTCAE v5.0 term" in refused.value.accepted
