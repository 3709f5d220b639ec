"""A table's ``timezone`` says where its local times were read; they become UTC instants (#15, 13).

Expected offsets come from the IANA tz database (America/Chicago: CST = UTC-6 in winter, CDT =
UTC-5 from the second Sunday of March to the first Sunday of November, US Energy Policy Act 2005).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lupus_sct.interop.table_import import SourceTable, mapping_from_dict, parse_rows

MAPPING: dict[str, Any] = {
    "entity": "labs",
    "columns": {"patient": "p", "loinc_code": "t", "value": "v", "collected_at": "at"},
    "fixed": {"unit": "mg/dL"},
    "timezone": "America/Chicago",
}


def _collected_at(text: str) -> Any:
    table = SourceTable(
        ("p", "t", "v", "at"), [(2, {"p": "X", "t": "2160-0", "v": "1", "at": text})]
    )
    (row,) = parse_rows(mapping_from_dict(MAPPING), table)
    return row


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        ("2026-01-15T10:30", datetime(2026, 1, 15, 16, 30, tzinfo=UTC)),  # CST, UTC-6
        ("2026-07-15T10:30", datetime(2026, 7, 15, 15, 30, tzinfo=UTC)),  # CDT, UTC-5
    ],
)
def test_a_local_time_in_chicago_becomes_the_utc_instant_of_its_season(
    local: str, utc: datetime
) -> None:
    row = _collected_at(local)
    assert row.problems == ()
    assert row.values["collected_at"] == utc
    assert row.values["collected_at"].utcoffset() == timedelta(0)


def test_a_time_written_with_its_own_offset_keeps_that_offset_over_the_files_zone() -> None:
    row = _collected_at("2026-01-15T10:30+01:00")
    assert row.values["collected_at"] == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def test_a_local_time_skipped_when_the_clocks_go_forward_is_refused() -> None:
    # 2026-03-08 02:00 CST -> 03:00 CDT: 02:30 never happened in Chicago.
    (problem,) = _collected_at("2026-03-08T02:30").problems
    assert problem.field == "collected_at"
    assert "does not exist in America/Chicago" in problem.problem


def test_a_local_time_repeated_when_the_clocks_go_back_is_refused() -> None:
    # 2026-11-01 02:00 CDT -> 01:00 CST: 01:30 happened twice in Chicago.
    (problem,) = _collected_at("2026-11-01T01:30").problems
    assert problem.field == "collected_at"
    assert "happened twice in America/Chicago" in problem.problem
