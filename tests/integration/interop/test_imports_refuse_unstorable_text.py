"""Issue 15, findings 6 and 11: unstorable text refuses one Bundle or one row, not the rest.

On PostgreSQL a NUL used to abort the whole FHIR import ("unexpected DataError", with the SQL
parameters); on SQLite a lone surrogate did. Now the importers refuse the one record that holds it,
the same on every store, and no log line carries the identifiers. Synthetic data only.
"""

from __future__ import annotations

import copy
import csv
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lupus_sct.interop.fhir.bulk_import import import_bundles
from lupus_sct.interop.table_import import mapping_from_dict, parse_rows, read_table
from lupus_sct.services.imports.table_import import import_rows
from lupus_sct.services.ports import UnitOfWork
from support import ACTOR, NOW, seed_centre
from unit.interop.fhir_synthetic import exported_bundles

Factory = Callable[[], UnitOfWork]
FAMILY, HOSPITAL = "Zqimportfamily", "HN-ZQIMPORT-1"
PATIENTS_MAPPING: dict[str, Any] = {
    "entity": "patients",
    "columns": {
        "pseudonym": "Study no",
        "sex": "Sex",
        "birth_date": "Born",
        "family_name": "Surname",
        "given_name": "Given",
        "hospital_number": "MRN",
    },
}


def _centre(factory: Factory) -> Factory:
    with factory() as uow:
        seed_centre(uow)
        uow.commit()
    return factory


def _with_family_name(bundle: dict[str, Any], family: str) -> dict[str, Any]:
    changed = copy.deepcopy(bundle)
    patient = changed["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    patient["name"] = [{"family": family, "given": ["Zq"]}]
    patient["identifier"] = [*patient.get("identifier", []), {"value": HOSPITAL}]
    return changed


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=["nul", "lone-surrogate"])
def test_a_bundle_with_unstorable_text_is_refused_and_the_bundles_after_it_are_written(
    uow_factory: Factory, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bundles = exported_bundles(3)
    bundles[1] = _with_family_name(bundles[1], f"{FAMILY}{bad}")
    results = list(
        import_bundles(
            _centre(uow_factory), bundles, centre_code="NWU", by=ACTOR, now=NOW, batch_resources=1
        )
    )
    assert [r.written for r in results] == [True, False, True]
    refused = results[1].report
    assert refused is not None
    outcome = refused.refused[0]  # the patient; its records are refused with it
    assert outcome.resource_type == "Patient"
    assert "name.0.family" in outcome.reason
    assert FAMILY not in outcome.reason
    with uow_factory() as uow:
        stored = {p.id for p in uow.patients.find()}
    assert stored == {
        bundles[0]["entry"][0]["resource"]["id"],
        bundles[2]["entry"][0]["resource"]["id"],
    }
    assert FAMILY not in caplog.text
    assert HOSPITAL not in caplog.text


def test_a_table_row_with_a_nul_is_refused_and_the_other_rows_are_written(
    uow_factory: Factory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "patients.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Study no", "Sex", "Born", "Surname", "Given", "MRN"])
        writer.writerow(["NWU-Z01", "female", "1990-04-12", "Zqone", "Ann", "HN-Z-01"])
        writer.writerow(["NWU-Z02", "female", "1991-04-12", f"{FAMILY}\x00", "Bea", HOSPITAL])
        writer.writerow(["NWU-Z03", "male", "1992-04-12", "Zqthree", "Cy", "HN-Z-03"])
    mapping = mapping_from_dict(PATIENTS_MAPPING)
    with _centre(uow_factory)() as uow:
        report = import_rows(
            uow,
            mapping.entity,
            parse_rows(mapping, read_table(path)),
            centre_code="NWU",
            patient_key=mapping.patient_key,
            by=ACTOR,
            now=NOW,
            partial=True,
        )
    assert report.rows_written == 2
    assert [(p.row, p.field) for p in report.problems] == [(3, "family_name")]
    assert "NUL" in report.problems[0].problem
    with uow_factory() as uow:
        assert sorted(p.pseudonym for p in uow.patients.find()) == ["NWU-Z01", "NWU-Z03"]
    assert FAMILY not in caplog.text
    assert HOSPITAL not in caplog.text
