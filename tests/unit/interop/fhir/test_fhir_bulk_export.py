"""The bulk NDJSON export: the per-patient export's resources, one file per type, one centre."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from lupus_sct.interop.fhir import ImportStatus, bundle_json, export_patient_bundle, import_bundle
from lupus_sct.interop.fhir.ndjson import (
    MANIFEST_NAME,
    ndjson_patient_bundles,
    read_ndjson,
    write_bulk_ndjson,
)
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.exports.centre_records import find_centre_by_code, read_centre_records
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_centre
from unit.interop.fhir_synthetic import seed_full_record


def _two_centres() -> tuple[MemoryDatabase, list[str], list[str]]:
    """Three synthetic patients at NWU and two at OTH: their ids, by centre."""
    database = MemoryDatabase()
    with MemoryUnitOfWork(database) as uow:
        nwu, oth = seed_centre(uow, "NWU"), seed_centre(uow, "OTH")
        ours = [seed_full_record(uow, nwu).id for _ in range(3)]
        theirs = [seed_full_record(uow, oth).id for _ in range(2)]
        uow.commit()
    return database, sorted(ours), sorted(theirs)


def _export(
    database: MemoryDatabase, folder: Path, *, include_identity: bool = False, page: int = 2
) -> dict[str, Any]:
    with MemoryUnitOfWork(database) as uow:
        centre = find_centre_by_code(uow, "NWU")
        return write_bulk_ndjson(
            read_centre_records(uow, centre, include_identity=include_identity, page_patients=page),
            folder,
            transaction_time=NOW,
            request="test",
        )


def _lines(folder: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for item in manifest["output"] for r in read_ndjson(folder / item["url"])]


def _bundle_resources(database: MemoryDatabase, ids: list[str], identity: bool) -> list[Any]:
    with MemoryUnitOfWork(database) as uow:
        return [
            entry["resource"]
            for pid in ids
            for entry in json.loads(
                bundle_json(
                    export_patient_bundle(read_patient_records(uow, pid, include_identity=identity))
                )
            )["entry"]
        ]


@pytest.mark.parametrize("page", [1, 2, 500])
def test_centre_records_read_by_page_equal_the_per_patient_reads(page: int) -> None:
    database, ours, _ = _two_centres()
    with MemoryUnitOfWork(database) as uow:
        centre = find_centre_by_code(uow, "NWU")
        paged = list(read_centre_records(uow, centre, include_identity=True, page_patients=page))
        single = [read_patient_records(uow, pid, include_identity=True) for pid in ours]
    assert paged == single


@pytest.mark.parametrize("include_identity", [False, True])
def test_the_ndjson_holds_exactly_the_resources_of_the_per_patient_bundles(
    tmp_path: Path, include_identity: bool
) -> None:
    database, ours, _ = _two_centres()
    manifest = _export(database, tmp_path, include_identity=include_identity)
    exported = _lines(tmp_path, manifest)
    expected = _bundle_resources(database, ours, include_identity)
    key = lambda r: (r["resourceType"], r["id"])  # noqa: E731
    assert sorted(exported, key=key) == sorted(expected, key=key)


def test_every_ndjson_resource_validates_with_fhir_resources(tmp_path: Path) -> None:
    database, _, _ = _two_centres()
    manifest = _export(database, tmp_path, include_identity=True)
    for resource in _lines(tmp_path, manifest):
        model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert json.loads(model.model_dump_json(exclude_none=True)) == resource


def test_each_file_holds_one_resource_type_and_the_manifest_counts_its_lines(
    tmp_path: Path,
) -> None:
    database, _, _ = _two_centres()
    manifest = _export(database, tmp_path)
    assert json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8")) == manifest
    assert manifest["transactionTime"] == "2026-06-01T09:30:00+00:00"
    assert manifest["request"] == "test"
    assert manifest["error"] == []
    assert [item["type"] for item in manifest["output"]] == [
        "Patient",
        "Condition",
        "EpisodeOfCare",
        "Procedure",
        "Observation",
        "MedicationStatement",
        "AdverseEvent",
    ]
    for item in manifest["output"]:
        assert item["url"] == f"{item['type']}.ndjson"
        resources = list(read_ndjson(tmp_path / item["url"]))
        assert {r["resourceType"] for r in resources} == {item["type"]}
        assert len(resources) == item["count"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [MANIFEST_NAME, *(item["url"] for item in manifest["output"])]
    )
    assert next(i for i in manifest["output"] if i["type"] == "Patient")["count"] == 3


def test_records_of_other_centres_are_never_exported(tmp_path: Path) -> None:
    database, ours, theirs = _two_centres()
    manifest = _export(database, tmp_path)
    text = "".join(
        (tmp_path / item["url"]).read_text(encoding="utf-8") for item in manifest["output"]
    )
    for patient_id in theirs:
        assert patient_id not in text
    patients = [r["id"] for r in read_ndjson(tmp_path / "Patient.ndjson")]
    assert patients == ours
    for resource in _lines(tmp_path, manifest):
        reference = (resource.get("subject") or resource.get("patient") or {}).get("reference")
        assert resource["resourceType"] == "Patient" or reference in {f"Patient/{p}" for p in ours}


def test_a_centre_code_not_stored_is_not_found() -> None:
    database, _, _ = _two_centres()
    with (
        MemoryUnitOfWork(database) as uow,
        pytest.raises(NotFoundError, match="XYZ"),
    ):
        find_centre_by_code(uow, "XYZ")


def test_importing_the_ndjson_into_an_empty_store_gives_back_the_same_records(
    tmp_path: Path,
) -> None:
    database, ours, _ = _two_centres()
    manifest = _export(database, tmp_path, include_identity=True)
    bundles = ndjson_patient_bundles(tmp_path / item["url"] for item in manifest["output"])
    assert len(bundles) == len(ours)
    target = MemoryDatabase()
    with MemoryUnitOfWork(target) as uow:
        seed_centre(uow, "NWU")
        uow.commit()
    for bundle in bundles:
        with MemoryUnitOfWork(target) as uow:
            report = import_bundle(uow, bundle, centre_code="NWU", by=ACTOR, now=NOW)
        assert report.written
        assert {o.status for o in report.outcomes} == {ImportStatus.ACCEPTED}
    assert _bundle_resources(target, ours, True) == _bundle_resources(database, ours, True)
    again = tmp_path / "again"
    second = _export(target, again, include_identity=True)
    assert second == manifest
    for item in manifest["output"]:
        assert (again / item["url"]).read_bytes() == (tmp_path / item["url"]).read_bytes()


def test_a_line_that_is_not_a_resource_is_refused_with_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "Patient.ndjson"
    path.write_text('{"resourceType": "Patient", "id": "a"}\n\n[1]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"Patient\.ndjson:3: not a FHIR resource"):
        list(read_ndjson(path))
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"Patient\.ndjson:1: not JSON"):
        list(read_ndjson(path))


def test_a_naive_transaction_time_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"transaction_time: .* timezone-aware"):
        write_bulk_ndjson([], tmp_path, transaction_time=NOW.replace(tzinfo=None), request="x")
