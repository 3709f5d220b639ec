"""How ``lupus-sct serve`` runs the application: uvicorn, no access log, no patient data in logs.

The command line may not import the API or the web pages (they are independent entry points), so
uvicorn is given the import string of the composition root, :data:`APP_FACTORY`, and the settings
the command resolved are handed to that factory in this process by :func:`settings_to_serve`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lupus_sct import log_privacy
from lupus_sct.config import Settings

if TYPE_CHECKING:
    import uvicorn

APP_FACTORY = "lupus_sct.server:served_app"  # built by uvicorn in this process (factory=True)
_handed_over: list[Settings] = []


def settings_to_serve() -> Settings:
    """The settings :func:`run_server` was given, else those in the environment."""
    return _handed_over[-1] if _handed_over else Settings()


def run_server(settings: Settings, *, host: str, port: int) -> None:
    """Serve the application for ``settings`` with uvicorn until interrupted."""
    import uvicorn

    print(f"lupus-sct serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    _handed_over.append(settings)
    try:
        uvicorn.Server(server_config(host=host, port=port)).run()
    finally:
        _handed_over.remove(settings)


def server_config(*, host: str, port: int) -> uvicorn.Config:
    """The uvicorn configuration: no access log, and log records without patient data."""
    import uvicorn

    log_privacy.install()
    return uvicorn.Config(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,  # request paths hold patient ids; no patient data in logs
        proxy_headers=True,  # X-Forwarded-Proto from the TLS proxy: Secure cookies, HSTS
    )
