"""Issue 15 finding 15: `lupus-sct init` made the database world-readable; now owner only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from lupus_sct.store import database

USUAL_UMASK = 0o022  # the common default, which leaves new files readable by everyone


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_creates_the_database_file_for_its_owner_only_and_its_folder_likewise(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    environment = {**os.environ, "LUPUS_SCT_DATA_DIR": str(data_dir)}
    environment.pop("LUPUS_SCT_DATABASE_URL", None)
    previous = os.umask(USUAL_UMASK)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "lupus_sct.cli", "init"],
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
            check=False,
        )
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    assert _mode(data_dir / "lupus-sct.db") == 0o600
    assert _mode(data_dir) == 0o700


def test_the_sqlite_write_ahead_log_and_shared_memory_files_are_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fresh" / "lupus-sct.db"
    previous = os.umask(USUAL_UMASK)
    try:
        engine = database.create_engine(f"sqlite:///{path}")
        with engine.connect() as connection:
            connection.execute(sa.text("CREATE TABLE t (x INTEGER)"))
            connection.commit()
            modes = {suffix: _mode(Path(f"{path}{suffix}")) for suffix in ("", "-wal", "-shm")}
        engine.dispose()
    finally:
        os.umask(previous)
    assert modes == {"": 0o600, "-wal": 0o600, "-shm": 0o600}
