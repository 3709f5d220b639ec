"""CPU per anonymous request for the decision-aid PDF: rendered per request vs served once rendered.

Issue #15, finding 4: every anonymous ``GET /decision-aid.pdf`` rendered the handout with
WeasyPrint (seconds of CPU each). The peer here is that old path, reproduced by asking for a
content version not yet rendered (each answer to "Do you have kidney involvement?" is its own
version), against the same version asked again (served from memory). Both go through the whole
application in this process (FastAPI's TestClient), so ``time.process_time`` counts the render
threads too. Prints CPU per request and the ratio. Synthetic setting: an empty SQLite database.

Usage: .venv/bin/python bench/bench_decision_aid.py [--repeats 20]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from lupus_sct.config import Settings
from lupus_sct.server import create_app

KIDNEY_ANSWERS = ("yes", "no", "unsure")  # three content versions: each renders once


def _cpu_per_request(client: TestClient, paths: list[str]) -> float:
    started = time.process_time()
    for path in paths:
        answer = client.get(path)
        if answer.status_code != 200:
            raise SystemExit(f"{path} answered {answer.status_code}")
    return (time.process_time() - started) / len(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="cached requests to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lupus-sct-bench-") as folder:
        settings = Settings(
            data_dir=Path(folder),
            config_dir=Path(folder) / "keys",
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
        )
        app = create_app(settings)
        app.state.platform.upgrade_schema()
        with TestClient(app) as client:
            rendered = _cpu_per_request(
                client, [f"/decision-aid.pdf?kidney={k}" for k in KIDNEY_ANSWERS]
            )
            cached = _cpu_per_request(client, ["/decision-aid.pdf?kidney=yes"] * args.repeats)
            renders = app.state.decision_aid_renders["pdf"].renders
        app.state.platform.close()
    print(f"rendered per request (old path, {len(KIDNEY_ANSWERS)} versions): {rendered:.3f} s CPU")
    print(f"served once rendered ({args.repeats} requests):  {cached * 1000:.2f} ms CPU")
    print(f"renders in all: {renders}; rendered / cached: {rendered / cached:,.0f}x")


if __name__ == "__main__":
    main()
