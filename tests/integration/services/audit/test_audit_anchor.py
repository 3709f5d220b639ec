"""Issue 15 finding 7: ``lupus-sct audit verify`` fails, naming the cause, after each tampering the
hash chain alone missed, on SQLite and PostgreSQL.

The trail is written through the platform, so each commit leaves a signed checkpoint in a file
outside the database (docs/adr/0005-audit-anchor.md). The tamperer has the database, with the
append-only triggers removed, but not the signing key.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from lupus_sct.bootstrap import Platform, bootstrap
from lupus_sct.cli.main import run
from lupus_sct.config import Settings
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.services.audit.chain import AuditDraft, seal
from lupus_sct.services.clinic import clinical_records, patients
from lupus_sct.store.sql import SqlUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient

SQL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
LAB_VALUE = 180.0  # platelets 10*3/uL, a made-up result


@pytest.fixture
def platform(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Platform]:
    """A platform over the backend's database, with its key and checkpoints in two folders."""
    engine: sa.Engine = request.getfixturevalue(f"{request.param}_engine")
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LUPUS_SCT_AUDIT_KEY_FILE", str(tmp_path / "keys" / "audit.pem"))
    monkeypatch.setenv("LUPUS_SCT_AUDIT_CHECKPOINT_FILE", str(tmp_path / "anchor" / "cp.jsonl"))
    built = bootstrap(Settings())
    assert built.audit_anchor is not None
    built.audit_anchor.create_key()
    yield built
    built.close()


def _seed(platform: Platform) -> list[str]:
    """Three commits of a patient, its identity and a lab (the last a lab); the lab ids."""
    labs = []
    with platform.uow() as uow:
        centre = seed_centre(uow)
        uow.commit()
    for _ in range(3):
        with platform.uow() as uow:
            patient = seed_patient(uow, centre)
            lab = LabResult(
                id=patients.new_id(),
                patient_id=patient.id,
                loinc_code="777-3",
                value=LAB_VALUE,
                unit="10*3/uL",
                collected_at=datetime(2026, 3, 20, 8, 0, tzinfo=UTC),
            )
            labs.append(clinical_records.record_lab(uow, lab, by=ACTOR, now=NOW).id)
            uow.commit()
    return labs


def _unprotect(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        connection.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
    else:
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run(["audit", "verify"])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("platform", SQL_BACKENDS, indirect=True)
def test_an_untouched_anchored_trail_verifies(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(platform)
    code, text = _verify(capsys)
    assert code == 0, text
    assert "10 entries verified" in text  # centre + 3 x (patient, identity, lab)
    assert "signed checkpoints agree" in text


@pytest.mark.parametrize("platform", SQL_BACKENDS, indirect=True)
def test_verify_fails_after_one_audit_row_is_edited(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(platform)
    with platform.engine.begin() as connection:
        _unprotect(connection)
        connection.exec_driver_sql("UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = 4")
    code, text = _verify(capsys)
    assert code == 1
    assert "audit trail broken at entry 4: content does not match its hash" in text


@pytest.mark.parametrize("platform", SQL_BACKENDS, indirect=True)
def test_verify_fails_after_the_last_three_audit_rows_are_deleted(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(platform)
    with platform.engine.begin() as connection:
        _unprotect(connection)
        connection.exec_driver_sql("DELETE FROM audit_log WHERE seq > 7")
    code, text = _verify(capsys)
    assert code == 1
    assert "the audit trail ends at entry 7" in text
    assert "says it reached entry 10: entries were deleted from the end" in text


@pytest.mark.parametrize("platform", SQL_BACKENDS, indirect=True)
def test_verify_fails_after_an_entry_is_edited_and_every_later_hash_recomputed(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(platform)
    with SqlUnitOfWork(platform.engine) as uow:
        entries = list(uow.audit.entries())
    prev_hash = entries[2].hash
    rewritten = []
    for entry in entries[3:]:  # from entry 4: a different actor, then the chain resealed
        actor = "user:someone-else" if entry.seq == 4 else entry.actor
        fields = {f: getattr(entry, f) for f in AuditDraft.__dataclass_fields__}
        sealed = seal(AuditDraft(**{**fields, "actor": actor}), seq=entry.seq, prev_hash=prev_hash)
        rewritten.append(sealed)
        prev_hash = sealed.hash
    with platform.engine.begin() as connection:
        _unprotect(connection)
        for entry in rewritten:
            connection.execute(
                sa.text(
                    "UPDATE audit_log SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s"
                ),
                {"a": entry.actor, "p": entry.prev_hash, "h": entry.hash, "s": entry.seq},
            )
    code, text = _verify(capsys)
    assert code == 1
    assert "differs from the signed checkpoint" in text
    assert "the chain was rewritten" in text


@pytest.mark.parametrize("platform", SQL_BACKENDS, indirect=True)
def test_verify_fails_naming_table_and_id_but_no_value_after_a_lab_value_is_changed_in_sql(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    lab_id = _seed(platform)[1]
    with platform.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE lab_result SET value = 18.0 WHERE id = :id"), {"id": lab_id}
        )
    code, text = _verify(capsys)
    assert code == 1
    assert f"lab_result {lab_id}: the stored row differs from its last audit entry" in text
    assert "18.0" not in text
    assert str(LAB_VALUE) not in text


@pytest.mark.parametrize("platform", ["sqlite"], indirect=True)
def test_verify_fails_when_a_checkpoint_line_was_altered(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(platform)
    assert platform.audit_anchor is not None
    path = platform.audit_anchor.checkpoint_file
    lines = path.read_text().splitlines()
    forged = {**json.loads(lines[-1]), "seq": 3}  # "the chain only reached entry 3"
    path.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    code, text = _verify(capsys)
    assert code == 1
    assert f"checkpoint line {len(lines)} does not verify with the public key" in text


@pytest.mark.parametrize("platform", ["sqlite"], indirect=True)
def test_init_keeps_the_key_owner_only_and_apart_from_the_database_and_checkpoints(
    platform: Platform,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = tmp_path / "fresh-keys" / "audit.pem"
    checkpoints = tmp_path / "fresh-anchor" / "cp.jsonl"
    monkeypatch.setenv("LUPUS_SCT_AUDIT_KEY_FILE", str(key))
    monkeypatch.setenv("LUPUS_SCT_AUDIT_CHECKPOINT_FILE", str(checkpoints))
    assert run(["init"]) == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(checkpoints.stat().st_mode) == 0o600
    assert key.parent != checkpoints.parent
    (line,) = checkpoints.read_text().splitlines()  # the first administrator's commit
    with SqlUnitOfWork(platform.engine) as uow:
        assert (json.loads(line)["seq"], json.loads(line)["hash"]) == uow.audit.head()
    code, text = _verify(capsys)
    assert code == 0, text
