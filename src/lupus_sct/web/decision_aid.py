"""The public decision aid: GET /decision-aid (HTML, no login) and GET /decision-aid.pdf.

Here are the routes, the render-once cache and the HTTP answers; the page and the handout are
drawn by :mod:`lupus_sct.rendering.decision_aid`.

References
----------
Joseph-Williams N et al. Med Decis Making 2014;34(6):699-710. doi:10.1177/0272989X13501721
and Elwyn G et al. BMJ 2006;333:417. doi:10.1136/bmj.38926.629329.AE (IPDAS criteria; the
tests in tests/web/test_decision_aid_ipdas.py check one criterion each).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from lupus_sct import __version__
from lupus_sct.bootstrap import Platform
from lupus_sct.rendering.decision_aid import (
    PACKAGE,
    STATIC_FOLDER,
    STYLESHEET,
    handout_pdf,
    page_html,
)
from lupus_sct.services.evidence.decision_aid import build_decision_aid
from lupus_sct.services.evidence.studies import load_evidence
from lupus_sct.web.decision_aid_view import (
    IMPORTANCE,
    SURE_QUESTIONS,
    chosen_options,
    population_of,
    sure_answers,
    value_items,
)
from lupus_sct.web.rendered_once import RenderedOnce, entity_tag

STATIC_URL = "/decision-aid/static"
QueryList = Annotated[list[str] | None, Query()]
PUBLIC_CACHE_CONTROL = "public, max-age=3600"  # the aid carries its date: refetched hourly


def mount_decision_aid(app: FastAPI, platform: Platform) -> None:
    """Add GET /decision-aid, GET /decision-aid.pdf and the aid's static files to ``app``.

    Both are public and rendered once per content version (app version, evidence table, date and
    the reader's normalised choices), then served from memory with an ETag (issue 15, finding 4).
    """
    rows = load_evidence()
    evidence_digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    pages = RenderedOnce()
    handouts = RenderedOnce()
    app.state.decision_aid_renders = {"page": pages, "pdf": handouts}
    static = StaticFiles(packages=[(PACKAGE, STATIC_FOLDER)])
    app.mount(STATIC_URL, static, name="decision_aid_static")

    def context(query: Mapping[str, str], kidney: str, option: list[str] | None) -> dict[str, Any]:
        population = population_of(kidney)
        aid = build_decision_aid(rows, population=population, options=chosen_options(option or []))
        return {
            "aid": aid,
            "kidney": kidney if kidney in ("yes", "no", "unsure") else "unsure",
            "option_keys": [o.key.value for o in aid.options],
            "values": value_items(query),
            "importance": IMPORTANCE,
            "sure_questions": SURE_QUESTIONS,
            "sure": sure_answers(query),
            "leaning": query.get("leaning", ""),
            "submitted_values": "values" in query,
            "produced_on": _today(platform),
            "version": __version__,
            "stylesheet": f"{STATIC_URL}/{STYLESHEET}",
            "query_string": "",
            "print_mode": False,
        }

    def version_of(query: Mapping[str, str], kidney: str, option: list[str] | None) -> Any:
        return (
            __version__,
            evidence_digest,
            _today(platform),
            content_inputs(query, kidney, option),
        )

    @app.get("/decision-aid", response_class=HTMLResponse, include_in_schema=False)
    async def decision_aid_page(
        request: Request, kidney: str = "unsure", option: QueryList = None
    ) -> Response:
        query = dict(request.query_params)
        key = (version_of(query, kidney, option), str(request.url.query))

        def render() -> bytes:
            page = context(query, kidney, option) | {"query_string": str(request.url.query)}
            return page_html(page).encode()

        body = await pages.get(key, render)
        return _public(request, body, "text/html; charset=utf-8", {})

    @app.get("/decision-aid.pdf", include_in_schema=False)
    async def decision_aid_pdf(
        request: Request, kidney: str = "unsure", option: QueryList = None
    ) -> Response:
        query = dict(request.query_params)

        def render() -> bytes:
            return handout_pdf(context(query, kidney, option))

        body = await handouts.get(version_of(query, kidney, option), render)
        disposition = {"Content-Disposition": 'inline; filename="lupus-decision-aid.pdf"'}
        return _public(request, body, "application/pdf", disposition)


def content_inputs(
    query: Mapping[str, str], kidney: str, option: list[str] | None
) -> tuple[Any, ...]:
    """What the reader chose, normalised as the page reads it (unknown values dropped)."""
    options = chosen_options(option or [])
    leaning = query.get("leaning", "")
    known_leanings = {o.value for o in options} | {"unsure"}
    return (
        population_of(kidney),
        kidney if kidney in ("yes", "no", "unsure") else "unsure",
        options,
        tuple(item.rating for item in value_items(query)),
        tuple(sorted(sure_answers(query).items())),
        leaning if leaning in known_leanings else "",
        "values" in query,
    )


def _public(request: Request, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
    tag = entity_tag(body)
    cache = {"ETag": tag, "Cache-Control": PUBLIC_CACHE_CONTROL}
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=cache)
    return Response(body, media_type=media_type, headers=cache | headers)


def _today(platform: Platform) -> date:
    return platform.clock.now().date()
