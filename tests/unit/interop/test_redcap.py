"""A REDCap export read through its data dictionary into table-import rows (issue #20).

The files are in tests/reference/interop/redcap/ (invented people, REDCap's shapes; see its
README). Expected values are read off those files by hand.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.records.people import Sex
from lupus_sct.interop.redcap import (
    RedcapRows,
    name_origins,
    read_records,
    redcap_mapping_from_dict,
    redcap_rows,
)
from lupus_sct.interop.redcap_dictionary import (
    DictionaryError,
    RedcapDictionary,
    parse_choices,
    read_dictionary,
)
from lupus_sct.interop.table_import import MappingError

FILES = Path(__file__).parents[2] / "reference" / "interop" / "redcap"


def _dictionary() -> RedcapDictionary:
    return read_dictionary(FILES / "dictionary.csv")


def _mapping(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FILES / name).read_text(encoding="utf-8"))
    return data


def _rows(mapping: str, records: Path, **overrides: Any) -> RedcapRows:
    dictionary = _dictionary()
    redcap_mapping = redcap_mapping_from_dict({**_mapping(mapping), **overrides}, dictionary)
    return redcap_rows(redcap_mapping, dictionary, read_records(records, dictionary))


def _edited(tmp_path: Path, edits: dict[tuple[int, str], str]) -> Path:
    """records_raw.csv with some cells changed: {(file row, column): text}."""
    with (FILES / "records_raw.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for (number, column), text in edits.items():
        rows[number - 2][column] = text
    path = tmp_path / "records.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_dictionary_gives_choices_the_record_id_and_the_date_order() -> None:
    dictionary = _dictionary()
    assert dictionary.record_id == "record_id"
    assert dictionary.fields["sex"].choices == {"1": "Female", "2": "Male"}
    assert dictionary.fields["hosp"].choices == {"1": "Yes", "0": "No"}
    assert dictionary.fields["dob"].date_formats() == ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
    assert dictionary.fields["lab_at"].date_formats()[0] == "%Y-%m-%d %H:%M"


def test_a_negative_checkbox_code_is_looked_for_under_both_export_spellings() -> None:
    field = _dictionary().fields["sledai_items"]
    assert field.checkbox_columns("-1") == ("sledai_items___-1", "sledai_items____1")
    assert field.checkbox_columns("16") == ("sledai_items___16",)


def test_a_choice_without_a_code_is_refused_with_the_field_and_the_text() -> None:
    with pytest.raises(DictionaryError, match=r"field sex: choice 'Female' is not 'code, label'"):
        parse_choices("sex", "Female | 2, Male")


def test_a_file_without_the_dictionary_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("field,form\nrecord_id,enrolment\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match="no column 'Variable / Field Name'"):
        read_dictionary(path)


def test_record_ids_become_prefixed_zero_padded_pseudonyms() -> None:
    rows = _rows("patients.yaml", FILES / "records_raw.csv")
    assert [r.values["pseudonym"] for r in rows.rows] == ["RC-0001", "RC-0002", "RC-0012"]
    assert [r.values["sex"] for r in rows.rows] == [Sex.FEMALE, Sex.MALE, Sex.FEMALE]
    assert rows.rows[0].values["birth_date"] == date(1990, 1, 31)
    assert all(not r.problems for r in rows.rows)


def test_a_project_prefix_and_width_are_taken_from_the_mapping() -> None:
    rows = _rows("patients.yaml", FILES / "records_raw.csv", redcap={"record_prefix": "LUP"})
    assert [r.values["pseudonym"] for r in rows.rows] == ["LUP0001", "LUP0002", "LUP0012"]


def test_each_instance_of_the_repeating_form_is_an_assessment_dated_by_its_event() -> None:
    rows = _rows("assessments.yaml", FILES / "records_raw.csv")
    values = [r.values for r in rows.rows]
    assert [(v["patient"], v["visit_date"]) for v in values] == [
        ("RC-0001", date(2026, 1, 5)),
        ("RC-0001", date(2026, 4, 6)),
        ("RC-0002", date(2026, 2, 2)),
    ]
    arthritis, rash = SledaiDescriptor.ARTHRITIS, SledaiDescriptor.RASH
    assert [v["sledai_descriptors"] for v in values] == [(arthritis, rash), (), (rash,)]
    assert [v["pga"] for v in values] == [1.5, 0.5, 2.0]
    assert [v["hospitalised_for_sle"] for v in values] == [False, False, True]
    assert all(not r.problems for r in rows.rows)
    assert rows.origins[3].describe() == "record 1, event baseline_arm_1, activity #1"


def test_base_rows_whose_mapped_fields_are_blank_are_skipped_not_refused() -> None:
    rows = _rows("patients.yaml", FILES / "records_raw.csv", redcap={})
    assert len(rows.rows) == 3
    assert rows.skipped == 2  # the month 3 rows of records 1 and 2 hold no enrolment data


def test_the_labels_export_reads_the_same_as_the_raw_export() -> None:
    for mapping in ("patients.yaml", "assessments.yaml", "labs.yaml"):
        raw = _rows(mapping, FILES / "records_raw.csv")
        labels = _rows(mapping, FILES / "records_labels.csv")
        assert [r.values for r in labels.rows] == [r.values for r in raw.rows]


def test_repeating_lab_instances_are_read_in_the_mapping_time_zone() -> None:
    rows = _rows("labs.yaml", FILES / "records_raw.csv")
    assert [r.values["collected_at"] for r in rows.rows] == [
        datetime(2026, 1, 5, 8, 30, tzinfo=UTC),  # London is on UTC in January
        datetime(2026, 1, 6, 9, 0, tzinfo=UTC),
    ]
    assert {r.values["loinc_code"] for r in rows.rows} == {"2160-0"}


def test_a_unticked_checkbox_with_other_fields_filled_is_no_descriptor_not_not_evaluated() -> None:
    rows = _rows("assessments.yaml", FILES / "records_raw.csv")
    assert rows.rows[1].values["sledai_descriptors"] == ()
    assert rows.rows[1].values["sledai_descriptors"] is not Missing.NOT_EVALUATED


def test_each_refusal_names_the_record_event_field_value_and_what_is_accepted(
    tmp_path: Path,
) -> None:
    path = _edited(tmp_path, {(2, "sex"): "7", (8, "dob"): "1984-14-07"})
    rows = _rows("patients.yaml", path)
    problems = name_origins(tuple(p for r in rows.rows for p in r.problems), rows)
    assert [(p.row, p.field, p.value) for p in problems] == [
        (2, "sex", "7"),
        (8, "birth_date", "1984-14-07"),
    ]
    assert problems[0].problem == (
        "record 1, event baseline_arm_1: REDCap field sex: '7' is not one of its choices "
        "(1 = Female, 2 = Male)"
    )
    assert problems[1].problem.startswith("record 2, event baseline_arm_1: REDCap field dob:")
    assert problems[1].problem.endswith(
        "'1984-14-07' is not a date_dmy date (written like 2026-01-31, 31-01-2026, 31/01/2026)"
    )


def test_a_checkbox_cell_that_is_not_ticked_or_unticked_is_refused(tmp_path: Path) -> None:
    rows = _rows("assessments.yaml", _edited(tmp_path, {(3, "sledai_items___9"): "2"}))
    (problem,) = name_origins(rows.rows[0].problems, rows)
    assert problem.problem == (
        "record 1, event baseline_arm_1, activity #1: REDCap field sledai_items___9: "
        "'2' is not 1/0 or Checked/Unchecked"
    )


def test_a_cell_refused_by_the_table_import_is_named_by_record_and_event(tmp_path: Path) -> None:
    rows = _rows("assessments.yaml", _edited(tmp_path, {(9, "pga"): "high"}))
    (problem,) = name_origins(rows.rows[2].problems, rows)
    assert (problem.field, problem.value) == ("pga", "high")
    assert problem.problem == (
        "record 2, event baseline_arm_1, activity #1: pga: 'high' is not a number"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"columns": {"visit_date": "seen_on"}}, "'seen_on' is not a field of the data dictionary"),
        ({"columns": {"pga": "sledai_items"}}, "checkbox sledai_items can feed sledai_descriptors"),
        ({"values": {"sledai_descriptors": {"3": "rash"}}}, "'3' is not a choice code of"),
        ({"columns": {"patient": "record_id"}}, "patient is fed by the record id"),
        ({"date_formats": {"visit_date": "%d"}}, "date_formats: is not used for REDCap"),
        ({"redcap": {"prefix": "X"}}, "unknown redcap: key 'prefix'"),
        ({"redcap": {"record_digits": -1}}, "record_digits -1 is not a whole number 0-30"),
    ],
)
def test_a_mapping_that_cannot_be_used_is_refused_naming_what_is_wrong(
    change: dict[str, Any], message: str
) -> None:
    data = _mapping("assessments.yaml")
    for key, value in change.items():
        data[key] = {**data[key], **value} if key in ("columns", "values") else value
    with pytest.raises(MappingError, match=message):
        redcap_mapping_from_dict(data, _dictionary())


def test_events_named_in_a_classic_export_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "classic.csv"
    path.write_text("record_id,sex,dob\n1,1,1990-01-31\n", encoding="utf-8")
    with pytest.raises(MappingError, match="no redcap_event_name column"):
        _rows("patients.yaml", path)


def test_an_instance_with_its_own_fields_blank_is_skipped_though_its_event_has_a_date(
    tmp_path: Path,
) -> None:
    path = _edited(tmp_path, {(7, "pga"): "", (7, "hosp"): ""})  # record 1, month 3, activity #1
    rows = _rows("assessments.yaml", path)
    assert [r.values["visit_date"] for r in rows.rows] == [date(2026, 1, 5), date(2026, 2, 2)]
    assert rows.skipped == 1


def test_fields_of_two_repeating_instruments_cannot_be_mapped_together() -> None:
    data = _mapping("assessments.yaml")
    data["columns"] = {**data["columns"], "haq_di": "lab_value"}
    with pytest.raises(MappingError, match=r"two repeating instruments \(activity, labs\)"):
        _rows("assessments.yaml", FILES / "records_raw.csv", columns=data["columns"])


def test_a_ticked_negative_code_is_read_from_its_underscore_column(tmp_path: Path) -> None:
    dictionary = tmp_path / "d.csv"
    header = (FILES / "dictionary.csv").read_text(encoding="utf-8").splitlines()[0]
    dictionary.write_text(
        f"{header}\nrecord_id,f,,text,Id,,,,,,,,,,,,,\nvisit_date,f,,text,Date,,,date_ymd,,,,,,,,,,\n"
        'items,f,,checkbox,Items,"-1, Not done | 16, Rash",,,,,,,,,,,,\n',
        encoding="utf-8",
    )
    records = tmp_path / "r.csv"
    records.write_text(
        "record_id,visit_date,items____1,items___16\n1,2026-01-05,1,1\n", encoding="utf-8"
    )
    read = read_dictionary(dictionary)
    data = {"entity": "assessments", "columns": {"visit_date": "visit_date"}}
    data["columns"]["sledai_descriptors"] = "items"
    data["values"] = {"sledai_descriptors": {"-1": "fever", "16": "rash"}}
    mapping = redcap_mapping_from_dict(data, read)
    (row,) = redcap_rows(mapping, read, read_records(records, read)).rows
    assert row.values["sledai_descriptors"] == (SledaiDescriptor.FEVER, SledaiDescriptor.RASH)


def test_events_none_of_which_is_in_the_export_are_refused_naming_those_it_has() -> None:
    with pytest.raises(MappingError, match="its events are baseline_arm_1, month_3_arm_1"):
        _rows("patients.yaml", FILES / "records_raw.csv", redcap={"events": ["Baseline"]})
