"""Application factory: ``create_app(settings)`` builds the API and mounts the web pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from lupus_sct import __version__, log_privacy
from lupus_sct.api import (
    routes_account,
    routes_admin,
    routes_courses,
    routes_evidence,
    routes_pathway,
    routes_patients,
    routes_records,
)
from lupus_sct.api.anonymous_limit import AnonymousRateLimit
from lupus_sct.api.errors import install_error_handlers
from lupus_sct.api.limits import EdgeChecks
from lupus_sct.api.middleware import IdempotencyKeys, SecurityHeaders
from lupus_sct.bootstrap import Platform, bootstrap
from lupus_sct.config import Settings
from lupus_sct.services.eligibility.screening_jobs import ScreeningJobs
from lupus_sct.web.decision_aid import mount_decision_aid
from lupus_sct.web.pages import mount_web

if TYPE_CHECKING:
    import uvicorn

DESCRIPTION = """Clinical platform for cell-therapy programmes in lupus and RA.

Authenticate with a browser session (cookie, plus the `X-CSRF-Token` header on writes) or with
`Authorization: Bearer <token>` (tokens are issued at `POST /api/v1/me/tokens` with scopes,
from a browser session with the password typed again; they last 30 days unless set, 90 at most).
Security settings (tokens, TOTP, password, users) never change with a token: 403.
Every patient read is limited to the user's centres; a record of another centre answers 404.
Single records carry an `ETag`; send it back in `If-Match` to change them (409 if stale).
A POST with an `Idempotency-Key` header is performed once; repeats get the first answer.
Refusals answer `{field, value, accepted, message}`.
"""


def create_app(settings: Settings, platform: Platform | None = None) -> FastAPI:
    """The ASGI application for ``settings`` (a prepared ``platform`` may be injected by tests)."""
    platform = platform or bootstrap(settings)
    app = FastAPI(
        title="lupus-sct",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/api/docs",
        openapi_url="/api/v1/openapi.json",
    )
    app.state.platform = platform
    app.state.screening_jobs = ScreeningJobs()

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

    for module in (
        routes_patients,
        routes_records,
        routes_courses,
        routes_pathway,
        routes_evidence,
        routes_admin,
        routes_account,
    ):
        app.include_router(module.router)
    install_error_handlers(app)
    mount_web(app, platform)
    mount_decision_aid(app, platform)
    app.add_middleware(IdempotencyKeys)
    app.add_middleware(EdgeChecks)  # outside the keys, inside the headers
    app.add_middleware(AnonymousRateLimit)  # before any body is read; its 429 carries the headers
    app.add_middleware(SecurityHeaders)
    return app


def run_server(settings: Settings, *, host: str, port: int) -> None:
    """Serve the app with uvicorn until interrupted."""
    import uvicorn

    print(f"lupus-sct serving on http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    uvicorn.Server(server_config(create_app(settings), host=host, port=port)).run()


def server_config(app: FastAPI, *, host: str, port: int) -> uvicorn.Config:
    """How ``lupus-sct serve`` runs ``app``: no access log, and log records without patient data."""
    import uvicorn

    log_privacy.install()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,  # request paths hold patient ids; no patient data in logs
        proxy_headers=True,  # X-Forwarded-Proto from the TLS proxy: Secure cookies, HSTS
    )
