"""A real ``lupus-sct serve`` in a subprocess, and signed-in sessions for it.

The server is the one users run (uvicorn with the project's logging set-up), so a dropped
connection is seen by the client and every line the server logs is in :attr:`LiveServer.stderr`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import httpx2 as httpx

from clinic_app_support import PASSWORD, Clinic
from lupus_sct.domain.records.people import Role
from lupus_sct.http.context import CSRF_HEADER, SESSION_COOKIE
from lupus_sct.services.accounts import sign_in as auth

STARTUP_SECONDS = 60  # a shared CI machine may be slow to import the app


class LiveServer:
    """A running server: its address; :meth:`stop` ends it and returns what it wrote to stderr."""

    def __init__(self, base_url: str, process: subprocess.Popen[bytes], errors: IO[str]) -> None:
        self.base_url = base_url
        self._process = process
        self._errors = errors
        self.stderr = ""

    def stop(self) -> str:
        """Stop the server (once) and return everything it wrote to stderr."""
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=30)
        if not self._errors.closed:
            self._errors.seek(0)
            self.stderr = self._errors.read()
            self._errors.close()
        return self.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def live_server(database_url: str, folder: Path) -> Iterator[LiveServer]:
    """``lupus-sct serve`` on a free localhost port, stopped on exit."""
    port = _free_port()
    env = {
        **os.environ,
        "LUPUS_SCT_DATABASE_URL": database_url,
        "LUPUS_SCT_DATA_DIR": str(folder / "data"),
        "LUPUS_SCT_CONFIG_DIR": str(folder / "config"),
    }
    command = [sys.executable, "-c", "from lupus_sct.cli.main import main; main()"]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
    errors = (folder / "server-stderr.txt").open("w+", encoding="utf-8", errors="replace")
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    server = LiveServer(f"http://127.0.0.1:{port}", process, errors)
    try:
        _wait_until_up(server.base_url, process)
        yield server
    finally:
        server.stop()


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"lupus-sct serve exited with {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base_url}/api/v1/health", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("lupus-sct serve did not answer in time")


def signed_in_headers(clinic: Clinic, role: Role) -> tuple[dict[str, str], dict[str, str]]:
    """Cookies and headers of a fresh session of the centre-A user of ``role`` (real clock)."""
    result = auth.sign_in(
        clinic.platform.uow(),
        username=clinic.usernames[role],
        password=PASSWORD,
        hasher=clinic.platform.hasher,
        now=datetime.now(UTC),
    )
    cookies = {SESSION_COOKIE: result.session_secret}
    return cookies, {CSRF_HEADER: auth.csrf_token(result.session_secret)}
