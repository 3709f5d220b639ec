"""Many FHIR Bundles in one import: the same result as importing them one by one (issue #9).

``import_bundles`` writes several Bundles per transaction and reads them ahead in worker
processes; each Bundle must still be all or nothing, later Bundles must see earlier ones, and the
stored records and audit trail must be those of ``import_bundle`` called once per Bundle in
order (the reference). Runs on the in-memory store, SQLite and PostgreSQL (where batches of 50
rows or more are written with COPY). Synthetic data only.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lupus_sct.interop.fhir import (
    ImportStatus,
    bulk_import,
    bundle_json,
    export_patient_bundle,
    import_bundle,
)
from lupus_sct.interop.fhir.bulk_import import BundleResult, import_bundles
from lupus_sct.services.audit.chain import verify_chain
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.services.imports.staged_writes import StagedUnitOfWork
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from support import ACTOR, NOW, seed_centre
from unit.interop.fhir_synthetic import exported_bundles

Factory = Callable[[], UnitOfWork]
SMALL_BATCH = 60  # resources: two or three Bundles of 26 per transaction


def _empty(factory: Factory) -> Factory:
    with factory() as uow:
        seed_centre(uow)
        uow.commit()
    return factory


def _state(factory: Factory) -> str:
    """Every patient's exported Bundle and the audit trail (without seq and hashes), as text.

    The centre's id (random in each store) is replaced by a placeholder.
    """
    with factory() as uow:
        exports = [
            bundle_json(
                export_patient_bundle(read_patient_records(uow, p.id, include_identity=True))
            )
            for p in uow.patients.find()
        ]
        entries = list(uow.audit.entries())
        assert verify_chain(entries).intact
        trail = [(e.entity, e.entity_id, e.action.value, e.before, e.after) for e in entries]
        centre_id = uow.centres.find(code="NWU")[0].id
    return json.dumps([exports, trail], indent=1, sort_keys=True).replace(centre_id, "<centre id>")


def _one_by_one(factory: Factory, bundles: list[dict[str, Any]]) -> list[Any]:
    reports = []
    for bundle in bundles:
        with factory() as uow:
            reports.append(import_bundle(uow, bundle, centre_code="NWU", by=ACTOR, now=NOW))
    return reports


def _bulk(factory: Factory, sources: list[Any], **options: Any) -> list[BundleResult]:
    options.setdefault("batch_resources", SMALL_BATCH)
    return list(import_bundles(factory, sources, centre_code="NWU", by=ACTOR, now=NOW, **options))


def _reference(bundles: list[dict[str, Any]]) -> tuple[list[Any], Any]:
    database = MemoryDatabase()
    factory = _empty(lambda: MemoryUnitOfWork(database))
    reports = _one_by_one(factory, bundles)
    return reports, _state(factory)


def _mixed_bundles() -> list[dict[str, Any]]:
    """Seven Bundles: 2 refuses a resource; 4 re-imports 0 with a change; 6 re-imports 1."""
    bundles = exported_bundles(5)
    refused = copy.deepcopy(bundles[2])
    refused["entry"][1]["resource"]["onsetDateTime"] = "2099-01-01"  # a diagnosis in the future
    changed = copy.deepcopy(bundles[0])
    changed["entry"][0]["resource"]["birthDate"] = "1981-02-03"
    return [bundles[0], bundles[1], refused, bundles[3], changed, bundles[4], bundles[1]]


def test_bulk_import_stores_what_importing_each_bundle_in_turn_stores(
    uow_factory: Factory,
) -> None:
    bundles = _mixed_bundles()
    reports, reference = _reference(bundles)
    results = _bulk(_empty(uow_factory), bundles)
    assert [r.report for r in results] == reports
    assert [r.written for r in results] == [True, True, False, True, True, True, True]
    assert _state(uow_factory) == reference


def test_a_refused_bundle_leaves_nothing_and_the_bundles_around_it_are_written(
    uow_factory: Factory,
) -> None:
    bundles = _mixed_bundles()[:4]
    results = _bulk(_empty(uow_factory), bundles, batch_resources=10_000)  # one transaction
    assert [r.written for r in results] == [True, True, False, True]
    refused = results[2].report
    assert refused is not None
    assert [o.resource_type for o in refused.refused] == ["Condition"]
    assert "2099-01-01" in refused.refused[0].reason
    refused_patient = bundles[2]["entry"][0]["resource"]["id"]
    with uow_factory() as uow:
        assert {p.id for p in uow.patients.find()} == {
            b["entry"][0]["resource"]["id"] for b in (bundles[0], bundles[1], bundles[3])
        }
        assert not [e for e in uow.audit.entries() if e.entity_id == refused_patient]
        assert not uow.labs.find(patient_id=refused_patient)


def test_a_bundle_that_needs_a_refused_bundles_patient_is_refused_too(
    uow_factory: Factory,
) -> None:
    first, _ = exported_bundles(2)
    broken = copy.deepcopy(first)
    broken["entry"][1]["resource"]["onsetDateTime"] = "2099-01-01"
    patient = first["entry"][0]["resource"]["id"]
    labs_only = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [e for e in first["entry"] if e["resource"]["resourceType"] == "Observation"],
    }
    results = _bulk(_empty(uow_factory), [broken, labs_only], batch_resources=10_000)
    assert [r.written for r in results] == [False, False]
    second = results[1].report
    assert second is not None
    assert all(o.status is ImportStatus.REFUSED for o in second.outcomes)
    assert patient in second.refused[0].reason
    with uow_factory() as uow:
        assert not uow.patients.find()


def test_files_that_are_not_bundles_are_reported_and_the_others_written(
    uow_factory: Factory, tmp_path: Path
) -> None:
    bundles = exported_bundles(2)
    files = []
    for name, text in [
        ("a.json", json.dumps(bundles[0])),
        ("b.json", '{"resourceType": "Patient"}'),
        ("c.json", "{not json"),
        ("d.json", json.dumps(bundles[1])),
    ]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(tmp_path / name)
    files.append(tmp_path / "missing.json")
    results = _bulk(_empty(uow_factory), files)
    assert [r.written for r in results] == [True, False, False, True, False]
    assert [r.source for r in results] == [str(f) for f in files]
    assert "not a FHIR Bundle" in results[1].problem
    assert "invalid JSON at line 1" in results[2].problem
    assert "cannot read the file" in results[4].problem
    assert results[1].as_dict()["resources"] == []
    with uow_factory() as uow:
        assert len(uow.patients.find()) == 2


def test_a_dry_run_reports_as_an_import_would_and_writes_nothing(uow_factory: Factory) -> None:
    bundles = _mixed_bundles()
    reports, _ = _reference(bundles)
    results = _bulk(_empty(uow_factory), bundles, dry_run=True)
    assert [r.report.outcomes for r in results if r.report] == [r.outcomes for r in reports]
    assert all(r.report and r.report.dry_run and not r.written for r in results)
    with uow_factory() as uow:
        assert not uow.patients.find()
        assert [e.entity for e in uow.audit.entries()] == ["centre"]


class _StartedPool(bulk_import._PoolStarter):
    """Starts the pool before the import goes on, so that worker processes take part."""

    def __init__(self, pool: Any) -> None:
        super().__init__(pool)
        self.join()


def test_worker_processes_read_the_same_records_as_this_process(
    uow_factory: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_import, "_FILES_PER_TASK", 1)  # seven tasks, not one
    monkeypatch.setattr(bulk_import, "_PoolStarter", _StartedPool)
    bundles = _mixed_bundles()
    reports, reference = _reference(bundles)
    files = []
    for index, bundle in enumerate(bundles):
        files.append(tmp_path / f"{index}.json")
        files[-1].write_text(json.dumps(bundle), encoding="utf-8")
    results = _bulk(_empty(uow_factory), files, workers=2)
    assert [r.report for r in results] == reports
    assert _state(uow_factory) == reference


def test_a_batch_the_store_refuses_is_imported_again_one_bundle_per_transaction(
    uow_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundles = exported_bundles(4)
    reports, reference = _reference(bundles)
    real_flush = StagedUnitOfWork.flush
    calls = {"count": 0}

    def flush_failing_once(self: StagedUnitOfWork) -> None:
        calls["count"] += 1
        if calls["count"] == 1:
            raise RuntimeError("the store refused the batch (simulated constraint failure)")
        real_flush(self)

    monkeypatch.setattr(StagedUnitOfWork, "flush", flush_failing_once)
    results = _bulk(_empty(uow_factory), bundles, batch_resources=10_000)
    assert [r.report for r in results] == reports
    assert calls["count"] == 1 + len(bundles)  # the batch, then each Bundle alone
    assert _state(uow_factory) == reference


def test_progress_counts_every_bundle_and_bad_arguments_are_refused(
    uow_factory: Factory,
) -> None:
    bundles = exported_bundles(3)
    seen: list[int] = []
    _bulk(_empty(uow_factory), bundles, progress=seen.append, batch_resources=30)
    assert seen == [2, 1]  # 26 resources per Bundle: a batch closes at 30 resources or more
    with pytest.raises(ValueError, match="batch_resources must be at least 1, not 0"):
        _bulk(uow_factory, bundles, batch_resources=0)
    assert bulk_import.DEFAULT_BATCH_RESOURCES >= 1
