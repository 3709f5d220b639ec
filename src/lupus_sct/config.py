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


def default_config_dir() -> Path:
    """The user's configuration directory for lupus-sct (e.g. ~/.config/lupus-sct)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


class Settings(BaseSettings):
    """Where the data lives and how the app is served."""

    model_config = SettingsConfigDict(env_prefix="LUPUS_SCT_", extra="ignore")

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in data_dir"
    )
    data_dir: Path = Field(default_factory=default_data_dir)
    config_dir: Path = Field(default_factory=default_config_dir)
    audit_key_file: Path | None = Field(
        default=None,
        description="Ed25519 key signing audit checkpoints; default: config_dir, never the DB",
    )
    audit_checkpoint_file: Path | None = Field(
        default=None, description="Signed audit checkpoints; default: data_dir"
    )
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

    @property
    def resolved_audit_key_file(self) -> Path:
        """The audit signing key (its public half beside it, suffix ``.pub``): docs/adr/0005."""
        return self.audit_key_file or self.config_dir / "audit-signing-key.pem"

    @property
    def resolved_audit_checkpoint_file(self) -> Path:
        """The file of signed audit checkpoints (one JSON object a line): docs/adr/0005."""
        return self.audit_checkpoint_file or self.data_dir / "audit-checkpoints.jsonl"
