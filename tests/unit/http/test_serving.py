"""``lupus-sct serve`` runs the composition root by its import string, with the CLI's settings."""

from __future__ import annotations

from pathlib import Path

import pytest
import uvicorn
from uvicorn.importer import import_from_string

from lupus_sct import server
from lupus_sct.config import Settings
from lupus_sct.http import serving


def test_the_factory_string_names_the_composition_root() -> None:
    assert import_from_string(serving.APP_FACTORY) is server.served_app


def test_the_server_has_no_access_log_and_builds_the_app_from_the_factory() -> None:
    config = serving.server_config(host="127.0.0.1", port=8123)
    assert config.app == serving.APP_FACTORY
    assert config.factory is True
    assert config.access_log is False  # request paths hold patient ids


def test_the_settings_the_command_resolved_are_the_ones_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handed = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    seen: list[Settings] = []
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda self: seen.append(serving.settings_to_serve())
    )
    serving.run_server(handed, host="127.0.0.1", port=8123)
    assert seen == [handed]
    assert serving.settings_to_serve() is not handed  # handed over for that run only
