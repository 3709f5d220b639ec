"""``lupus-sct user`` and ``lupus-sct token``: ending access from the console (issue 15, no. 8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LUPUS_SCT_DATA_DIR": str(data_dir)}
    environment.pop("LUPUS_SCT_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "lupus_sct.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def _init(tmp_path: Path) -> str:
    first = run_cli(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    return first.stdout.split("initial password (shown once): ")[1].strip()


def test_an_operator_disables_and_enables_an_account(tmp_path: Path) -> None:
    _init(tmp_path)
    disabled = run_cli(tmp_path, "user", "disable", "admin")
    assert disabled.returncode == 0, disabled.stderr
    assert run_cli(tmp_path, "user", "list").stdout.split() == ["admin", "admin", "disabled"]
    assert run_cli(tmp_path, "user", "enable", "admin").returncode == 0
    assert run_cli(tmp_path, "user", "list").stdout.split() == ["admin", "admin", "active"]


def test_a_password_reset_prints_a_new_password_once_and_refuses_a_weak_one(
    tmp_path: Path,
) -> None:
    old = _init(tmp_path)
    reset = run_cli(tmp_path, "user", "reset-password", "admin")
    assert reset.returncode == 0, reset.stderr
    new = reset.stdout.split("new password (shown once): ")[1].strip()
    assert new != old
    assert len(new) >= 12
    weak = tmp_path / "weak"
    weak.write_text("password1234\n")
    refused = run_cli(tmp_path, "user", "reset-password", "admin", "--password-file", str(weak))
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: new_password:")
    assert "password1234" not in refused.stderr


def test_an_unknown_user_or_token_is_a_one_line_error(tmp_path: Path) -> None:
    _init(tmp_path)
    nobody = run_cli(tmp_path, "user", "disable", "nobody")
    assert nobody.returncode == 2
    assert len(nobody.stderr.strip().splitlines()) == 1
    token = run_cli(tmp_path, "token", "revoke", "no-such-token")
    assert token.returncode == 2
    assert "Traceback" not in token.stderr
    assert run_cli(tmp_path, "token", "list", "admin").stdout == ""
