"""What every command shares: the platform for the current settings and one-line failures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lupus_sct.bootstrap import Platform, bootstrap
from lupus_sct.config import Settings

EXIT_INVALID_INPUT = 2


class CliError(Exception):
    """A failure to report as one line with an exit code (2: input the user can correct)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@contextmanager
def open_platform() -> Iterator[Platform]:
    """The platform for the settings in the environment, closed afterwards."""
    platform = bootstrap(Settings())
    try:
        yield platform
    finally:
        platform.close()
