"""An import killed with SIGKILL mid-file leaves the database exactly as it was (issue #9).

The CLI imports a large generated laboratory file in a subprocess; once it has reported its
progress bar and written for a while, it is killed with SIGKILL (no handler can run). The row
count of every table and the audit chain (sequence and hash of every entry) must equal what they
were before, and the chain must still verify. Synthetic data only.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from lupus_sct.services.audit.chain import verify_chain
from lupus_sct.store.schema import audit_log, metadata
from lupus_sct.store.sql import SqlUnitOfWork
from support import seed_centre, seed_patient

ROWS = 40_000  # far more than a few seconds of work on either database
WRITING_FOR_SECONDS = 1.5
STARTUP_TIMEOUT_SECONDS = 60


def _snapshot(engine: sa.Engine) -> tuple[dict[str, int], list[tuple[int, str]]]:
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(
                sa.select(sa.func.count()).select_from(table)
            ).scalar_one()
            for table in metadata.sorted_tables
        }
        chain = [
            (row.seq, row.hash)
            for row in connection.execute(
                sa.select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq)
            )
        ]
    return counts, chain


def _labs_file(path: Path, pseudonym: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("pid", "code", "value", "taken"))
        for index in range(ROWS):
            minute = index % (24 * 60)
            writer.writerow(
                (
                    pseudonym,
                    "2160-0",
                    f"{0.5 + (index % 100) / 100:.2f}",
                    f"2026-01-03T{minute // 60:02d}:{minute % 60:02d}:00+00:00",
                )
            )
    return path


MAPPING = """\
entity: labs
columns: {patient: pid, loinc_code: code, value: value, collected_at: taken}
fixed: {unit: mg/dL}
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_an_import_killed_with_sigkill_mid_file_leaves_the_database_as_it_was(
    backend: str, engine_for, tmp_path: Path
) -> None:
    engine: sa.Engine = engine_for(backend)
    with SqlUnitOfWork(engine) as uow:
        patient = seed_patient(uow, seed_centre(uow))
        uow.commit()
    before = _snapshot(engine)
    data = _labs_file(tmp_path / "labs.csv", patient.pseudonym)
    mapping = tmp_path / "labs.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "LUPUS_SCT_DATABASE_URL": url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lupus_sct.cli",
            "import",
            "table",
            str(data),
            "--mapping",
            str(mapping),
            "--centre",
            "NWU",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        assert process.stderr is not None
        line = process.stderr.readline()  # the progress bar's label: rows are being written
        assert f"importing {ROWS} labs rows" in line, line
        assert time.monotonic() < deadline
        time.sleep(WRITING_FOR_SECONDS)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    after = _snapshot(engine)
    assert after == before
    with SqlUnitOfWork(engine) as uow:
        assert verify_chain(uow.audit.entries()).intact
