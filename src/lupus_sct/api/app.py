"""Application factory: ``create_app(settings)`` builds the API and mounts the web pages."""

from __future__ import annotations

from fastapi import FastAPI

from lupus_sct import __version__
from lupus_sct.bootstrap import Platform, bootstrap
from lupus_sct.config import Settings
from lupus_sct.web.pages import mount_web


def create_app(settings: Settings, platform: Platform | None = None) -> FastAPI:
    """The ASGI application for ``settings`` (a prepared ``platform`` may be injected by tests)."""
    platform = platform or bootstrap(settings)
    app = FastAPI(
        title="lupus-sct",
        version=__version__,
        description="Clinical platform for cell-therapy programmes in lupus and RA.",
        docs_url="/api/docs",
        openapi_url="/api/v1/openapi.json",
    )
    app.state.platform = platform

    @app.get("/api/v1/health", tags=["system"])
    def health() -> dict[str, str | None]:
        """Liveness and schema version."""
        current, head = platform.schema_status()
        return {
            "status": "ok" if current == head else "schema_outdated",
            "version": __version__,
            "schema": current,
            "schema_newest": head,
        }

    mount_web(app, platform)
    return app


def run_server(settings: Settings, *, host: str, port: int) -> None:
    """Serve the app with uvicorn until interrupted."""
    import uvicorn

    print(f"lupus-sct serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
