"""Composition root of the served application: the API and the web pages as one ASGI app.

It sits above :mod:`lupus_sct.api` and :mod:`lupus_sct.web`, which never import each other. The
command line starts it without importing it: ``lupus-sct serve`` hands uvicorn the import string
of :func:`served_app` (:data:`lupus_sct.http.serving.APP_FACTORY`), so ``cli`` imports neither.
"""

from __future__ import annotations

from fastapi import FastAPI

from lupus_sct import __version__
from lupus_sct.api.app import DESCRIPTION, DOCS_URL, OPENAPI_URL, mount_api
from lupus_sct.bootstrap import Platform, bootstrap
from lupus_sct.config import Settings
from lupus_sct.http.anonymous_limit import AnonymousRateLimit
from lupus_sct.http.errors import install_error_handlers
from lupus_sct.http.limits import EdgeChecks
from lupus_sct.http.middleware import IdempotencyKeys, SecurityHeaders
from lupus_sct.http.serving import settings_to_serve
from lupus_sct.services.eligibility.screening_jobs import ScreeningJobs
from lupus_sct.web.decision_aid import mount_decision_aid
from lupus_sct.web.pages import mount_web


def create_app(settings: Settings, platform: Platform | None = None) -> FastAPI:
    """The ASGI application for ``settings`` (a prepared ``platform`` may be injected by tests)."""
    platform = platform or bootstrap(settings)
    app = FastAPI(
        title="lupus-sct",
        version=__version__,
        description=DESCRIPTION,
        docs_url=DOCS_URL,
        openapi_url=OPENAPI_URL,
    )
    app.state.platform = platform
    app.state.screening_jobs = ScreeningJobs()
    mount_api(app, platform)
    install_error_handlers(app)
    mount_web(app, platform)
    mount_decision_aid(app, platform)
    app.add_middleware(IdempotencyKeys)
    app.add_middleware(EdgeChecks)  # outside the keys, inside the headers
    app.add_middleware(AnonymousRateLimit)  # before any body is read; its 429 carries the headers
    app.add_middleware(SecurityHeaders)
    return app


def served_app() -> FastAPI:
    """The application ``lupus-sct serve`` runs (uvicorn's factory, see lupus_sct.http.serving)."""
    return create_app(settings_to_serve())
