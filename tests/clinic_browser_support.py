"""Serve a seeded clinic with uvicorn on a free port and drive it with the system Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from clinic_app_support import Clinic

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTEFACTS = Path(__file__).resolve().parent.parent / "artefacts" / "screenshots"


def require_chromium() -> None:
    """Skip without Debian's chromium locally; under CI=true a missing browser is a failure."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{CHROMIUM} is missing (CI=true: the browser tests must run)")
    pytest.skip(f"{CHROMIUM} is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(clinic: Clinic) -> Iterator[str]:
    """The clinic's app served by uvicorn in a background thread; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            clinic.app, host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Screenshots:
    """Saves page screenshots under the test's tmp_path and copies them to artefacts/."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder = folder
        self.prefix = prefix
        self.saved: list[Path] = []

    def take(self, page, name: str) -> Path:  # type: ignore[no-untyped-def]
        path = self.folder / f"{self.prefix}-{len(self.saved) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, ARTEFACTS / path.name)
        self.saved.append(path)
        return path
