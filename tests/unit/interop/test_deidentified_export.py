"""A scan of the de-identified export finds none of the 18 Safe Harbor identifier types.

Identifiers are planted in synthetic patients (names, hospital numbers, e-mail addresses,
telephone numbers, a street address and postcode, exact birth dates, an age over 89, URLs, IP
addresses, a social security number, dates in free text); every exported file is then scanned
for each planted value and with a regular expression per identifier type of 45 CFR
164.514(b)(2)(i)(A)-(R). All people, numbers and addresses are invented (the 0161 496 0xxx
range and example.com/.org/.net domains are reserved for fiction and documentation).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from lupus_sct.domain.pathway.course import (
    CourseEvent,
    CourseKind,
    CourseStatus,
    EventKind,
    Referral,
    TherapyCourse,
)
from lupus_sct.domain.records.adverse_events import (
    AdverseEvent,
    Attribution,
    Infection,
    InfectionKind,
)
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route
from lupus_sct.domain.records.outcomes import FollowUpTimepoint, OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.people import Patient, PatientIdentity, Sex
from lupus_sct.interop.deidentify import (
    DeidentificationKey,
    deidentified_tables,
    write_deidentified,
)
from lupus_sct.interop.table_export import TABLE_SOURCES, tidy_tables, write_tables
from lupus_sct.services.clinic import clinical_records, patients, record_updates
from lupus_sct.services.clinic.patients import IdentityDetails, new_id
from lupus_sct.services.exports.stored_records import read_stored_records
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_centre
from unit.interop.fhir_synthetic import seed_full_record

SECRET = b"synthetic-test-key-0123456789abcdef"
AS_OF = NOW.date()
PHONE = "0161 496 0123"
EMAIL = "alicia.smithson@example.com"
URL = "https://hospital.example.org/patients/7654321"
WEB = "www.trial-example.net"
IP_1, IP_2 = "192.168.10.24", "10.20.30.40"
SSN = "123-45-6789"
ADDRESS, POSTCODE = "14 Acacia Avenue", "M5 4WT"
BIRTH_DATES = {"A": date(1990, 4, 12), "B": date(1931, 7, 4), "C": date(1975, 9, 30)}
IDENTITIES = {
    "A": IdentityDetails("Smithson", "Alicia", "H7654321"),
    "B": IdentityDetails("Okonkwo", "Beatrice", "H1112223"),
    "C": IdentityDetails("Lindqvist", "Sven", "H5550001"),
}
SAFE_HARBOR_PATTERNS = {
    "(F) e-mail address": r"[\w.+-]+@[\w-]+\.[\w.]+",
    "(N) URL": r"https?://|www\.|\.(com|org|net)\b",
    "(O) IP address": r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b",
    "(D)(E) telephone or fax number": r"\b\d{3,5}[ -]\d{3}[ -]\d{4}\b",
    "(G) social security number": r"\b\d{3}-\d{2}-\d{4}\b",
    "(C) a date written day/month/year": r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    "(B) UK postcode": r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b",
    "(A) a title before a name": r"\b(Dr|Mr|Mrs|Ms)\.?\s+[A-Z][a-z]+",
}


def _planted(uow: UnitOfWork) -> dict[str, Patient]:
    centre = seed_centre(uow)
    people = {"A": seed_full_record(uow, centre)}
    record_updates.correct_identity(
        uow,
        PatientIdentity(people["A"].id, "Smithson", "Alicia", "H7654321", version=1),
        reason="plant identifiers",
        by=ACTOR,
        now=NOW,
    )
    people["A"] = record_updates.correct_patient_record(
        uow,
        Patient(people["A"].id, people["A"].pseudonym, Sex.FEMALE, BIRTH_DATES["A"], centre.id, 1),
        reason="plant birth date",
        by=ACTOR,
        now=NOW,
    )
    for label in ("B", "C"):
        people[label] = patients.enrol_patient(
            uow,
            centre_id=centre.id,
            sex=Sex.FEMALE if label == "B" else Sex.MALE,
            birth_date=BIRTH_DATES[label],
            identity=IDENTITIES[label],
            by=ACTOR,
            now=NOW,
        )
    _plant_free_text(uow, people["A"].id, people["C"].id)
    return people


def _plant_free_text(uow: UnitOfWork, patient_id: str, other_id: str) -> None:
    course = TherapyCourse(
        new_id(),
        other_id,
        CourseKind.CAR_T,
        f"car-t-sle via {IP_2}",
        CourseStatus.ENDED_EARLY,
        date(2025, 9, 1),
        end_reason=f"moved to {ADDRESS}, Salford {POSTCODE}",
    )
    record_updates.add_course(uow, course, by=ACTOR, now=NOW)
    referral = Referral(referred_by=f"Dr Jonathan Whitfield ({PHONE})", reason=f"see {URL}")
    event = CourseEvent(new_id(), course.id, EventKind.REFERRAL, date(2025, 9, 2), referral)
    record_updates.add_course_event(uow, event, by=ACTOR, now=NOW)
    uow.follow_ups.add(FollowUpTimepoint(new_id(), course.id, "day +30 call Smithson", 30, 7, 7))
    # A term typed before terms were coded (input now refuses it), stored as it was then.
    typed = f"Fatigue reported by Alicia Smithson on 03/02/2026 from {IP_1}"
    uow.adverse_events.add(
        AdverseEvent(
            new_id(), patient_id, None, typed, 1, date(2026, 2, 3), False, Attribution.UNLIKELY
        )
    )
    clinical_records.record_adverse_event(
        uow,
        AdverseEvent(
            new_id(), patient_id, None, "Nausea", 2, date(2026, 3, 3), False, Attribution.POSSIBLE
        ),
        by=ACTOR,
        now=NOW,
    )
    infection = Infection(
        new_id(), patient_id, None, InfectionKind.BACTERIAL, "E. coli", ADDRESS, date(2026, 3, 1)
    )
    clinical_records.record_infection(uow, infection, by=ACTOR, now=NOW)
    outcome = OutcomeEvent(
        new_id(),
        patient_id,
        None,
        OutcomeKind.LOST_TO_FOLLOW_UP,
        date(2026, 5, 1),
        detail=f"contact {EMAIL}, SSN {SSN}",
    )
    clinical_records.record_outcome(uow, outcome, by=ACTOR, now=NOW)
    drug = MedicationExposure(
        new_id(),
        patient_id,
        f"trial drug {WEB}",
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
def exported(tmp_path: Path) -> tuple[Path, dict[str, Patient], list[str]]:
    """The export folder, the planted patients and every record id of the source database."""
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        people = _planted(uow)
        uow.commit()
    with MemoryUnitOfWork(database) as uow:
        tables = tidy_tables(read_stored_records(uow, TABLE_SOURCES))
        identities = uow.identities.find()
    record_ids = [i for frame in tables.values() if "id" in frame.columns for i in frame["id"]]
    clean = deidentified_tables(
        tables, identities=identities, key=DeidentificationKey(SECRET), as_of=AS_OF, min_cell=2
    )
    out = tmp_path / "export"
    write_deidentified(clean, out, "csv", min_cell=2)
    return out, people, record_ids


def _texts(out: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(out.iterdir())}


def test_no_planted_identifier_appears_in_any_exported_file(
    exported: tuple[Path, dict[str, Patient], list[str]],
) -> None:
    out, people, record_ids = exported
    planted = [PHONE, EMAIL, URL, WEB, IP_1, IP_2, SSN, ADDRESS, POSTCODE, "Whitfield", "Acacia"]
    for identity in IDENTITIES.values():
        planted += [identity.family_name, identity.given_name, identity.hospital_number]
    planted += [p.pseudonym for p in people.values()]  # (R) a unique code
    planted += [d.isoformat() for d in BIRTH_DATES.values()]  # (C) dates
    planted += [SECRET.decode(), *record_ids]  # the key, and ids the custodian could look up
    texts = _texts(out)
    assert "patients.csv" in texts
    for name, text in texts.items():
        for value in planted:
            assert value.lower() not in text.lower(), f"{value!r} found in {name}"
        # (C) a year of birth over 89 years ago, as a number of its own: the same four digits
        # inside a keyed hash or a random id are not a year (a hex id holds "1931" now and then).
        year = re.search(r"(?<![0-9A-Za-z])1931(?![0-9A-Za-z])", text)
        assert year is None, f"the birth year 1931 found in {name}"


@pytest.mark.parametrize("identifier_type", sorted(SAFE_HARBOR_PATTERNS))
def test_a_scan_for_each_safe_harbor_identifier_type_finds_nothing(
    exported: tuple[Path, dict[str, Patient], list[str]], identifier_type: str
) -> None:
    out, _, _ = exported
    pattern = re.compile(SAFE_HARBOR_PATTERNS[identifier_type])
    for name, text in _texts(out).items():
        found = pattern.search(text)
        assert found is None, f"{identifier_type}: {found.group(0) if found else ''} in {name}"


def test_the_scan_does_find_the_planted_values_in_the_identifiable_tidy_tables(
    tmp_path: Path,
) -> None:
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        _planted(uow)
        uow.commit()
    with MemoryUnitOfWork(database) as uow:
        write_tables(tidy_tables(read_stored_records(uow, TABLE_SOURCES)), tmp_path, "csv")
    text = "\n".join(_texts(tmp_path).values())
    for identifier_type in ("(F) e-mail address", "(O) IP address", "(G) social security number"):
        assert re.search(SAFE_HARBOR_PATTERNS[identifier_type], text), identifier_type
    assert BIRTH_DATES["B"].isoformat() in text


def test_ages_over_89_are_aggregated_and_younger_ages_kept(
    exported: tuple[Path, dict[str, Patient], list[str]],
) -> None:
    out, _, _ = exported
    frame = pl.read_csv(out / "patients.csv", try_parse_dates=True)
    assert frame["age_years"].drop_nulls().max() <= 89
    old = frame.filter(pl.col("age_90_or_over"))
    assert old.height == 1  # patient B, born 1931-07-04, is 94 on 2026-06-01
    assert old["birth_date"].to_list() == [None]
    assert old["age_years"].to_list() == [None]
    assert sorted(frame["age_years"].drop_nulls().to_list()) == [36, 50]  # A 1990-04-12, C 1975


def test_each_patients_dates_move_together_so_intervals_are_kept(
    exported: tuple[Path, dict[str, Patient], list[str]],
) -> None:
    out, people, _ = exported
    key = DeidentificationKey(SECRET)
    shift = key.date_shift_days(people["A"].id)
    assert shift != 0
    assert -182 <= shift <= 182
    pid = key.pseudonym("patient", people["A"].id)
    patients_frame = pl.read_csv(out / "patients.csv", try_parse_dates=True)
    born = patients_frame.filter(pl.col("id") == pid)["birth_date"].item()
    assert born == BIRTH_DATES["A"] + timedelta(days=shift)
    events = pl.read_csv(out / "course_events.csv", try_parse_dates=True)
    infusion = events.filter((pl.col("patient_id") == pid) & (pl.col("kind") == "infusion"))
    assert infusion["event_date"].item() == date(2026, 2, 15) + timedelta(days=shift)
    assert infusion["days_since_day0"].item() == 0


def test_small_cells_are_suppressed_in_the_aggregate_table(tmp_path: Path) -> None:
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        _planted(uow)
        uow.commit()
    with MemoryUnitOfWork(database) as uow:
        tables, identities = (
            tidy_tables(read_stored_records(uow, TABLE_SOURCES)),
            uow.identities.find(),
        )
    key = DeidentificationKey(SECRET)
    counts = {
        min_cell: deidentified_tables(
            tables, identities=identities, key=key, as_of=AS_OF, min_cell=min_cell
        )["counts_by_centre_and_therapy"]
        for min_cell in (1, 2)
    }
    # One autologous HSCT patient (A) and one CAR-T patient (C) at the one centre.
    assert counts[1]["n_patients"].to_list() == [1, 1]
    assert counts[2]["n_patients"].to_list() == [None, None]
    assert counts[2]["suppressed"].to_list() == [True, True]


def test_the_command_refuses_a_short_key_and_writes_no_key_to_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lupus_sct.cli.interop import export_app
    from lupus_sct.store import database
    from lupus_sct.store.sql import SqlUnitOfWork

    path = tmp_path / "cli.db"
    engine = database.create_engine(f"sqlite:///{path}")
    database.upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        _planted(uow)
        uow.commit()
    engine.dispose()
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", f"sqlite:///{path}")
    short = tmp_path / "short.key"
    short.write_text("too short", encoding="utf-8")
    out = tmp_path / "out"
    refused = CliRunner().invoke(
        export_app, ["deidentified", "--out", str(out), "--key-file", str(short)]
    )
    assert refused.exception is not None
    assert "at least 16" in str(refused.exception)
    key_file = tmp_path / "good.key"
    key_file.write_bytes(SECRET + b"\n")
    done = CliRunner().invoke(
        export_app, ["deidentified", "--out", str(out), "--key-file", str(key_file)]
    )
    assert done.exit_code == 0, done.output
    for name, text in _texts(out).items():
        assert SECRET.decode() not in text, name
        assert "Smithson" not in text, name
