"""The application factory serves the status page and the health endpoint."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lupus_sct.bootstrap import bootstrap
from lupus_sct.config import Settings
from lupus_sct.server import create_app
from lupus_sct.store import database


def _client(engine: sa.Engine) -> TestClient:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    return TestClient(create_app(settings, bootstrap(settings)))


def test_health_reports_the_schema_revision(sqlite_engine: sa.Engine) -> None:
    response = _client(sqlite_engine).get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["schema"] == body["schema_newest"] == database.head_revision()


def test_the_status_page_serves_its_packaged_stylesheet(sqlite_engine: sa.Engine) -> None:
    client = _client(sqlite_engine)
    page = client.get("/")
    assert page.status_code == 200
    assert "<h1>lupus-sct</h1>" in page.text
    assert "(up to date)" in page.text
    assert "https://" not in page.text  # nothing from a CDN
    assert client.get("/static/app.css").status_code == 200


def test_the_openapi_document_is_versioned(sqlite_engine: sa.Engine) -> None:
    schema = _client(sqlite_engine).get("/api/v1/openapi.json").json()
    assert "/api/v1/health" in schema["paths"]
