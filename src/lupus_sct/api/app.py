"""The REST API's routes, its health check and the description its OpenAPI document carries."""

from __future__ import annotations

from fastapi import FastAPI

from lupus_sct import __version__
from lupus_sct.api import (
    routes_account,
    routes_admin,
    routes_courses,
    routes_evidence,
    routes_pathway,
    routes_patients,
    routes_records,
)
from lupus_sct.bootstrap import Platform

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
DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/v1/openapi.json"


def mount_api(app: FastAPI, platform: Platform) -> None:
    """Add the health check and every ``/api/v1`` route to ``app``."""

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
