"""Pages: for now a status page; the clinical pages come with the web issue (#8)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from lupus_sct import __version__
from lupus_sct.bootstrap import Platform

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def mount_web(app: FastAPI, platform: Platform) -> None:
    """Add the web pages and the packaged static files to ``app``."""
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        current, head = platform.schema_status()
        return templates.TemplateResponse(
            request,
            "home.html",
            {
                "version": __version__,
                "database": platform.database_label(),
                "schema": current,
                "schema_ok": current == head,
            },
        )
