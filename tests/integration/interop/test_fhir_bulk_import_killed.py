"""A folder import killed with SIGKILL leaves whole Bundles only (issue #9; docs/adr/0004).

``lupus-sct import fhir FOLDER`` commits a batch of Bundles per transaction. It is started in a
subprocess on a folder of synthetic Bundles and killed with SIGKILL as soon as the first batch is
committed. Every patient then stored must have exactly its Bundle (the export gives back the
file's resources), the patients not stored must have nothing stored at all, and the audit chain
must verify. Synthetic data only.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from lupus_sct.interop.fhir import bundle_json, export_patient_bundle
from lupus_sct.services.audit.chain import verify_chain
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.store.sql import SqlUnitOfWork
from support import seed_centre
from unit.interop.fhir_synthetic import exported_bundles

DISTINCT = 12  # patients generated; each is copied with new ids and pseudonym
COPIES = 15
STARTUP_TIMEOUT_SECONDS = 60
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _folder(folder: Path) -> dict[str, str]:
    """Bundle files (a copy per patient, new ids), by the patient id each one carries."""
    texts = [json.dumps(bundle) for bundle in exported_bundles(DISTINCT)]
    folder.mkdir()
    by_patient = {}
    for copy in range(COPIES):
        for index, text in enumerate(texts):
            renamed = {old: str(uuid.uuid4()) for old in set(UUID.findall(text))}
            new = UUID.sub(lambda m, names=renamed: names[m.group(0)], text)
            new = re.sub(r'"(NWU-\d+)"', rf'"\1-{copy}"', new)
            patient_id = json.loads(new)["entry"][0]["resource"]["id"]
            (folder / f"{copy:02d}-{index:02d}.json").write_text(new, encoding="utf-8")
            by_patient[patient_id] = new
    return by_patient


def _resources(bundle: dict[str, Any]) -> list[str]:
    """The Bundle's resources as sorted JSON texts (entries with equal dates sort by random id)."""
    return sorted(json.dumps(e["resource"], sort_keys=True) for e in bundle["entry"])


def _descendants(pid: int) -> set[int]:
    """The processes started by ``pid`` and by them (from /proc), at this moment."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while it was being read
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _running(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":  # a zombie has ended (its parent has not collected it yet)
            alive.add(pid)
    return alive


def _stored_patients(engine: sa.Engine) -> int:
    with SqlUnitOfWork(engine) as uow:
        return len(uow.patients.find())


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_folder_import_killed_with_sigkill_leaves_only_whole_bundles(
    backend: str, engine_for, tmp_path: Path
) -> None:
    engine: sa.Engine = engine_for(backend)
    with SqlUnitOfWork(engine) as uow:
        seed_centre(uow)
        uow.commit()
    files = _folder(tmp_path / "bundles")
    env = {**os.environ, "LUPUS_SCT_DATABASE_URL": engine.url.render_as_string(False)}
    command = [sys.executable, "-m", "lupus_sct.cli", "import", "fhir", str(tmp_path / "bundles")]
    process = subprocess.Popen(
        [*command, "--centre", "NWU", "--batch-resources", "100", "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        # Killed once a batch is committed and its worker process runs (fork server + worker).
        while _stored_patients(engine) == 0 or len(helpers := _descendants(process.pid)) < 2:
            assert process.poll() is None, "the import ended before its first batch was seen"
            assert time.monotonic() < deadline, "no batch was committed in time"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    # The importer's worker processes end with it (they would otherwise wait for ever).
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while _running(helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(helpers), "a worker process outlived the killed import"
    with SqlUnitOfWork(engine) as uow:
        stored = [p.id for p in uow.patients.find()]
        assert 0 < len(stored) < len(files), "the kill did not land mid-import"
        for patient_id in stored:
            exported = json.loads(
                bundle_json(export_patient_bundle(read_patient_records(uow, patient_id)))
            )
            assert _resources(exported) == _resources(json.loads(files[patient_id]))
        others = set(files) - set(stored)
        audited = {e.entity_id for e in uow.audit.entries()}
        assert not others & audited
        assert not [lab for lab in uow.labs.find() if lab.patient_id in others]
        assert verify_chain(uow.audit.entries()).intact
