"""Settings, read from the environment (prefix ``LUPUS_SCT_``) by entrypoints, never at import."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "lupus-sct"


def default_data_dir() -> Path:
    """The user's data directory for lupus-sct (e.g. ~/.local/share/lupus-sct)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class Settings(BaseSettings):
    """Where the data lives and how the app is served."""

    model_config = SettingsConfigDict(env_prefix="LUPUS_SCT_", extra="ignore")

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in data_dir"
    )
    data_dir: Path = Field(default_factory=default_data_dir)
    protocol_dir: Path | None = Field(
        default=None, description="A folder of the centre's own protocol YAML files"
    )
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force (the embedded SQLite file unless one is configured)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'lupus-sct.db'}"
