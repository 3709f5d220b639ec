"""Tidy tables: keys, days since day 0 and the course in force, on synthetic records.

Expected day numbers are counted on the calendar from the synthetic dates (docs/spec/pathway.md
§4.4: day 0 is the infusion, 15 February 2026 in ``fhir_synthetic``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.outcomes import FollowUpTimepoint
from lupus_sct.interop.table_export import (
    KEY_COLUMNS,
    TABLE_SOURCES,
    TABLES,
    tidy_tables,
    write_tables,
)
from lupus_sct.services.clinic import clinical_records, courses
from lupus_sct.services.clinic.patients import new_id
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.exports.stored_records import read_stored_records
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient
from unit.interop.fhir_synthetic import seed_full_record


def _tables(centre_code: str | None = None) -> tuple[dict[str, pl.DataFrame], str]:
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        patient = seed_full_record(uow)
        course = uow.courses.find(patient_id=patient.id)[0]
        uow.follow_ups.add(FollowUpTimepoint(new_id(), course.id, "day +100", 100, 14, 14))
        lab = LabResult(
            new_id(), patient.id, "777-3", 160.0, "10*9/L", datetime(2026, 5, 20, 9, tzinfo=UTC)
        )
        clinical_records.record_lab(uow, lab, by=ACTOR, now=NOW)
        other = seed_patient(uow, seed_centre(uow, "SJH"))
        courses.start_course(
            uow,
            patient_id=other.id,
            kind=CourseKind.CAR_T,
            protocol_id="car-t-sle",
            start_date=date(2026, 3, 1),
            by=ACTOR,
            now=NOW,
        )
        uow.commit()
    with MemoryUnitOfWork(database) as uow:
        return tidy_tables(
            read_stored_records(uow, TABLE_SOURCES), centre_code=centre_code
        ), patient.id


def test_every_entity_has_a_table_and_every_dated_table_starts_with_the_keys() -> None:
    tables, _ = _tables()
    assert set(tables) == set(TABLES)
    for name, frame in tables.items():
        if name != "patients":
            assert tuple(frame.columns[:4]) == KEY_COLUMNS, name


def test_days_since_day0_count_from_the_infusion_and_baseline_results_join_the_first_course() -> (
    None
):
    tables, patient_id = _tables()
    events = tables["course_events"].filter(pl.col("patient_id") == patient_id)
    days = dict(zip(events["kind"], events["days_since_day0"], strict=False))
    assert days["infusion"] == 0
    assert days["engraftment"] == 11  # 26 Feb - 15 Feb
    assert days["conditioning"] == -5  # 10 Feb - 15 Feb
    labs = tables["labs"].filter(pl.col("patient_id") == patient_id)
    # 3 January is before the course started (5 January): the baseline joins the first course.
    baseline = labs.filter(pl.col("collected_at").dt.date() == date(2026, 1, 3))
    assert set(baseline["days_since_day0"]) == {-43}  # 28 days of January left + 15
    assert baseline["course_id"].null_count() == 0


def test_a_result_inside_a_follow_up_window_is_labelled_with_its_timepoint() -> None:
    tables, patient_id = _tables()
    labs = tables["labs"].filter(pl.col("patient_id") == patient_id)
    late = labs.filter(pl.col("collected_at").dt.date() == date(2026, 5, 20))
    assert late["days_since_day0"].to_list() == [94]  # 15 Feb -> 20 May: 13 + 31 + 30 + 20
    assert late["timepoint"].to_list() == ["day +100"]  # window 86-114 inclusive
    assert set(labs.filter(pl.col("days_since_day0") < 0)["timepoint"]) == {None}


def test_not_evaluated_stays_apart_from_zero_in_its_own_column() -> None:
    tables, _ = _tables()
    visits = tables["assessments"].sort("visit_date")
    # Visits of 3 Jan (PGA 1.5), 1 Mar (0.5), 1 Apr and 20 May (PGA not evaluated).
    assert visits["pga"].to_list() == [1.5, 0.5, None, None]
    assert visits["pga_missing"].to_list() == [None, None, "not_evaluated", "not_evaluated"]


def test_a_centre_filter_keeps_only_that_centres_patients_and_an_unknown_centre_is_refused() -> (
    None
):
    tables, patient_id = _tables(centre_code="NWU")
    assert tables["patients"]["id"].to_list() == [patient_id]
    assert tables["courses"]["patient_id"].to_list() == [patient_id]
    everyone, first = _tables()
    assert everyone["patients"].height == 2
    assert everyone["courses"].filter(pl.col("patient_id") != first)[
        "days_since_day0"
    ].to_list() == [None]  # a CAR-T course not yet infused has no day 0
    with pytest.raises(NotFoundError):
        _tables(centre_code="NOPE")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_are_written_one_file_per_entity_and_read_back(fmt: str, tmp_path: Path) -> None:
    tables, _ = _tables()
    paths = write_tables(tables, tmp_path, fmt)
    assert sorted(p.name for p in paths) == sorted(f"{name}.{fmt}" for name in TABLES)
    reader = pl.read_csv if fmt == "csv" else pl.read_parquet
    labs = reader(tmp_path / f"labs.{fmt}")
    assert labs.height == tables["labs"].height
    assert labs.columns == tables["labs"].columns
